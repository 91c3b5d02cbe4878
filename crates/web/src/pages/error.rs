//! Error pages, and the one place errors become HTML error pages: handlers return
//! `Result<Response, PageError>` and `?` their way out; `PageError`'s `IntoResponse` picks the
//! status and the page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use guildhall_app::{Error, Outage};
use guildhall_domain::Denied;

use crate::i18n::Lang;
use crate::visit::{Chrome, Visit, encode};

/// A generic error page.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub c: Chrome,
    pub title: String,
    pub message: String,
}

/// Last-resort page when a template fails to render.
pub(crate) const RENDER_FAILED: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Sorry, there is a problem with the service – Guildhall</title>\
<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main id=\"main\">\
<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p></main></body></html>";

/// Why a page was not shown; each kind becomes its response in one place (`into_response`).
///
/// Errors carry the request context their page needs (the language, the visitor's header,
/// where to come back to after signing in), taken from the `Visit` when the error is made.
#[derive(Debug)]
pub(crate) enum PageError {
    /// A use case refused or failed; shown with the visitor's header, in their language.
    App(Box<AppFailure>),
    /// The page or form needs a signed-in visitor: off to sign in, then back to `back`.
    SignIn {
        /// Path (and query) to come back to.
        back: String,
    },
    /// A form's CSRF token was missing or wrong, or the form could not be read.
    Csrf(Lang),
    /// A server-side failure before the visitor's header is known (loading the session).
    Internal(Lang, Error),
}

/// An app error with the header of the page it is shown on.
#[derive(Debug)]
pub(crate) struct AppFailure {
    /// What went wrong.
    pub error: Error,
    /// The visitor's page header.
    pub chrome: Chrome,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::App(a) => a.error.fmt(f),
            PageError::SignIn { .. } => f.write_str("sign-in required"),
            PageError::Csrf(_) => f.write_str("form token missing or wrong"),
            PageError::Internal(_, e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::App(a) => Some(&a.error),
            PageError::Internal(_, e) => Some(e),
            PageError::SignIn { .. } | PageError::Csrf(_) => None,
        }
    }
}

impl PageError {
    /// An app error on the page `v` asked for; signed-out visitors refused for want of a
    /// session are asked to sign in instead.
    pub(crate) fn app(v: &Visit, error: Error) -> Self {
        if v.signed.is_none() && matches!(error, Error::Denied(Denied::SignInRequired) | Error::Unauthenticated(_)) {
            return v.sign_in_first();
        }
        PageError::App(Box::new(AppFailure { error, chrome: v.chrome() }))
    }
}

/// A use case's refusal as the form's errors (on `field`, or the field the error names), to
/// show the form again; errors that are not the form's fault become the error page.
pub(crate) fn form_refusal(v: &Visit, e: Error, field: &str) -> Result<crate::forms::Errors, PageError> {
    crate::forms::form_error(v.lang, &e, field).ok_or_else(|| PageError::app(v, e))
}

/// `result.or_page(&v)?`: an app error becomes the page for visitor `v`.
pub(crate) trait OrPage<T> {
    /// Attaches the visit to the error.
    fn or_page(self, v: &Visit) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, Error> {
    fn or_page(self, v: &Visit) -> Result<T, PageError> {
        self.map_err(|e| PageError::app(v, e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::App(a) => {
                let AppFailure { error, mut chrome } = *a;
                match describe(chrome.lang, &error) {
                    Some((status, title, message)) => {
                        tracing::debug!(error = %error, "request refused");
                        if status == StatusCode::NOT_FOUND {
                            // A page that is not there (or private) does not echo its address
                            // back: the language switch and sign-in links lead home instead.
                            chrome.path = "/".into();
                        }
                        super::render(status, &ErrorPage { c: chrome, title, message })
                    }
                    None => internal(chrome.lang, &error),
                }
            }
            PageError::SignIn { back } => Redirect::to(&format!("/login?next={}", encode(&back))).into_response(),
            PageError::Csrf(lang) => {
                error_page(lang, StatusCode::FORBIDDEN, &lang.t("csrf-title"), &lang.t("csrf-message"))
            }
            PageError::Internal(lang, e) => internal(lang, &e),
        }
    }
}

/// An error page with the given status, title and message.
fn error_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    super::render(status, &ErrorPage { c: Chrome::bare(lang), title: title.into(), message: message.into() })
}

/// A logged 500 page.
fn internal(lang: Lang, e: &Error) -> Response {
    tracing::error!(error = %e, "request failed");
    error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, &lang.t("error-500-title"), &lang.t("error-500-message"))
}

/// The status, title and message for an app error (`None`: a server-side failure).
pub(crate) fn describe(lang: Lang, e: &Error) -> Option<(StatusCode, String, String)> {
    Some(match e {
        Error::NotFound(_) => (StatusCode::NOT_FOUND, lang.t("error-404-title"), lang.t("error-404-message")),
        Error::Denied(d) => (StatusCode::FORBIDDEN, lang.t("error-403-title"), crate::forms::denied_message(lang, *d)),
        Error::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, lang.t("error-401-title"), lang.t("error-401-message")),
        Error::AccountNotActive(_) => (StatusCode::FORBIDDEN, lang.t("error-403-title"), lang.t("error-inactive")),
        Error::EmailUnconfirmed => {
            (StatusCode::FORBIDDEN, lang.t("error-403-title"), lang.t("login-error-unconfirmed"))
        }
        Error::Invalid(i) => {
            (StatusCode::BAD_REQUEST, lang.t("error-summary-title"), crate::forms::invalid_message(lang, i))
        }
        Error::Conflict(m) | Error::Taken(m) => {
            (StatusCode::CONFLICT, lang.t("error-summary-title"), lang.ts("error-invalid", "detail", m))
        }
        Error::Registration(_) => {
            (StatusCode::FORBIDDEN, lang.t("error-403-title"), lang.t("registration-refused-closed"))
        }
        Error::BadAddress(m) => {
            (StatusCode::BAD_REQUEST, lang.t("error-summary-title"), lang.ts("error-invalid", "detail", m))
        }
        Error::Remote(why) => {
            (StatusCode::BAD_GATEWAY, lang.t("error-summary-title"), lang.ts("follow-error-remote", "detail", why))
        }
        Error::Store(_) => match e.outage() {
            Some(outage @ Outage::Storage) => {
                outage.report(e);
                (StatusCode::INSUFFICIENT_STORAGE, lang.t("error-storage-title"), lang.t("error-storage-message"))
            }
            Some(outage @ Outage::Unavailable) => {
                outage.report(e);
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    lang.t("error-unavailable-title"),
                    lang.t("error-unavailable-message"),
                )
            }
            None => return None,
        },
        Error::Throttled { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            lang.t("error-summary-title"),
            lang.ts("login-error-throttled", "minutes", retry_after.div_ceil(60)),
        ),
        Error::Internal(_) | Error::Duplicate | Error::NoNetwork => return None,
    })
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_map_to_statuses() {
        let l = Lang::En;
        assert_eq!(describe(l, &Error::NotFound("community")).unwrap().0, StatusCode::NOT_FOUND);
        assert_eq!(describe(l, &Error::Denied(Denied::AdminsOnly)).unwrap().0, StatusCode::FORBIDDEN);
        assert!(describe(l, &Error::Internal("db password is hunter2".into())).is_none(), "internal: generic 500");
    }

    fn app(error: Error) -> PageError {
        PageError::App(Box::new(AppFailure { error, chrome: Chrome::bare(Lang::Fr) }))
    }

    #[test]
    fn page_errors_map_to_responses() {
        let status = |e: PageError| e.into_response().status();
        assert_eq!(status(app(Error::NotFound("page"))), StatusCode::NOT_FOUND);
        assert_eq!(status(app(Error::Denied(Denied::ModeratorsOnly))), StatusCode::FORBIDDEN);
        assert_eq!(status(app(Error::Conflict("x".into()))), StatusCode::CONFLICT);
        assert_eq!(status(app(Error::Internal("db password is hunter2".into()))), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(status(PageError::Csrf(Lang::En)), StatusCode::FORBIDDEN);
        assert_eq!(
            status(PageError::Internal(Lang::En, Error::Internal("x".into()))),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let r = PageError::SignIn { back: "/communities/a b".into() }.into_response();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[axum::http::header::LOCATION], "/login?next=/communities/a%20b");
    }

    #[test]
    fn error_page_escapes_and_renders() {
        let page =
            ErrorPage { c: Chrome::bare(Lang::Fr), title: "Problème".into(), message: "<script>x</script>".into() };
        let html = askama::Template::render(&page).unwrap();
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
        assert!(html.contains("<html lang=\"fr\">"));
    }
}
