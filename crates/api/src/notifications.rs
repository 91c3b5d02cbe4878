//! The signed-in account's notifications: list them, mark one or all read.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::notification_groups;
use guildhall_app::notifications::{self, NotificationList};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read_one))
        .routes(routes!(read_group))
        .routes(routes!(read_all))
}

/// Which notifications to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page (1–100, default 20).
    pub limit: Option<u64>,
    /// Only these kinds, comma-separated (`reply,mention`); unknown kinds are refused (400).
    pub kinds: Option<String>,
    /// Fold consecutive notifications of the same kind about the same discussion into one
    /// item (`count`, `group_ids`).
    pub grouped: Option<bool>,
}

/// How many notifications were marked read.
#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications that were unread until now.
    pub marked: u64,
}

/// Your notifications, newest first, with how many are unread; optionally only some kinds,
/// and grouped.
#[utoipa::path(get, path = "/api/guildhall/v1/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, body = NotificationList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<NotificationList>> {
    let kinds = notification_groups::parse_kinds(q.kinds.as_deref().unwrap_or_default())?;
    let page = guildhall_app::page(q.page, q.limit);
    Ok(Json(notification_groups::list(&ctx, &s.viewer, page, &kinds, q.grouped.unwrap_or(false)).await?))
}

/// Marks read one of your notifications and the others of its group (same kind, same
/// discussion); 404 if it is not yours.
#[utoipa::path(post, path = "/api/guildhall/v1/notifications/{id}/read_group", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read_group(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MarkedRead>> {
    Ok(Json(MarkedRead { marked: notification_groups::mark_group_read(&ctx, &s.viewer, id).await? }))
}

/// Marks one of your notifications read (404 if it is not yours).
#[utoipa::path(post, path = "/api/guildhall/v1/notifications/{id}/read", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn read_one(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    notifications::mark_read(&ctx, &s.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks all your notifications read.
#[utoipa::path(post, path = "/api/guildhall/v1/notifications/read", tag = "notifications",
    responses((status = 200, body = MarkedRead), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn read_all(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<MarkedRead>> {
    Ok(Json(MarkedRead { marked: notifications::mark_all_read(&ctx, &s.viewer).await? }))
}
