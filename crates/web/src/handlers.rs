//! Request handlers: parse the request, call one `guildhall_app` use case, render a page.

use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use guildhall_app::auth::{self, SessionInfo};
use guildhall_app::{AppContext, Error};
use serde::Deserialize;

use crate::cookies;
use crate::pages::{self, FieldError, IndexPage, LoginPage, SignedIn};

/// Resolves the session cookie, if any, to a valid session.
async fn session(ctx: &AppContext, headers: &HeaderMap) -> Result<Option<(String, SessionInfo)>, Error> {
    let Some(token) = cookies::get(headers, cookies::SESSION_COOKIE) else {
        return Ok(None);
    };
    Ok(auth::authenticate(ctx, token).await?.map(|s| (token.to_owned(), s)))
}

/// Adds `Set-Cookie` headers to a response.
fn with_cookies(mut response: Response, set: &[String]) -> Response {
    for c in set {
        match HeaderValue::from_str(c) {
            Ok(v) => {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Err(e) => tracing::error!(error = %e, "unrepresentable cookie"),
        }
    }
    response
}

/// Query string of the community list.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    page: Option<u64>,
}

/// `GET /`: the communities, and who is signed in.
pub(crate) async fn index(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let number = query.ok().and_then(|Query(q)| q.page);
    let session = match session(&ctx, &headers).await {
        Ok(s) => s.map(|(_, s)| s),
        Err(e) => return pages::app_error(e),
    };
    let viewer = session.as_ref().map(|s| &s.viewer);
    match guildhall_app::communities::list(&ctx, viewer, guildhall_app::page(number, None)).await {
        Ok(list) => pages::render(
            StatusCode::OK,
            &IndexPage {
                signed_in: session.map(|s| SignedIn { username: s.viewer.username, csrf_token: s.csrf_token }),
                communities: list.items,
                page: list.page,
                has_more: list.has_more,
            },
        ),
        Err(e) => pages::app_error(e),
    }
}

/// `GET /login`: the sign-in form, with a double-submit CSRF cookie.
pub(crate) async fn login_form(State(ctx): State<AppContext>, headers: HeaderMap) -> Response {
    // Reuse an existing token so sign-in forms open in several tabs all stay valid.
    let token = match cookies::get(&headers, cookies::CSRF_COOKIE).filter(|t| cookies::well_formed(t)) {
        Some(t) => t.to_owned(),
        None => auth::random_token(),
    };
    let page = LoginPage { signed_in: None, csrf_token: token.clone(), username: String::new(), error: None };
    with_cookies(pages::render(StatusCode::OK, &page), &[cookies::csrf(&token, ctx.instance().https)])
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
}

/// The 403 shown when a form's CSRF token does not match.
fn csrf_failed() -> Response {
    pages::error_page(
        StatusCode::FORBIDDEN,
        "Your form has expired",
        "The form was out of date or did not come from this site. Go back, reload the page and try again.",
    )
}

/// `POST /login`: checks the CSRF token and the credentials, then starts a session.
pub(crate) async fn login(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return pages::error_page(StatusCode::BAD_REQUEST, "There is a problem", "The form could not be read.");
    };
    let cookie = cookies::get(&headers, cookies::CSRF_COOKIE).filter(|t| cookies::well_formed(t));
    let Some(cookie) = cookie.filter(|c| cookies::same_secret(c, &form.csrf_token)) else {
        return csrf_failed();
    };
    let https = ctx.instance().https;
    let (status, error) = match auth::login(&ctx, &form.username, &form.password).await {
        Ok(login) => {
            tracing::info!(account = %login.account.username, "signed in");
            let redirect = Redirect::to("/").into_response();
            return with_cookies(redirect, &[cookies::session(&login.token, https), cookies::clear_csrf(https)]);
        }
        Err(Error::Unauthenticated(_)) => (
            StatusCode::UNAUTHORIZED,
            FieldError { field: "username", message: "Enter a correct username and password".into() },
        ),
        Err(Error::AccountNotActive(status)) => (
            StatusCode::FORBIDDEN,
            FieldError {
                field: "username",
                message: format!("You cannot sign in because this account is {}", status.as_str()),
            },
        ),
        Err(e) => return pages::app_error(e),
    };
    let page =
        LoginPage { signed_in: None, csrf_token: cookie.to_owned(), username: form.username, error: Some(error) };
    pages::render(status, &page)
}

/// The sign-out form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// `POST /logout`: ends the session after checking its CSRF token.
pub(crate) async fn logout(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let https = ctx.instance().https;
    let signed_out = || with_cookies(Redirect::to("/").into_response(), &[cookies::clear_session(https)]);
    let (token, info) = match session(&ctx, &headers).await {
        Ok(Some(s)) => s,
        // No valid session: nothing to end, so no forgery can do harm; tidy the cookie up.
        Ok(None) => return signed_out(),
        Err(e) => return pages::app_error(e),
    };
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    if given.is_empty() || !cookies::same_secret(&info.csrf_token, &given) {
        return csrf_failed();
    }
    if let Err(e) = auth::logout(&ctx, &token).await {
        return pages::app_error(e);
    }
    tracing::info!(account = %info.viewer.username, "signed out");
    signed_out()
}
