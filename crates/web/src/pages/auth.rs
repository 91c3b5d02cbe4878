//! Signing up, in and out, and the language switch.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use guildhall_app::views::SettingsView;
use guildhall_app::{AppContext, Error, accounts, admin, auth};
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render, render_form, see_other, with_cookies};
use crate::cookies;
use crate::forms::Errors;
use crate::i18n::Lang;
use crate::visit::{Chrome, ClientAddress, Visit, safe_next};

/// The pre-login CSRF token: the visitor's existing cookie, or a new one.
pub(crate) fn anon_token(headers: &HeaderMap) -> String {
    match cookies::get(headers, cookies::CSRF_COOKIE).filter(|t| cookies::well_formed(t)) {
        Some(t) => t.to_owned(),
        None => auth::random_token(),
    }
}

/// Checks the double-submit token of a signed-out form; returns the token.
pub(crate) fn check_anon(headers: &HeaderMap, given: &str) -> Option<String> {
    let cookie = cookies::get(headers, cookies::CSRF_COOKIE).filter(|t| cookies::well_formed(t))?;
    cookies::same_secret(cookie, given).then(|| cookie.to_owned())
}

/// The sign-in form.
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub c: Chrome,
    pub csrf_token: String,
    pub username: String,
    pub next: String,
    pub errors: Errors,
    /// Whether email is on, so "Forgot your password?" can be offered.
    pub email_on: bool,
}

/// `?next=` after signing in.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
}

/// `GET /login`: the sign-in form, with a double-submit CSRF cookie.
pub(crate) async fn login_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
    q: Result<Query<NextQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let token = anon_token(&headers);
    let next = q.ok().map(|Query(q)| q.next).unwrap_or_default();
    let page = LoginPage {
        c: v.chrome(),
        csrf_token: token.clone(),
        username: String::new(),
        next,
        errors: Errors::default(),
        email_on: ctx.email_enabled(),
    };
    Ok(with_cookies(render(StatusCode::OK, &page), &[cookies::csrf(&token, ctx.instance().https)]))
}

/// The sign-in form's fields; missing fields are empty so they fail the checks below.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

/// `POST /login`: checks the CSRF token and the credentials, then starts a session.
pub(crate) async fn login(
    State(ctx): State<AppContext>,
    v: Visit,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let Some(token) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    let https = ctx.instance().https;
    let mut errors = Errors::default();
    if form.username.trim().is_empty() {
        errors.add("username", v.lang.t("login-error-username"));
    }
    if form.password.is_empty() {
        errors.add("password", v.lang.t("login-error-password"));
    }
    let mut status = StatusCode::BAD_REQUEST;
    let mut retry_after = None;
    if errors.is_empty() {
        let device_token = cookies::get(&headers, cookies::DEVICE_COOKIE);
        let attempt = auth::SignIn { username: &form.username, password: &form.password, address, device_token };
        match auth::login(&ctx, attempt).await {
            Ok(login) => {
                tracing::info!(account = %login.account.username, "signed in");
                let mut set = vec![
                    cookies::session(&login.token, https),
                    cookies::clear_csrf(https),
                    cookies::device(&login.device_token, https),
                ];
                if let Some(l) = &login.account.language {
                    set.push(cookies::lang(l, https));
                }
                return Ok(with_cookies(see_other(&safe_next(&form.next), None), &set));
            }
            Err(Error::Unauthenticated(_)) => {
                status = StatusCode::UNAUTHORIZED;
                errors.add("username", v.lang.t("login-error-wrong"));
            }
            Err(Error::AccountNotActive(s)) => {
                status = StatusCode::FORBIDDEN;
                errors.add("username", v.lang.t(&format!("login-error-{}", s.as_str())));
            }
            Err(Error::EmailUnconfirmed) => {
                status = StatusCode::FORBIDDEN;
                errors.add("username", v.lang.t("login-error-unconfirmed"));
            }
            Err(Error::Throttled { retry_after: secs }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                retry_after = Some(secs);
                errors.add("username", v.lang.ts("login-error-throttled", "minutes", secs.div_ceil(60)));
            }
            Err(e) => return Err(PageError::app(&v, e)),
        }
    }
    let page = LoginPage {
        c: v.chrome(),
        csrf_token: token,
        username: form.username,
        next: form.next,
        errors,
        email_on: ctx.email_enabled(),
    };
    let mut res = render(status, &page);
    if let Some(secs) = retry_after {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
    }
    Ok(res)
}

/// `POST /logout`: ends the session after checking its CSRF token.
pub(crate) async fn logout(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<super::TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let https = ctx.instance().https;
    let signed_out = || with_cookies(see_other("/", None), &[cookies::clear_session(https)]);
    // No valid session: nothing to end, so no forgery can do harm; tidy the cookie up.
    if v.signed.is_none() {
        return Ok(signed_out());
    }
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    auth::logout(&ctx, &s.token).await.or_page(&v)?;
    tracing::info!(account = %s.viewer.username, "signed out");
    Ok(signed_out())
}

/// The registration form, with the instance's rules.
#[derive(Template)]
#[template(path = "signup.html")]
pub(crate) struct SignupPage {
    pub c: Chrome,
    pub csrf_token: String,
    pub settings: SettingsView,
    pub form: SignupForm,
    pub errors: Errors,
}

impl SignupPage {
    fn mode_is(&self, m: &str) -> bool {
        self.settings.registration_mode.as_str() == m
    }
}

/// The registration form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignupForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub invite_code: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `GET /signup`.
pub(crate) async fn signup_form(
    State(ctx): State<AppContext>,
    v: Visit,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let settings = admin::settings(&ctx).await.or_page(&v)?;
    let token = anon_token(&headers);
    let page = SignupPage {
        c: v.chrome(),
        csrf_token: token.clone(),
        settings,
        form: SignupForm::default(),
        errors: Errors::default(),
    };
    Ok(with_cookies(render(StatusCode::OK, &page), &[cookies::csrf(&token, ctx.instance().https)]))
}

/// `POST /signup`: registers, then signs in when the account is active at once.
pub(crate) async fn signup(
    State(ctx): State<AppContext>,
    v: Visit,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<SignupForm>, FormRejection>,
) -> Result<Response, PageError> {
    let mut form = v.form(form)?;
    let Some(token) = check_anon(&headers, &form.csrf_token) else { return Err(v.csrf_failed()) };
    let settings = admin::settings(&ctx).await.or_page(&v)?;
    let reg = auth::Registration {
        username: form.username.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: Some(form.display_name.clone()),
        invite_code: Some(form.invite_code.clone()),
        reason: Some(form.reason.clone()),
        language: Some(v.lang.code().to_owned()),
    };
    let https = ctx.instance().https;
    let errors = match auth::register(&ctx, reg).await {
        Ok(account) if account.status == guildhall_domain::AccountStatus::Active => {
            let attempt =
                auth::SignIn { username: &account.username, password: &form.password, address, device_token: None };
            let login = match auth::login(&ctx, attempt).await {
                // The admin asks new members to confirm their address first: the link is on its way.
                Err(Error::EmailUnconfirmed) => return Ok(see_other("/login", Some("confirm-sent"))),
                other => other.or_page(&v)?,
            };
            return Ok(with_cookies(
                see_other("/", Some("registered")),
                &[cookies::session(&login.token, https), cookies::clear_csrf(https)],
            ));
        }
        Ok(_) => return Ok(see_other("/login", Some("pending"))),
        Err(e) => form_refusal(&v, e, "username")?,
    };
    form.password.clear();
    let page = SignupPage { c: v.chrome(), csrf_token: token, settings, form, errors };
    Ok(render_form(&page.errors.clone(), &page))
}

/// The language switch's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

/// `GET /language?lang=fr&next=/path`: the switch for signed-out visitors (a cookie only).
pub(crate) async fn language_link(
    State(ctx): State<AppContext>,
    q: Result<Query<LanguageForm>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let lang = Lang::parse(&q.lang).unwrap_or_default();
    Ok(with_cookies(see_other(&safe_next(&q.next), None), &[cookies::lang(lang.code(), ctx.instance().https)]))
}

/// `POST /language`: the switch for signed-in members; it also becomes the account's setting.
pub(crate) async fn language(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<LanguageForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let change = accounts::ProfileChange { language: Some(lang.code().into()), ..Default::default() };
    accounts::update_profile(&ctx, &s.viewer, change).await.or_page(&v)?;
    Ok(with_cookies(see_other(&safe_next(&form.next), None), &[cookies::lang(lang.code(), ctx.instance().https)]))
}
