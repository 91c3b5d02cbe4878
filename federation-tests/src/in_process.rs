//! A Guildhall instance running inside the test process: the `guildhall` library's server
//! builder on a loopback listener, with its own temporary directory and database.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Mutex, Once};

use tempfile::TempDir;

use crate::database::Database;
use crate::endpoint::Endpoint;
use crate::instance::STOP_GRACE;

/// Panic messages seen by this process since the first in-process instance started.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A Guildhall server started in this test process, on its own loopback port, temporary
/// directory and database (SQLite, or PostgreSQL when `GUILDHALL_TEST_DATABASE_URL` is set),
/// with an administrator account. It dereferences to [`Endpoint`] for everything a client
/// needs, as [`crate::Instance`] does.
///
/// It cannot be killed or restarted: scenarios about crashes, restarts and durability, or
/// about what the command line does, use [`crate::Instance`]. Its logs go to the test's output
/// when `GUILDHALL_TEST_LOG` is set.
///
/// Dropping it asks the server to stop, drops its PostgreSQL database and deletes its
/// directory; as with [`crate::Instance`], the directory is kept (and named) when the test
/// panics, and both are kept when `GUILDHALL_TEST_KEEP=1`.
#[derive(Debug)]
pub struct InProcessInstance {
    // Fields drop in this order: server, then database, then directory.
    server: Option<guildhall::Server>,
    database: Database,
    dir: TempDir,
    endpoint: Endpoint,
    config: guildhall::Config,
}

impl InProcessInstance {
    /// Creates and starts instance `name`: binds a loopback port, sets up its directory and
    /// database, creates the administrator account and starts the server, which is ready when
    /// this returns.
    ///
    /// Panics if any step fails.
    pub async fn start(name: &str) -> InProcessInstance {
        InProcessInstance::start_with(name, &[]).await
    }

    /// [`InProcessInstance::start`] with further settings (`("GUILDHALL_…", value)`), such as
    /// an SMTP server.
    pub async fn start_with(name: &str, settings: &[(&str, &str)]) -> InProcessInstance {
        init_process();
        let (dir, data_dir, database) = crate::database::instance_home(name).await;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("instance {name}: cannot bind a loopback port: {e}"));
        let port = listener.local_addr().map(|a| a.port()).expect("the bound listener has an address");
        let endpoint = Endpoint::new(name, port, Endpoint::new_admin(name));
        // The same settings the process harness gives `guildhall serve` in its environment.
        let env: HashMap<String, String> = [
            ("GUILDHALL_BIND", format!("127.0.0.1:{port}")),
            ("GUILDHALL_DOMAIN", endpoint.domain()),
            ("GUILDHALL_DATA_DIR", data_dir.display().to_string()),
            ("GUILDHALL_DATABASE_URL", database.url().to_owned()),
            ("GUILDHALL_DEV_MODE", "true".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .chain(settings.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
        .collect();
        let config = guildhall::Config::from_sources(None, &env)
            .unwrap_or_else(|e| panic!("instance {name}: configuration refused: {e}"));
        // The administrator, as `guildhall admin create-user --admin` creates it before a start.
        let (ctx, _) = guildhall::open(&config).await.unwrap_or_else(|e| panic!("instance {name}: {e}"));
        let admin = endpoint.admin();
        guildhall_app::auth::create_account(&ctx, &admin.username, Some(&admin.email), &admin.password, true)
            .await
            .unwrap_or_else(|e| panic!("instance {name}: cannot create the administrator: {e}"));
        ctx.db().clone().close().await.ok();
        let server = guildhall::Server::start(config.clone(), listener)
            .await
            .unwrap_or_else(|e| panic!("instance {name}: cannot start the server: {e}"));
        InProcessInstance { server: Some(server), database, dir, endpoint, config }
    }

    /// A second application context on the instance's database, with its SMTP port when one
    /// is configured: as a second process would be, for scenarios that run clock-driven jobs
    /// (`schedule::tick`) with a future `now` instead of waiting.
    pub async fn second_context(&self) -> guildhall_app::AppContext {
        let (ctx, _) = guildhall::open(&self.config).await.expect("a second context");
        if let Some(smtp) = &self.config.smtp {
            guildhall::smtp::SmtpMailer::install(&ctx, smtp).expect("the SMTP port");
        }
        ctx
    }

    /// The instance's temporary directory.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// `GUILDHALL_DATA_DIR` (`<dir>/data`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `GUILDHALL_DATABASE_URL`.
    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// Whether the server is running (it stops only through [`InProcessInstance::stop`]).
    pub fn is_running(&self) -> bool {
        self.server.is_some()
    }

    /// Stops the server gracefully (no new connections, in-flight requests finish, the delivery
    /// worker stops), waiting up to [`STOP_GRACE`]. Does nothing if stopped.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            let name = self.endpoint.name().to_owned();
            match tokio::time::timeout(STOP_GRACE, server.shutdown()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("instance {name}: the server stopped with an error: {e}"),
                Err(_) => panic!("instance {name}: the server did not stop within {STOP_GRACE:?}"),
            }
        }
    }
}

impl Deref for InProcessInstance {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.endpoint
    }
}

impl Drop for InProcessInstance {
    fn drop(&mut self) {
        // Dropping the handle asks the server to stop; what remains ends with the test's runtime.
        self.server.take();
        let name = self.endpoint.name();
        let keep = std::env::var("GUILDHALL_TEST_KEEP").is_ok_and(|v| v == "1");
        if keep {
            self.database.keep();
            eprintln!("federation-tests: kept the database of instance {name}: {}", self.database.url());
        }
        if keep || std::thread::panicking() {
            self.dir.disable_cleanup(true);
            eprintln!("federation-tests: kept the directory of instance {name}: {}", self.dir.path().display());
        }
    }
}

/// The panics this test process has seen since its first in-process instance started (their
/// messages with location), for scenarios that check no server task panicked. Panics in the
/// harness and the scenarios themselves (failed assertions, `poll_until` deadlines) are left
/// out; a server panic of another scenario of the same test binary is included.
pub fn panics_so_far() -> Vec<String> {
    PANICS.lock().map(|p| p.clone()).unwrap_or_default()
}

/// Whether `file` (a panic's location) is a source file of this package (harness or scenario).
fn is_test_source(file: &str) -> bool {
    file.starts_with("federation-tests/") || file.contains("/federation-tests/")
}

/// Process-wide set-up, done once however many instances start: the TLS provider that
/// `guildhall`'s `main` installs, a log subscriber when `GUILDHALL_TEST_LOG` is set, and the
/// panic recorder.
fn init_process() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        if let Ok(filter) = std::env::var("GUILDHALL_TEST_LOG") {
            let filter = tracing_subscriber::EnvFilter::try_new(&filter)
                .unwrap_or_else(|e| panic!("GUILDHALL_TEST_LOG is not a tracing filter: {e}"));
            let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The scenarios share one test binary: a failing assertion of another scenario is
            // not a server panic, so panics in this package's own sources are left out.
            let in_tests = info.location().is_some_and(|l| is_test_source(l.file()));
            if !in_tests && let Ok(mut panics) = PANICS.lock() {
                panics.push(info.to_string());
            }
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::is_test_source;

    #[test]
    fn panics_in_the_harness_and_scenarios_are_not_server_panics() {
        assert!(is_test_source("federation-tests/src/lib.rs"));
        assert!(is_test_source("federation-tests/tests/it/leak_matrix.rs"));
        assert!(is_test_source("/work/guildhall/federation-tests/src/peer.rs"));
        assert!(!is_test_source("crates/federation/src/inbox.rs"));
        assert!(!is_test_source("/root/.cargo/registry/src/index.crates.io-x/tokio-1.0.0/src/lib.rs"));
    }
}
