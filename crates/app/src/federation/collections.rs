//! What a local community's (or guild's) ActivityPub collections list. Whether the reader may
//! see a collection at all, and which discussions it lists, is decided by
//! `guildhall_domain::visibility` before these are called.

use guildhall_domain::MembershipStatus;
use guildhall_domain::guild::LinkState;
use guildhall_domain::visibility::OutboxListing;
use guildhall_store::discussions::{Hidden, Sort};
use guildhall_store::entities::{account, community, discussion, reply};

use crate::{AppContext, Result};

/// Most moderators listed in `/c/{name}/moderators` (from the first active memberships).
const MODERATORS_READ: u64 = 100;
/// Most discussions listed in an outbox or featured collection.
const OUTBOX_SIZE: u64 = 20;

/// How many active members a community has (`/c/{name}/followers` shows the count only).
pub async fn follower_count(ctx: &AppContext, community_id: i64) -> Result<u64> {
    let counts = guildhall_store::communities::member_counts(ctx.db(), &[community_id]).await?;
    Ok(counts.get(&community_id).copied().unwrap_or(0))
}

/// The accounts of a community's moderators, among its first active memberships.
pub async fn moderators(ctx: &AppContext, community_id: i64) -> Result<Vec<account::Model>> {
    let page = crate::page(Some(1), Some(MODERATORS_READ));
    let rows =
        guildhall_store::communities::list_memberships(ctx.db(), community_id, MembershipStatus::Active, page).await?;
    Ok(rows.items.into_iter().filter(|(m, _)| m.is_moderator).map(|(_, a)| a).collect())
}

/// A community's newest discussions as `listing` allows (pinned ones only when `featured`),
/// deleted ones left out.
pub async fn outbox_discussions(
    ctx: &AppContext,
    community_id: i64,
    listing: OutboxListing,
    featured: bool,
) -> Result<Vec<discussion::Model>> {
    let hidden = Hidden { members_only: !listing.members_only, author_domains: vec![] };
    let page = crate::page(Some(1), Some(OUTBOX_SIZE));
    let rows = guildhall_store::discussions::list_visible(ctx.db(), community_id, Sort::New, &hidden, page).await?;
    Ok(rows.items.into_iter().filter(|d| d.deleted_at.is_none() && (!featured || d.pinned)).collect())
}

/// Most replies listed in a discussion's `replies` collection.
const REPLIES_SIZE: u64 = 200;

/// A discussion's first replies in threaded order (each after its parent), deleted ones left
/// out. Whether the reader may see the discussion is decided before this is called.
pub async fn discussion_replies(ctx: &AppContext, discussion_id: i64) -> Result<Vec<reply::Model>> {
    let page = crate::page(Some(1), Some(REPLIES_SIZE));
    let rows = guildhall_store::discussions::list_replies(ctx.db(), discussion_id, page).await?;
    Ok(rows.items.into_iter().filter(|r| r.deleted_at.is_none()).collect())
}

/// A guild's member communities: those whose link is active (asked and accepted).
pub async fn guild_members(ctx: &AppContext, guild_id: i64) -> Result<Vec<community::Model>> {
    Ok(guildhall_store::guilds::links_of_guild(ctx.db(), guild_id)
        .await?
        .into_iter()
        .filter(|(l, _)| l.state == LinkState::Active)
        .map(|(_, c)| c)
        .collect())
}
