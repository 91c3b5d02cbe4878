//! Password reset by email, through a real SMTP server: `aiosmtpd` (PyPI), started by the
//! test, stores each message it receives in a Maildir the test reads. A member asks for a
//! link, follows it, sets a new password and signs in with it; the old password and the used
//! link are refused; an unknown address gets the same answer and no mail; the fourth request
//! in an hour sends nothing; with the SMTP server down, the message waits in the queue and is
//! delivered exactly once when the server comes up.
//!
//! Needs `GUILDHALL_INTEROP_PYTHON` (a venv with `interop/clients/requirements.txt`, which
//! holds `aiosmtpd`); `.ci/run` sets it:
//!
//! ```text
//! .venv-interop/bin/pip install -r federation-tests/interop/clients/requirements.txt
//! GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python cargo test -p federation-tests --test it email_reset::
//! ```
//!
//! Without it the SMTP tests print that they were skipped and pass; with `CI=true` they fail.
//! The test with email off needs nothing.

use std::path::{Path, PathBuf};
use std::time::Duration;

use federation_tests::community::{PASSWORD, member};
use federation_tests::interop::installed;
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};
use tokio::process::{Child, Command};

pub(crate) const PYTHON_ENV: &str = "GUILDHALL_INTEROP_PYTHON";
/// Deadline of each wait for the queue or the mailbox (a retry comes 5 s after a failure).
pub(crate) const DEADLINE: Duration = Duration::from_secs(60);
const NEW_PASSWORD: &str = "a brand new passphrase";

/// Reads one stored message with Python's own MIME parser: its recipient, subject and parts.
pub(crate) const READ_MESSAGE: &str = r#"
import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
text = m.get_body(('plain',)).get_content()
html = m.get_body(('html',)).get_content()
print(json.dumps({'to': m['To'], 'from': m['From'], 'subject': m['Subject'], 'text': text, 'html': html,
                  'list_unsubscribe': m['List-Unsubscribe'], 'list_unsubscribe_post': m['List-Unsubscribe-Post']}))
"#;

/// An `aiosmtpd` server writing to a Maildir, killed when dropped.
pub(crate) struct Smtpd {
    python: PathBuf,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    child: Option<Child>,
}

impl Smtpd {
    /// Reserves a port and a Maildir without starting the server (so the SMTP server is down).
    pub(crate) fn unstarted(python: &Path) -> Smtpd {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let dir = tempfile::tempdir().expect("temporary directory");
        let maildir = dir.path().join("Maildir");
        Smtpd { python: python.to_owned(), port, maildir, _dir: dir, child: None }
    }

    /// Starts the server and waits until it accepts connections.
    pub(crate) async fn start(&mut self) {
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
    pub(crate) fn settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GUILDHALL_SMTP_HOST", "127.0.0.1".into()),
            ("GUILDHALL_SMTP_PORT", self.port.to_string()),
            ("GUILDHALL_SMTP_SECURITY", "none".into()),
            ("GUILDHALL_EMAIL_FROM", "guildhall@alpha.test".into()),
        ]
    }

    /// The files of the messages received so far.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
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
    pub(crate) async fn messages(&self) -> Vec<Value> {
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
    pub(crate) async fn wait_for(&self, n: usize) -> Vec<Value> {
        poll_until(DEADLINE, &format!("{n} message(s) in the Maildir"), || async move {
            (self.files().len() >= n).then_some(())
        })
        .await;
        self.messages().await
    }
}

pub(crate) fn python() -> Option<PathBuf> {
    installed(PYTHON_ENV, "aiosmtpd (a venv with federation-tests/interop/clients/requirements.txt)", |p| {
        p.is_file().then_some(()).ok_or_else(|| "not a Python interpreter".to_string())
    })
}

pub(crate) async fn start_instance(name: &str, smtpd: &Smtpd) -> InProcessInstance {
    let settings = smtpd.settings();
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    InProcessInstance::start_with(name, &pairs).await
}

/// Waits until the queue has sent `sent` messages and holds none, and returns its status.
pub(crate) async fn queue_settles(admin: &Client, sent: u64) -> Value {
    poll_until(DEADLINE, &format!("the email queue to have sent {sent}"), || async move {
        let body = expect_status(admin.get("/api/guildhall/v1/admin/email-queue").await, StatusCode::OK, "queue");
        (body["sent"] == json!(sent) && body["queued"] == json!(0)).then_some(body)
    })
    .await
}

async fn ask_reset(client: &Client, address: &str) -> (StatusCode, Value) {
    client.post("/api/guildhall/v1/auth/password-reset", &json!({"email": address})).await
}

fn token_of(message: &Value) -> String {
    let text = message["text"].as_str().expect("a text part");
    let link = text.split_whitespace().find(|w| w.contains("/password-reset/confirm?token=")).expect("a reset link");
    link.rsplit_once("token=").map(|(_, t)| t.to_owned()).expect("a token")
}

#[tokio::test]
async fn a_reset_link_by_email_sets_a_new_password_once() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    member(&alpha, "ana").await;
    let anon = alpha.client();

    // Known and unknown addresses get the same answer; only the known one gets mail.
    let known = ask_reset(&anon, "Ana@alpha.test").await;
    let unknown = ask_reset(&anon, "nobody@alpha.test").await;
    assert_eq!(known.0, StatusCode::ACCEPTED, "{known:?}");
    assert_eq!(known, unknown, "the answer does not tell whether an account uses the address");
    queue_settles(&admin, 1).await;
    let messages = smtpd.wait_for(1).await;
    assert_eq!(messages.len(), 1, "one message, none for the unknown address: {messages:?}");
    let m = &messages[0];
    assert_eq!(m["to"], "ana@alpha.test");
    assert_eq!(m["from"], "guildhall@alpha.test");
    assert!(m["subject"].as_str().unwrap().contains("Reset your password"), "{m}");
    assert!(m["html"].as_str().unwrap().contains("<a href=\"http://"), "an HTML part with the link: {m}");
    let token = token_of(m);

    // The link's page asks for the new password.
    let page = reqwest::get(alpha.url(&format!("/password-reset/confirm?token={token}"))).await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("name=\"new_password\""));

    // Bad input: a weak password leaves the link usable; a made-up token is refused.
    let confirm = |token: String, password: &'static str| {
        let anon = alpha.client();
        async move {
            anon.post(
                "/api/guildhall/v1/auth/password-reset/confirm",
                &json!({"token": token, "new_password": password}),
            )
            .await
        }
    };
    let weak = confirm(token.clone(), "short").await;
    assert_eq!(weak.0, StatusCode::BAD_REQUEST, "{weak:?}");
    let made_up = confirm("not-a-token".into(), NEW_PASSWORD).await;
    assert_eq!(made_up.0, StatusCode::BAD_REQUEST, "{made_up:?}");
    let malformed = ask_reset(&anon, "not an address").await;
    assert_eq!(malformed.0, StatusCode::BAD_REQUEST, "{malformed:?}");

    expect_status(confirm(token.clone(), NEW_PASSWORD).await, StatusCode::NO_CONTENT, "set the new password");
    assert_eq!(anon.try_login("ana", PASSWORD).await.0, StatusCode::UNAUTHORIZED, "the old password fails");
    assert_eq!(anon.try_login("ana", NEW_PASSWORD).await.0, StatusCode::OK, "the new one works");
    let reused = confirm(token.clone(), "yet another passphrase").await;
    assert_eq!(reused.0, StatusCode::BAD_REQUEST, "{reused:?}");
    assert!(reused.1.to_string().contains("used"), "{reused:?}");
    let page = reqwest::get(alpha.url(&format!("/password-reset/confirm?token={token}"))).await.expect("page");
    assert!(page.text().await.unwrap().contains("already"), "the used link's page says so");

    // Three links per address per hour: the second and third are sent, the fourth is not,
    // and its answer is the same.
    for _ in 0..3 {
        assert_eq!(ask_reset(&anon, "ana@alpha.test").await, known);
    }
    let status = queue_settles(&admin, 3).await;
    assert_eq!(status["failed"], 0, "{status}");
    assert_eq!(smtpd.wait_for(3).await.len(), 3, "the fourth request in the hour sent nothing");
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_sends_once() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    member(&alpha, "bob").await;
    expect_status(ask_reset(&alpha.client(), "bob@alpha.test").await, StatusCode::ACCEPTED, "ask for a link");

    // The SMTP server is down: the attempt fails, the message stays queued with the error.
    let down = poll_until(DEADLINE, "a failed attempt", || async {
        let body = expect_status(admin.get("/api/guildhall/v1/admin/email-queue").await, StatusCode::OK, "queue");
        body["last_error"].is_string().then_some(body)
    })
    .await;
    assert_eq!((down["queued"].clone(), down["sent"].clone()), (json!(1), json!(0)), "{down}");

    smtpd.start().await;
    queue_settles(&admin, 1).await;
    let messages = smtpd.wait_for(1).await;
    assert_eq!(messages.len(), 1, "delivered exactly once: {messages:?}");
    assert_eq!(messages[0]["to"], "bob@alpha.test");
}

#[tokio::test]
async fn with_email_off_the_reset_routes_say_so() {
    let alpha = InProcessInstance::start("alpha").await;
    let anon = alpha.client();
    let (status, body) = ask_reset(&anon, "someone@alpha.test").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("email is off"), "{body}");
    let (status, body) = anon
        .post("/api/guildhall/v1/auth/password-reset/confirm", &json!({"token": "x", "new_password": NEW_PASSWORD}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let login = reqwest::get(alpha.url("/login")).await.expect("sign-in page").text().await.unwrap();
    assert!(!login.contains("/password-reset"), "the sign-in page does not offer a reset");
    let page = reqwest::get(alpha.url("/password-reset")).await.expect("reset page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Email is off"));
}
