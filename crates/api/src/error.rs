//! The one place where errors become HTTP responses: `{"error": code, "message": text}`.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use guildhall_app::{Error, Outage};
use guildhall_domain::{AccountStatus, Denied, RegistrationRefused};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `invalid`, `members_only`.
    pub error: String,
    /// What went wrong, for people.
    pub message: String,
    /// The offending field, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    /// Seconds for a `Retry-After` header, when trying again later may succeed.
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody { error: code.into(), message: message.into(), field: None },
            retry_after: None,
        }
    }

    /// The same error, telling the client to wait `seconds` before trying again.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 404 for routes that do not exist.
    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(i) => ApiError {
                status: StatusCode::BAD_REQUEST,
                body: ErrorBody { error: "invalid".into(), message: i.to_string(), field: Some(i.field.into()) },
                retry_after: None,
            },
            Error::Denied(d) => {
                let status = match d {
                    Denied::SignInRequired => StatusCode::UNAUTHORIZED,
                    d if d.repeats_current_state() => StatusCode::CONFLICT,
                    _ => StatusCode::FORBIDDEN,
                };
                ApiError::new(status, d.code(), d.to_string())
            }
            Error::NotFound(what) => ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found")),
            // A taken name is a conflict to API clients, as it always was.
            Error::Conflict(m) | Error::Taken(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            Error::Duplicate => ApiError::new(StatusCode::CONFLICT, "duplicate", "this was received before"),
            Error::Unauthenticated(m) => ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", m),
            Error::Throttled { retry_after } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!("too many sign-in attempts; try again in {retry_after} seconds"),
            )
            .retry_after(retry_after),
            Error::AccountNotActive(s) => {
                let (code, msg) = match s {
                    AccountStatus::Pending => {
                        ("account_pending", "this account is waiting for an administrator's approval")
                    }
                    AccountStatus::Suspended => ("account_suspended", "this account is suspended"),
                    AccountStatus::Active => ("account_inactive", "this account cannot sign in"),
                };
                ApiError::new(StatusCode::FORBIDDEN, code, msg)
            }
            Error::EmailUnconfirmed => ApiError::new(
                StatusCode::FORBIDDEN,
                "email_unconfirmed",
                "confirm your email address first: follow the link we emailed you (or ask for a new one)",
            ),
            Error::Registration(r) => {
                let code = match r {
                    RegistrationRefused::Closed => "registration_closed",
                    RegistrationRefused::InviteRequired => "invite_required",
                    RegistrationRefused::EmailDomainNotAllowed(_) => "email_domain_not_allowed",
                };
                ApiError::new(StatusCode::FORBIDDEN, code, r.to_string())
            }
            Error::BadAddress(m) => ApiError::new(StatusCode::BAD_REQUEST, "invalid", m),
            Error::Remote(e) => {
                tracing::info!(error = %e, "remote lookup failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "remote_unavailable",
                    format!("the other server could not be reached or answered badly: {e}"),
                )
            }
            Error::NoNetwork => {
                tracing::error!("a network use case ran on an instance without a network port");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server")
            }
            Error::Store(e) => match e.outage() {
                Some(outage) => outage_error(outage, &e),
                None => {
                    tracing::error!(error = %e, "storage error");
                    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server")
                }
            },
            Error::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on the server")
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let status = r.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            _ => "invalid_body",
        };
        ApiError::new(status, code, r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", r.body_text())
    }
}

/// 507 or 503 with a wait, for a failure of the server's surroundings.
fn outage_error(outage: Outage, e: &dyn std::fmt::Display) -> ApiError {
    outage.report(e);
    let (status, code, message) = match outage {
        Outage::Storage => (
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_full",
            "the server's storage is full or failing, so nothing was saved; try again later",
        ),
        Outage::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "the server's database is unavailable; try again shortly",
        ),
    };
    ApiError::new(status, code, message).retry_after(outage.retry_after_seconds())
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;
