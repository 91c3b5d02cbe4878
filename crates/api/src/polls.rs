//! Polls on discussions: voting. A poll is created with its discussion (`poll` in the create
//! request) and shown in the discussion's detail.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::polls::{PollInput, PollView};
use guildhall_domain::poll::PollKind;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(vote))
}

/// A poll to attach to a new discussion.
#[derive(Deserialize, ToSchema)]
pub struct PollRequest {
    /// `single` (default) or `multiple` choice.
    #[serde(default)]
    pub kind: PollKind,
    /// 2 to 20 distinct options, up to 200 characters each.
    pub options: Vec<String>,
    /// When voting ends (RFC 3339, in the future, within a year); none: open-ended.
    pub closes_at: Option<DateTime<Utc>>,
    /// Hide the counts until the poll closes.
    #[serde(default)]
    pub hide_results: bool,
}

impl From<PollRequest> for PollInput {
    fn from(p: PollRequest) -> Self {
        PollInput { kind: p.kind, options: p.options, closes_at: p.closes_at, hide_results: p.hide_results }
    }
}

/// A vote.
#[derive(Deserialize, ToSchema)]
pub struct PollVoteRequest {
    /// Positions of the chosen options (one for a single-choice poll). On a poll of this
    /// server a new vote replaces your earlier one; on another server's poll a vote is final.
    pub choices: Vec<usize>,
}

/// Votes in a discussion's poll (those who may reply, until it closes).
#[utoipa::path(post, path = "/api/guildhall/v1/discussions/{id}/poll/votes", tag = "discussions", params(("id" = i64, Path)), request_body = PollVoteRequest,
    responses((status = 200, body = PollView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "not allowed, or `poll_closed`"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already voted in another server's poll")), security(("bearer" = [])))]
async fn vote(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PollVoteRequest>,
) -> ApiResult<Json<PollView>> {
    Ok(Json(guildhall_app::polls::vote(&ctx, &s.viewer, id, &req.choices).await?))
}
