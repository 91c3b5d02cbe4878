//! The published directory (`GET /api/guildhall/v1/directory`, read by other instances' map crawlers)
//! and crowdsourced external communities of practice: members propose, admins decide.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::directory::{self, DirectoryPage};
use guildhall_app::proposals::{self, NewCop, ProposalView};
use guildhall_app::views::List;
use guildhall_app::{AppContext, Page};
use guildhall_domain::directory::ProposalStatus;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(get_directory))
        .routes(routes!(propose))
        .routes(routes!(list_proposals))
        .routes(routes!(approve))
        .routes(routes!(reject))
}

/// Directory page selection.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// 1-based page number (50 entries a page).
    pub page: Option<u64>,
}

/// This instance's directory of listed communities, guilds and approved external communities
/// of practice, 50 a page. 404 `directory_unlisted` when the instance opted out.
#[utoipa::path(get, path = "/api/guildhall/v1/directory", tag = "map", params(DirectoryQuery),
    responses((status = 200, body = DirectoryPage), (status = 404, body = ErrorBody)))]
async fn get_directory(State(ctx): State<AppContext>, ApiQuery(q): ApiQuery<DirectoryQuery>) -> ApiResult<Response> {
    match directory::page(&ctx, q.page.unwrap_or(1)).await? {
        Some(page) => Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(page)).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "directory_unlisted",
            "this instance does not publish a directory",
        )),
    }
}

/// Proposes a community of practice that is not on a Guildhall instance (signed-in members).
#[utoipa::path(post, path = "/api/guildhall/v1/map/proposals", tag = "map", request_body = NewCop,
    responses((status = 201, body = ProposalView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn propose(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(new): ApiJson<NewCop>,
) -> ApiResult<(StatusCode, Json<ProposalView>)> {
    Ok((StatusCode::CREATED, Json(proposals::propose(&ctx, &s.viewer, new).await?)))
}

/// Which proposals to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalQuery {
    /// pending (default), approved or rejected.
    pub status: Option<ProposalStatus>,
}

/// Proposals waiting for a decision (or with another status), oldest first (admins).
#[utoipa::path(get, path = "/api/guildhall/v1/admin/map/proposals", tag = "admin", params(ProposalQuery, PageQuery),
    responses((status = 200, body = List<ProposalView>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
async fn list_proposals(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<ProposalQuery>,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<ProposalView>>> {
    let page: Page = guildhall_app::page(p.page, p.limit);
    Ok(Json(proposals::list(&ctx, &s.viewer, q.status.unwrap_or(ProposalStatus::Pending), page).await?))
}

/// Approves a pending proposal: it joins the published directory as an `external` entry.
#[utoipa::path(post, path = "/api/guildhall/v1/admin/map/proposals/{id}/approve", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approve(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProposalView>> {
    Ok(Json(proposals::decide(&ctx, &s.viewer, id, true).await?))
}

/// Rejects a pending proposal.
#[utoipa::path(post, path = "/api/guildhall/v1/admin/map/proposals/{id}/reject", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reject(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<ProposalView>> {
    Ok(Json(proposals::decide(&ctx, &s.viewer, id, false).await?))
}
