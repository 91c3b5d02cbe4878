//! Notifications in Mastodon's shape. Replies to the reader and posts mentioning them are
//! `mention`s with the post as `status` (Mastodon apps show replies to you that way), upvotes
//! are `favourite`s, join requests in communities the reader moderates `follow_request`s from
//! the requester, a closed poll the reader voted in a `poll` with its discussion, and changes
//! to events the reader attends `update`s from the event's community as a group account
//! (events are not statuses here, so those carry none). Answers to the reader's own join
//! requests have no Mastodon type and are left out (Guildhall's API and pages show them).
//! Every `status` is loaded through `posts::one` when it is read, so a post the reader may no
//! longer read takes its notification out of the list. Dismissing deletes.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use guildhall_app::interactions::{Notice, NotificationQuery};
use guildhall_app::notifications::Kind;
use guildhall_app::posts::PostRef;
use guildhall_app::{AppContext, Viewer};
use serde::Deserialize;

use crate::auth::Authed;
use crate::entities::{Account, Empty, Notification, time};
use crate::error::{MastoError, Result};
use crate::follows::limit_of;
use crate::paging::Paged;
use crate::render;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/clear", post(clear))
        .route("/api/v1/notifications/{id}", get(one))
        .route("/api/v1/notifications/{id}/dismiss", post(dismiss))
}

/// Mastodon's notification type for a Guildhall kind; `None`: not shown in this API.
pub fn mastodon_type(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::EventUpdated | Kind::EventCancelled | Kind::EventDeleted => Some("update"),
        Kind::Reply | Kind::Mention => Some("mention"),
        Kind::Favourite => Some("favourite"),
        Kind::JoinRequest => Some("follow_request"),
        Kind::PollClosed => Some("poll"),
        // Mastodon's type for a post by someone whose posts you asked to hear about.
        Kind::NewDiscussion => Some("status"),
        Kind::JoinAccepted
        | Kind::JoinRefused
        | Kind::NewEvent
        | Kind::EventReminder
        | Kind::GuildLinkRequested
        | Kind::GuildLinkAnswered
        | Kind::ModeratorLeft
        | Kind::Report => None,
    }
}

/// The Guildhall kinds shown as any of `types`.
fn kinds_of(types: &[String]) -> Vec<String> {
    Kind::ALL
        .iter()
        .filter(|k| mastodon_type(**k).is_some_and(|m| types.iter().any(|t| t == m)))
        .map(|k| k.as_str().to_string())
        .collect()
}

/// The Guildhall kinds this API never shows (left out in the query, so pages stay full).
fn hidden_kinds() -> Vec<String> {
    Kind::ALL.iter().filter(|k| mastodon_type(**k).is_none()).map(|k| k.as_str().to_string()).collect()
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    types: Vec<String>,
    #[serde(default)]
    exclude_types: Vec<String>,
    max_id: Option<String>,
    since_id: Option<String>,
    min_id: Option<String>,
    limit: Option<String>,
}

fn cursor(raw: Option<&str>) -> Option<i64> {
    raw.and_then(|m| m.trim().parse::<i64>().ok()).filter(|m| *m > 0)
}

fn query(uri: &Uri) -> Result<NotificationQuery> {
    let q: ListQuery = serde_qs::Config::new(5, false)
        .deserialize_str(uri.query().unwrap_or(""))
        .map_err(|e| MastoError::new(axum::http::StatusCode::BAD_REQUEST, e.to_string()))?;
    Ok(NotificationQuery {
        max_id: cursor(q.max_id.as_deref()),
        since_id: cursor(q.since_id.as_deref()).or(cursor(q.min_id.as_deref())),
        kinds: (!q.types.is_empty()).then(|| kinds_of(&q.types)),
        exclude: [kinds_of(&q.exclude_types), hidden_kinds()].concat(),
        limit: limit_of(q.limit.as_deref(), 40, 80),
    })
}

/// One notification in Mastodon's shape (`None` for a kind this API does not show, or one
/// whose post or person the reader can no longer see).
pub(crate) async fn render_one(ctx: &AppContext, viewer: &Viewer, n: &Notice) -> Result<Option<Notification>> {
    // A kind this API does not know yet is left out rather than misnamed.
    let Some(kind) = Kind::parse(&n.view.kind) else { return Ok(None) };
    let Some(kind_name) = mastodon_type(kind) else { return Ok(None) };
    let account: Account = match kind {
        Kind::EventUpdated | Kind::EventCancelled | Kind::EventDeleted => match &n.community {
            Some((c, ap_id)) => render::group(ctx, c, ap_id.as_deref()),
            // The community is gone: the notification is the reader's own news.
            None => match guildhall_app::lookup::account(ctx, viewer.account_id).await? {
                Some(a) => render::person(ctx, &a),
                None => return Ok(None),
            },
        },
        _ => {
            let Some(actor) = &n.view.actor else { return Ok(None) };
            match guildhall_app::lookup::account(ctx, actor.id).await? {
                Some(a) => render::person(ctx, &a),
                None => return Ok(None),
            }
        }
    };
    let status = match (kind, &n.view.post) {
        (Kind::Reply | Kind::Mention | Kind::Favourite | Kind::PollClosed | Kind::NewDiscussion, Some(p)) => {
            let r = match p.reply_id {
                Some(id) => PostRef::Reply(id),
                None => PostRef::Discussion(p.discussion_id),
            };
            match guildhall_app::posts::one(ctx, Some(viewer), r).await {
                Ok(post) => Some(render::post(ctx, &post).await?),
                // Left, banned, made private or deleted since: the notification is not shown.
                Err(guildhall_app::Error::NotFound(_)) | Err(guildhall_app::Error::Denied(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        // These types need their status; without one the notification is not shown.
        (Kind::Reply | Kind::Mention | Kind::Favourite | Kind::PollClosed | Kind::NewDiscussion, None) => {
            return Ok(None);
        }
        _ => None,
    };
    Ok(Some(Notification {
        id: n.view.id.to_string(),
        kind: kind_name,
        created_at: time(n.view.created_at),
        group_key: format!("ungrouped-{}", n.view.id),
        account,
        status,
    }))
}

async fn list(State(ctx): State<AppContext>, authed: Authed, uri: Uri) -> Result<Paged<Notification>> {
    authed.require("read:notifications")?;
    let q = query(&uri)?;
    let notices = guildhall_app::interactions::notifications(&ctx, &authed.viewer, &q).await?;
    // A full page may have older ones after it (some rows may be hidden from this reader).
    let older = notices.len() as u64 >= q.limit;
    let mut out = Vec::with_capacity(notices.len());
    for n in &notices {
        if let Some(r) = render_one(&ctx, &authed.viewer, n).await? {
            out.push(r);
        }
    }
    Ok(Paged::new(out, &ctx.instance().base_url(), &uri, older, |n| n.id.clone()))
}

fn id_of(raw: &str) -> Result<i64> {
    raw.trim().parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(MastoError::not_found)
}

async fn one(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Notification>> {
    authed.require("read:notifications")?;
    let n = guildhall_app::interactions::notification(&ctx, &authed.viewer, id_of(&id)?).await?;
    render_one(&ctx, &authed.viewer, &n).await?.map(Json).ok_or_else(MastoError::not_found)
}

async fn dismiss(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Empty>> {
    authed.require("write:notifications")?;
    guildhall_app::interactions::dismiss_notification(&ctx, &authed.viewer, id_of(&id)?).await?;
    Ok(Json(Empty {}))
}

async fn clear(State(ctx): State<AppContext>, authed: Authed) -> Result<Json<Empty>> {
    authed.require("write:notifications")?;
    guildhall_app::interactions::clear_notifications(&ctx, &authed.viewer).await?;
    Ok(Json(Empty {}))
}
