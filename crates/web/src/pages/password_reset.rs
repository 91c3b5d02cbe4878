//! "Forgot your password?": the page asking for an address, and the page an emailed link
//! opens to set a new password. When email is off, both say so.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guildhall_app::password_reset::{self, LinkProblem};
use guildhall_app::{AppContext, Error};
use serde::Deserialize;

use super::auth::{anon_token, check_anon};
use super::{PageError, form_refusal, render, see_other, with_cookies};
use crate::cookies;
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// The request page: off, the form, or the answer.
#[derive(Template)]
#[template(path = "password_reset.html")]
pub(crate) struct RequestPage {
    pub c: Chrome,
    pub csrf_token: String,
    pub email_on: bool,
    pub sent: bool,
    pub email: String,
    pub errors: Errors,
}

/// The page a link opens: off, a problem with the link, or the new-password form.
#[derive(Template)]
#[template(path = "password_reset_confirm.html")]
pub(crate) struct ConfirmPage {
    pub c: Chrome,
    pub csrf_token: String,
    pub email_on: bool,
    /// The Fluent id of what is wrong with the link, if anything.
    pub problem: Option<&'static str>,
    pub token: String,
    pub errors: Errors,
}

/// The request form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RequestForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

/// `?token=` of an emailed link.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The new-password form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    csrf_token: String,
}

fn problem_id(p: LinkProblem) -> &'static str {
    match p {
        LinkProblem::Unknown => "reset-link-unknown",
        LinkProblem::Used => "reset-link-used",
        LinkProblem::Expired => "reset-link-expired",
    }
}

/// `GET /password-reset`: asks for the account's address.
pub(crate) async fn request_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let token = anon_token(&headers);
    let page = RequestPage {
        c: v.chrome(),
        csrf_token: token.clone(),
        email_on: ctx.email_enabled(),
        sent: false,
        email: String::new(),
        errors: Errors::default(),
    };
    Ok(with_cookies(render(StatusCode::OK, &page), &[cookies::csrf(&token, ctx.instance().https)]))
}

/// `POST /password-reset`: queues a link; answers the same for known and unknown addresses.
pub(crate) async fn request(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    form: Result<Form<RequestForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let Some(token) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    let email_on = ctx.email_enabled();
    let (sent, errors) = if !email_on {
        (false, Errors::default())
    } else {
        match password_reset::request(&ctx, &form.email, Some(v.lang.code())).await {
            Ok(()) => (true, Errors::default()),
            Err(e) => (false, form_refusal(&v, e, "email")?),
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = RequestPage { c: v.chrome(), csrf_token: token, email_on, sent, email: form.email, errors };
    Ok(render(status, &page))
}

/// `GET /password-reset/confirm?token=`: the new-password form, or why the link fails.
pub(crate) async fn confirm_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    q: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let link = q.ok().map(|Query(q)| q.token).unwrap_or_default();
    let csrf = anon_token(&headers);
    let email_on = ctx.email_enabled();
    let problem = if email_on {
        password_reset::link_problem(&ctx, &link).await.map_err(|e| PageError::app(&v, e))?.map(problem_id)
    } else {
        None
    };
    let status = if problem.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let page = ConfirmPage {
        c: v.chrome(),
        csrf_token: csrf.clone(),
        email_on,
        problem,
        token: link,
        errors: Errors::default(),
    };
    Ok(with_cookies(render(status, &page), &[cookies::csrf(&csrf, ctx.instance().https)]))
}

/// `POST /password-reset/confirm`: sets the new password, then sends to the sign-in page.
pub(crate) async fn confirm(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    form: Result<Form<ConfirmForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let Some(csrf) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    let email_on = ctx.email_enabled();
    let mut problem = None;
    let mut errors = Errors::default();
    if email_on {
        // The link is checked first, so a used or expired one gets its own page.
        problem =
            password_reset::link_problem(&ctx, &form.token).await.map_err(|e| PageError::app(&v, e))?.map(problem_id);
        if problem.is_none() {
            match password_reset::confirm(&ctx, &form.token, &form.new_password).await {
                Ok(()) => return Ok(see_other("/login", Some("password"))),
                Err(Error::Invalid(i)) if i.field == "token" => problem = Some("reset-link-used"),
                Err(e) => errors = form_refusal(&v, e, "new_password")?,
            }
        }
    }
    let page = ConfirmPage { c: v.chrome(), csrf_token: csrf, email_on, problem, token: form.token, errors };
    Ok(render(StatusCode::BAD_REQUEST, &page))
}
