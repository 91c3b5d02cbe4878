//! Finding communities on other servers, and delivery health for admins.

use axum::Json;
use axum::extract::State;
use guildhall_app::admin::{InstanceHealthView, OutboxFailureView};
use guildhall_app::views::CommunityView;
use guildhall_app::{AppContext, Error, communities, remote};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(resolve)).routes(routes!(instances)).routes(routes!(outbox_failures))
}

/// What to look up.
#[derive(Deserialize, ToSchema)]
pub struct ResolveRequest {
    /// `name@domain` (as on Lemmy or another Guildhall) or the community's URL.
    pub query: String,
}

/// A failed remote lookup: an unknown community reads "no such community", as it always has.
pub(crate) fn remote_error(e: Error) -> ApiError {
    match e {
        Error::NotFound(_) => ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "no such community"),
        other => other.into(),
    }
}

/// Finds a community on another server (or this one) so members can join it.
#[utoipa::path(post, path = "/api/guildhall/v1/federation/resolve", tag = "federation", request_body = ResolveRequest,
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
async fn resolve(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(req): ApiJson<ResolveRequest>,
) -> ApiResult<Json<CommunityView>> {
    let c = remote::resolve_community(&ctx, &req.query).await.map_err(remote_error)?;
    let handle = if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) };
    Ok(Json(communities::get(&ctx, Some(&s.viewer), &handle).await?))
}

/// Delivery queue depth and health per remote instance (admins).
#[utoipa::path(get, path = "/api/guildhall/v1/admin/federation/instances", tag = "admin",
    responses((status = 200, body = Vec<InstanceHealthView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn instances(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<InstanceHealthView>>> {
    Ok(Json(guildhall_app::admin::federation_health(&ctx, &s.viewer).await?))
}

/// Outgoing changes that could not be turned into activities, with why (admins).
#[utoipa::path(get, path = "/api/guildhall/v1/admin/federation/failures", tag = "admin",
    responses((status = 200, body = Vec<OutboxFailureView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn outbox_failures(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<OutboxFailureView>>> {
    Ok(Json(guildhall_app::admin::outbox_failures(&ctx, &s.viewer).await?))
}
