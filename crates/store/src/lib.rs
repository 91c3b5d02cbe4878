//! Storage: sea-orm entities and the query functions the use cases call. Nothing above this
//! crate writes SQL. Works on SQLite (embedded default) and PostgreSQL.

pub mod accounts;
pub mod communities;
pub mod directory;
pub mod discussions;
pub mod email;
pub mod email_confirmations;
pub mod email_notify;
pub mod entities;
#[cfg(test)]
mod enum_columns_tests;
pub mod events;
#[cfg(test)]
mod extras_tests;
pub mod federation;
pub mod federation_counts;
pub mod guilds;
pub mod interactions;
pub mod map_crawl;
pub mod markers;
pub mod notifications;
pub mod notify_prefs;
pub mod oauth;
mod outage;
pub mod peers;
pub mod polls;
pub mod reminders;
pub mod reports;
pub mod search;
pub mod search_index;
pub mod settings;
pub mod timelines;
// Tests of this crate use it too (its dependencies are also dev-dependencies).
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod votes;
pub mod wiki;

use std::time::Duration;

use guildhall_migrations::MigratorTrait;
pub use outage::Outage;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
pub use sea_orm::{
    ActiveValue, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, Set, TransactionTrait,
};
use sea_orm::{ConnectOptions, Database, SqlErr};

/// Errors from the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    /// A unique constraint refused the write (the name of what was taken).
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// A stored value could not be read back (a bug or manual edit).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
}

impl Error {
    /// The outage behind this error, when the database's surroundings failed rather than
    /// the request: see [`Outage`].
    pub fn outage(&self) -> Option<Outage> {
        match self {
            Error::Db(e) => outage::of(e),
            Error::Conflict(_) | Error::Corrupt(_) => None,
        }
    }
}

/// Result alias for storage calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns a unique-constraint violation into `Conflict(what)`, passing other errors through.
pub(crate) fn conflict_on_unique(err: DbErr, what: &'static str) -> Error {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => Error::Conflict(what),
        _ => Error::Db(err),
    }
}

/// Connects to `url` (`sqlite://…` or `postgres://…`), tuned for each backend.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    connect_with_schema(url, None).await
}

/// Connects with an optional PostgreSQL schema as the search path (used by tests).
pub async fn connect_with_schema(url: &str, schema: Option<&str>) -> Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // WAL lets readers run while the writer commits; the busy timeout queues writers
        // instead of failing them; foreign keys are off by default in SQLite.
        opts.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        opts.max_connections(16).min_connections(1);
        if let Some(schema) = schema {
            opts.set_schema_search_path(schema.to_owned());
        }
    }
    Ok(Database::connect(opts).await?)
}

/// Applies every pending migration; returns how many ran.
pub async fn migrate(db: &DatabaseConnection) -> Result<usize> {
    let pending = guildhall_migrations::Migrator::get_pending_migrations(db).await?.len();
    guildhall_migrations::Migrator::up(db, None).await?;
    Ok(pending)
}

/// How many migrations the database has not applied yet.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize> {
    Ok(guildhall_migrations::Migrator::get_pending_migrations(db).await?.len())
}

/// Checks that the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<()> {
    Ok(db.ping().await?)
}

/// One page of a list: 1-based page number and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: u64,
    /// Items per page.
    pub limit: u64,
}

impl Page {
    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.number.max(1) - 1).saturating_mul(self.limit)
    }
}

/// A page of results and whether more follow.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The rows on this page.
    pub items: Vec<T>,
    /// Whether a further page exists.
    pub has_more: bool,
}

impl<T> Paged<T> {
    /// Builds a page from `limit + 1` fetched rows.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: u64) -> Self {
        let has_more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        Paged { items: rows, has_more }
    }

    /// Maps the items, keeping `has_more`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged { items: self.items.into_iter().map(f).collect(), has_more: self.has_more }
    }
}

/// Encodes a list of strings for a JSON text column.
pub fn encode_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// Decodes a JSON text column holding a list of strings.
pub fn decode_list(raw: &str) -> Result<Vec<String>> {
    serde_json::from_str(raw).map_err(|e| Error::Corrupt(format!("list column: {e}")))
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of failing
/// with "database is locked" when a read turns into a write.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The visibilities for which a domain rule holds, for SQL filters that must agree with it.
pub(crate) fn visibilities_where(
    rule: impl Fn(guildhall_domain::Visibility) -> bool,
) -> Vec<guildhall_domain::Visibility> {
    guildhall_domain::Visibility::ALL.into_iter().filter(|v| rule(*v)).collect()
}
