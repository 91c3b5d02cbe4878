//! Guilds and their links to communities.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::entities::{account, community, discussion, event, guild_link, membership};
use crate::{Page, Paged, Result};
use guildhall_domain::MembershipStatus;
use guildhall_domain::guild::LinkState;

/// Marks a just-inserted community as a guild with its focus.
pub async fn make_guild<C: ConnectionTrait>(db: &C, c: community::Model, focus: &str) -> Result<community::Model> {
    let mut m: community::ActiveModel = c.into();
    m.kind = Set("guild".into());
    m.guild_focus = Set(focus.into());
    Ok(m.update(db).await?)
}

/// Guilds (local and known remote ones) by name.
pub async fn list_guilds<C: ConnectionTrait>(db: &C, page: Page) -> Result<Paged<community::Model>> {
    let rows = community::Entity::find()
        .filter(community::Column::Kind.eq("guild"))
        .order_by_asc(community::Column::Name)
        .order_by_asc(community::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// The link between a guild and a community, if any.
pub async fn find_link<C: ConnectionTrait>(
    db: &C,
    guild_id: i64,
    community_id: i64,
) -> Result<Option<guild_link::Model>> {
    Ok(guild_link::Entity::find()
        .filter(guild_link::Column::GuildId.eq(guild_id))
        .filter(guild_link::Column::CommunityId.eq(community_id))
        .one(db)
        .await?)
}

/// Finds a link by id.
pub async fn find_link_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<guild_link::Model>> {
    Ok(guild_link::Entity::find_by_id(id).one(db).await?)
}

/// Fields of a new or changed link.
pub struct LinkChange {
    /// `requested`, `invited` or `active`.
    pub state: LinkState,
    /// The local person who acted, if any.
    pub initiated_by: Option<i64>,
    /// The `Offer`/`Invite` that opened the link, if known.
    pub offer_ap_id: Option<String>,
}

/// Creates the link or changes its state (keeping a known offer id when none is given).
pub async fn save_link<C: ConnectionTrait>(
    db: &C,
    guild_id: i64,
    community_id: i64,
    change: LinkChange,
    now: DateTime<Utc>,
) -> Result<guild_link::Model> {
    match find_link(db, guild_id, community_id).await? {
        Some(existing) => {
            let mut m: guild_link::ActiveModel = existing.into();
            m.state = Set(change.state);
            if change.offer_ap_id.is_some() {
                m.offer_ap_id = Set(change.offer_ap_id);
            }
            if change.initiated_by.is_some() {
                m.initiated_by = Set(change.initiated_by);
            }
            m.updated_at = Set(now);
            Ok(m.update(db).await?)
        }
        None => Ok(guild_link::ActiveModel {
            guild_id: Set(guild_id),
            community_id: Set(community_id),
            state: Set(change.state),
            initiated_by: Set(change.initiated_by),
            offer_ap_id: Set(change.offer_ap_id),
            contacts: Set("[]".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?),
    }
}

/// Records the managers a guild shows for a member community (actor ids).
pub async fn set_contacts<C: ConnectionTrait>(db: &C, link_id: i64, contacts: &[String]) -> Result<()> {
    guild_link::Entity::update_many()
        .col_expr(guild_link::Column::Contacts, Expr::value(crate::encode_list(contacts)))
        .filter(guild_link::Column::Id.eq(link_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a link; whether there was one.
pub async fn delete_link<C: ConnectionTrait>(db: &C, guild_id: i64, community_id: i64) -> Result<bool> {
    let r = guild_link::Entity::delete_many()
        .filter(guild_link::Column::GuildId.eq(guild_id))
        .filter(guild_link::Column::CommunityId.eq(community_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected > 0)
}

/// A guild's links (all states), with the communities, by community name.
pub async fn links_of_guild<C: ConnectionTrait>(
    db: &C,
    guild_id: i64,
) -> Result<Vec<(guild_link::Model, community::Model)>> {
    let links = guild_link::Entity::find().filter(guild_link::Column::GuildId.eq(guild_id)).all(db).await?;
    let ids: Vec<i64> = links.iter().map(|l| l.community_id).collect();
    let communities = community::Entity::find().filter(community::Column::Id.is_in(ids)).all(db).await?;
    let mut out: Vec<_> = links
        .into_iter()
        .filter_map(|l| communities.iter().find(|c| c.id == l.community_id).cloned().map(|c| (l, c)))
        .collect();
    out.sort_by(|a, b| (a.1.name.as_str(), a.1.domain.as_str()).cmp(&(b.1.name.as_str(), b.1.domain.as_str())));
    Ok(out)
}

/// A community's links (all states), with the guilds, by guild name.
pub async fn links_of_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<(guild_link::Model, community::Model)>> {
    let links = guild_link::Entity::find().filter(guild_link::Column::CommunityId.eq(community_id)).all(db).await?;
    let ids: Vec<i64> = links.iter().map(|l| l.guild_id).collect();
    let guilds = community::Entity::find().filter(community::Column::Id.is_in(ids)).all(db).await?;
    let mut out: Vec<_> =
        links.into_iter().filter_map(|l| guilds.iter().find(|g| g.id == l.guild_id).cloned().map(|g| (l, g))).collect();
    out.sort_by(|a, b| (a.1.name.as_str(), a.1.domain.as_str()).cmp(&(b.1.name.as_str(), b.1.domain.as_str())));
    Ok(out)
}

/// Communities whose content a guild shows: active members that are not private.
fn open_members(guild_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column((guild_link::Entity, guild_link::Column::CommunityId))
        .from(guild_link::Entity)
        .inner_join(
            community::Entity,
            Expr::col((community::Entity, community::Column::Id))
                .equals((guild_link::Entity, guild_link::Column::CommunityId)),
        )
        .and_where(Expr::col((guild_link::Entity, guild_link::Column::GuildId)).eq(guild_id))
        .and_where(Expr::col((guild_link::Entity, guild_link::Column::State)).eq(LinkState::Active))
        .and_where(
            Expr::col((community::Entity, community::Column::Visibility))
                .is_in(crate::visibilities_where(|v| guildhall_domain::guild::shared_with_guild(v).discussions)),
        )
        .to_owned()
}

/// The guild's combined feed: its own and its open member communities' discussions that are
/// not members-only and not deleted, newest first.
pub async fn feed<C: ConnectionTrait>(db: &C, guild_id: i64, page: Page) -> Result<Paged<discussion::Model>> {
    let rows = discussion::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(discussion::Column::CommunityId.in_subquery(open_members(guild_id)))
                .add(discussion::Column::CommunityId.eq(guild_id)),
        )
        .filter(discussion::Column::MembersOnly.eq(false))
        .filter(discussion::Column::DeletedAt.is_null())
        .order_by_desc(discussion::Column::CreatedAt)
        .order_by_desc(discussion::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// The guild's combined calendar: events of it and its open member communities that are not
/// members-only or deleted and end at or after `since`, soonest first.
pub async fn calendar<C: ConnectionTrait>(
    db: &C,
    guild_id: i64,
    since: DateTime<Utc>,
    page: Page,
) -> Result<Paged<event::Model>> {
    let rows = event::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(event::Column::CommunityId.in_subquery(open_members(guild_id)))
                .add(event::Column::CommunityId.eq(guild_id)),
        )
        .filter(event::Column::MembersOnly.eq(false))
        .filter(event::Column::DeletedAt.is_null())
        .filter(event::Column::EndsAt.gte(since))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Local guilds a community is an active member of (those that relay its posts).
pub async fn local_guilds_of<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<community::Model>> {
    let ids = Query::select()
        .column(guild_link::Column::GuildId)
        .from(guild_link::Entity)
        .and_where(guild_link::Column::CommunityId.eq(community_id))
        .and_where(guild_link::Column::State.eq(LinkState::Active))
        .to_owned();
    Ok(community::Entity::find()
        .filter(community::Column::Id.in_subquery(ids))
        .filter(community::Column::Domain.eq(""))
        .all(db)
        .await?)
}

/// Inboxes of the remote guilds a local community was an active member of by `as_of` (so a
/// post made before a link was agreed does not reach the guild when it is delivered later):
/// (inbox, domain).
pub async fn remote_guild_inboxes<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    let ids = Query::select()
        .column(guild_link::Column::GuildId)
        .from(guild_link::Entity)
        .and_where(guild_link::Column::CommunityId.eq(community_id))
        .and_where(guild_link::Column::State.eq(LinkState::Active))
        .and_where(guild_link::Column::UpdatedAt.lte(as_of))
        .to_owned();
    let guilds = community::Entity::find()
        .filter(community::Column::Id.in_subquery(ids))
        .filter(community::Column::Domain.ne(""))
        .all(db)
        .await?;
    let mut out: Vec<(String, String)> =
        guilds.into_iter().filter_map(|g| g.shared_inbox_url.or(g.inbox_url).map(|i| (i, g.domain))).collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The moderators of a community (its managers), by username.
pub async fn moderators<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<account::Model>> {
    let ids = Query::select()
        .column(membership::Column::AccountId)
        .from(membership::Entity)
        .and_where(membership::Column::CommunityId.eq(community_id))
        .and_where(membership::Column::Status.eq(MembershipStatus::Active))
        .and_where(membership::Column::IsModerator.eq(true))
        .to_owned();
    Ok(account::Entity::find()
        .filter(account::Column::Id.in_subquery(ids))
        .order_by_asc(account::Column::Username)
        .all(db)
        .await?)
}

/// Accounts by actor id (remote) — the guild's stored contacts.
pub async fn accounts_by_ap_ids<C: ConnectionTrait>(db: &C, ap_ids: &[String]) -> Result<Vec<account::Model>> {
    if ap_ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(account::Entity::find().filter(account::Column::ApId.is_in(ap_ids.iter().cloned())).all(db).await?)
}

#[derive(FromQueryResult)]
struct SharedRow {
    community_id: i64,
    n: i64,
}

/// For "communities like this one": other communities and guilds that share at least one
/// active member with `community_id`, with how many (at most `limit` rows, most shared first).
pub async fn shared_members<C: ConnectionTrait>(db: &C, community_id: i64, limit: u64) -> Result<Vec<(i64, u64)>> {
    let mine = Query::select()
        .column(membership::Column::AccountId)
        .from(membership::Entity)
        .and_where(membership::Column::CommunityId.eq(community_id))
        .and_where(membership::Column::Status.eq(MembershipStatus::Active))
        .to_owned();
    let rows = membership::Entity::find()
        .select_only()
        .column(membership::Column::CommunityId)
        .column_as(membership::Column::Id.count(), "n")
        .filter(membership::Column::AccountId.in_subquery(mine))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::CommunityId.ne(community_id))
        .group_by(membership::Column::CommunityId)
        .order_by_desc(membership::Column::Id.count())
        .limit(limit)
        .into_model::<SharedRow>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.community_id, Ord::max(r.n, 0) as u64)).collect())
}

/// Candidates that are not private, other than `community_id`, whose tags contain any of
/// `tags` (a coarse text match the caller refines), at most `limit`.
pub async fn tagged_like<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    tags: &[String],
    limit: u64,
) -> Result<Vec<community::Model>> {
    if tags.is_empty() {
        return Ok(vec![]);
    }
    let mut any = sea_orm::Condition::any();
    for t in tags {
        // Tags are stored as a JSON array of strings: match the quoted tag.
        any = any.add(community::Column::Tags.contains(format!("\"{t}\"")));
    }
    Ok(community::Entity::find()
        .filter(any)
        .filter(community::Column::Id.ne(community_id))
        .filter(
            community::Column::Visibility
                .is_in(crate::visibilities_where(guildhall_domain::visibility::suggested_as_related)),
        )
        .order_by_asc(community::Column::Name)
        .limit(limit)
        .all(db)
        .await?)
}

/// Communities by id.
pub async fn communities_by_ids<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<Vec<community::Model>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(community::Entity::find().filter(community::Column::Id.is_in(ids.iter().copied())).all(db).await?)
}

/// The organisation (department) running each of `domains`, as the network-map crawler last
/// read it from their directories; domains it never read are absent.
pub async fn organisations_of<C: ConnectionTrait>(
    db: &C,
    domains: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    use crate::entities::map_instance;
    if domains.is_empty() {
        return Ok(Default::default());
    }
    let rows = map_instance::Entity::find()
        .filter(map_instance::Column::Domain.is_in(domains.iter().cloned()))
        .filter(map_instance::Column::Organisation.ne(""))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.domain, r.organisation)).collect())
}
