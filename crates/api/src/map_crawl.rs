//! The network-map crawler for admins: start a crawl in the background, watch its progress,
//! and list the instances on the map with their crawl state.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::map_crawl::{self, CrawlStatusView, MapInstanceView};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(start_crawl, crawl_status)).routes(routes!(map_instances))
}

/// How to crawl.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CrawlQuery {
    /// Crawl every instance, even those crawled less than `map_refresh_hours` ago.
    pub force: Option<bool>,
}

/// Starts a network-map crawl in the background (one at a time per server process).
#[utoipa::path(post, path = "/api/guildhall/v1/admin/map/crawl", tag = "admin", params(CrawlQuery),
    responses((status = 202, body = CrawlStatusView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn start_crawl(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<CrawlQuery>,
) -> ApiResult<(StatusCode, Json<CrawlStatusView>)> {
    let status = guildhall_app::remote::start_map_crawl(&ctx, &s.viewer, q.force.unwrap_or(false))?;
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// The running crawl's progress, or how the last one ended (this server process).
#[utoipa::path(get, path = "/api/guildhall/v1/admin/map/crawl", tag = "admin",
    responses((status = 200, body = CrawlStatusView), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn crawl_status(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<CrawlStatusView>> {
    Ok(Json(map_crawl::status(&ctx, &s.viewer)?))
}

/// Every instance on the map with its crawl status and last error.
#[utoipa::path(get, path = "/api/guildhall/v1/admin/map/instances", tag = "admin",
    responses((status = 200, body = Vec<MapInstanceView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn map_instances(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<MapInstanceView>>> {
    Ok(Json(map_crawl::instances(&ctx, &s.viewer).await?))
}
