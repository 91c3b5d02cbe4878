//! The app crate's one error type; the API maps it to HTTP in one place.

use guildhall_domain::registration::RegistrationRefused;
use guildhall_domain::{AccountStatus, Denied, Invalid};

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input failed validation.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A policy refused the action.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The thing does not exist, or the viewer may not know it exists.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A state conflict (a stale revision, a decision already made, a job already running).
    #[error("{0}")]
    Conflict(String),
    /// A name, address or other unique value is already used by another row.
    #[error("{0}")]
    Taken(String),
    /// Wrong credentials or no valid session.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Too many recent wrong passwords for this account or from this address: try again later.
    #[error("too many sign-in attempts; try again in {retry_after} seconds")]
    Throttled {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The account exists but may not sign in yet (or any more).
    #[error("this account is {}", .0.as_str())]
    AccountNotActive(AccountStatus),
    /// The account must confirm its email address before signing in.
    #[error("confirm your email address first: follow the link we emailed you")]
    EmailUnconfirmed,
    /// The registration policy refused.
    #[error(transparent)]
    Registration(#[from] RegistrationRefused),
    /// A remote address (handle or URL) that is not well-formed.
    #[error("{0}")]
    BadAddress(String),
    /// Another server could not be reached or answered badly.
    #[error("{0}")]
    Remote(String),
    /// The instance has no network port wired in (some tests and tools).
    #[error("network access is not set up for this instance")]
    NoNetwork,
    /// Storage failed.
    #[error(transparent)]
    Store(guildhall_store::Error),
    /// A received activity was applied before (its de-duplication record exists).
    #[error("activity already received")]
    Duplicate,
    /// Something else broke (a bug or resource problem).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<guildhall_store::Error> for Error {
    fn from(e: guildhall_store::Error) -> Self {
        match e {
            guildhall_store::Error::Conflict(what) => Error::Taken(format!("{what} is already taken")),
            other => Error::Store(other),
        }
    }
}

impl From<guildhall_store::DbErr> for Error {
    fn from(e: guildhall_store::DbErr) -> Self {
        Error::Store(e.into())
    }
}

impl Error {
    /// Whether trying again later may succeed: the database was busy or away. Anything else
    /// (a refusal, bad data, a bug) fails the same way every time.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Store(guildhall_store::Error::Db(_)))
    }

    /// The outage behind this error (a full disk, the database away), which callers answer
    /// with its own status and a wait rather than a bare 500.
    pub fn outage(&self) -> Option<guildhall_store::Outage> {
        match self {
            Error::Store(e) => e.outage(),
            _ => None,
        }
    }
}

/// Result alias for use cases.
pub type Result<T, E = Error> = std::result::Result<T, E>;
