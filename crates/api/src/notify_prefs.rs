//! Your notification settings: a level per community (watch / normal / mute) and muted
//! threads.

use axum::Json;
use axum::extract::State;
use guildhall_app::AppContext;
use guildhall_app::notify_prefs::{self, CommunityLevel, ThreadMute};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(get_level, set_level))
        .routes(routes!(list_levels))
        .routes(routes!(get_mute, mute, unmute))
}

/// A new level.
#[derive(Deserialize, ToSchema)]
pub struct LevelChange {
    /// `watch` (also new discussions and events), `normal` or `mute` (only what moderators
    /// must not miss and your own join answers).
    pub level: String,
}

/// Your level for a community (404 for a community whose content you may not read).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/notification_level", tag = "notifications",
    params(("name" = String, Path)),
    responses((status = 200, body = CommunityLevel), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_level(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<CommunityLevel>> {
    Ok(Json(notify_prefs::level(&ctx, &s.viewer, &name).await?))
}

/// Sets your level for a community (local or remote). Back to `normal` is always allowed;
/// `watch` and `mute` need the right to read it (404 otherwise); an unknown level is 400.
#[utoipa::path(put, path = "/api/guildhall/v1/communities/{name}/notification_level", tag = "notifications",
    params(("name" = String, Path)), request_body = LevelChange,
    responses((status = 200, body = CommunityLevel), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_level(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(body): ApiJson<LevelChange>,
) -> ApiResult<Json<CommunityLevel>> {
    Ok(Json(notify_prefs::set_level(&ctx, &s.viewer, &name, &body.level).await?))
}

/// The communities you set to watch or mute (all others are normal).
#[utoipa::path(get, path = "/api/guildhall/v1/notification_levels", tag = "notifications",
    responses((status = 200, body = Vec<CommunityLevel>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn list_levels(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<CommunityLevel>>> {
    Ok(Json(notify_prefs::levels(&ctx, &s.viewer).await?))
}

/// Whether you muted a discussion (404 if you may not read it).
#[utoipa::path(get, path = "/api/guildhall/v1/discussions/{id}/mute", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = ThreadMute), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_mute(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ThreadMute>> {
    Ok(Json(notify_prefs::thread_muted(&ctx, &s.viewer, id).await?))
}

/// Mutes a discussion: no more replies, mentions, favourites or closed polls about it.
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/mute", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = ThreadMute), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn mute(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ThreadMute>> {
    Ok(Json(notify_prefs::set_thread_muted(&ctx, &s.viewer, id, true).await?))
}

/// Unmutes a discussion.
#[utoipa::path(delete, path = "/api/guildhall/v1/discussions/{id}/mute", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 200, body = ThreadMute), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn unmute(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ThreadMute>> {
    Ok(Json(notify_prefs::set_thread_muted(&ctx, &s.viewer, id, false).await?))
}
