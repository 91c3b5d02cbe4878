//! Buttons on posts: deleting, voting, and pinning and locking for moderators.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use guildhall_app::AppContext;
use guildhall_app::browse;
use guildhall_app::discussions::{self, Flag};
use guildhall_app::votes::{self, On};
use serde::Deserialize;

use super::{OrPage, PageError, community_path, see_other};
use crate::visit::Visit;

/// A form with a CSRF token and one value (vote, moderation action).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /discussions/{id}/delete`.
pub(crate) async fn delete(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    let d = discussions::get(&ctx, Some(&s.viewer), id).await.or_page(&v)?;
    discussions::delete(&ctx, &s.viewer, id).await.or_page(&v)?;
    Ok(match browse::thread(&ctx, Some(&s.viewer), d.id, guildhall_app::page(None, Some(1))).await {
        Ok(t) => see_other(&community_path(&t.community.handle), Some("deleted")),
        Err(_) => see_other("/", Some("deleted")),
    })
}

/// `POST /replies/{id}/delete`.
pub(crate) async fn delete_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    let discussion_id = match browse::reply(&ctx, &s.viewer, id).await {
        Ok((r, _)) => r.discussion_id,
        Err(e) => return Err(PageError::app(&v, e)),
    };
    discussions::delete_reply(&ctx, &s.viewer, id).await.or_page(&v)?;
    Ok(see_other(&format!("/discussions/{discussion_id}#reply-{id}"), Some("deleted")))
}

/// `POST /discussions/{id}/moderate`: `value` is pin, unpin, lock or unlock.
pub(crate) async fn moderate(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let (flag, on, done) = match form.value.as_str() {
        "pin" => (Flag::Pinned, true, "pinned"),
        "unpin" => (Flag::Pinned, false, "unpinned"),
        "lock" => (Flag::Locked, true, "locked"),
        "unlock" => (Flag::Locked, false, "unlocked"),
        _ => return Err(PageError::app(&v, guildhall_domain::Invalid::new("value", "unknown action").into())),
    };
    discussions::set_flag(&ctx, &s.viewer, id, flag, on).await.or_page(&v)?;
    Ok(see_other(&format!("/discussions/{id}"), Some(done)))
}

async fn vote_on(
    ctx: &AppContext,
    v: &Visit,
    on: On,
    form: Result<Form<ActionForm>, FormRejection>,
    back: String,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let value = match form.value.as_str() {
        "up" => 1,
        "down" => -1,
        _ => 0,
    };
    votes::vote(ctx, &s.viewer, on, value).await.or_page(v)?;
    Ok(see_other(&back, Some("voted")))
}

/// `POST /discussions/{id}/vote`: `value` is up, down or clear.
pub(crate) async fn vote(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    vote_on(&ctx, &v, On::Discussion(id), form, format!("/discussions/{id}#discussion")).await
}

/// `POST /replies/{id}/vote`.
pub(crate) async fn vote_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let Some(s) = v.signed.as_ref() else { return Err(v.sign_in_first()) };
    let back = match browse::reply(&ctx, &s.viewer, id).await {
        Ok((r, _)) => format!("/discussions/{}#reply-{id}", r.discussion_id),
        Err(e) => return Err(PageError::app(&v, e)),
    };
    vote_on(&ctx, &v, On::Reply(id), form, back).await
}

/// `POST /events/{id}/vote`: as on a discussion.
pub(crate) async fn vote_event(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Result<Response, PageError> {
    vote_on(&ctx, &v, On::Event(id), form, format!("/events/{id}#event-votes")).await
}

/// `GET /discussions/{id}/delete` and `GET /replies/{id}/delete`: asks before deleting.
#[derive(askama::Template)]
#[template(path = "confirm_delete.html")]
pub(crate) struct ConfirmDeletePage {
    pub c: crate::visit::Chrome,
    /// Where the form posts.
    pub action: String,
    /// Where "cancel" goes.
    pub back: String,
    /// The discussion's title, or the reply's first words.
    pub what: String,
}

fn excerpt(body: &str) -> String {
    let words: Vec<&str> = body.split_whitespace().take(12).collect();
    let mut s = words.join(" ");
    if body.split_whitespace().count() > 12 {
        s.push('…');
    }
    s
}

/// `GET /discussions/{id}/delete`.
pub(crate) async fn confirm_delete(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    v.require()?;
    let t = browse::thread(&ctx, v.viewer(), id, guildhall_app::page(None, Some(1))).await.or_page(&v)?;
    if !t.actions.delete {
        return Err(PageError::app(&v, guildhall_domain::Denied::AuthorOnly.into()));
    }
    let page = ConfirmDeletePage {
        c: v.chrome(),
        action: format!("/discussions/{id}/delete"),
        back: format!("/discussions/{id}"),
        what: t.discussion.title,
    };
    Ok(super::render(axum::http::StatusCode::OK, &page))
}

/// `GET /replies/{id}/delete`.
pub(crate) async fn confirm_delete_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let (r, actions) = browse::reply(&ctx, &s.viewer, id).await.or_page(&v)?;
    if !actions.delete {
        return Err(PageError::app(&v, guildhall_domain::Denied::AuthorOnly.into()));
    }
    let page = ConfirmDeletePage {
        c: v.chrome(),
        action: format!("/replies/{id}/delete"),
        back: format!("/discussions/{}#reply-{id}", r.discussion_id),
        what: excerpt(&r.body),
    };
    Ok(super::render(axum::http::StatusCode::OK, &page))
}
