//! The pages emailed links open: confirming an address (at sign-up or a change), calling a
//! change of address off from the old address, and asking for a new confirmation link.
//! None needs a session; forms use the signed-out CSRF cookie. When email is off, each
//! says so.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guildhall_app::{AppContext, Error, email_confirmation};
use serde::Deserialize;

use super::auth::{anon_token, check_anon};
use super::{PageError, form_refusal, render, with_cookies};
use crate::cookies;
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// What the page shows below its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shows {
    /// A sentence (and a link to sign in).
    Message,
    /// The button that calls a change off.
    CancelForm,
    /// The form asking for a new link.
    ResendForm,
}

/// Every page of this module.
#[derive(Template)]
#[template(path = "email_link.html")]
pub(crate) struct EmailLinkPage {
    pub c: Chrome,
    pub csrf_token: String,
    /// The Fluent id of the heading.
    pub title: &'static str,
    /// The sentence shown (already phrased).
    pub message: String,
    pub shows: Shows,
    pub token: String,
    pub email: String,
    pub errors: Errors,
}

impl EmailLinkPage {
    fn shows_cancel(&self) -> bool {
        self.shows == Shows::CancelForm
    }

    fn shows_resend(&self) -> bool {
        self.shows == Shows::ResendForm
    }
}

/// `?token=` of an emailed link.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The cancel form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CancelForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf_token: String,
}

/// The resend form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ResendForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

fn page(v: &Visit, csrf: String, title: &'static str, message: String, shows: Shows) -> EmailLinkPage {
    EmailLinkPage {
        c: v.chrome(),
        csrf_token: csrf,
        title,
        message,
        shows,
        token: String::new(),
        email: String::new(),
        errors: Errors::default(),
    }
}

/// The sentence for a refused link: its own words for what is wrong with it.
fn refusal(v: &Visit, e: Error) -> Result<String, PageError> {
    match e {
        Error::Invalid(i) if i.field == "token" => Ok(crate::forms::invalid_message(v.lang, &i)),
        Error::Conflict(_) => Ok(v.lang.t("email-off")),
        e => Err(PageError::app(v, e)),
    }
}

/// `GET /email/confirm?token=`: confirms the address (opening the link is the proof that
/// the mailbox is theirs).
pub(crate) async fn confirm(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    q: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let token = q.ok().map(|Query(q)| q.token).unwrap_or_default();
    let csrf = anon_token(&headers);
    let (status, message) = match email_confirmation::confirm(&ctx, &token).await {
        Ok(done) => (StatusCode::OK, v.lang.ts("email-confirmed", "email", &done.email)),
        Err(e) => (StatusCode::BAD_REQUEST, refusal(&v, e)?),
    };
    let p = page(&v, csrf, "email-confirm-title", message, Shows::Message);
    Ok(render(status, &p))
}

/// `GET /email/cancel?token=`: the button (a mail scanner opening the link calls nothing off).
pub(crate) async fn cancel_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    q: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let token = q.ok().map(|Query(q)| q.token).unwrap_or_default();
    let csrf = anon_token(&headers);
    let mut p = page(&v, csrf.clone(), "email-cancel-title", v.lang.t("email-cancel-intro"), Shows::CancelForm);
    p.token = token;
    Ok(with_cookies(render(StatusCode::OK, &p), &[cookies::csrf(&csrf, ctx.instance().https)]))
}

/// `POST /email/cancel`: calls the change off.
pub(crate) async fn cancel(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    form: Result<Form<CancelForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let Some(csrf) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    let (status, message) = match email_confirmation::cancel(&ctx, &form.token).await {
        Ok(()) => (StatusCode::OK, v.lang.t("email-cancelled")),
        Err(e) => (StatusCode::BAD_REQUEST, refusal(&v, e)?),
    };
    Ok(render(status, &page(&v, csrf, "email-cancel-title", message, Shows::Message)))
}

/// `GET /email/resend`: asks for the address to send a new confirmation link to.
pub(crate) async fn resend_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let csrf = anon_token(&headers);
    let (intro, shows) = if ctx.email_enabled() {
        (v.lang.t("email-resend-intro"), Shows::ResendForm)
    } else {
        (v.lang.t("email-off"), Shows::Message)
    };
    let p = page(&v, csrf.clone(), "email-resend-title", intro, shows);
    Ok(with_cookies(render(StatusCode::OK, &p), &[cookies::csrf(&csrf, ctx.instance().https)]))
}

/// `POST /email/resend`: answers the same whether or not an account waits on that address.
pub(crate) async fn resend(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    form: Result<Form<ResendForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let Some(csrf) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    match email_confirmation::resend(&ctx, &form.email, Some(v.lang.code())).await {
        Ok(()) => {
            Ok(render(StatusCode::OK, &page(&v, csrf, "email-resend-title", v.lang.t("email-resent"), Shows::Message)))
        }
        Err(Error::Conflict(_)) => Ok(render(
            StatusCode::CONFLICT,
            &page(&v, csrf, "email-resend-title", v.lang.t("email-off"), Shows::Message),
        )),
        Err(e) => {
            let mut p = page(&v, csrf, "email-resend-title", v.lang.t("email-resend-intro"), Shows::ResendForm);
            p.errors = form_refusal(&v, e, "email")?;
            p.email = form.email;
            Ok(render(StatusCode::BAD_REQUEST, &p))
        }
    }
}
