//! The `guildhall serve` child process.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

/// A running server process. Dropping it kills the process (SIGKILL) and reaps it, so no
/// server outlives its test, even when the test panics.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    child: Option<Child>,
}

impl ServerProcess {
    /// The operating-system process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Starts `command`, appending its stdout and stderr to `log` after a `banner` line.
    pub(crate) fn spawn(mut command: Command, log: &Path, banner: &str) -> ServerProcess {
        let mut stdout = open_log(log);
        writeln!(stdout, "===== federation-tests: {banner} =====")
            .unwrap_or_else(|e| panic!("cannot write to {}: {e}", log.display()));
        let stderr =
            stdout.try_clone().unwrap_or_else(|e| panic!("cannot duplicate the handle of {}: {e}", log.display()));
        let child = command
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        ServerProcess { child: Some(child) }
    }

    /// Exit status if the process has already exited.
    pub(crate) fn exited(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        child.try_wait().ok().flatten()
    }

    /// Asks the process to shut down (SIGTERM), waiting up to `grace` before killing it.
    pub(crate) async fn terminate(&mut self, grace: Duration) {
        let Some(child) = self.child.as_mut() else {
            return;
        };
        if !matches!(child.try_wait(), Ok(None)) {
            self.kill();
            return;
        }
        // The child is not reaped yet, so its pid cannot have been reused.
        let signalled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if signalled {
            crate::poll_every(crate::POLL_INTERVAL, grace, || {
                std::future::ready((!matches!(child.try_wait(), Ok(None))).then_some(()))
            })
            .await;
        }
        self.kill();
    }

    /// Kills the process (SIGKILL) if it is still running and waits for it to exit.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Errors mean the process already exited; `wait` then just reaps it.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Opens (creating if needed) a log file for appending.
pub(crate) fn open_log(path: &Path) -> File {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("cannot open log file {}: {e}", path.display()))
}

/// The last `lines` lines of the file at `path` (or a note saying it cannot be read).
pub(crate) fn tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let path = dir.path().join("server.log");
        std::fs::write(&path, "one\ntwo\nthree\n").expect("write the log");
        assert_eq!(tail(&path, 2), "two\nthree");
        assert_eq!(tail(&path, 10), "one\ntwo\nthree");
        assert!(tail(&dir.path().join("missing.log"), 5).starts_with("(cannot read"));
    }

    #[tokio::test]
    async fn terminate_stops_a_running_process() {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let log = dir.path().join("sleep.log");
        let mut command = Command::new("sleep");
        command.arg("30");
        let mut process = ServerProcess::spawn(command, &log, "sleep");
        assert_eq!(process.exited(), None);
        process.terminate(Duration::from_secs(5)).await;
        assert!(process.child.is_none());
        assert!(tail(&log, 1).contains("federation-tests: sleep"));
    }
}
