//! What Mastodon apps do to accounts and posts, in Guildhall's terms: following a community
//! is joining it (accepting its charter), follow requests are join requests in the
//! communities the viewer moderates, bookmarks are private to their owner, and favourites
//! are upvotes. Every post returned goes through `posts::one`, so nothing the viewer can no
//! longer read comes back.

use chrono::Utc;
use guildhall_store::entities::{account, community};
use guildhall_store::interactions::{self as store, Post as Saved};

use crate::posts::{self, Post, PostRef};
use crate::views::{CommunityView, JoinView};
use crate::{AppContext, Error, Result, Viewer};

/// A community's handle as `membership` and `communities` take it.
fn handle(c: &community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

async fn community_by_id(ctx: &AppContext, id: i64) -> Result<community::Model> {
    guildhall_store::communities::find_by_id(ctx.db(), id).await?.ok_or(Error::NotFound("community"))
}

/// A community by id as the viewer sees it, with its actor id when remote.
pub async fn community(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<(CommunityView, Option<String>)> {
    let c = community_by_id(ctx, id).await?;
    let view = crate::communities::get(ctx, viewer, &handle(&c)).await?;
    let ap_id = if c.domain.is_empty() { None } else { c.ap_id.clone() };
    Ok((view, ap_id))
}

/// Follows a community: joins it, or asks to. Following from an app accepts the charter
/// (the group account links it in its profile fields).
pub async fn follow_community(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<JoinView> {
    let c = community_by_id(ctx, id).await?;
    crate::membership::join(ctx, viewer, &handle(&c), true, None).await
}

/// Unfollows a community: leaves it, or withdraws a join request. Not being a member is
/// not an error (Mastodon's unfollow is idempotent).
pub async fn unfollow_community(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    let c = community_by_id(ctx, id).await?;
    match crate::membership::leave(ctx, viewer, &handle(&c)).await {
        Err(Error::Denied(guildhall_domain::Denied::NotMember)) => Ok(()),
        other => other,
    }
}

/// The people asking to join communities the viewer moderates (each once), oldest request
/// first.
pub async fn follow_requests(ctx: &AppContext, viewer: &Viewer, limit: u64) -> Result<Vec<account::Model>> {
    let pending = store::pending_in_moderated(ctx.db(), viewer.account_id, 1000).await?;
    let mut ids: Vec<i64> = Vec::new();
    for m in &pending {
        if !ids.contains(&m.account_id) {
            ids.push(m.account_id);
        }
    }
    ids.truncate(limit as usize);
    let mut found = guildhall_store::accounts::find_many(ctx.db(), &ids).await?;
    Ok(ids.into_iter().filter_map(|id| found.remove(&id)).collect())
}

/// Accepts or rejects every pending request of `account_id` in the communities the viewer
/// moderates; `NotFound` when there is none.
pub async fn decide_follow_request(ctx: &AppContext, viewer: &Viewer, account_id: i64, accept: bool) -> Result<()> {
    let pending = store::pending_in_moderated(ctx.db(), viewer.account_id, 1000).await?;
    let mine: Vec<i64> = pending.iter().filter(|m| m.account_id == account_id).map(|m| m.community_id).collect();
    if mine.is_empty() {
        return Err(Error::NotFound("follow request"));
    }
    let who = guildhall_store::accounts::find_by_id(ctx.db(), account_id).await?.ok_or(Error::NotFound("account"))?;
    let who = crate::accounts::handle_of(&who);
    for community_id in mine {
        let c = community_by_id(ctx, community_id).await?;
        crate::membership::decide_request(ctx, viewer, &handle(&c), &who, accept).await?;
    }
    Ok(())
}

fn saved(p: PostRef) -> Saved {
    match p {
        PostRef::Discussion(id) => Saved::Discussion(id),
        PostRef::Reply(id) => Saved::Reply(id),
    }
}

fn post_ref(p: Saved) -> PostRef {
    match p {
        Saved::Discussion(id) => PostRef::Discussion(id),
        Saved::Reply(id) => PostRef::Reply(id),
    }
}

/// Bookmarks a post the viewer may read, and returns it.
pub async fn bookmark(ctx: &AppContext, viewer: &Viewer, p: PostRef) -> Result<Post> {
    let post = posts::one(ctx, Some(viewer), p).await?;
    store::add_bookmark(ctx.db(), viewer.account_id, saved(p), Utc::now()).await?;
    Ok(post)
}

/// Removes a bookmark from a post the viewer may read, and returns it.
pub async fn unbookmark(ctx: &AppContext, viewer: &Viewer, p: PostRef) -> Result<Post> {
    let post = posts::one(ctx, Some(viewer), p).await?;
    store::remove_bookmark(ctx.db(), viewer.account_id, saved(p)).await?;
    Ok(post)
}

/// Whether the viewer bookmarked a post.
pub async fn is_bookmarked(ctx: &AppContext, viewer: &Viewer, p: PostRef) -> Result<bool> {
    Ok(store::is_bookmarked(ctx.db(), viewer.account_id, saved(p)).await?)
}

/// A page of saved posts: those the viewer may still read, and the cursor to continue from
/// (the last row looked at, shown or not).
#[derive(Debug, Clone)]
pub struct SavedPage {
    /// The posts, newest saved first.
    pub posts: Vec<Post>,
    /// Pass as `max_id` for the next page; `None` when nothing was found.
    pub next: Option<i64>,
    /// Cursor of the first row (for `prev` links).
    pub first: Option<i64>,
}

async fn readable(ctx: &AppContext, viewer: &Viewer, rows: Vec<(i64, Saved)>) -> Result<SavedPage> {
    let next = rows.last().map(|(id, _)| *id);
    let first = rows.first().map(|(id, _)| *id);
    let mut out = Vec::with_capacity(rows.len());
    for (_, p) in rows {
        match posts::one(ctx, Some(viewer), post_ref(p)).await {
            Ok(post) => out.push(post),
            // Left, banned, made private or deleted since: never shown.
            Err(Error::NotFound(_)) | Err(Error::Denied(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(SavedPage { posts: out, next, first })
}

/// The viewer's bookmarks they may still read, newest first.
pub async fn bookmarks(ctx: &AppContext, viewer: &Viewer, max_id: Option<i64>, limit: u64) -> Result<SavedPage> {
    let rows = store::bookmarks(ctx.db(), viewer.account_id, max_id, limit).await?;
    readable(ctx, viewer, rows).await
}

/// The posts the viewer upvoted and may still read, newest vote first.
pub async fn favourites(ctx: &AppContext, viewer: &Viewer, max_id: Option<i64>, limit: u64) -> Result<SavedPage> {
    let rows = store::upvoted(ctx.db(), viewer.account_id, max_id, limit).await?;
    readable(ctx, viewer, rows).await
}

pub use guildhall_store::interactions::NotificationQuery;

/// A notification with the community it is about (`None` when that cannot be found any more).
#[derive(Debug, Clone)]
pub struct Notice {
    /// The notification.
    pub view: crate::notifications::NotificationView,
    /// The community it concerns, as the viewer sees it now, with its actor id when remote.
    pub community: Option<(CommunityView, Option<String>)>,
}

/// The community a notification concerns: the one it names, or for event notifications
/// written before it named one, where its link points (`/events/{id}` or
/// `/communities/{handle}`, as `notifications::Kind::event_link` writes them).
async fn notice(
    ctx: &AppContext,
    viewer: &Viewer,
    n: guildhall_store::entities::notification::Model,
) -> Result<Notice> {
    let community_id = if let Some(id) = n.community_id {
        Some(id)
    } else if let Some(id) = n.link.strip_prefix("/events/").and_then(|s| s.parse::<i64>().ok()) {
        crate::lookup::event(ctx, id).await?.map(|e| e.community_id)
    } else if let Some(h) = n.link.strip_prefix("/communities/") {
        crate::communities::find(ctx, h).await?.map(|c| c.id)
    } else {
        None
    };
    let community = match community_id {
        Some(id) => match community(ctx, Some(viewer), id).await {
            Ok(c) => Some(c),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let view = crate::notifications::views(ctx, vec![n]).await?.pop().ok_or(Error::NotFound("notification"))?;
    Ok(Notice { view, community })
}

/// The viewer's notifications, newest first.
pub async fn notifications(ctx: &AppContext, viewer: &Viewer, q: &NotificationQuery) -> Result<Vec<Notice>> {
    let rows = store::notifications(ctx.db(), viewer.account_id, q).await?;
    let mut out = Vec::with_capacity(rows.len());
    for n in rows {
        out.push(notice(ctx, viewer, n).await?);
    }
    Ok(out)
}

/// One of the viewer's notifications (someone else's: `NotFound`).
pub async fn notification(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<Notice> {
    let n = store::notification(ctx.db(), viewer.account_id, id).await?.ok_or(Error::NotFound("notification"))?;
    notice(ctx, viewer, n).await
}

/// Deletes one of the viewer's notifications (someone else's: `NotFound`).
pub async fn dismiss_notification(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    if store::dismiss_notification(ctx.db(), viewer.account_id, id).await? {
        Ok(())
    } else {
        Err(Error::NotFound("notification"))
    }
}

/// Deletes all the viewer's notifications.
pub async fn clear_notifications(ctx: &AppContext, viewer: &Viewer) -> Result<u64> {
    Ok(store::clear_notifications(ctx.db(), viewer.account_id).await?)
}
