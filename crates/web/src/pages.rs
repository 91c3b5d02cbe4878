//! Page templates and the one place app errors become HTML error pages.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use guildhall_app::views::CommunityView;

/// What the page header needs to know about the signed-in viewer.
#[derive(Debug, Clone)]
pub(crate) struct SignedIn {
    /// Username shown in the header.
    pub username: String,
    /// The session's CSRF token, for the sign-out form.
    pub csrf_token: String,
}

/// The community list (`GET /`).
#[derive(Template)]
#[template(path = "index.html")]
pub(crate) struct IndexPage {
    pub signed_in: Option<SignedIn>,
    pub communities: Vec<CommunityView>,
    /// 1-based page number shown.
    pub page: u64,
    /// Whether a next page exists.
    pub has_more: bool,
}

/// One field error on the sign-in form.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    /// The `id` of the input the error is about.
    pub field: &'static str,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// The sign-in form (`GET /login`, and re-shown after a failed `POST /login`).
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub signed_in: Option<SignedIn>,
    pub csrf_token: String,
    pub username: String,
    pub error: Option<FieldError>,
}

impl LoginPage {
    /// The error message for `field`, if the error is about it.
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.error.as_ref().filter(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// A generic error page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub signed_in: Option<SignedIn>,
    pub title: &'static str,
    pub message: String,
}

/// Last-resort page when a template fails to render.
const RENDER_FAILED: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Sorry, there is a problem with the service – Guildhall</title>\
<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main id=\"main\">\
<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></main></body></html>";

/// Renders a template with a status; a rendering failure becomes a logged 500.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(RENDER_FAILED)).into_response()
        }
    }
}

/// An error page with the given status, title and message.
pub(crate) fn error_page(status: StatusCode, title: &'static str, message: impl Into<String>) -> Response {
    render(status, &ErrorPage { signed_in: None, title, message: message.into() })
}

/// Maps an app error to its status, title and a message safe to show.
pub(crate) fn describe(e: &guildhall_app::Error) -> (StatusCode, &'static str, String) {
    use guildhall_app::Error as E;
    match e {
        E::NotFound(what) => {
            (StatusCode::NOT_FOUND, "Page not found", format!("The {what} you asked for does not exist."))
        }
        E::Denied(d) => (StatusCode::FORBIDDEN, "You cannot do that", format!("Not allowed: {d}.")),
        E::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "You need to sign in", "Sign in to continue.".into()),
        E::AccountNotActive(_) => (StatusCode::FORBIDDEN, "You cannot do that", e.to_string()),
        E::Invalid(i) => (StatusCode::BAD_REQUEST, "There is a problem", i.to_string()),
        E::Conflict(m) => (StatusCode::CONFLICT, "There is a problem", m.clone()),
        _ => {
            (StatusCode::INTERNAL_SERVER_ERROR, "Sorry, there is a problem with the service", "Try again later.".into())
        }
    }
}

/// Renders an app error as a page, logging server-side failures.
pub(crate) fn app_error(e: guildhall_app::Error) -> Response {
    let (status, title, message) = describe(&e);
    if status.is_server_error() {
        tracing::error!(error = %e, "request failed");
    } else {
        tracing::debug!(error = %e, "request refused");
    }
    error_page(status, title, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use guildhall_app::Error;

    #[test]
    fn app_errors_map_to_statuses() {
        assert_eq!(describe(&Error::NotFound("community")).0, StatusCode::NOT_FOUND);
        assert_eq!(describe(&Error::Denied(guildhall_domain::Denied::AdminsOnly)).0, StatusCode::FORBIDDEN);
        assert_eq!(describe(&Error::Unauthenticated("no")).0, StatusCode::UNAUTHORIZED);
        let (status, _, message) = describe(&Error::Internal("db password is hunter2".into()));
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!message.contains("hunter2"), "internal details are not shown");
    }

    #[test]
    fn error_page_escapes_and_renders() {
        let page = ErrorPage { signed_in: None, title: "There is a problem", message: "<script>x</script>".into() };
        let html = page.render().unwrap();
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
        assert!(html.contains("<html lang=\"en\">"));
    }
}
