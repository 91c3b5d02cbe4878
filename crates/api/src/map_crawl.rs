//! The network-map crawler for admins: start a crawl in the background, watch its progress,
//! and list the instances on the map with their crawl state.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::map_crawl::{self, CrawlStatusView, MapInstanceView};
use guildhall_federation::crawl::{self, CrawlOptions};
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
pub struct CrawlQuery {
    /// Crawl every instance, even those crawled less than `map_refresh_hours` ago.
    pub force: Option<bool>,
}

/// Starts a network-map crawl in the background (one at a time per server process).
#[utoipa::path(post, path = "/api/v1/admin/map/crawl", tag = "admin", params(CrawlQuery),
    responses((status = 202, body = CrawlStatusView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn start_crawl(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<CrawlQuery>,
) -> ApiResult<(StatusCode, Json<CrawlStatusView>)> {
    let job = map_crawl::begin(&ctx, &s.viewer)?;
    let options = CrawlOptions { force: q.force.unwrap_or(false), ..CrawlOptions::for_instance(&ctx) };
    let task_ctx = ctx.clone();
    tracing::info!(admin = %s.viewer.username, force = options.force, "map crawl started");
    tokio::spawn(async move {
        let result = crawl::run(&task_ctx, options, job.progress()).await;
        match result {
            Ok(summary) => {
                tracing::info!(instances = summary.instances.len(), "map crawl finished");
                job.finish(None);
            }
            Err(e) => {
                tracing::error!(error = %e, "map crawl stopped");
                job.finish(Some(e.to_string()));
            }
        }
    });
    Ok((StatusCode::ACCEPTED, Json(ctx.map_crawl().status())))
}

/// The running crawl's progress, or how the last one ended (this server process).
#[utoipa::path(get, path = "/api/v1/admin/map/crawl", tag = "admin",
    responses((status = 200, body = CrawlStatusView), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn crawl_status(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<CrawlStatusView>> {
    Ok(Json(map_crawl::status(&ctx, &s.viewer)?))
}

/// Every instance on the map with its crawl status and last error.
#[utoipa::path(get, path = "/api/v1/admin/map/instances", tag = "admin",
    responses((status = 200, body = Vec<MapInstanceView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn map_instances(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<Vec<MapInstanceView>>> {
    Ok(Json(map_crawl::instances(&ctx, &s.viewer).await?))
}
