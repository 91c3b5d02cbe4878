//! Request extractors: JSON bodies with our error format, and who is asking.

use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use guildhall_app::{AppContext, Viewer, auth};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "guildhall_session";
/// Header carrying the CSRF token for cookie-authenticated changes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The cookie marking a device that signed in before (see `auth::SignIn`).
pub const DEVICE_COOKIE: &str = "guildhall_device";

/// The client's address: the connection's peer, or what a local reverse proxy says it is
/// (`AppContext::client_address`); `None` when the server was not
/// given connection info (in-process tests).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppContext> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(ClientAddress(peer.map(|p| ctx.client_address(p, forwarded))))
    }
}

/// A JSON body whose rejections use the API error format.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

/// Path parameters with the API error format.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(v) =
            <axum::extract::Path<T> as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        Ok(ApiPath(v))
    }
}

/// Query parameters with the API error format.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(v) =
            <axum::extract::Query<T> as FromRequestParts<S>>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(v))
    }
}

/// The session token presented with a request and the account it belongs to.
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in account.
    pub viewer: Viewer,
    /// The raw token (for logout).
    pub token: String,
}

/// Reads the value of one cookie from the headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn bearer(headers: &HeaderMap) -> Option<Result<String, ApiError>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let parsed = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    Some(parsed.ok_or_else(|| {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "the Authorization header must be 'Bearer <token>'")
    }))
}

/// Resolves the request's credentials: a bearer token, or the session cookie plus (for
/// changes) the CSRF header. `Ok(None)` when no credentials were sent.
async fn session_of(parts: &Parts, ctx: &AppContext) -> Result<Option<Session>, ApiError> {
    let invalid =
        || ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "the session is invalid or has expired");
    if let Some(token) = bearer(&parts.headers) {
        let token = token?;
        let info = auth::authenticate(ctx, &token).await?.ok_or_else(invalid)?;
        return Ok(Some(Session { viewer: info.viewer, token }));
    }
    let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Ok(None) };
    let Some(info) = auth::authenticate(ctx, &token).await? else {
        // A stale cookie on a read is treated as anonymous; on a change it is an error.
        return if is_safe(&parts.method) { Ok(None) } else { Err(invalid()) };
    };
    if !is_safe(&parts.method) {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent != Some(info.csrf_token.as_str()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_failed",
                "cookie-authenticated changes need the X-CSRF-Token header from login",
            ));
        }
    }
    Ok(Some(Session { viewer: info.viewer, token }))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppContext> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        session_of(parts, ctx)
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "sign_in_required", "you need to sign in first"))
    }
}

impl OptionalFromRequestParts<AppContext> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Self>, Self::Rejection> {
        session_of(parts, ctx).await
    }
}
