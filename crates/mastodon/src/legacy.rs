//! Everything under `/api/v1` and `/api/v2` that is not a Mastodon endpoint Guildhall serves:
//! Guildhall's own API moved to `/api/guildhall/v1`, and its old paths that never meant
//! anything to Mastodon redirect there for one release; the rest answer Mastodon's 404.

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use guildhall_app::AppContext;

use crate::error::MastoError;

/// First path segments of Guildhall's old `/api/v1` routes that Mastodon does not use.
const MOVED: &[&str] =
    &["auth", "calendar", "communities", "discussions", "events", "federation", "guilds", "map", "replies"];

pub(crate) fn routes() -> Router<AppContext> {
    Router::new().route("/api/v1/{*rest}", any(v1_fallback)).route("/api/v2/{*rest}", any(v2_fallback))
}

/// Mastodon (Rails) ignores a trailing slash and some clients send one (`/api/v1/instance/`):
/// send them to the path without it, keeping method and body.
fn without_trailing_slash(uri: &axum::http::Uri) -> Option<Response> {
    let path = uri.path();
    let trimmed = path.trim_end_matches('/');
    if trimmed.len() == path.len() || trimmed.ends_with("/api/v1") || trimmed.ends_with("/api/v2") {
        return None;
    }
    let target = match uri.query() {
        Some(q) => format!("{trimmed}?{q}"),
        None => trimmed.to_string(),
    };
    Some((StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response())
}

async fn v2_fallback(OriginalUri(uri): OriginalUri) -> Response {
    without_trailing_slash(&uri).unwrap_or_else(|| MastoError::not_found().into_response())
}

async fn v1_fallback(OriginalUri(uri): OriginalUri) -> Response {
    if let Some(redirect) = without_trailing_slash(&uri) {
        return redirect;
    }
    let path = uri.path();
    let rest = path.strip_prefix("/api/v1/").unwrap_or("");
    let first = rest.split('/').next().unwrap_or("");
    if MOVED.contains(&first) {
        let target = match uri.query() {
            Some(q) => format!("/api/guildhall/v1/{rest}?{q}"),
            None => format!("/api/guildhall/v1/{rest}"),
        };
        // 308 keeps the method and body, so old scripts that post still work.
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response();
    }
    MastoError::not_found().into_response()
}
