//! One database per instance: a SQLite file in the instance's directory, or a fresh PostgreSQL
//! database when `GUILDHALL_TEST_DATABASE_URL` is set.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// Environment variable naming an existing PostgreSQL database to create test databases from.
pub const POSTGRES_ENV: &str = "GUILDHALL_TEST_DATABASE_URL";

/// How long to keep retrying a `CREATE DATABASE` that collides with another one.
const CREATE_DEADLINE: Duration = Duration::from_secs(10);
/// Pause between those retries.
const CREATE_RETRY_INTERVAL: Duration = Duration::from_millis(200);

/// The database of one instance. A PostgreSQL database is dropped when this value is dropped
/// (best effort), unless [`Database::keep`] was called.
#[derive(Debug)]
pub(crate) enum Database {
    /// A SQLite file inside the instance's temporary directory (deleted with it).
    Sqlite { url: String },
    /// A database created for this instance on the local PostgreSQL server.
    Postgres {
        /// URL of the existing database used to run `CREATE`/`DROP DATABASE`.
        admin_url: String,
        /// Name of the created database.
        name: String,
        /// URL of the created database, given to the server.
        url: String,
        /// Whether to leave the database in place on drop.
        keep: bool,
    },
}

/// A new instance's temporary directory (with its `data` directory inside) and its database.
pub(crate) async fn instance_home(name: &str) -> (tempfile::TempDir, std::path::PathBuf, Database) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("guildhall-{name}-"))
        .tempdir()
        .expect("cannot create a temporary directory for the instance");
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", data_dir.display()));
    let database = Database::create(name, &data_dir).await;
    (dir, data_dir, database)
}

impl Database {
    /// Sets up the database for instance `instance`, whose data directory is `data_dir`.
    pub(crate) async fn create(instance: &str, data_dir: &Path) -> Database {
        let Some(admin_url) = std::env::var(POSTGRES_ENV).ok().filter(|url| !url.is_empty()) else {
            let file = data_dir.join("guildhall.db");
            return Database::Sqlite { url: format!("sqlite://{}?mode=rwc", file.display()) };
        };
        let name = database_name(instance, &crate::random_hex(8));
        let url = with_database(&admin_url, &name);
        let sql = format!("CREATE DATABASE \"{name}\"");
        // Concurrent CREATE DATABASE statements can collide on the template database: retry
        // those until the deadline, fail at once on anything else.
        let outcome = crate::poll_every(CREATE_RETRY_INTERVAL, CREATE_DEADLINE, || {
            let command = psql(&admin_url, &sql);
            async move {
                let output = tokio::process::Command::from(command)
                    .kill_on_drop(true)
                    .output()
                    .await
                    .unwrap_or_else(|e| panic!("cannot run psql to create a database: {e}"));
                let transient = String::from_utf8_lossy(&output.stderr).contains("is being accessed by other users");
                (output.status.success() || !transient).then_some(output)
            }
        })
        .await;
        match outcome {
            Some(output) if output.status.success() => {}
            Some(output) => panic!("psql failed to create database {name} ({}): {}", output.status, describe(&output)),
            None => {
                panic!("psql could not create database {name} within {CREATE_DEADLINE:?}: the template stayed busy")
            }
        }
        Database::Postgres { admin_url, name, url, keep: false }
    }

    /// URL for `GUILDHALL_DATABASE_URL`.
    pub(crate) fn url(&self) -> &str {
        match self {
            Database::Sqlite { url } | Database::Postgres { url, .. } => url,
        }
    }

    /// Leaves a PostgreSQL database in place when this value is dropped.
    pub(crate) fn keep(&mut self) {
        if let Database::Postgres { keep, .. } = self {
            *keep = true;
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let Database::Postgres { admin_url, name, keep: false, .. } = self else {
            return;
        };
        // `WITH (FORCE)` (PostgreSQL 13+) ends leftover connections; fall back without it.
        let statements =
            [format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"), format!("DROP DATABASE IF EXISTS \"{name}\"")];
        let mut last_error = String::new();
        for sql in &statements {
            match psql(admin_url, sql).output() {
                Ok(output) if output.status.success() => return,
                Ok(output) => last_error = describe(&output),
                Err(e) => last_error = e.to_string(),
            }
        }
        eprintln!("federation-tests: could not drop test database {name}: {last_error}");
    }
}

/// A `psql` command running one statement against `url`, stopping on the first error.
fn psql(url: &str, sql: &str) -> Command {
    let mut command = Command::new("psql");
    command.arg(url).args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]).stdin(std::process::Stdio::null());
    command
}

/// `fed_<instance>_<suffix>`, restricted to characters that need no quoting and to PostgreSQL's
/// 63-byte identifier limit.
fn database_name(instance: &str, suffix: &str) -> String {
    let instance: String = instance
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .take(40)
        .collect();
    format!("fed_{instance}_{suffix}")
}

/// `url` with its database (the path) replaced by `database`, keeping credentials and query.
fn with_database(url: &str, database: &str) -> String {
    let mut parsed =
        reqwest::Url::parse(url).unwrap_or_else(|e| panic!("{POSTGRES_ENV} is not a valid URL ({e}): {url}"));
    assert!(
        matches!(parsed.scheme(), "postgres" | "postgresql"),
        "{POSTGRES_ENV} must be a postgres:// URL, got {url}"
    );
    parsed.set_path(&format!("/{database}"));
    parsed.into()
}

/// Exit status and output of a finished command, for error messages.
fn describe(output: &Output) -> String {
    format!(
        "{}; stdout: {}; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_plain_identifiers() {
        assert_eq!(database_name("alpha", "00ff"), "fed_alpha_00ff");
        assert_eq!(database_name("Beta-2 x", "1"), "fed_beta_2_x_1");
        assert!(database_name(&"x".repeat(100), &crate::random_hex(8)).len() <= 63);
    }

    #[test]
    fn database_is_replaced_in_the_url() {
        assert_eq!(
            with_database("postgres://guildhall:secret@localhost:5432/guildhall_test?sslmode=disable", "fed_alpha_1"),
            "postgres://guildhall:secret@localhost:5432/fed_alpha_1?sslmode=disable"
        );
        assert_eq!(with_database("postgresql://localhost", "fed_beta_2"), "postgresql://localhost/fed_beta_2");
    }
}
