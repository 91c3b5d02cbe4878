//! A Guildhall instance running as a separate process.

use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

use tempfile::TempDir;

use crate::database::Database;
use crate::endpoint::Endpoint;
use crate::process::{self, ServerProcess};

/// How long an instance may take to answer `GET /ready` with 200 after being spawned.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a `guildhall` command-line invocation (such as `admin create-user`) may take.
pub const CLI_TIMEOUT: Duration = Duration::from_secs(120);
/// How long [`Instance::stop`] waits after SIGTERM before killing the server.
pub const STOP_GRACE: Duration = Duration::from_secs(10);
/// Lines of server log returned by [`Instance::log_tail`].
pub const LOG_TAIL_LINES: usize = 50;

/// A Guildhall server process with its own loopback port, temporary directory, database and
/// administrator account.
///
/// Dropping an instance kills its server (even while a test panics), drops its PostgreSQL
/// database if it has one, and deletes its directory, unless the test is panicking or
/// `GUILDHALL_TEST_KEEP=1`, in which case the directory is kept and its path printed.
#[derive(Debug)]
pub struct Instance {
    // Fields drop in this order: server, then database, then directory.
    server: Option<ServerProcess>,
    database: Database,
    dir: TempDir,
    endpoint: Endpoint,
    bin: PathBuf,
    starts: u32,
    /// Largest file the server may write ([`Instance::set_file_size_limit`]).
    file_size_limit: Option<u64>,
    /// The database URL given to the server instead of the database's own
    /// ([`Instance::route_database_through`]).
    database_route: Option<String>,
    /// Further `GUILDHALL_*` settings given to every process ([`Instance::start_with`]).
    settings: Vec<(&'static str, String)>,
}

impl Instance {
    /// Creates and starts instance `name`: picks a free port, sets up its directory and database,
    /// creates the administrator account (`guildhall admin create-user`), spawns
    /// `guildhall serve` and waits until `GET /ready` answers 200.
    ///
    /// Panics (with the tail of the server log where useful) if any step fails.
    pub async fn start(name: &str) -> Instance {
        Instance::start_with(name, &[]).await
    }

    /// [`Instance::start`] with further settings (`("GUILDHALL_…", value)`) for every process
    /// of this instance, restarts included.
    pub async fn start_with(name: &str, settings: &[(&'static str, &str)]) -> Instance {
        let mut instance = Instance::unstarted(name).await;
        instance.settings = settings.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        let admin = instance.endpoint.admin().clone();
        instance
            .cli(&[
                "admin",
                "create-user",
                &admin.username,
                "--email",
                &admin.email,
                "--admin",
                "--password",
                &admin.password,
            ])
            .await;
        instance.launch().await;
        instance
    }

    /// Sets up instance `name` (port, directory, empty database) without running anything in
    /// it: no migration, no administrator, no server. [`Instance::spawn`] starts a server
    /// without waiting; [`Instance::restart`] starts one and waits until it is ready.
    pub async fn unstarted(name: &str) -> Instance {
        let bin = crate::binary::locate_binary();
        let (dir, _, database) = crate::database::instance_home(name).await;
        let endpoint = Endpoint::new(name, free_port(), Endpoint::new_admin(name));
        Instance {
            server: None,
            database,
            dir,
            endpoint,
            bin,
            starts: 0,
            file_size_limit: None,
            database_route: None,
            settings: Vec::new(),
        }
    }

    /// Spawns `guildhall serve` without waiting for it (stopping any server first), so a test
    /// can strike while it starts up.
    pub async fn spawn(&mut self) {
        self.stop().await;
        self.starts += 1;
        let banner = format!("guildhall serve (start {})", self.starts);
        let mut command = self.command(&["serve"]);
        if let Some(bytes) = self.file_size_limit {
            limit_file_size(&mut command, bytes);
        }
        self.server = Some(ServerProcess::spawn(command, &self.log_path(), &banner));
    }

    /// Makes later starts of the server unable to grow any file past `bytes` (`None` lifts
    /// it): writes beyond it fail with `EFBIG`, as they would with `ENOSPC` on a full disk.
    /// The limit is the process's `RLIMIT_FSIZE`, with `SIGXFSZ` ignored so that the write
    /// fails instead of the signal killing the server.
    pub fn set_file_size_limit(&mut self, bytes: Option<u64>) {
        self.file_size_limit = bytes;
    }

    /// Makes later starts of the server reach its PostgreSQL database through loopback port
    /// `port` (a [`crate::proxy::CuttableProxy`]) instead of directly. Panics on SQLite.
    pub fn route_database_through(&mut self, port: u16) {
        let url = url::Url::parse(self.database.url()).expect("the database URL parses");
        assert!(url.scheme().starts_with("postgres"), "only a PostgreSQL database can be routed through a proxy");
        let mut routed = url.clone();
        routed.set_host(Some("127.0.0.1")).expect("a host");
        routed.set_port(Some(port)).expect("a port");
        self.database_route = Some(routed.to_string());
    }

    /// The address of the PostgreSQL server behind this instance's database.
    pub fn database_address(&self) -> std::net::SocketAddr {
        let url = url::Url::parse(self.database.url()).expect("the database URL parses");
        let host = url.host_str().unwrap_or("127.0.0.1");
        let host = if host == "localhost" { "127.0.0.1" } else { host };
        let port = url.port().unwrap_or(5432);
        format!("{host}:{port}").parse().expect("a loopback socket address")
    }

    /// The server log written since the latest start's banner line.
    pub fn log_of_this_start(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let banner = format!("===== federation-tests: guildhall serve (start {}) =====", self.starts);
        log.rfind(&banner).map(|at| log[at..].to_owned()).unwrap_or_default()
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

    /// File receiving the server's stdout and stderr (across restarts).
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    /// The last [`LOG_TAIL_LINES`] lines of the server log.
    pub fn log_tail(&self) -> String {
        process::tail(&self.log_path(), LOG_TAIL_LINES)
    }

    /// The server's process id, while it runs (for CPU and memory readings).
    pub fn pid(&self) -> Option<u32> {
        self.server.as_ref().and_then(ServerProcess::pid)
    }

    /// Whether the server process is running.
    pub fn is_running(&mut self) -> bool {
        self.server.as_mut().is_some_and(|server| server.exited().is_none())
    }

    /// Stops the server gracefully (SIGTERM, then SIGKILL after [`STOP_GRACE`]). The directory
    /// and database are kept; [`Instance::restart`] starts it again. Does nothing if stopped.
    pub async fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.terminate(STOP_GRACE).await;
        }
    }

    /// Kills the server abruptly (SIGKILL), as in a crash. Does nothing if stopped.
    pub fn kill(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.kill();
        }
    }

    /// Stops the server (if running) and starts it again on the same port, directory and
    /// database, waiting until it is ready.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.launch().await;
    }

    /// Runs `guildhall <args>` with this instance's environment and returns its output, which
    /// is also appended to `<dir>/cli.log`. Panics if it cannot be run or exceeds
    /// [`CLI_TIMEOUT`].
    pub async fn run_cli(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::from(self.command(args));
        command.stdin(std::process::Stdio::null()).kill_on_drop(true);
        let output = tokio::time::timeout(CLI_TIMEOUT, command.output())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "instance {}: `guildhall {}` did not finish within {CLI_TIMEOUT:?}",
                    self.endpoint.name(),
                    args.join(" ")
                )
            })
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin.display()));
        let log = format!(
            "===== federation-tests: guildhall {} ({}) =====\n{}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let path = self.dir.path().join("cli.log");
        if let Err(e) = std::io::Write::write_all(&mut process::open_log(&path), log.as_bytes()) {
            eprintln!("federation-tests: cannot write {}: {e}", path.display());
        }
        output
    }

    /// Like [`Instance::run_cli`], but panics (showing the output) unless the command succeeds,
    /// and returns its stdout.
    pub async fn cli(&self, args: &[&str]) -> String {
        let output = self.run_cli(args).await;
        assert!(
            output.status.success(),
            "instance {}: `guildhall {}` failed ({}).\nstdout:\n{}\nstderr:\n{}",
            self.endpoint.name(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Environment given to every `guildhall` process of this instance.
    fn env(&self) -> Vec<(&'static str, String)> {
        let log = std::env::var("GUILDHALL_TEST_LOG").unwrap_or_else(|_| "info".to_owned());
        let mut env = vec![
            ("GUILDHALL_BIND", format!("127.0.0.1:{}", self.endpoint.port())),
            ("GUILDHALL_DOMAIN", self.domain()),
            ("GUILDHALL_DATA_DIR", self.data_dir().display().to_string()),
            ("GUILDHALL_DATABASE_URL", self.database_route.clone().unwrap_or_else(|| self.database.url().to_owned())),
            ("GUILDHALL_LOG", log),
            // Test instances talk plain http on loopback ports.
            ("GUILDHALL_DEV_MODE", "true".to_owned()),
        ];
        env.extend(self.settings.iter().cloned());
        env
    }

    /// `guildhall <args>` in the instance directory, with the instance environment and no
    /// `GUILDHALL_*` variables inherited from the test process.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.bin);
        command.args(args).current_dir(self.dir.path());
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GUILDHALL_") {
                command.env_remove(key);
            }
        }
        command.envs(self.env());
        command
    }

    /// Spawns `guildhall serve` and waits until it is ready.
    async fn launch(&mut self) {
        self.spawn().await;
        self.wait_ready().await;
    }

    /// Polls `GET /ready` until it answers 200; panics with the log tail if the server exits
    /// or [`READY_TIMEOUT`] passes.
    async fn wait_ready(&mut self) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("cannot build the HTTP client");
        let url = self.url("/ready");
        let (name, log_path) = (self.endpoint.name().to_owned(), self.log_path());
        let server = &mut self.server;
        let ready = crate::poll_every(crate::POLL_INTERVAL, READY_TIMEOUT, || {
            if let Some(status) = server.as_mut().and_then(ServerProcess::exited) {
                panic!(
                    "instance {name}: `guildhall serve` exited ({status}) before becoming ready.\n\
                     Last lines of {}:\n{}",
                    log_path.display(),
                    process::tail(&log_path, LOG_TAIL_LINES)
                );
            }
            let request = http.get(&url).send();
            async move { matches!(request.await, Ok(r) if r.status() == reqwest::StatusCode::OK).then_some(()) }
        })
        .await;
        if ready.is_none() {
            panic!(
                "instance {name}: GET {url} did not answer 200 within {READY_TIMEOUT:?}.\n\
                 Last lines of {}:\n{}",
                log_path.display(),
                self.log_tail()
            );
        }
    }
}

impl Deref for Instance {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.endpoint
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
        let panicking = std::thread::panicking();
        let keep = std::env::var("GUILDHALL_TEST_KEEP").is_ok_and(|v| v == "1");
        if keep {
            self.database.keep();
            eprintln!(
                "federation-tests: kept the database of instance {}: {}",
                self.endpoint.name(),
                self.database.url()
            );
        }
        if keep || panicking {
            self.dir.disable_cleanup(true);
            eprintln!(
                "federation-tests: kept the directory of instance {}: {}",
                self.endpoint.name(),
                self.dir.path().display()
            );
        }
        if panicking && self.log_path().exists() {
            eprintln!("federation-tests: last lines of {}:\n{}", self.log_path().display(), self.log_tail());
        }
    }
}

/// Sets `RLIMIT_FSIZE` to `bytes` and ignores `SIGXFSZ` in the child `command` starts.
fn limit_file_size(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    // SAFETY: between fork and exec the closure only makes two async-signal-safe system
    // calls on values it owns.
    unsafe {
        command.pre_exec(move || {
            if libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
                || libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// A loopback port no one holds, handed out once per test process.
///
/// Ports come from below the kernel's ephemeral range (32768–60999 on Linux), so the outgoing
/// connections and `bind(0)` listeners of concurrent tests can never take one between this
/// check and the instance binding it: binding port 0 and releasing it raced with them
/// ("Address already in use" in CI).
pub(crate) fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    const FIRST: u32 = 20_000;
    const SPAN: u32 = 12_000;
    // Start each process elsewhere so two test binaries run side by side rarely meet.
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let offset = std::process::id().wrapping_mul(7919) % SPAN;
    for _ in 0..SPAN {
        let port = (FIRST + (offset + NEXT.fetch_add(1, Ordering::Relaxed)) % SPAN) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {FIRST} and {}", FIRST + SPAN)
}
