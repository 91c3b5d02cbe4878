//! Notifications in Mastodon's shape. Guildhall notifies the people going to an event when it
//! is edited, cancelled or deleted; each is an `update` (something the reader took part in
//! changed) from the event's community as a group account. Events are not rendered as
//! statuses by this API, so these notifications carry no `status`. Dismissing deletes.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use guildhall_app::interactions::{Notice, NotificationQuery};
use guildhall_app::notifications::Kind;
use guildhall_app::{AppContext, Viewer};
use serde::Deserialize;

use crate::auth::Authed;
use crate::entities::{Account, Empty, Notification, time};
use crate::error::{MastoError, Result};
use crate::follows::limit_of;
use crate::render;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/notifications", get(list))
        .route("/api/v1/notifications/clear", post(clear))
        .route("/api/v1/notifications/{id}", get(one))
        .route("/api/v1/notifications/{id}/dismiss", post(dismiss))
}

/// Mastodon's notification type for a Guildhall kind.
pub fn mastodon_type(kind: Kind) -> &'static str {
    match kind {
        Kind::EventUpdated | Kind::EventCancelled | Kind::EventDeleted => "update",
    }
}

/// The Guildhall kinds shown as any of `types`.
fn kinds_of(types: &[String]) -> Vec<String> {
    Kind::ALL.iter().filter(|k| types.iter().any(|t| t == mastodon_type(**k))).map(|k| k.as_str().to_string()).collect()
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
        exclude: kinds_of(&q.exclude_types),
        limit: limit_of(q.limit.as_deref(), 40, 80),
    })
}

/// One notification in Mastodon's shape (`None` for a kind this API does not show).
pub(crate) async fn render_one(ctx: &AppContext, viewer: &Viewer, n: &Notice) -> Result<Option<Notification>> {
    // A kind this API does not know yet is left out rather than misnamed.
    let Some(kind) = Kind::parse(&n.view.kind) else { return Ok(None) };
    let account: Account = match &n.community {
        Some((c, ap_id)) => render::group(ctx, c, ap_id.as_deref()),
        // The community is gone: the notification is the reader's own news.
        None => match guildhall_app::lookup::account(ctx, viewer.account_id).await? {
            Some(a) => render::person(ctx, &a),
            None => return Ok(None),
        },
    };
    Ok(Some(Notification {
        id: n.view.id.to_string(),
        kind: mastodon_type(kind),
        created_at: time(n.view.created_at),
        group_key: format!("ungrouped-{}", n.view.id),
        account,
        status: None,
    }))
}

async fn list(State(ctx): State<AppContext>, authed: Authed, uri: Uri) -> Result<Json<Vec<Notification>>> {
    authed.require("read:notifications")?;
    // paging: `max_id`/`since_id` work; Link headers come with paging.rs.
    let q = query(&uri)?;
    let notices = guildhall_app::interactions::notifications(&ctx, &authed.viewer, &q).await?;
    let mut out = Vec::with_capacity(notices.len());
    for n in &notices {
        if let Some(r) = render_one(&ctx, &authed.viewer, n).await? {
            out.push(r);
        }
    }
    Ok(Json(out))
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
