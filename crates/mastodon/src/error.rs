//! The one place where errors become Mastodon-shaped responses: `{"error": "..."}`, with
//! `error_description` for OAuth errors, as Mastodon answers them.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::{Error, Outage};
use guildhall_domain::Denied;
use serde::Serialize;

/// The body of every error response.
#[derive(Debug, Serialize)]
struct Body {
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_description: Option<String>,
}

/// An error on its way to becoming a Mastodon-shaped response.
#[derive(Debug)]
pub struct MastoError {
    status: StatusCode,
    error: String,
    description: Option<String>,
    retry_after: Option<u64>,
}

/// Result of a Mastodon handler.
pub type Result<T> = std::result::Result<T, MastoError>;

impl MastoError {
    /// An error with a status and Mastodon's message.
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        MastoError { status, error: error.into(), description: None, retry_after: None }
    }

    /// An OAuth error (RFC 6749 §5.2): a code such as `invalid_grant` and a description.
    pub fn oauth(status: StatusCode, code: &str, description: impl Into<String>) -> Self {
        MastoError { status, error: code.into(), description: Some(description.into()), retry_after: None }
    }

    /// 404 `Record not found`, as Mastodon answers for unknown or hidden ids.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Record not found")
    }

    /// Whether this is a 404 (something gone or hidden from the viewer).
    pub fn is_not_found(&self) -> bool {
        self.status == StatusCode::NOT_FOUND
    }

    /// 401 for a missing, unknown, expired or revoked token.
    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "The access token is invalid")
    }

    /// 403 for a token without the scope the endpoint needs.
    pub fn outside_scopes() -> Self {
        Self::new(StatusCode::FORBIDDEN, "This action is outside the authorized scopes")
    }

    /// 422 `Validation failed: ...`.
    pub fn validation(message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, format!("Validation failed: {message}"))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for MastoError {
    fn into_response(self) -> Response {
        let mut res =
            (self.status, Json(Body { error: self.error, error_description: self.description })).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

impl From<Error> for MastoError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(i) => MastoError::validation(i),
            Error::Denied(Denied::SignInRequired) => MastoError::invalid_token(),
            // Mastodon answers 404 for what a viewer may not see and 403 for what they may
            // not do; Guildhall's policies already hide unreadable things as NotFound.
            Error::Denied(d) if d.repeats_current_state() => MastoError::validation(d),
            Error::Denied(d) => MastoError::new(StatusCode::FORBIDDEN, d.to_string()),
            Error::NotFound(_) => MastoError::not_found(),
            Error::Conflict(m) | Error::Taken(m) => MastoError::validation(m),
            Error::Duplicate => MastoError::validation("this was received before"),
            Error::Unauthenticated(m) => MastoError::new(StatusCode::UNAUTHORIZED, m),
            Error::Throttled { retry_after } => MastoError {
                retry_after: Some(retry_after),
                ..MastoError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
            },
            Error::AccountNotActive(s) => {
                MastoError::new(StatusCode::FORBIDDEN, format!("Your login is currently disabled ({})", s.as_str()))
            }
            // Mastodon's own words for an unconfirmed account.
            Error::EmailUnconfirmed => {
                MastoError::new(StatusCode::FORBIDDEN, "Your login is missing a confirmed e-mail address")
            }
            Error::Registration(r) => MastoError::new(StatusCode::FORBIDDEN, r.to_string()),
            Error::BadAddress(m) => MastoError::validation(m),
            Error::Remote(e) => {
                tracing::info!(error = %e, "remote lookup failed");
                MastoError::new(StatusCode::BAD_GATEWAY, "The other server could not be reached or answered badly")
            }
            Error::NoNetwork => {
                tracing::error!("a network use case ran on an instance without a network port");
                MastoError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
            Error::Store(e) => match e.outage() {
                Some(o) => {
                    o.report(&e);
                    let (status, msg) = match o {
                        Outage::Storage => (StatusCode::INSUFFICIENT_STORAGE, "The server's storage is full"),
                        Outage::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable"),
                    };
                    MastoError { retry_after: Some(o.retry_after_seconds()), ..MastoError::new(status, msg) }
                }
                None => {
                    tracing::error!(error = %e, "storage error");
                    MastoError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
                }
            },
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                MastoError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
            }
        }
    }
}

impl From<axum::extract::rejection::PathRejection> for MastoError {
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        MastoError::not_found()
    }
}

impl From<axum::extract::rejection::QueryRejection> for MastoError {
    fn from(r: axum::extract::rejection::QueryRejection) -> Self {
        MastoError::new(StatusCode::BAD_REQUEST, r.body_text())
    }
}
