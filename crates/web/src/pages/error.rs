//! Error pages, and the one place app errors become HTML error pages.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::Error;
use guildhall_domain::Denied;

use crate::i18n::Lang;
use crate::visit::{Chrome, Visit};

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

/// An error page with the given status, title and message.
pub(crate) fn error_page(lang: Lang, status: StatusCode, title: &str, message: &str) -> Response {
    super::render(status, &ErrorPage { c: Chrome::bare(lang), title: title.into(), message: message.into() })
}

/// A logged 500 page.
pub(crate) fn internal(lang: Lang, e: Error) -> Response {
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
        Error::Invalid(i) => {
            (StatusCode::BAD_REQUEST, lang.t("error-summary-title"), crate::forms::invalid_message(lang, i))
        }
        Error::Conflict(m) => {
            (StatusCode::CONFLICT, lang.t("error-summary-title"), lang.ts("error-invalid", "detail", m))
        }
        Error::Registration(_) => {
            (StatusCode::FORBIDDEN, lang.t("error-403-title"), lang.t("registration-refused-closed"))
        }
        _ => return None,
    })
}

/// Renders an app error as a page with the visitor's header; asks signed-out visitors to
/// sign in when that is what is missing.
pub(crate) fn app_error(v: &Visit, e: Error) -> Response {
    if v.signed.is_none() && matches!(e, Error::Denied(Denied::SignInRequired) | Error::Unauthenticated(_)) {
        return v.sign_in_first();
    }
    match describe(v.lang, &e) {
        Some((status, title, message)) => {
            tracing::debug!(error = %e, "request refused");
            let mut c = v.chrome();
            if status == StatusCode::NOT_FOUND {
                // A page that is not there (or private) does not echo its address back: the
                // language switch and sign-in links lead home instead.
                c.path = "/".into();
            }
            super::render(status, &ErrorPage { c, title, message })
        }
        None => internal(v.lang, e),
    }
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

    #[test]
    fn error_page_escapes_and_renders() {
        let page =
            ErrorPage { c: Chrome::bare(Lang::Fr), title: "Problème".into(), message: "<script>x</script>".into() };
        let html = askama::Template::render(&page).unwrap();
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
        assert!(html.contains("<html lang=\"fr\">"));
    }
}
