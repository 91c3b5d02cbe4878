//! What a guild shows of its member communities: their public discussions (a combined feed),
//! their public events (a combined calendar), and their managers to contact. Private members
//! lend only their name and description. Also "communities like this one".

use chrono::{Duration, Utc};
use guildhall_domain::guild::{likeness, shared_with_guild};
use guildhall_store::{accounts, guilds as store, votes};
use serde::Serialize;
use utoipa::ToSchema;

use super::{handle_of, is_guild, load_guild};
use crate::communities::load;
use crate::events::EventView;
use crate::views::{AuthorView, DiscussionView, List};
use crate::{AppContext, Page, Result, Viewer};

/// A discussion in a guild's feed, with where it comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuildFeedItem {
    /// The discussion.
    #[serde(flatten)]
    pub discussion: DiscussionView,
    /// Its community's handle (`name` or `name@domain`).
    pub community_handle: String,
    /// Its community's title.
    pub community_title: String,
    /// The instance it lives on ('' for this one).
    pub instance: String,
}

/// The managers of one member community.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuildContactView {
    /// The community's handle.
    pub community: String,
    /// Its title.
    pub title: String,
    /// The instance it lives on ('' for this one).
    pub instance: String,
    /// Its managers (moderators).
    pub managers: Vec<AuthorView>,
}

/// A community or guild like another one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedView {
    /// Handle (`name` or `name@domain`).
    pub handle: String,
    /// Title.
    pub title: String,
    /// `community` or `guild`.
    pub kind: String,
    /// The instance it lives on ('' for this one).
    pub instance: String,
    /// Topic tags it shares with the community.
    pub shared_tags: Vec<String>,
    /// Members (known here) it shares with the community.
    pub shared_members: u64,
}

/// How many calendar entries a guild's `.ics` holds.
const CALENDAR_LIMIT: u64 = 500;

/// The guild's combined feed: its own and its open member communities' public discussions,
/// newest first.
pub async fn feed(ctx: &AppContext, viewer: Option<&Viewer>, guild: &str, page: Page) -> Result<List<GuildFeedItem>> {
    let l = load_guild(ctx, viewer, guild).await?;
    let rows = store::feed(ctx.db(), l.community.id, page).await?;
    let authors = accounts::find_many(ctx.db(), &rows.items.iter().map(|d| d.author_id).collect::<Vec<_>>()).await?;
    let targets: Vec<votes::Target> = rows.items.iter().map(|d| votes::Target::Discussion(d.id)).collect();
    let tallies = votes::tallies(ctx.db(), &targets).await?;
    let mut ids: Vec<i64> = rows.items.iter().map(|d| d.community_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let communities = store::communities_by_ids(ctx.db(), &ids).await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for d in &rows.items {
        let Some(c) = communities.iter().find(|c| c.id == d.community_id) else { continue };
        let t = tallies.get(&votes::Target::Discussion(d.id)).copied().unwrap_or_default();
        items.push(GuildFeedItem {
            discussion: DiscussionView::build(d, &c.name, authors.get(&d.author_id), t),
            community_handle: handle_of(c),
            community_title: c.title.clone(),
            instance: c.domain.clone(),
        });
    }
    Ok(List::new(items, page, rows.has_more))
}

/// The guild's combined calendar: upcoming public events of it and its open member
/// communities, soonest first.
pub async fn calendar(ctx: &AppContext, viewer: Option<&Viewer>, guild: &str, page: Page) -> Result<List<EventView>> {
    let l = load_guild(ctx, viewer, guild).await?;
    let rows = store::calendar(ctx.db(), l.community.id, Utc::now(), page).await?;
    Ok(List::new(crate::events::views(ctx, viewer, &rows.items).await?, page, rows.has_more))
}

/// The guild's combined calendar (recent and upcoming) as `.ics`.
pub async fn calendar_ics(ctx: &AppContext, viewer: Option<&Viewer>, guild: &str) -> Result<String> {
    let l = load_guild(ctx, viewer, guild).await?;
    let since = Utc::now() - Duration::days(30);
    let rows = store::calendar(ctx.db(), l.community.id, since, Page { number: 1, limit: CALENDAR_LIMIT }).await?;
    crate::events::ical::calendar(ctx, &l.community.title, &rows.items)
}

/// The managers of the guild's open member communities, to contact.
pub async fn contacts(ctx: &AppContext, viewer: Option<&Viewer>, guild: &str) -> Result<Vec<GuildContactView>> {
    let l = load_guild(ctx, viewer, guild).await?;
    let mut out = Vec::new();
    for (link, c) in store::links_of_guild(ctx.db(), l.community.id).await? {
        if link.state != guildhall_domain::guild::LinkState::Active || !shared_with_guild(c.visibility).managers {
            continue;
        }
        let managers = if c.domain.is_empty() {
            store::moderators(ctx.db(), c.id).await?
        } else {
            let ids = guildhall_store::decode_list(&link.contacts)?;
            store::accounts_by_ap_ids(ctx.db(), &ids).await?
        };
        out.push(GuildContactView {
            community: handle_of(&c),
            title: c.title.clone(),
            instance: c.domain.clone(),
            managers: managers.iter().map(|a| AuthorView::of(Some(a))).collect(),
        });
    }
    Ok(out)
}

/// How many related communities a page shows.
const RELATED_LIMIT: usize = 6;

/// Communities and guilds like `community`, known here (local or on other instances), by
/// shared topic tags and shared members; private ones are never suggested.
pub async fn related(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<Vec<RelatedView>> {
    let l = load(ctx, viewer, community).await?;
    let tags = guildhall_store::decode_list(&l.community.tags)?;
    let by_members = store::shared_members(ctx.db(), l.community.id, 50).await?;
    let mut candidates = store::tagged_like(ctx.db(), l.community.id, &tags, 200).await?;
    let member_ids: Vec<i64> = by_members.iter().map(|(id, _)| *id).collect();
    for c in store::communities_by_ids(ctx.db(), &member_ids).await? {
        if !candidates.iter().any(|k| k.id == c.id) {
            candidates.push(c);
        }
    }
    let mut scored = Vec::new();
    for c in candidates {
        if !guildhall_domain::visibility::suggested_as_related(c.visibility) {
            continue;
        }
        let their_tags = guildhall_store::decode_list(&c.tags)?;
        let shared_members = by_members.iter().find(|(id, _)| *id == c.id).map_or(0, |(_, n)| *n);
        let score = likeness(&tags, &their_tags, shared_members);
        if score == 0 {
            continue;
        }
        let shared_tags = tags.iter().filter(|t| their_tags.contains(t)).cloned().collect();
        scored.push((
            score,
            RelatedView {
                handle: handle_of(&c),
                title: c.title.clone(),
                kind: if is_guild(&c) { "guild" } else { "community" }.into(),
                instance: c.domain.clone(),
                shared_tags,
                shared_members,
            },
        ));
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.handle.cmp(&b.1.handle)));
    Ok(scored.into_iter().take(RELATED_LIMIT).map(|(_, v)| v).collect())
}
