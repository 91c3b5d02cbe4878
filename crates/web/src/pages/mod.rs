//! The pages, one module per area. Handlers are thin: they read the request, call one
//! `guildhall_app` use case (or a few reads) and render an askama template.

pub(crate) mod account;
pub(crate) mod actions;
pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod community;
pub(crate) mod discussion;
pub(crate) mod email_links;
pub(crate) mod email_settings;
pub(crate) mod error;
pub(crate) mod events;
pub(crate) mod guilds;
pub(crate) mod home;
pub(crate) mod map;
pub(crate) mod map_admin;
pub(crate) mod map_layout;
pub(crate) mod moderation;
pub(crate) mod notifications;
pub(crate) mod notify_settings;
pub(crate) mod oauth;
pub(crate) mod password_reset;
pub(crate) mod search;
pub(crate) mod wiki;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

pub(crate) use error::{OrPage, PageError, form_refusal};

/// Renders a template with a status; a rendering failure becomes a logged 500.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(error::RENDER_FAILED)).into_response()
        }
    }
}

/// Renders with 200, or 400 when the form had errors.
pub(crate) fn render_form<T: Template>(errors: &crate::forms::Errors, page: &T) -> Response {
    render(if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST }, page)
}

/// A 303 redirect (Post/Redirect/Get), optionally with a `done` notice for the next page.
pub(crate) fn see_other(to: &str, done: Option<&str>) -> Response {
    let (path, fragment) = to.split_once('#').map_or((to, ""), |(p, f)| (p, f));
    let mut url = path.to_owned();
    if let Some(d) = done {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("done=");
        url.push_str(d);
    }
    if !fragment.is_empty() {
        url.push('#');
        url.push_str(fragment);
    }
    Redirect::to(&url).into_response()
}

/// Adds `Set-Cookie` headers to a response.
pub(crate) fn with_cookies(mut response: Response, set: &[String]) -> Response {
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

/// `?page=` on lists.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub page: Option<u64>,
}

/// A form with only the CSRF token (buttons that do one thing).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    pub csrf_token: String,
}

/// The URL path of a community page (`/communities/name` or `/communities/name@domain`).
pub(crate) fn community_path(handle: &str) -> String {
    format!("/communities/{handle}")
}
