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

use super::{app_error, community_path, see_other};
use crate::visit::{Visit, csrf_failed};

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
) -> Response {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = match v.authorize(&given) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let d = match discussions::get(&ctx, Some(&s.viewer), id).await {
        Ok(d) => d,
        Err(e) => return app_error(&v, e),
    };
    match discussions::delete(&ctx, &s.viewer, id).await {
        Ok(()) => match browse::thread(&ctx, Some(&s.viewer), d.id, guildhall_app::page(None, Some(1))).await {
            Ok(t) => see_other(&community_path(&t.community.handle), Some("deleted")),
            Err(_) => see_other("/", Some("deleted")),
        },
        Err(e) => app_error(&v, e),
    }
}

/// `POST /replies/{id}/delete`.
pub(crate) async fn delete_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = match v.authorize(&given) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let discussion_id = match browse::reply(&ctx, &s.viewer, id).await {
        Ok((r, _)) => r.discussion_id,
        Err(e) => return app_error(&v, e),
    };
    match discussions::delete_reply(&ctx, &s.viewer, id).await {
        Ok(()) => see_other(&format!("/discussions/{discussion_id}#reply-{id}"), Some("deleted")),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /discussions/{id}/moderate`: `value` is pin, unpin, lock or unlock.
pub(crate) async fn moderate(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return csrf_failed(v.lang) };
    let s = match v.authorize(&form.csrf_token) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (flag, on, done) = match form.value.as_str() {
        "pin" => (Flag::Pinned, true, "pinned"),
        "unpin" => (Flag::Pinned, false, "unpinned"),
        "lock" => (Flag::Locked, true, "locked"),
        "unlock" => (Flag::Locked, false, "unlocked"),
        _ => return app_error(&v, guildhall_domain::Invalid::new("value", "unknown action").into()),
    };
    match discussions::set_flag(&ctx, &s.viewer, id, flag, on).await {
        Ok(_) => see_other(&format!("/discussions/{id}"), Some(done)),
        Err(e) => app_error(&v, e),
    }
}

async fn vote_on(
    ctx: &AppContext,
    v: &Visit,
    on: On,
    form: Result<Form<ActionForm>, FormRejection>,
    back: String,
) -> Response {
    let Ok(Form(form)) = form else { return csrf_failed(v.lang) };
    let s = match v.authorize(&form.csrf_token) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let value = match form.value.as_str() {
        "up" => 1,
        "down" => -1,
        _ => 0,
    };
    match votes::vote(ctx, &s.viewer, on, value).await {
        Ok(_) => see_other(&back, Some("voted")),
        Err(e) => app_error(v, e),
    }
}

/// `POST /discussions/{id}/vote`: `value` is up, down or clear.
pub(crate) async fn vote(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    vote_on(&ctx, &v, On::Discussion(id), form, format!("/discussions/{id}#discussion")).await
}

/// `POST /replies/{id}/vote`.
pub(crate) async fn vote_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ActionForm>, FormRejection>,
) -> Response {
    let Some(s) = v.signed.as_ref() else { return v.sign_in_first() };
    let back = match browse::reply(&ctx, &s.viewer, id).await {
        Ok((r, _)) => format!("/discussions/{}#reply-{id}", r.discussion_id),
        Err(e) => return app_error(&v, e),
    };
    vote_on(&ctx, &v, On::Reply(id), form, back).await
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
pub(crate) async fn confirm_delete(State(ctx): State<AppContext>, v: Visit, Path(id): Path<i64>) -> Response {
    if let Err(r) = v.require() {
        return r;
    }
    let t = match browse::thread(&ctx, v.viewer(), id, guildhall_app::page(None, Some(1))).await {
        Ok(t) => t,
        Err(e) => return app_error(&v, e),
    };
    if !t.actions.delete {
        return app_error(&v, guildhall_domain::Denied::AuthorOnly.into());
    }
    let page = ConfirmDeletePage {
        c: v.chrome(),
        action: format!("/discussions/{id}/delete"),
        back: format!("/discussions/{id}"),
        what: t.discussion.title,
    };
    super::render(axum::http::StatusCode::OK, &page)
}

/// `GET /replies/{id}/delete`.
pub(crate) async fn confirm_delete_reply(State(ctx): State<AppContext>, v: Visit, Path(id): Path<i64>) -> Response {
    let s = match v.require() {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (r, actions) = match browse::reply(&ctx, &s.viewer, id).await {
        Ok(r) => r,
        Err(e) => return app_error(&v, e),
    };
    if !actions.delete {
        return app_error(&v, guildhall_domain::Denied::AuthorOnly.into());
    }
    let page = ConfirmDeletePage {
        c: v.chrome(),
        action: format!("/replies/{id}/delete"),
        back: format!("/discussions/{}#reply-{id}", r.discussion_id),
        what: excerpt(&r.body),
    };
    super::render(axum::http::StatusCode::OK, &page)
}
