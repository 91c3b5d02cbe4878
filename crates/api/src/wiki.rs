//! A community's wiki: pages, revisions, diffs, restore, lock and who may edit.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::wiki::{self, WikiDiffView, WikiEdit, WikiPageSummary, WikiPageView, WikiRevisionView};
use guildhall_domain::wiki::WikiEditors;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, edit))
        .routes(routes!(history))
        .routes(routes!(revision))
        .routes(routes!(diff))
        .routes(routes!(restore))
        .routes(routes!(lock))
        .routes(routes!(unlock))
        .routes(routes!(settings, set_settings))
}

fn viewer(s: &Option<Session>) -> Option<&guildhall_app::Viewer> {
    s.as_ref().map(|s| &s.viewer)
}

/// The wiki's pages (local communities; members only in private ones).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki", tag = "wiki", params(("name" = String, Path)),
    responses((status = 200, body = Vec<WikiPageSummary>), (status = 404, body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Vec<WikiPageSummary>>> {
    Ok(Json(wiki::list(&ctx, viewer(&s), &name).await?))
}

/// A new page.
#[derive(Deserialize, ToSchema)]
pub struct CreatePage {
    /// Title (its slug becomes the page's URL name).
    pub title: String,
    /// Markdown, up to 200,000 characters; `[[Page name]]` links to another page.
    pub body: String,
    /// What this revision does.
    pub summary: Option<String>,
}

/// Creates a page (members, or moderators per the wiki setting).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/wiki", tag = "wiki", params(("name" = String, Path)), request_body = CreatePage,
    responses((status = 201, body = WikiPageView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a page with this slug exists")), security(("bearer" = [])))]
async fn create(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<CreatePage>,
) -> ApiResult<(StatusCode, Json<WikiPageView>)> {
    let page = wiki::create(&ctx, &s.viewer, &name, &req.title, &req.body, req.summary.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(page)))
}

/// One page at its latest revision.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)),
    responses((status = 200, body = WikiPageView), (status = 404, body = ErrorBody)))]
async fn get(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath((name, slug)): ApiPath<(String, String)>,
) -> ApiResult<Json<WikiPageView>> {
    Ok(Json(wiki::get(&ctx, viewer(&s), &name, &slug).await?))
}

/// An edit.
#[derive(Deserialize, ToSchema)]
pub struct EditPage {
    /// The revision this edit started from; if the page has a newer one, 409.
    pub base_revision: i32,
    /// New title (the slug stays).
    pub title: Option<String>,
    /// The whole new body.
    pub body: String,
    /// What changed.
    pub summary: Option<String>,
}

/// Edits a page: a new revision.
#[utoipa::path(patch, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)), request_body = EditPage,
    responses((status = 200, body = WikiPageView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "edit conflict: base_revision is not the latest")), security(("bearer" = [])))]
async fn edit(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, slug)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<EditPage>,
) -> ApiResult<Json<WikiPageView>> {
    let e = WikiEdit { base_revision: req.base_revision, title: req.title, body: req.body, summary: req.summary };
    Ok(Json(wiki::edit(&ctx, &s.viewer, &name, &slug, e).await?))
}

/// A page's revisions, newest first.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/revisions", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)),
    responses((status = 200, body = Vec<WikiRevisionView>), (status = 404, body = ErrorBody)))]
async fn history(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath((name, slug)): ApiPath<(String, String)>,
) -> ApiResult<Json<Vec<WikiRevisionView>>> {
    Ok(Json(wiki::history(&ctx, viewer(&s), &name, &slug).await?))
}

/// One revision with its text.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/revisions/{number}", tag = "wiki",
    params(("name" = String, Path), ("slug" = String, Path), ("number" = i32, Path)),
    responses((status = 200, body = WikiRevisionView), (status = 404, body = ErrorBody)))]
async fn revision(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath((name, slug, number)): ApiPath<(String, String, i32)>,
) -> ApiResult<Json<WikiRevisionView>> {
    Ok(Json(wiki::revision(&ctx, viewer(&s), &name, &slug, number).await?))
}

/// Which revisions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// Older revision.
    pub from: i32,
    /// Newer revision.
    pub to: i32,
}

/// The difference between two revisions.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/diff", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path), DiffQuery),
    responses((status = 200, body = WikiDiffView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn diff(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath((name, slug)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<Json<WikiDiffView>> {
    Ok(Json(wiki::diff(&ctx, viewer(&s), &name, &slug, q.from, q.to).await?))
}

/// Restoring an old revision.
#[derive(Deserialize, ToSchema)]
pub struct RestorePage {
    /// The revision to bring back (as a new revision).
    pub revision: i32,
    /// Summary (default "Restored revision n").
    pub summary: Option<String>,
}

/// Restores an old revision as a new one.
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/restore", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)), request_body = RestorePage,
    responses((status = 200, body = WikiPageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn restore(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, slug)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<RestorePage>,
) -> ApiResult<Json<WikiPageView>> {
    Ok(Json(wiki::restore(&ctx, &s.viewer, &name, &slug, req.revision, req.summary.as_deref()).await?))
}

/// Locks a page: moderators only may edit it (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/lock", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)),
    responses((status = 200, body = WikiPageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn lock(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, slug)): ApiPath<(String, String)>,
) -> ApiResult<Json<WikiPageView>> {
    Ok(Json(wiki::set_locked(&ctx, &s.viewer, &name, &slug, true).await?))
}

/// Unlocks a page (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/wiki/{slug}/unlock", tag = "wiki", params(("name" = String, Path), ("slug" = String, Path)),
    responses((status = 200, body = WikiPageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn unlock(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, slug)): ApiPath<(String, String)>,
) -> ApiResult<Json<WikiPageView>> {
    Ok(Json(wiki::set_locked(&ctx, &s.viewer, &name, &slug, false).await?))
}

/// Who may edit a community's wiki.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct WikiSettings {
    /// `members` (default) or `moderators`.
    pub editors: WikiEditors,
}

/// The wiki's settings.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/wiki-settings", tag = "wiki", params(("name" = String, Path)),
    responses((status = 200, body = WikiSettings), (status = 404, body = ErrorBody)))]
async fn settings(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<WikiSettings>> {
    Ok(Json(WikiSettings { editors: wiki::settings(&ctx, viewer(&s), &name).await? }))
}

/// Sets who may edit (moderators).
#[utoipa::path(put, path = "/api/guildhall/v1/communities/{name}/wiki-settings", tag = "wiki", params(("name" = String, Path)), request_body = WikiSettings,
    responses((status = 200, body = WikiSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn set_settings(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<WikiSettings>,
) -> ApiResult<Json<WikiSettings>> {
    Ok(Json(WikiSettings { editors: wiki::set_settings(&ctx, &s.viewer, &name, req.editors).await? }))
}
