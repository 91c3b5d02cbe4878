//! A real SMTP server for tests: `aiosmtpd` (PyPI), started by the test, stores each message
//! it receives in a Maildir the test reads with Python's own MIME parser.
//!
//! Needs `GUILDHALL_INTEROP_PYTHON` (a venv with `interop/clients/requirements.txt`, which
//! holds `aiosmtpd`); `.ci/run` sets it. Without it [`python`] answers `None` (the test
//! prints that it was skipped); with `CI=true` it fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::interop::installed;
use crate::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

pub const PYTHON_ENV: &str = "GUILDHALL_INTEROP_PYTHON";
/// Deadline of each wait for the queue or the mailbox (a retry comes 5 s after a failure).
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Reads one stored message with Python's own MIME parser: its recipient, subject and parts.
const READ_MESSAGE: &str = r#"
import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
text = m.get_body(('plain',)).get_content()
html = m.get_body(('html',)).get_content()
print(json.dumps({'to': m['To'], 'from': m['From'], 'subject': m['Subject'], 'text': text, 'html': html,
                  'list_unsubscribe': m['List-Unsubscribe'], 'list_unsubscribe_post': m['List-Unsubscribe-Post']}))
"#;

/// An `aiosmtpd` server writing to a Maildir, killed when dropped.
pub struct Smtpd {
    python: PathBuf,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Smtpd {
    /// Reserves a port and a Maildir without starting the server (so the SMTP server is down).
    pub fn unstarted(python: &Path) -> Smtpd {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let dir = tempfile::tempdir().expect("temporary directory");
        let maildir = dir.path().join("Maildir");
        Smtpd { python: python.to_owned(), port, maildir, _dir: dir, child: None }
    }

    /// Starts the server and waits until it accepts connections.
    pub async fn start(&mut self) {
        let child = Command::new(&self.python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port), "-c"])
            .arg("aiosmtpd.handlers.Mailbox")
            .arg(&self.maildir)
            .kill_on_drop(true)
            .spawn()
            .expect("start aiosmtpd");
        self.child = Some(child);
        let port = self.port;
        poll_until(DEADLINE, "aiosmtpd to listen", || async move {
            tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok().map(|_| ())
        })
        .await;
    }

    /// The instance settings that send through this server.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GUILDHALL_SMTP_HOST", "127.0.0.1".into()),
            ("GUILDHALL_SMTP_PORT", self.port.to_string()),
            ("GUILDHALL_SMTP_SECURITY", "none".into()),
            ("GUILDHALL_EMAIL_FROM", "guildhall@alpha.test".into()),
        ]
    }

    /// Stops the server (the Maildir stays), as an SMTP outage would.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.expect("stop aiosmtpd");
        }
    }

    /// The files of the messages received so far.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|d| std::fs::read_dir(self.maildir.join(d)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files
    }

    /// The messages received so far, parsed.
    pub async fn messages(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for f in self.files() {
            let parsed = Command::new(&self.python).arg("-c").arg(READ_MESSAGE).arg(&f).output().await.expect("python");
            assert!(
                parsed.status.success(),
                "cannot read {}: {}",
                f.display(),
                String::from_utf8_lossy(&parsed.stderr)
            );
            out.push(serde_json::from_slice(&parsed.stdout).expect("message as JSON"));
        }
        out
    }

    /// Waits until `n` messages arrived and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        poll_until(DEADLINE, &format!("{n} message(s) in the Maildir"), || async move {
            (self.files().len() >= n).then_some(())
        })
        .await;
        self.messages().await
    }
}

/// The Python with `aiosmtpd`, or `None` (skipped) outside CI.
pub fn python() -> Option<PathBuf> {
    installed(PYTHON_ENV, "aiosmtpd (a venv with federation-tests/interop/clients/requirements.txt)", |p| {
        p.is_file().then_some(()).ok_or_else(|| "not a Python interpreter".to_string())
    })
}

/// An instance that sends its email through `smtpd`.
pub async fn start_instance(name: &str, smtpd: &Smtpd) -> InProcessInstance {
    let settings = smtpd.settings();
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    InProcessInstance::start_with(name, &pairs).await
}

/// Waits until the queue has sent `sent` messages and holds none, and returns its status.
pub async fn queue_settles(admin: &Client, sent: u64) -> Value {
    poll_until(DEADLINE, &format!("the email queue to have sent {sent}"), || async move {
        let body = expect_status(admin.get("/api/guildhall/v1/admin/email-queue").await, StatusCode::OK, "queue");
        (body["sent"] == json!(sent) && body["queued"] == json!(0)).then_some(body)
    })
    .await
}

/// The token of the first link in `message`'s text part whose path contains `path`.
pub fn token_in(message: &Value, path: &str) -> String {
    let text = message["text"].as_str().expect("a text part");
    let link = text.split_whitespace().find(|w| w.contains(path)).unwrap_or_else(|| panic!("a {path} link in {text}"));
    link.rsplit_once("token=").map(|(_, t)| t.to_owned()).expect("a token")
}

/// The messages with `subject_part` in their subject.
pub fn with_subject<'a>(messages: &'a [Value], subject_part: &str) -> Vec<&'a Value> {
    messages.iter().filter(|m| m["subject"].as_str().is_some_and(|s| s.contains(subject_part))).collect()
}

/// The subject of the sign-up confirmation message (English).
pub const CONFIRM_SUBJECT: &str = "Confirm your address";

/// Waits until the queue has sent `n` messages, then follows every sign-up confirmation link
/// among them, as members do: notifications are emailed only to confirmed addresses.
/// Returns how many addresses were confirmed.
pub async fn confirm_addresses(smtpd: &Smtpd, admin: &Client, n: u64) -> usize {
    queue_settles(admin, n).await;
    let all = smtpd.wait_for(n as usize).await;
    let links = with_subject(&all, CONFIRM_SUBJECT);
    for m in &links {
        let token = token_in(m, "/email/confirm?token=");
        let url = format!("{}/email/confirm?token={token}", admin.base_url());
        let page = reqwest::get(&url).await.expect("confirmation page");
        assert_eq!(page.status(), StatusCode::OK, "confirm {}", m["to"]);
    }
    links.len()
}

/// The messages that are not sign-up confirmations.
pub fn without_confirmations(messages: &[Value]) -> Vec<Value> {
    messages.iter().filter(|m| !m["subject"].as_str().is_some_and(|s| s.contains(CONFIRM_SUBJECT))).cloned().collect()
}
