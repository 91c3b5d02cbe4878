//! The network map as data: JSON (`/api/guildhall/v1/map`), CSV (`/api/guildhall/v1/map.csv` for nodes,
//! `/api/guildhall/v1/map/edges.csv` for edges) and GraphML (`/api/guildhall/v1/map.graphml`), all with the same
//! filters as the map page.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_app::map::{self, MapFilter, MapGraph};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::map_export;

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(get_map))
        .routes(routes!(nodes_csv))
        .routes(routes!(edges_csv))
        .routes(routes!(graphml))
}

/// The network map: instances, communities, guilds and external communities of practice, with
/// `hosted_on` and `member_of` edges.
#[utoipa::path(get, path = "/api/guildhall/v1/map", tag = "map", params(MapFilter),
    responses((status = 200, body = MapGraph), (status = 400, body = ErrorBody)))]
async fn get_map(State(ctx): State<AppContext>, ApiQuery(f): ApiQuery<MapFilter>) -> ApiResult<Json<MapGraph>> {
    Ok(Json(map::graph(&ctx, f).await?))
}

fn download(body: String, content_type: &'static str, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        body,
    )
        .into_response()
}

fn export_failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "map export failed");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server")
}

/// The map's nodes as CSV, one row per node (tags joined with `;`).
#[utoipa::path(get, path = "/api/guildhall/v1/map.csv", tag = "map", params(MapFilter),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn nodes_csv(State(ctx): State<AppContext>, ApiQuery(f): ApiQuery<MapFilter>) -> ApiResult<Response> {
    let g = map::graph(&ctx, f).await?;
    let body = map_export::nodes_csv(&g).map_err(export_failed)?;
    Ok(download(body, "text/csv; charset=utf-8", "guildhall-map-nodes.csv"))
}

/// The map's edges as CSV: `from`, `to`, `kind`.
#[utoipa::path(get, path = "/api/guildhall/v1/map/edges.csv", tag = "map", params(MapFilter),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn edges_csv(State(ctx): State<AppContext>, ApiQuery(f): ApiQuery<MapFilter>) -> ApiResult<Response> {
    let g = map::graph(&ctx, f).await?;
    let body = map_export::edges_csv(&g).map_err(export_failed)?;
    Ok(download(body, "text/csv; charset=utf-8", "guildhall-map-edges.csv"))
}

/// The map as GraphML (nodes and edges in one file, for Gephi, yEd or networkx).
#[utoipa::path(get, path = "/api/guildhall/v1/map.graphml", tag = "map", params(MapFilter),
    responses((status = 200, content_type = "application/graphml+xml", body = String)))]
async fn graphml(State(ctx): State<AppContext>, ApiQuery(f): ApiQuery<MapFilter>) -> ApiResult<Response> {
    let g = map::graph(&ctx, f).await?;
    Ok(download(map_export::graphml(&g), "application/graphml+xml; charset=utf-8", "guildhall-map.graphml"))
}
