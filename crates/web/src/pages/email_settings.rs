//! `/account/email`: how notifications reach the member by email (mode, kinds, quiet hours);
//! `/email/unsubscribe`: the one-click unsubscribe link of notification emails, which needs no
//! sign-in. Its GET only shows a button (mail scanners prefetch links); its POST, from that
//! button or a mail client (RFC 8058), turns notification email off.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::AppContext;
use guildhall_app::email_settings::{self, EmailSettingsChange, EmailSettingsView, ONE_CLICK_BODY};
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render};
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// The settings page.
#[derive(Template)]
#[template(path = "email_settings.html")]
pub(crate) struct EmailSettingsPage {
    pub c: Chrome,
    pub s: EmailSettingsView,
    pub errors: Errors,
    pub saved: bool,
}

impl EmailSettingsPage {
    fn on(&self, kind: &str) -> bool {
        self.s.kinds_on.iter().any(|k| k == kind)
    }

    fn quiet(&self, which: &str) -> String {
        let v = if which == "start" { &self.s.quiet_start } else { &self.s.quiet_end };
        v.clone().unwrap_or_default()
    }
}

/// The unsubscribe page: a button, the confirmation, or a bad link.
#[derive(Template)]
#[template(path = "unsubscribe.html")]
pub(crate) struct UnsubscribePage {
    pub c: Chrome,
    pub token: String,
    pub valid: bool,
    pub done: bool,
}

/// `GET /account/email`.
pub(crate) async fn show(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    let s = v.require()?;
    let settings = email_settings::get(&ctx, &s.viewer).await.or_page(&v)?;
    Ok(render(
        StatusCode::OK,
        &EmailSettingsPage { c: v.chrome(), s: settings, errors: Errors::default(), saved: false },
    ))
}

/// `POST /account/email`: the form's fields as pairs (one `kind` per checked box).
pub(crate) async fn save(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let pairs = v.form(form)?;
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let s = v.authorize(&field("csrf_token").unwrap_or_default())?;
    let change = EmailSettingsChange {
        mode: field("mode").unwrap_or_default(),
        kinds_on: pairs.iter().filter(|(k, _)| k == "kind").map(|(_, v)| v.clone()).collect(),
        quiet_start: field("quiet_start"),
        quiet_end: field("quiet_end"),
    };
    let (settings, errors, saved) = match email_settings::update(&ctx, &s.viewer, change).await {
        Ok(view) => (view, Errors::default(), true),
        Err(e) => {
            let errors = form_refusal(&v, e, "mode")?;
            (email_settings::get(&ctx, &s.viewer).await.or_page(&v)?, errors, false)
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &EmailSettingsPage { c: v.chrome(), s: settings, errors, saved }))
}

/// `?token=` of an unsubscribe link.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `GET /email/unsubscribe?token=`: a button to confirm (a GET never unsubscribes).
pub(crate) async fn confirm_form(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<TokenQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let token = q.map(|Query(q)| q.token).unwrap_or_default();
    let valid = email_settings::check_token(&ctx, &token).await.is_ok();
    let status = if valid { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &UnsubscribePage { c: v.chrome(), token, valid, done: false }))
}

/// `POST /email/unsubscribe?token=` with `List-Unsubscribe=One-Click`: notification email off.
pub(crate) async fn one_click(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<TokenQuery>, QueryRejection>,
    body: String,
) -> Result<Response, PageError> {
    let token = q.map(|Query(q)| q.token).unwrap_or_default();
    let one_click = body.split('&').any(|p| p.trim() == ONE_CLICK_BODY);
    let done = one_click && email_settings::unsubscribe(&ctx, &token).await.is_ok();
    let status = if done { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &UnsubscribePage { c: v.chrome(), token, valid: done, done }))
}
