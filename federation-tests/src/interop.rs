//! Real third-party peers (bovine-herd, Fedify) as child processes: where their installation
//! is ([`installed`]: skipped on a machine with only Rust, a failure in CI), and one process
//! in its own temporary directory and process group, logging to a file, on a free loopback
//! port ([`PeerProcess`]).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::poll_every;

/// Lines of a peer's log shown when a test fails.
pub const PEER_LOG_LINES: usize = 80;

/// The installation named by the environment variable `env` (a directory or an interpreter),
/// after `check` accepts it (`Err` says what is missing). Unset: `None` (the test prints that it
/// was skipped and passes) on a developer's machine; a panic under `CI=true`, where `.ci/run`
/// must have installed the peer.
pub fn installed(env: &str, what: &str, check: impl Fn(&Path) -> Result<(), String>) -> Option<PathBuf> {
    let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {env} is unset: .ci/run must install {what}"
        );
        println!("skipped: set {env} to run the test against {what}");
        return None;
    };
    let path = PathBuf::from(value);
    if let Err(missing) = check(&path) {
        panic!("{env}={}: {missing}", path.display());
    }
    Some(path)
}

/// A peer process, killed with its whole process group when dropped (servers start workers of
/// their own); its directory is kept when the test panics or `GUILDHALL_TEST_KEEP=1`.
pub struct PeerProcess {
    name: &'static str,
    child: Option<Child>,
    dir: TempDir,
    port: u16,
}

impl PeerProcess {
    /// Starts the command `build` makes for a fresh directory and free port, with its output
    /// in `{name}.log` in that directory.
    pub fn start(name: &'static str, build: impl FnOnce(&Path, u16) -> Command) -> PeerProcess {
        let dir = tempfile::Builder::new()
            .prefix(&format!("guildhall-{name}-"))
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temporary directory for {name}: {e}"));
        let port = crate::instance::free_port();
        let log_path = dir.path().join(format!("{name}.log"));
        let log = std::fs::File::create(&log_path).unwrap_or_else(|e| panic!("cannot create {name}.log: {e}"));
        let stderr = log.try_clone().unwrap_or_else(|e| panic!("cannot duplicate the {name}.log handle: {e}"));
        let mut command = build(dir.path(), port);
        command.stdin(Stdio::null()).stdout(log).stderr(stderr).process_group(0);
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        PeerProcess { name, child: Some(child), dir, port }
    }

    /// The loopback port it was given.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its working directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last lines of its log.
    pub fn log_tail(&self) -> String {
        tail_of(&self.dir.path().join(format!("{}.log", self.name)))
    }

    /// Waits until a GET of `url` gets any answer; panics with the log if the process exits or
    /// `timeout` passes first.
    pub async fn wait_ready(&mut self, url: &str, timeout: Duration) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("cannot build the HTTP client");
        let (name, log) = (self.name, self.dir.path().join(format!("{}.log", self.name)));
        let child = &mut self.child;
        let ready = poll_every(Duration::from_millis(100), timeout, || {
            if let Some(status) = child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("{name} exited ({status}) before serving.\nits log:\n{}", tail_of(&log));
            }
            let request = http.get(url).send();
            async move { request.await.is_ok().then_some(()) }
        })
        .await;
        assert!(ready.is_some(), "{name} did not answer GET {url} within {timeout:?}.\nits log:\n{}", self.log_tail());
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // The whole group: killing only the leader left workers running after the test.
            // The leader is not reaped yet, so the id is still ours.
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() || std::env::var("GUILDHALL_TEST_KEEP").is_ok_and(|v| v == "1") {
            self.dir.disable_cleanup(true);
            eprintln!("federation-tests: kept {}'s directory: {}", self.name, self.dir.path().display());
        }
    }
}

/// What a scenario task that failed said: its panic message, or why it did not finish.
pub fn panic_message(error: tokio::task::JoinError) -> String {
    match error.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "(non-string panic)".to_owned()),
        Err(error) => format!("scenario task failed: {error}"),
    }
}

/// The last [`PEER_LOG_LINES`] lines of a log file.
fn tail_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()));
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(PEER_LOG_LINES)..].join("\n")
}
