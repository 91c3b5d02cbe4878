//! Favourites are upvotes, bookmarks are private saves; boosts do not exist in Guildhall (a
//! discussion lives in its community; re-sharing it to one's followers has no counterpart,
//! since people have no followers), so reblogging answers 422. Who voted is not shown in
//! Guildhall (votes are counted, not listed), so `favourited_by` and `reblogged_by` are empty
//! lists for whoever may read the status.

use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use guildhall_app::posts::{Post, PostRef};
use guildhall_app::votes::On;
use guildhall_app::{AppContext, Viewer};
use serde::Deserialize;

use crate::auth::Authed;
use crate::entities::{Account, Status};
use crate::error::{MastoError, Result};
use crate::follows::limit_of;
use crate::ids::StatusId;
use crate::paging::Paged;
use crate::render;

/// The message for reblogging.
pub const NO_BOOSTS: &str =
    "Guildhall has no boosts: discussions live in their community; favourite (upvote) or reply instead";

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/statuses/{id}/favourite", post(favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(reblog))
        .route("/api/v1/statuses/{id}/mute", post(mute))
        .route("/api/v1/statuses/{id}/unmute", post(unmute))
        .route("/api/v1/statuses/{id}/bookmark", post(bookmark))
        .route("/api/v1/statuses/{id}/unbookmark", post(unbookmark))
        .route("/api/v1/statuses/{id}/favourited_by", get(nobody))
        .route("/api/v1/statuses/{id}/reblogged_by", get(nobody))
        .route("/api/v1/bookmarks", get(bookmarks))
        .route("/api/v1/favourites", get(favourites))
}

/// A status id that names a discussion or a reply: an event's answers 422 naming its page
/// (people vote and RSVP there), or 404 when the viewer may not read it.
async fn post_ref(ctx: &AppContext, viewer: &Viewer, raw: &str) -> Result<PostRef> {
    crate::statuses::changeable(ctx, viewer, raw).await
}

fn on(p: PostRef) -> On {
    match p {
        PostRef::Discussion(d) => On::Discussion(d),
        PostRef::Reply(r) => On::Reply(r),
    }
}

/// Renders a post for its viewer, with whether they bookmarked it and muted its thread.
async fn rendered(ctx: &AppContext, viewer: &Viewer, p: PostRef, post: &Post) -> Result<Status> {
    let mut s = render::post(ctx, post).await?;
    s.bookmarked = Some(guildhall_app::interactions::is_bookmarked(ctx, viewer, p).await?);
    let d = discussion_of(ctx, p).await?;
    s.muted = Some(guildhall_app::notify_prefs::thread_muted(ctx, viewer, d).await?.muted);
    Ok(s)
}

/// The discussion a status belongs to (its thread).
async fn discussion_of(ctx: &AppContext, p: PostRef) -> Result<i64> {
    match p {
        PostRef::Discussion(d) => Ok(d),
        PostRef::Reply(r) => {
            guildhall_app::lookup::reply(ctx, r).await?.map(|r| r.discussion_id).ok_or_else(MastoError::not_found)
        }
    }
}

/// Mutes or unmutes a status's whole thread (Mastodon's conversation mute): no more replies,
/// mentions, favourites or closed polls about it.
async fn set_muted(ctx: &AppContext, authed: &Authed, raw: &str, muted: bool) -> Result<Json<Status>> {
    authed.require("write:mutes")?;
    let p = post_ref(ctx, &authed.viewer, raw).await?;
    let d = discussion_of(ctx, p).await?;
    guildhall_app::notify_prefs::set_thread_muted(ctx, &authed.viewer, d, muted).await?;
    let post = guildhall_app::posts::one(ctx, Some(&authed.viewer), p).await?;
    Ok(Json(rendered(ctx, &authed.viewer, p, &post).await?))
}

async fn mute(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    set_muted(&ctx, &authed, &id, true).await
}

async fn unmute(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    set_muted(&ctx, &authed, &id, false).await
}

async fn vote(ctx: &AppContext, authed: &Authed, raw: &str, up: bool) -> Result<Json<Status>> {
    authed.require("write:favourites")?;
    let p = post_ref(ctx, &authed.viewer, raw).await?;
    let before = guildhall_app::posts::one(ctx, Some(&authed.viewer), p).await?;
    // Unfavouriting withdraws an upvote only: a downvote cast on the web is not a favourite.
    let value = match (up, before.my_vote) {
        (true, _) => Some(1),
        (false, Some(v)) if v > 0 => Some(0),
        (false, _) => None,
    };
    if let Some(value) = value {
        guildhall_app::votes::vote(ctx, &authed.viewer, on(p), value).await?;
    }
    let after = guildhall_app::posts::one(ctx, Some(&authed.viewer), p).await?;
    Ok(Json(rendered(ctx, &authed.viewer, p, &after).await?))
}

async fn favourite(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    vote(&ctx, &authed, &id, true).await
}

async fn unfavourite(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    vote(&ctx, &authed, &id, false).await
}

async fn reblog(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    authed.require("write:statuses")?;
    // What the viewer may not read stays a 404, as everywhere.
    guildhall_app::posts::one(&ctx, Some(&authed.viewer), post_ref(&ctx, &authed.viewer, &id).await?).await?;
    Err(MastoError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, NO_BOOSTS))
}

/// Who favourited or boosted a status: nobody is listed (see the module note), but what the
/// viewer may not read stays a 404.
async fn nobody(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Account>>> {
    let viewer = match &authed {
        Some(a) => {
            a.require("read:statuses")?;
            Some(&a.viewer)
        }
        None => None,
    };
    // Only the read check matters: what it read is not shown.
    match StatusId::parse(&id).ok_or_else(MastoError::not_found)? {
        StatusId::Discussion(d) => {
            guildhall_app::posts::one(&ctx, viewer, PostRef::Discussion(d)).await?;
        }
        StatusId::Reply(r) => {
            guildhall_app::posts::one(&ctx, viewer, PostRef::Reply(r)).await?;
        }
        StatusId::Event(e) => {
            guildhall_app::events::post::one(&ctx, viewer, e).await?;
        }
    }
    Ok(Json(Vec::new()))
}

async fn bookmark(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    authed.require("write:bookmarks")?;
    let p = post_ref(&ctx, &authed.viewer, &id).await?;
    let post = guildhall_app::interactions::bookmark(&ctx, &authed.viewer, p).await?;
    Ok(Json(rendered(&ctx, &authed.viewer, p, &post).await?))
}

async fn unbookmark(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    authed.require("write:bookmarks")?;
    let p = post_ref(&ctx, &authed.viewer, &id).await?;
    let post = guildhall_app::interactions::unbookmark(&ctx, &authed.viewer, p).await?;
    Ok(Json(rendered(&ctx, &authed.viewer, p, &post).await?))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    limit: Option<String>,
    max_id: Option<String>,
}

fn cursor(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|m| m.trim().parse::<i64>().ok()).filter(|m| *m > 0)
}

fn post_key(p: &Post) -> PostRef {
    match &p.body {
        guildhall_app::posts::PostBody::Discussion(d) => PostRef::Discussion(d.id),
        guildhall_app::posts::PostBody::Reply(r) => PostRef::Reply(r.id),
    }
}

/// A page of saved posts with its `Link` header (the cursors are the saves' own rows).
async fn page(
    ctx: &AppContext,
    viewer: &Viewer,
    uri: &Uri,
    saved: guildhall_app::interactions::SavedPage,
) -> Result<Paged<Status>> {
    let mut out = Vec::with_capacity(saved.posts.len());
    for p in &saved.posts {
        out.push(rendered(ctx, viewer, post_key(p), p).await?);
    }
    Ok(Paged::by_cursors(out, &ctx.instance().base_url(), uri, saved.first, saved.next))
}

async fn bookmarks(
    State(ctx): State<AppContext>,
    authed: Authed,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Paged<Status>> {
    authed.require("read:bookmarks")?;
    // paging: `max_id` is the bookmark's own row, as the `Link` header gives it.
    let limit = limit_of(q.limit.as_deref(), 20, 40);
    let saved =
        guildhall_app::interactions::bookmarks(&ctx, &authed.viewer, cursor(q.max_id.as_deref()), limit).await?;
    page(&ctx, &authed.viewer, &uri, saved).await
}

async fn favourites(
    State(ctx): State<AppContext>,
    authed: Authed,
    uri: Uri,
    Query(q): Query<ListQuery>,
) -> Result<Paged<Status>> {
    authed.require("read:favourites")?;
    // paging: `max_id` is the vote's own row, as the `Link` header gives it.
    let limit = limit_of(q.limit.as_deref(), 20, 40);
    let saved =
        guildhall_app::interactions::favourites(&ctx, &authed.viewer, cursor(q.max_id.as_deref()), limit).await?;
    page(&ctx, &authed.viewer, &uri, saved).await
}
