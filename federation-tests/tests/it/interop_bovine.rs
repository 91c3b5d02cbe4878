//! Interoperability with a real third-party ActivityPub server: bovine-herd (Python, from PyPI).
//!
//! A user on bovine follows a public Guildhall community; Guildhall lists them as a member and
//! answers with an `Accept` that bovine verifies and records; a new discussion then reaches the
//! user's bovine inbox as an `Announce` of the `Page`.
//!
//! The test needs a Python virtual environment with `federation-tests/interop/bovine/
//! requirements.txt` installed, named by `GUILDHALL_INTEROP_PYTHON` (the venv's `python`):
//!
//! ```text
//! python3 -m venv .venv-interop
//! .venv-interop/bin/pip install -r federation-tests/interop/bovine/requirements.txt
//! GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python cargo test -p federation-tests --test interop_bovine
//! ```
//!
//! Without the variable the test prints that it was skipped and passes, so `cargo test
//! --workspace` works on a machine with only Rust; with `CI=true` it fails instead. `.ci/run`
//! sets it.
//!
//! bovine runs as `hypercorn app.py:app` on a free loopback port in a temporary directory (its
//! SQLite database and log live there), with the domain `http://localhost:PORT` (Guildhall wants
//! a host name, not an IP literal). `interop/bovine/drive.py` registers the user and acts for it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use federation_tests::community::member;
use federation_tests::interop::{PEER_LOG_LINES, PeerProcess, installed, panic_message};
use federation_tests::{Instance, StatusCode, Value, expect_status, json, poll_until};

/// Path of the Python interpreter of a venv with `interop/bovine/requirements.txt` installed.
const PYTHON_ENV: &str = "GUILDHALL_INTEROP_PYTHON";
/// Directory holding `app.py` and `drive.py`.
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/interop/bovine");
/// How long bovine may take to start serving.
const BOVINE_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one `drive.py` command may take.
const DRIVE_TIMEOUT: Duration = Duration::from_secs(120);
/// Deadline of each federation step (each poll runs a Python process, which takes a second).
const DEADLINE: Duration = Duration::from_secs(60);

const COMMUNITY: &str = "ux-design";
const BOVINE_USER: &str = "moocow";
const TITLE: &str = "Design tokens, seen from bovine";

/// A bovine-herd server (`hypercorn app.py:app`), killed with its process group when dropped.
struct Bovine {
    process: PeerProcess,
    python: PathBuf,
}

impl Bovine {
    /// Starts bovine on a free loopback port and waits until it serves HTTP.
    async fn start(python: PathBuf) -> Bovine {
        let mut process = PeerProcess::start("bovine", |dir, port| {
            let mut command = Command::new(&python);
            command
                .args(["-m", "hypercorn", &format!("{SCRIPTS}/app.py:app"), "--bind", &format!("127.0.0.1:{port}")])
                .current_dir(dir)
                .envs(python_env());
            command
        });
        let url = format!("http://127.0.0.1:{}/.well-known/nodeinfo", process.port());
        process.wait_ready(&url, BOVINE_READY_TIMEOUT).await;
        Bovine { process, python }
    }

    /// `http://localhost:PORT`: the domain bovine's actors live on.
    fn domain(&self) -> String {
        format!("http://localhost:{}", self.process.port())
    }

    /// The last lines of the bovine server log.
    fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Runs `drive.py <args>` and returns its output (stdout, then stderr) whatever happens.
    async fn drive_raw(&self, args: &[&str]) -> String {
        let mut command = self.drive_command(args);
        match tokio::time::timeout(DRIVE_TIMEOUT, command.output()).await {
            Ok(Ok(output)) if output.stdout.is_empty() && output.stderr.is_empty() => "(nothing)".to_owned(),
            Ok(Ok(output)) => {
                format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
            }
            Ok(Err(e)) => format!("(cannot run drive.py: {e})"),
            Err(_) => format!("(drive.py did not finish within {DRIVE_TIMEOUT:?})"),
        }
    }

    fn drive_command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.python);
        command
            .arg(format!("{SCRIPTS}/drive.py"))
            .args(args)
            .current_dir(self.process.dir())
            .envs(python_env())
            .stdin(Stdio::null())
            .kill_on_drop(true);
        command
    }

    /// Runs `drive.py <args>` in bovine's directory and returns the JSON lines it printed.
    /// Panics (with its output) if it fails.
    async fn drive(&self, args: &[&str]) -> Vec<Value> {
        let mut command = self.drive_command(args);
        let output = tokio::time::timeout(DRIVE_TIMEOUT, command.output())
            .await
            .unwrap_or_else(|_| panic!("drive.py {} did not finish within {DRIVE_TIMEOUT:?}", args.join(" ")))
            .unwrap_or_else(|e| panic!("cannot run drive.py with {}: {e}", self.python.display()));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "drive.py {} failed ({}).\nstdout:\n{stdout}\nstderr:\n{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
            .lines()
            .filter(|line| line.starts_with('{'))
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("drive.py printed bad JSON ({e}): {line}"))
            })
            .collect()
    }
}

/// Environment of the Python processes: unbuffered output, no `__pycache__` in the source tree,
/// bovine's database in the working directory (shared by the server and `bovine_tool`).
fn python_env() -> [(&'static str, &'static str); 3] {
    [("PYTHONUNBUFFERED", "1"), ("PYTHONDONTWRITEBYTECODE", "1"), ("BOVINE_DB_URL", "sqlite://bovine.sqlite3")]
}

/// The interpreter named by [`PYTHON_ENV`]; `None` (skipped) when it is unset outside CI.
fn interop_python() -> Option<PathBuf> {
    installed(PYTHON_ENV, "bovine (a venv with federation-tests/interop/bovine/requirements.txt)", |python| {
        if python.exists() {
            Ok(())
        } else {
            Err("does not exist: create the venv as described in federation-tests/tests/it/interop_bovine.rs".into())
        }
    })
}

/// The items of the bovine user's inbox.
async fn inbox(bovine: &Bovine) -> Vec<Value> {
    bovine.drive(&["inbox"]).await
}

/// The `id` of `value`, whether it is embedded (`{"id": …}`) or a bare URL.
fn id(value: &Value) -> Option<&str> {
    value.as_str().or_else(|| value["id"].as_str())
}

#[tokio::test(flavor = "multi_thread")]
async fn bovine_user_follows_a_community_and_receives_its_discussions() {
    let Some(python) = interop_python() else {
        return;
    };
    let (guildhall, bovine) = tokio::join!(Instance::start("interop"), Bovine::start(python));
    let (guildhall, bovine) = (Arc::new(guildhall), Arc::new(bovine));

    // Run the scenario in a task so that a failure anywhere can be reported with both logs.
    let outcome = tokio::spawn(scenario(Arc::clone(&guildhall), Arc::clone(&bovine))).await;
    if let Err(error) = outcome {
        let message = panic_message(error);
        panic!(
            "{message}\n\n===== bovine user's inbox (drive.py inbox) =====\n{}\n\n\
             ===== bovine log ({}), last {PEER_LOG_LINES} lines =====\n{}\n\n\
             ===== Guildhall log ({}), tail =====\n{}",
            bovine.drive_raw(&["inbox"]).await,
            bovine.process.dir().join("bovine.log").display(),
            bovine.log_tail(),
            guildhall.log_path().display(),
            guildhall.log_tail()
        );
    }
}

async fn scenario(guildhall: Arc<Instance>, bovine: Arc<Bovine>) {
    let bob = member(&guildhall, "bob").await;
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": COMMUNITY, "title": "UX Design", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "create community",
    );
    let community = format!("http://{}/c/{COMMUNITY}", guildhall.domain());

    // A user on bovine follows the community.
    let registered = bovine.drive(&["register", BOVINE_USER, "--domain", &bovine.domain()]).await;
    let actor_id = registered
        .iter()
        .find(|line| line["event"] == "registered")
        .and_then(|line| line["actor_id"].as_str())
        .unwrap_or_else(|| panic!("drive.py register printed no actor_id: {registered:?}"))
        .to_owned();
    bovine.drive(&["follow", &community]).await;

    // Guildhall lists them as a member, and bovine gets and records the Accept.
    let handle = format!("{BOVINE_USER}@localhost:{}", bovine.process.port());
    poll_until(DEADLINE, &format!("{handle} among the community's members on Guildhall"), || async {
        let (status, members) = bob.get(&format!("/api/guildhall/v1/communities/{COMMUNITY}/members")).await;
        (status == StatusCode::OK && members["items"].as_array()?.iter().any(|m| m["username"] == handle.as_str()))
            .then_some(())
    })
    .await;
    let accept = poll_until(DEADLINE, "Guildhall's Accept in the bovine user's inbox", || async {
        inbox(&bovine).await.into_iter().find(|item| {
            item["type"] == "Accept" && id(&item["actor"]) == Some(community.as_str()) && {
                let follow = &item["object"];
                id(follow).is_some() && (follow.is_string() || follow["actor"] == actor_id.as_str())
            }
        })
    })
    .await;
    poll_until(DEADLINE, "the community in the bovine user's following collection", || async {
        let lines = bovine.drive(&["following"]).await;
        lines
            .iter()
            .any(|line| line["items"].as_array().is_some_and(|items| items.iter().any(|i| i == community.as_str())))
            .then_some(())
    })
    .await;
    println!("bovine received: {accept}");

    // A new discussion reaches the bovine inbox as an Announce of the Page.
    expect_status(
        bob.post(
            &format!("/api/guildhall/v1/communities/{COMMUNITY}/discussions"),
            &json!({"title": TITLE, "body": "Shall we **share** them with bovine?"}),
        )
        .await,
        StatusCode::CREATED,
        "start discussion",
    );
    let announce = poll_until(DEADLINE, "the Announce of the discussion's Page in the bovine user's inbox", || async {
        inbox(&bovine).await.into_iter().find(|item| {
            item["type"] == "Announce" && item["object"]["type"] == "Page" && item["object"]["name"] == TITLE
        })
    })
    .await;
    assert_eq!(id(&announce["actor"]), Some(community.as_str()), "the community announces: {announce}");
    let page = &announce["object"];
    assert!(id(page).is_some_and(|p| p.starts_with(&format!("http://{}/", guildhall.domain()))), "{announce}");
    assert!(page["content"].as_str().is_some_and(|c| c.contains("<strong>share</strong>")), "{announce}");
    println!("bovine received: {announce}");
}
