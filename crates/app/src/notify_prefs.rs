//! Members' notification settings: how much they want to hear from each community (watch /
//! normal / mute) and the threads they muted. The rule of what reaches whom is
//! `guildhall_domain::notify_prefs::reaches`; `keep_reached` applies it where every
//! notification is written (`notifying::write`, `notifications::notify_attendees`).

use chrono::Utc;
use guildhall_domain::notify_prefs::reaches;
use guildhall_store::ConnectionTrait;
use guildhall_store::entities::community;
use guildhall_store::notify_prefs as store;
use serde::Serialize;
use utoipa::ToSchema;

pub use guildhall_domain::notify_prefs::NotifyLevel;

use crate::notifications::{Kind, NotificationCommunity};
use crate::{AppContext, Error, Result, Viewer};

/// Of `accounts`, those a notification of `kind` in `community_id` (about `discussion_id`)
/// reaches by their settings: two queries for all of them, whatever their number.
pub(crate) async fn keep_reached<C: ConnectionTrait>(
    txn: &C,
    kind: Kind,
    community_id: i64,
    discussion_id: Option<i64>,
    accounts: Vec<i64>,
) -> Result<Vec<i64>> {
    if accounts.is_empty() {
        return Ok(accounts);
    }
    let levels = store::levels_of(txn, community_id, &accounts).await?;
    let muted = match discussion_id {
        Some(d) => store::muting_thread(txn, d, &accounts).await?,
        None => Default::default(),
    };
    Ok(accounts
        .into_iter()
        .filter(|a| reaches(kind.as_str(), levels.get(a).copied().unwrap_or_default(), muted.contains(a)))
        .collect())
}

/// A member's level for one community.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommunityLevel {
    /// The community.
    pub community: NotificationCommunity,
    /// `watch`, `normal` or `mute`.
    pub level: NotifyLevel,
}

/// Whether the viewer muted a thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThreadMute {
    /// The discussion.
    pub discussion_id: i64,
    /// Whether replies, mentions, favourites and closed polls about it are silenced.
    pub muted: bool,
}

fn community_ref(ctx: &AppContext, c: &community::Model) -> NotificationCommunity {
    NotificationCommunity {
        id: c.id,
        handle: if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) },
        title: c.title.clone(),
        host: if c.domain.is_empty() { ctx.instance().domain.clone() } else { c.domain.clone() },
    }
}

/// A community whose content the viewer may read (otherwise 404, as for every read: a
/// private community's news is for its members).
async fn readable(ctx: &AppContext, viewer: &Viewer, handle: &str) -> Result<community::Model> {
    let l = crate::communities::load(ctx, Some(viewer), handle).await?;
    if !l.access.can_read_content() {
        return Err(Error::NotFound("community"));
    }
    Ok(l.community)
}

/// The viewer's level for a community.
pub async fn level(ctx: &AppContext, viewer: &Viewer, handle: &str) -> Result<CommunityLevel> {
    let c = readable(ctx, viewer, handle).await?;
    let level = store::level_of(ctx.db(), viewer.account_id, c.id).await?;
    Ok(CommunityLevel { community: community_ref(ctx, &c), level })
}

/// Parses a level name; anything else is bad input naming `level`.
pub fn parse_level(raw: &str) -> Result<NotifyLevel> {
    NotifyLevel::parse(raw.trim())
        .ok_or_else(|| guildhall_domain::Invalid::new("level", "must be watch, normal or mute").into())
}

/// Sets the viewer's level for a community. Going back to normal is always allowed (it
/// reveals nothing); watching or muting needs the right to read it.
pub async fn set_level(ctx: &AppContext, viewer: &Viewer, handle: &str, raw: &str) -> Result<CommunityLevel> {
    let to = parse_level(raw)?;
    let c = if to == NotifyLevel::Normal {
        crate::communities::find(ctx, handle).await?.ok_or(Error::NotFound("community"))?
    } else {
        readable(ctx, viewer, handle).await?
    };
    store::set_level(ctx.db(), viewer.account_id, c.id, to, Utc::now()).await?;
    tracing::info!(account = %viewer.username, community = c.id, level = %to, "notification level set");
    Ok(CommunityLevel { community: community_ref(ctx, &c), level: to })
}

/// Every community the viewer set to watch or mute (the rest are normal), latest change first.
pub async fn levels(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<CommunityLevel>> {
    let rows = store::levels_of_account(ctx.db(), viewer.account_id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(c) = guildhall_store::communities::find_by_id(ctx.db(), r.community_id).await? {
            out.push(CommunityLevel { community: community_ref(ctx, &c), level: r.level });
        }
    }
    Ok(out)
}

/// Mutes or unmutes a discussion the viewer may read (404 otherwise).
pub async fn set_thread_muted(
    ctx: &AppContext,
    viewer: &Viewer,
    discussion_id: i64,
    muted: bool,
) -> Result<ThreadMute> {
    let (d, _) = crate::discussions::load_discussion(ctx, Some(viewer), discussion_id).await?;
    store::set_thread_muted(ctx.db(), viewer.account_id, d.id, muted, Utc::now()).await?;
    Ok(ThreadMute { discussion_id: d.id, muted })
}

/// Whether the viewer muted a discussion they may read (404 otherwise).
pub async fn thread_muted(ctx: &AppContext, viewer: &Viewer, discussion_id: i64) -> Result<ThreadMute> {
    let (d, _) = crate::discussions::load_discussion(ctx, Some(viewer), discussion_id).await?;
    let muted = !store::muted_among(ctx.db(), viewer.account_id, &[d.id]).await?.is_empty();
    Ok(ThreadMute { discussion_id: d.id, muted })
}

/// Of `discussions`, those the viewer muted (for marking a page of posts).
pub async fn muted_among(
    ctx: &AppContext,
    viewer: &Viewer,
    discussions: &[i64],
) -> Result<std::collections::HashSet<i64>> {
    Ok(store::muted_among(ctx.db(), viewer.account_id, discussions).await?)
}

/// The viewer's level for a community already loaded (normal when unset).
pub async fn level_for(ctx: &AppContext, viewer: &Viewer, community_id: i64) -> Result<NotifyLevel> {
    Ok(store::level_of(ctx.db(), viewer.account_id, community_id).await?)
}
