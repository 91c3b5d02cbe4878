//! Communities and membership.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::views::{CommunityView, JoinRequestView, JoinView, List, MemberView};
use guildhall_app::{AppContext, bans, communities, membership};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(members))
        .routes(routes!(join_requests))
        .routes(routes!(accept_request))
        .routes(routes!(reject_request))
        .routes(routes!(add_moderator))
        .routes(routes!(remove_moderator))
        .routes(routes!(list_bans, ban))
        .routes(routes!(unban))
        .routes(routes!(list_reports))
}

/// Lists communities.
#[utoipa::path(get, path = "/api/guildhall/v1/communities", tag = "communities", params(PageQuery),
    responses((status = 200, body = List<CommunityView>)))]
async fn list(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<CommunityView>>> {
    let viewer = s.as_ref().map(|s| &s.viewer);
    Ok(Json(communities::list(&ctx, viewer, guildhall_app::page(q.page, q.limit)).await?))
}

/// Creates a community; you become its first moderator.
#[utoipa::path(post, path = "/api/guildhall/v1/communities", tag = "communities", request_body = communities::NewCommunity,
    responses((status = 201, body = CommunityView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn create(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(new): ApiJson<communities::NewCommunity>,
) -> ApiResult<(StatusCode, Json<CommunityView>)> {
    Ok((StatusCode::CREATED, Json(communities::create(&ctx, &s.viewer, new).await?)))
}

/// One community (with your role in it).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}", tag = "communities", params(("name" = String, Path)),
    responses((status = 200, body = CommunityView), (status = 404, body = ErrorBody)))]
async fn get(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<CommunityView>> {
    Ok(Json(communities::get(&ctx, s.as_ref().map(|s| &s.viewer), &name).await?))
}

/// Edits a community (moderators).
///
/// Changing `visibility` from `private` to `approval` or `public` keeps the past private:
/// every existing discussion becomes `members_only` (its replies and votes follow it), in the
/// same transaction as the change, and stays so. Discussions started afterwards follow the new
/// visibility. Changing to `private` needs nothing more: private hides all content at once.
#[utoipa::path(patch, path = "/api/guildhall/v1/communities/{name}", tag = "communities", params(("name" = String, Path)), request_body = communities::CommunityChange,
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn update(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(change): ApiJson<communities::CommunityChange>,
) -> ApiResult<Json<CommunityView>> {
    Ok(Json(communities::update(&ctx, &s.viewer, &name, change).await?))
}

/// A join request.
#[derive(Deserialize, ToSchema)]
pub struct JoinRequest {
    /// You accept the community's charter (required when it has one).
    #[serde(default)]
    pub accept_charter: bool,
    /// A note to the moderators (approval and private communities).
    pub message: Option<String>,
}

/// Joins (public) or asks to join (approval, private).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/join", tag = "membership", params(("name" = String, Path)), request_body = JoinRequest,
    responses((status = 200, body = JoinView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn join(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<JoinRequest>,
) -> ApiResult<Json<JoinView>> {
    Ok(Json(membership::join(&ctx, &s.viewer, &name, req.accept_charter, req.message.as_deref()).await?))
}

/// Leaves, or withdraws a join request.
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/leave", tag = "membership", params(("name" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn leave(State(ctx): State<AppContext>, s: Session, ApiPath(name): ApiPath<String>) -> ApiResult<StatusCode> {
    membership::leave(&ctx, &s.viewer, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Members, moderators first.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/members", tag = "membership", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = List<MemberView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn members(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<MemberView>>> {
    let viewer = s.as_ref().map(|s| &s.viewer);
    Ok(Json(membership::members(&ctx, viewer, &name, guildhall_app::page(q.page, q.limit)).await?))
}

/// Pending join requests (moderators).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/join-requests", tag = "membership", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = List<JoinRequestView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn join_requests(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<JoinRequestView>>> {
    Ok(Json(membership::join_requests(&ctx, &s.viewer, &name, guildhall_app::page(q.page, q.limit)).await?))
}

/// Accepts a join request (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/join-requests/{username}/accept", tag = "membership",
    params(("name" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn accept_request(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, username)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    membership::decide_request(&ctx, &s.viewer, &name, &username, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rejects a join request (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/join-requests/{username}/reject", tag = "membership",
    params(("name" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn reject_request(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, username)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    membership::decide_request(&ctx, &s.viewer, &name, &username, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who to appoint.
#[derive(Deserialize, ToSchema)]
pub struct ModeratorRequest {
    /// A member's username.
    pub username: String,
}

/// Appoints a member as moderator (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/moderators", tag = "membership", params(("name" = String, Path)), request_body = ModeratorRequest,
    responses((status = 200, body = MemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn add_moderator(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<ModeratorRequest>,
) -> ApiResult<Json<MemberView>> {
    Ok(Json(membership::add_moderator(&ctx, &s.viewer, &name, &req.username).await?))
}

/// Removes a moderator, or steps down yourself; a community keeps at least one.
#[utoipa::path(delete, path = "/api/guildhall/v1/communities/{name}/moderators/{username}", tag = "membership",
    params(("name" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn remove_moderator(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, username)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    membership::remove_moderator(&ctx, &s.viewer, &name, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Current bans (moderators).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/bans", tag = "membership", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = List<bans::BanView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn list_bans(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<bans::BanView>>> {
    Ok(Json(bans::list(&ctx, &s.viewer, &name, guildhall_app::page(q.page, q.limit)).await?))
}

/// Reports other servers sent about the community's content or members (moderators).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/reports", tag = "membership", params(("name" = String, Path), PageQuery),
    responses((status = 200, body = List<guildhall_app::reports::ReportView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn list_reports(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<guildhall_app::reports::ReportView>>> {
    Ok(Json(guildhall_app::reports::list(&ctx, &s.viewer, &name, guildhall_app::page(q.page, q.limit)).await?))
}

/// Bans a person, here or on another server (moderators); federated as `Block`.
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/bans", tag = "membership", params(("name" = String, Path)), request_body = bans::NewBan,
    responses((status = 200, body = bans::BanView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn ban(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(new): ApiJson<bans::NewBan>,
) -> ApiResult<Json<bans::BanView>> {
    Ok(Json(bans::ban(&ctx, &s.viewer, &name, new).await?))
}

/// Lifts a ban (moderators); federated as `Undo{Block}`.
#[utoipa::path(delete, path = "/api/guildhall/v1/communities/{name}/bans/{username}", tag = "membership",
    params(("name" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn unban(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, username)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    bans::unban(&ctx, &s.viewer, &name, &username).await?;
    Ok(StatusCode::NO_CONTENT)
}
