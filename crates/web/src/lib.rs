//! Server-rendered, accessible HTML pages for Guildhall.
//!
//! This is the foundation of the web front: the community list, signing in and signing out.
//! Handlers are thin adapters: they parse the request, call one `guildhall_app` use case and
//! render an askama template. Every response carries a strict Content-Security-Policy; pages
//! use no scripts, no inline styles and no third-party resources.
//!
//! The router has no fallback so that the binary can merge it with other routers.

mod cookies;
mod handlers;
mod pages;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use guildhall_app::AppContext;

pub use cookies::{CSRF_COOKIE, SESSION_COOKIE};

/// The Content-Security-Policy sent with every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self'; img-src 'self' https:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The site stylesheet, served at `/static/style.css`.
pub const STYLESHEET: &str = include_str!("../static/style.css");

/// The web pages: `GET /`, `GET`/`POST /login`, `POST /logout` and `GET /static/style.css`.
pub fn router() -> Router<AppContext> {
    Router::new()
        .route("/", get(handlers::index))
        .route("/login", get(handlers::login_form).post(handlers::login))
        .route("/logout", post(handlers::logout))
        .route("/static/style.css", get(stylesheet))
        .layer(axum::middleware::map_response(security_headers))
}

/// Serves the stylesheet.
async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
        .into_response()
}

/// Adds the security headers to every response; HTML pages are also never cached, since
/// they may carry a CSRF token or the viewer's name.
async fn security_headers(mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if is_html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
