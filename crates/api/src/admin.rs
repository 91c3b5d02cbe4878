//! Instance administration.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::sign_in_guard::ThrottledSignIns;
use guildhall_app::views::{AccountView, InviteView, List, PendingAccountView, SettingsView};
use guildhall_app::{AppContext, admin};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, update_settings))
        .routes(routes!(list_invites, create_invite))
        .routes(routes!(pending_accounts))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(throttled_sign_ins))
        .routes(routes!(email_queue))
}

/// Sign-ins held back by the password-guessing backoff, per username tried (kept in memory
/// for a day).
#[utoipa::path(get, path = "/api/guildhall/v1/admin/sign-in-throttles", tag = "admin",
    responses((status = 200, body = Vec<ThrottledSignIns>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn throttled_sign_ins(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<ThrottledSignIns>>> {
    Ok(Json(admin::throttled_sign_ins(&ctx, &s.viewer)?))
}

/// The outgoing email queue: counts of queued, sent and failed messages and the last error.
#[utoipa::path(get, path = "/api/guildhall/v1/admin/email-queue", tag = "admin",
    responses((status = 200, body = guildhall_app::email::QueueStatus), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn email_queue(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<guildhall_app::email::QueueStatus>> {
    Ok(Json(guildhall_app::email::queue_status(&ctx, &s.viewer).await?))
}

/// Page selection.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page (1–100, default 20).
    pub limit: Option<u64>,
}

/// The instance settings.
#[utoipa::path(get, path = "/api/guildhall/v1/admin/settings", tag = "admin",
    responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn get_settings(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<SettingsView>> {
    Ok(Json(admin::get_settings(&ctx, &s.viewer).await?))
}

/// Changes registration and community-creation settings.
#[utoipa::path(patch, path = "/api/guildhall/v1/admin/settings", tag = "admin", request_body = admin::SettingsChange,
    responses((status = 200, body = SettingsView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn update_settings(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(change): ApiJson<admin::SettingsChange>,
) -> ApiResult<Json<SettingsView>> {
    Ok(Json(admin::update_settings(&ctx, &s.viewer, change).await?))
}

/// A new invite.
#[derive(Deserialize, ToSchema)]
pub struct InviteRequest {
    /// Registrations allowed (1–1000, default 1).
    pub max_uses: Option<i32>,
    /// Days until it expires (1–365; default never).
    pub expires_in_days: Option<i64>,
}

/// Creates an invite code.
#[utoipa::path(post, path = "/api/guildhall/v1/admin/invites", tag = "admin", request_body = InviteRequest,
    responses((status = 201, body = InviteView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn create_invite(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(req): ApiJson<InviteRequest>,
) -> ApiResult<(StatusCode, Json<InviteView>)> {
    Ok((StatusCode::CREATED, Json(admin::create_invite(&ctx, &s.viewer, req.max_uses, req.expires_in_days).await?)))
}

/// Lists invite codes.
#[utoipa::path(get, path = "/api/guildhall/v1/admin/invites", tag = "admin", params(PageQuery),
    responses((status = 200, body = List<InviteView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_invites(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<InviteView>>> {
    Ok(Json(admin::list_invites(&ctx, &s.viewer, guildhall_app::page(q.page, q.limit)).await?))
}

/// Accounts waiting for approval.
#[utoipa::path(get, path = "/api/guildhall/v1/admin/accounts", tag = "admin", params(PageQuery),
    responses((status = 200, body = List<PendingAccountView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn pending_accounts(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<PendingAccountView>>> {
    Ok(Json(admin::pending_accounts(&ctx, &s.viewer, guildhall_app::page(q.page, q.limit)).await?))
}

/// Approves a pending account.
#[utoipa::path(post, path = "/api/guildhall/v1/admin/accounts/{username}/approve", tag = "admin", params(("username" = String, Path)),
    responses((status = 200, body = AccountView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn approve(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(admin::approve_account(&ctx, &s.viewer, &username).await?))
}

/// Rejects (removes) a pending account.
#[utoipa::path(post, path = "/api/guildhall/v1/admin/accounts/{username}/reject", tag = "admin", params(("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn reject(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(username): ApiPath<String>,
) -> ApiResult<StatusCode> {
    admin::reject_account(&ctx, &s.viewer, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
