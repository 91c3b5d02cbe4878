//! The federation crate's one error type and its HTTP mapping.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Why a federation request or task failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A use case refused or failed.
    #[error(transparent)]
    App(#[from] guildhall_app::Error),
    /// Signature, fetch or parsing failure inside activitypub_federation.
    #[error(transparent)]
    Protocol(#[from] activitypub_federation::error::Error),
    /// The request is malformed or inconsistent (ids, actors, audiences).
    #[error("{0}")]
    BadRequest(String),
    /// The activity is not one we can read: an unsupported object, or a malformed shape.
    #[error("{0}")]
    Unreadable(String),
    /// The request's signature is missing, malformed or does not verify.
    #[error("{0}")]
    SignatureInvalid(String),
    /// The sending actor (and so its key) could not be fetched or read: the signature cannot
    /// be checked (401, so the sender may try again later or with another signature).
    #[error("the actor could not be fetched: {0}")]
    ActorUnavailable(String),
    /// After the signature verified, something the activity names could not be fetched or
    /// read (never a signature problem).
    #[error("an object the activity names could not be fetched: {0}")]
    Fetch(activitypub_federation::error::Error),
    /// The admin's federation policy excludes the sender's instance.
    #[error("this instance does not federate with yours")]
    InstanceBlocked,
    /// The thing is unknown here (or may not be shown).
    #[error("not found")]
    NotFound,
    /// Something else broke.
    #[error("{0}")]
    Internal(String),
    /// Another server could not be reached or used; the reason is fit to show the person who
    /// asked (it names the server and the cause, not our internals).
    #[error("{0}")]
    Unreachable(String),
}

impl From<url::ParseError> for Error {
    fn from(e: url::ParseError) -> Self {
        Error::BadRequest(format!("invalid URL: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::BadRequest(format!("invalid JSON: {e}"))
    }
}

impl guildhall_app::receipt::AsDuplicate for Error {
    fn is_duplicate(&self) -> bool {
        matches!(self, Error::App(guildhall_app::Error::Duplicate))
    }
}

impl Error {
    /// The same error, raised after the sender's signature verified: a failed fetch is then
    /// about the object, not about who sent it.
    pub fn after_signature(self) -> Self {
        match self {
            Error::Protocol(e) => Error::Fetch(e),
            e => e,
        }
    }

    /// Whether trying again later may succeed: the database was busy or away, or a remote
    /// server did not answer. Anything else (bad data, a refusal, a bug) fails the same way
    /// every time.
    pub fn is_transient(&self) -> bool {
        use activitypub_federation::error::Error as P;
        match self {
            Error::App(e) => e.is_transient(),
            Error::Protocol(P::Reqwest(_) | P::ReqwestMiddleware(_)) => true,
            Error::Fetch(P::Reqwest(_) | P::ReqwestMiddleware(_)) => true,
            _ => false,
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        use activitypub_federation::error::Error as P;
        match self {
            Error::App(guildhall_app::Error::NotFound(_)) | Error::NotFound => StatusCode::NOT_FOUND,
            Error::App(guildhall_app::Error::Denied(_)) | Error::InstanceBlocked => StatusCode::FORBIDDEN,
            Error::SignatureInvalid(_) => StatusCode::UNAUTHORIZED,
            Error::App(guildhall_app::Error::Invalid(_)) | Error::BadRequest(_) | Error::Unreadable(_) => {
                StatusCode::BAD_REQUEST
            }
            Error::App(guildhall_app::Error::Conflict(_) | guildhall_app::Error::Taken(_)) => StatusCode::CONFLICT,
            // The sender keeps the activity and tries again after Retry-After.
            Error::App(e) if e.outage().is_some() => StatusCode::SERVICE_UNAVAILABLE,
            Error::App(_) | Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Error::Unreachable(_) => StatusCode::BAD_GATEWAY,
            // Fedify and others retry with another signature scheme only after a 401.
            Error::Protocol(P::ActivitySignatureInvalid | P::ActivityBodyDigestInvalid) => StatusCode::UNAUTHORIZED,
            Error::Protocol(P::ParseReceivedActivity { .. } | P::UrlVerificationError(_) | P::UrlParse(_)) => {
                StatusCode::BAD_REQUEST
            }
            Error::Protocol(P::NotFound | P::ObjectDeleted(_)) => StatusCode::NOT_FOUND,
            Error::ActorUnavailable(_) => StatusCode::UNAUTHORIZED,
            Error::Fetch(P::NotFound | P::ObjectDeleted(_)) => StatusCode::NOT_FOUND,
            // The object's server did not answer: the sender may try again later.
            Error::Fetch(
                P::Reqwest(_) | P::ReqwestMiddleware(_) | P::RequestLimit | P::DomainResolveError(_) | P::IoError(_),
            ) => StatusCode::BAD_GATEWAY,
            // Fetched but not readable (wrong type, wrong id, not ActivityPub): the input is bad.
            Error::Fetch(_) => StatusCode::BAD_REQUEST,
            // The sender's actor or key could not be fetched: the signature cannot be checked.
            Error::Protocol(_) => StatusCode::UNAUTHORIZED,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let outage = match &self {
            Error::App(e) => e.outage(),
            _ => None,
        };
        if let Some(outage) = outage {
            outage.report(&self);
        } else if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "federation error");
        } else {
            tracing::info!(error = %self, %status, "federation request refused");
        }
        let code = match (&self, status) {
            (Error::InstanceBlocked, _) => "instance_blocked",
            (Error::ActorUnavailable(_), _) => "actor_unavailable",
            (Error::Fetch(_), StatusCode::BAD_GATEWAY) => "fetch_failed",
            (Error::Fetch(_), StatusCode::BAD_REQUEST) => "object_unreadable",
            (Error::Unreadable(_), _) => "unreadable_activity",
            (_, status) => match (status, outage) {
                (_, Some(guildhall_app::Outage::Storage)) => "storage_full",
                (_, Some(guildhall_app::Outage::Unavailable)) => "database_unavailable",
                (StatusCode::UNAUTHORIZED, None) => "signature_invalid",
                (StatusCode::NOT_FOUND, None) => "not_found",
                (StatusCode::FORBIDDEN, None) => "forbidden",
                (StatusCode::BAD_REQUEST, None) => "bad_request",
                (StatusCode::CONFLICT, None) => "conflict",
                _ => "internal",
            },
        };
        let message = match (outage, status) {
            (Some(_), _) => "unavailable: try again later".to_string(),
            (None, StatusCode::INTERNAL_SERVER_ERROR) => "internal error".to_string(),
            _ => self.to_string(),
        };
        let mut response = (status, axum::Json(json!({"error": code, "message": message}))).into_response();
        if let Some(outage) = outage {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, outage.retry_after_seconds().into());
        }
        response
    }
}
