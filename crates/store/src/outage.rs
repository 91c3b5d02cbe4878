//! Database failures that come from the server's surroundings rather than from the request:
//! the disk is full or failing, or the database is away. Each is answered with its own
//! status (507, 503) and a wait, instead of a bare 500 that says nothing.

use std::ops::Deref;

use sea_orm::{DbErr, RuntimeErr};

/// What is wrong around the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// A write could not reach the disk: it is full (`SQLITE_FULL`, PostgreSQL `53100`) or
    /// failing (`SQLITE_IOERR`, PostgreSQL `58030`). Nothing of the request was stored.
    Storage,
    /// The database cannot be reached or is restarting (connection refused or lost, pool
    /// timed out, PostgreSQL shutting down or starting up).
    Unavailable,
}

impl Outage {
    /// Seconds a client should wait before trying again.
    pub fn retry_after_seconds(self) -> u64 {
        match self {
            // Someone has to free space; do not hammer the disk meanwhile.
            Outage::Storage => 60,
            Outage::Unavailable => 5,
        }
    }
}

impl Outage {
    /// Logs the outage behind a refused request for the administrator, saying what to do.
    pub fn report(self, error: &dyn std::fmt::Display) {
        match self {
            Outage::Storage => tracing::error!(
                %error,
                "storage is full or failing: writes are refused until space is freed (reads go on)"
            ),
            Outage::Unavailable => {
                tracing::error!(%error, "the database is unavailable: requests are refused until it returns")
            }
        }
    }
}

/// The outage behind `err`, if it is one.
pub(crate) fn of(err: &DbErr) -> Option<Outage> {
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return Some(Outage::Unavailable),
        DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return None,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return None;
    };
    match sqlx.deref() {
        Sqlx::Io(_) | Sqlx::Tls(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => {
            Some(Outage::Unavailable)
        }
        Sqlx::Database(database) => {
            let sqlite = database.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some();
            database.code().as_deref().and_then(|code| if sqlite { of_sqlite_code(code) } else { of_sqlstate(code) })
        }
        _ => None,
    }
}

/// The outage a SQLite (extended) result code means.
fn of_sqlite_code(code: &str) -> Option<Outage> {
    // The primary result code is the low byte of an extended one.
    match code.parse::<u32>().ok()? & 0xff {
        // SQLITE_IOERR (EFBIG and failing writes), SQLITE_FULL (ENOSPC).
        10 | 13 => Some(Outage::Storage),
        _ => None,
    }
}

/// The outage a PostgreSQL SQLSTATE means.
fn of_sqlstate(code: &str) -> Option<Outage> {
    match code {
        // insufficient_resources (53100 disk_full, 53200 out_of_memory, …), io_error.
        c if c.starts_with("53") || c == "58030" => Some(Outage::Storage),
        // connection_exception, admin_shutdown, crash_shutdown, cannot_connect_now.
        c if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03") => Some(Outage::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_full_and_write_errors_are_storage() {
        assert_eq!(of_sqlite_code("13"), Some(Outage::Storage));
        // SQLITE_IOERR_WRITE: what EFBIG (a file-size limit) gives.
        assert_eq!(of_sqlite_code("778"), Some(Outage::Storage));
        assert_eq!(of_sqlite_code("10"), Some(Outage::Storage));
    }

    #[test]
    fn sqlite_constraint_and_busy_errors_are_not_outages() {
        // SQLITE_CONSTRAINT_UNIQUE, SQLITE_BUSY, SQLITE_ERROR.
        assert_eq!(of_sqlite_code("2067"), None);
        assert_eq!(of_sqlite_code("5"), None);
        assert_eq!(of_sqlite_code("1"), None);
    }

    #[test]
    fn postgres_states_map_to_their_outage() {
        assert_eq!(of_sqlstate("53100"), Some(Outage::Storage));
        assert_eq!(of_sqlstate("58030"), Some(Outage::Storage));
        assert_eq!(of_sqlstate("57P01"), Some(Outage::Unavailable));
        assert_eq!(of_sqlstate("08006"), Some(Outage::Unavailable));
        // unique_violation, syntax_error
        assert_eq!(of_sqlstate("23505"), None);
        assert_eq!(of_sqlstate("42601"), None);
    }

    #[test]
    fn connection_failures_are_unavailable() {
        let err = DbErr::Conn(RuntimeErr::Internal("connection refused".into()));
        assert_eq!(of(&err), Some(Outage::Unavailable));
        assert_eq!(of(&DbErr::RecordNotFound("x".into())), None);
    }
}
