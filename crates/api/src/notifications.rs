//! The signed-in account's notifications: list them, mark one or all read.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::notifications::{self, NotificationList};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read_one)).routes(routes!(read_all))
}

/// How many notifications were marked read.
#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications that were unread until now.
    pub marked: u64,
}

/// Your notifications, newest first, with how many are unread.
#[utoipa::path(get, path = "/api/guildhall/v1/notifications", tag = "notifications", params(PageQuery),
    responses((status = 200, body = NotificationList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<NotificationList>> {
    Ok(Json(notifications::list(&ctx, &s.viewer, guildhall_app::page(q.page, q.limit)).await?))
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
