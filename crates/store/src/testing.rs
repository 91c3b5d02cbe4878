//! Fresh, migrated databases for tests: a SQLite file in a temp dir by default, or a new
//! PostgreSQL schema when `GUILDHALL_TEST_DATABASE_URL` is set.

use rand::Rng;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// A migrated test database; dropping it removes the SQLite file's directory.
pub struct TestDb {
    /// The connection.
    pub db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

/// Creates a fresh, migrated database for one test.
pub async fn fresh_database() -> TestDb {
    let (db, dir) = match std::env::var("GUILDHALL_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{:016x}", rand::rng().random::<u64>());
            let admin = crate::connect(&url).await.expect("connect to GUILDHALL_TEST_DATABASE_URL");
            admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.expect("create test schema");
            admin.close().await.ok();
            let db = crate::connect_with_schema(&url, Some(&schema)).await.expect("connect to test schema");
            (db, None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (crate::connect(&url).await.expect("open test SQLite"), Some(dir))
        }
    };
    crate::migrate(&db).await.expect("migrations");
    TestDb { db, _dir: dir }
}
