//! Polls: a discussion's poll, with the discussion's status id as its id. Voting on a local
//! poll again replaces the earlier vote (Guildhall's rule); another server's poll keeps the
//! first vote, and a second one answers Mastodon's "already voted".

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use guildhall_app::posts::{PostBody, PostRef};
use guildhall_app::{AppContext, Error};
use guildhall_domain::Denied;
use serde::Deserialize;

use crate::auth::Authed;
use crate::body::Params;
use crate::entities::Poll;
use crate::error::{MastoError, Result};
use crate::ids::StatusId;
use crate::render;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new().route("/api/v1/polls/{id}", get(show)).route("/api/v1/polls/{id}/votes", post(vote))
}

fn discussion_of(raw: &str) -> Result<(StatusId, i64)> {
    match StatusId::parse(raw) {
        Some(id @ StatusId::Discussion(d)) => Ok((id, d)),
        _ => Err(MastoError::not_found()),
    }
}

async fn show(State(ctx): State<AppContext>, authed: Option<Authed>, Path(id): Path<String>) -> Result<Json<Poll>> {
    if let Some(a) = &authed {
        a.require("read:statuses")?;
    }
    let (sid, d) = discussion_of(&id)?;
    let viewer = authed.as_ref().map(|a| &a.viewer);
    let post = guildhall_app::posts::one(&ctx, viewer, PostRef::Discussion(d)).await?;
    let PostBody::Discussion(view) = &post.body else { return Err(MastoError::not_found()) };
    let mut poll = view.poll.as_ref().map(|p| render::poll(sid, p)).ok_or_else(MastoError::not_found)?;
    if viewer.is_none() {
        // Anonymous readers have no vote to show.
        poll.voted = None;
        poll.own_votes = None;
    }
    Ok(Json(poll))
}

/// An option index, as a number (JSON) or text (forms).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Choice {
    Number(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
struct Votes {
    #[serde(default)]
    choices: Vec<Choice>,
}

fn indexes(v: &Votes) -> Result<Vec<usize>> {
    v.choices
        .iter()
        .map(|c| match c {
            Choice::Number(n) => usize::try_from(*n).ok(),
            Choice::Text(t) => t.trim().parse::<usize>().ok(),
        })
        .map(|c| c.ok_or_else(|| MastoError::validation("choices must be option indexes")))
        .collect()
}

async fn vote(
    State(ctx): State<AppContext>,
    authed: Authed,
    Path(id): Path<String>,
    Params(body): Params<Votes>,
) -> Result<Json<Poll>> {
    authed.require("write:statuses")?;
    let (sid, d) = discussion_of(&id)?;
    let choices = indexes(&body)?;
    let view = guildhall_app::polls::vote(&ctx, &authed.viewer, d, &choices).await.map_err(|e| match e {
        Error::Denied(Denied::PollClosed) => MastoError::validation("The poll has already ended"),
        // Only another server's poll refuses a second vote.
        Error::Conflict(_) => MastoError::validation("You have already voted on this poll"),
        other => other.into(),
    })?;
    Ok(Json(render::poll(sid, &view)))
}
