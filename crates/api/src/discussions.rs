//! Discussions and replies.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::discussions::Sort;
use guildhall_app::discussions::{self, Flag};
use guildhall_app::posts::{PostBody, PostRef};
use guildhall_app::views::{DiscussionView, List, ReplyView, VoteView};
use guildhall_domain::extras::Warning;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(pin))
        .routes(routes!(unpin))
        .routes(routes!(lock))
        .routes(routes!(unlock))
        .routes(routes!(replies, reply))
        .routes(routes!(update_reply, delete_reply))
        .routes(routes!(vote_discussion))
        .routes(routes!(vote_reply))
}

/// List order.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortParam {
    /// Newest first.
    #[default]
    New,
    /// Latest activity first.
    Active,
}

/// List options.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `new` (default) or `active`; pinned discussions always come first.
    pub sort: Option<SortParam>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page (1–100, default 20).
    pub limit: Option<u64>,
}

/// A community's discussions.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/discussions", tag = "discussions", params(("name" = String, Path), ListQuery),
    responses((status = 200, body = List<DiscussionView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<DiscussionView>>> {
    let sort = match q.sort.unwrap_or_default() {
        SortParam::New => Sort::New,
        SortParam::Active => Sort::Active,
    };
    let viewer = s.as_ref().map(|s| &s.viewer);
    Ok(Json(discussions::list(&ctx, viewer, &name, sort, guildhall_app::page(q.page, q.limit)).await?))
}

/// A new discussion.
#[derive(Deserialize, ToSchema)]
pub struct CreateDiscussion {
    /// Title (up to 200 characters).
    pub title: String,
    /// Body (Markdown, up to 100,000 characters).
    pub body: String,
    /// A poll to attach (federated as a `Question`).
    pub poll: Option<crate::polls::PollRequest>,
    /// Content warning shown before the post (one line, up to 1,000 characters); it also
    /// marks the post sensitive.
    pub content_warning: Option<String>,
    /// Hide the post behind a warning even without warning text.
    #[serde(default)]
    pub sensitive: bool,
}

/// Starts a discussion (members).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/discussions", tag = "discussions", params(("name" = String, Path)), request_body = CreateDiscussion,
    responses((status = 201, body = DiscussionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn create(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<CreateDiscussion>,
) -> ApiResult<(StatusCode, Json<DiscussionView>)> {
    let poll = req.poll.map(Into::into);
    let warning = Warning { text: req.content_warning, sensitive: req.sensitive };
    let d = discussions::create_with_poll(&ctx, &s.viewer, &name, &req.title, &req.body, poll, warning).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One discussion.
#[utoipa::path(get, path = "/api/guildhall/v1/discussions/{id}", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 200, body = DiscussionView), (status = 404, body = ErrorBody)))]
async fn get(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DiscussionView>> {
    Ok(Json(discussions::get(&ctx, s.as_ref().map(|s| &s.viewer), id).await?))
}

/// Discussion changes; omitted fields are kept.
#[derive(Deserialize, ToSchema)]
pub struct UpdateDiscussion {
    /// New title.
    pub title: Option<String>,
    /// New body (Markdown).
    pub body: Option<String>,
    /// New content warning; `""` removes it.
    pub content_warning: Option<String>,
    /// New sensitive flag (a content warning always marks the post sensitive).
    pub sensitive: Option<bool>,
}

/// The warning a PATCH asks for: `None` when it names neither field; a missing field keeps
/// its current value (`current` gives them).
fn changed_warning(
    text: Option<String>,
    sensitive: Option<bool>,
    current: impl FnOnce() -> (String, bool),
) -> Option<Warning> {
    if text.is_none() && sensitive.is_none() {
        return None;
    }
    let (current_text, current_sensitive) = current();
    Some(Warning { text: Some(text.unwrap_or(current_text)), sensitive: sensitive.unwrap_or(current_sensitive) })
}

/// Edits a discussion (author).
#[utoipa::path(patch, path = "/api/guildhall/v1/discussions/{id}", tag = "discussions", params(("id" = i64, Path)), request_body = UpdateDiscussion,
    responses((status = 200, body = DiscussionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn update(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateDiscussion>,
) -> ApiResult<Json<DiscussionView>> {
    let current = match req.content_warning.is_none() && req.sensitive.is_none() {
        true => None,
        false => Some(discussions::get(&ctx, Some(&s.viewer), id).await?.extras),
    };
    let warning = changed_warning(req.content_warning, req.sensitive, || {
        current.map(|e| (e.spoiler_text, e.sensitive)).unwrap_or_default()
    });
    Ok(Json(discussions::update(&ctx, &s.viewer, id, req.title.as_deref(), req.body.as_deref(), warning).await?))
}

/// Deletes a discussion (author or moderator); a tombstone keeps the thread.
#[utoipa::path(delete, path = "/api/guildhall/v1/discussions/{id}", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    discussions::delete(&ctx, &s.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn flag(ctx: AppContext, s: Session, id: i64, flag: Flag, on: bool) -> ApiResult<Json<DiscussionView>> {
    Ok(Json(discussions::set_flag(&ctx, &s.viewer, id, flag, on).await?))
}

/// Pins a discussion (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/pin", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 200, body = DiscussionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn pin(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<DiscussionView>> {
    flag(ctx, s, id, Flag::Pinned, true).await
}

/// Unpins a discussion (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/unpin", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 200, body = DiscussionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn unpin(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DiscussionView>> {
    flag(ctx, s, id, Flag::Pinned, false).await
}

/// Locks a discussion against new replies (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/lock", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 200, body = DiscussionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn lock(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<DiscussionView>> {
    flag(ctx, s, id, Flag::Locked, true).await
}

/// Unlocks a discussion (moderators).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/unlock", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 200, body = DiscussionView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn unlock(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DiscussionView>> {
    flag(ctx, s, id, Flag::Locked, false).await
}

/// A discussion's replies, threaded (each reply follows its parent; see `depth`).
#[utoipa::path(get, path = "/api/guildhall/v1/discussions/{id}/replies", tag = "discussions", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = List<ReplyView>), (status = 404, body = ErrorBody)))]
async fn replies(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<ReplyView>>> {
    let viewer = s.as_ref().map(|s| &s.viewer);
    Ok(Json(discussions::replies(&ctx, viewer, id, guildhall_app::page(q.page, q.limit)).await?))
}

/// A new reply.
#[derive(Deserialize, ToSchema)]
pub struct CreateReply {
    /// Body (Markdown, up to 100,000 characters).
    pub body: String,
    /// The reply this answers, for nesting.
    pub parent_id: Option<i64>,
    /// Content warning shown before the reply (one line, up to 1,000 characters); it also
    /// marks the reply sensitive.
    pub content_warning: Option<String>,
    /// Hide the reply behind a warning even without warning text.
    #[serde(default)]
    pub sensitive: bool,
}

/// Replies in a discussion (members).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/replies", tag = "discussions", params(("id" = i64, Path)), request_body = CreateReply,
    responses((status = 201, body = ReplyView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn reply(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CreateReply>,
) -> ApiResult<(StatusCode, Json<ReplyView>)> {
    let warning = Warning { text: req.content_warning, sensitive: req.sensitive };
    let r = discussions::reply(&ctx, &s.viewer, id, req.parent_id, &req.body, warning).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// A reply edit.
#[derive(Deserialize, ToSchema)]
pub struct UpdateReply {
    /// New body (Markdown).
    pub body: String,
    /// New content warning; `""` removes it, omitted keeps it.
    pub content_warning: Option<String>,
    /// New sensitive flag (a content warning always marks the reply sensitive).
    pub sensitive: Option<bool>,
}

/// Edits a reply (author).
#[utoipa::path(patch, path = "/api/guildhall/v1/replies/{id}", tag = "discussions", params(("id" = i64, Path)), request_body = UpdateReply,
    responses((status = 200, body = ReplyView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn update_reply(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdateReply>,
) -> ApiResult<Json<ReplyView>> {
    let current = match req.content_warning.is_none() && req.sensitive.is_none() {
        true => None,
        false => match guildhall_app::posts::one(&ctx, Some(&s.viewer), PostRef::Reply(id)).await?.body {
            PostBody::Reply(r) => Some(r.extras),
            PostBody::Discussion(_) => None,
        },
    };
    let warning = changed_warning(req.content_warning, req.sensitive, || {
        current.map(|e| (e.spoiler_text, e.sensitive)).unwrap_or_default()
    });
    Ok(Json(discussions::update_reply(&ctx, &s.viewer, id, &req.body, warning).await?))
}

/// Deletes a reply (author or moderator); a tombstone keeps the thread intact.
#[utoipa::path(delete, path = "/api/guildhall/v1/replies/{id}", tag = "discussions", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete_reply(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    discussions::delete_reply(&ctx, &s.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A vote.
#[derive(Deserialize, ToSchema)]
pub struct VoteRequest {
    /// 1 (up), -1 (down) or 0 (withdraw).
    pub value: i16,
}

/// Votes on a discussion (members).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/vote", tag = "discussions", params(("id" = i64, Path)), request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn vote_discussion(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> ApiResult<Json<VoteView>> {
    Ok(Json(guildhall_app::votes::vote(&ctx, &s.viewer, guildhall_app::votes::On::Discussion(id), req.value).await?))
}

/// Votes on a reply (members).
#[utoipa::path(post, path = "/api/guildhall/v1/replies/{id}/vote", tag = "discussions", params(("id" = i64, Path)), request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn vote_reply(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> ApiResult<Json<VoteView>> {
    Ok(Json(guildhall_app::votes::vote(&ctx, &s.viewer, guildhall_app::votes::On::Reply(id), req.value).await?))
}
