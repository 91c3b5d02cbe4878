//! Conformance of Guildhall's Mastodon client API, driven by real client libraries from the
//! registries: Mastodon.py (PyPI) and masto.js (npm). Each signs a member of instance alpha in
//! through OAuth with PKCE (a person approves on Guildhall's own page, played by
//! `interop/clients/browser.py`), follows a community on instance beta, reads the home
//! timeline, replies, starts a discussion by mentioning the community (and finds it with the
//! statuses search), favourites, votes in
//! a poll, reads notifications, and receives streaming `update`s for a discussion and a reply
//! posted on beta and a `notification` (Mastodon.py over server-sent events, masto.js over a
//! WebSocket). What crosses to beta is checked there, as its members would see it.
//!
//! Needs `GUILDHALL_INTEROP_PYTHON` (a venv with `interop/clients/requirements.txt`) and
//! `GUILDHALL_INTEROP_CLIENTS` (`interop/clients` after `npm ci`); `.ci/run` sets both:
//!
//! ```text
//! .venv-interop/bin/pip install -r federation-tests/interop/clients/requirements.txt
//! (cd federation-tests/interop/clients && npm ci)
//! GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python \
//! GUILDHALL_INTEROP_CLIENTS=$PWD/federation-tests/interop/clients \
//!     cargo test -p federation-tests --test it mastodon_clients::
//! ```
//!
//! Without them the test prints that it was skipped and passes; with `CI=true` it fails.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use federation_tests::community::{LocalCommunity, PASSWORD, member};
use federation_tests::interop::installed;
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const PYTHON_ENV: &str = "GUILDHALL_INTEROP_PYTHON";
const CLIENTS_ENV: &str = "GUILDHALL_INTEROP_CLIENTS";
/// How long one client step may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(90);
/// Deadline of each federation step.
const DEADLINE: Duration = Duration::from_secs(30);

/// One client library's driver script, with its state file.
struct Driver {
    program: PathBuf,
    script: PathBuf,
    dir: PathBuf,
    state: PathBuf,
}

impl Driver {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.program);
        c.current_dir(&self.dir).arg(&self.script).arg(&self.state).args(args).kill_on_drop(true);
        c
    }

    /// Runs one step; its JSON answer.
    async fn run(&self, args: &[&str]) -> Value {
        let out = tokio::time::timeout(STEP_TIMEOUT, self.command(args).output())
            .await
            .unwrap_or_else(|_| panic!("{} {args:?} took over {STEP_TIMEOUT:?}", self.script.display()))
            .expect("run the client driver");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{} {args:?} failed: {}\n{stdout}\n{}",
            self.script.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let last = stdout.lines().last().unwrap_or_default();
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {stdout}"))
    }

    /// Starts the `stream` step for the first `kind` event (`update` or `notification`) whose
    /// JSON contains `needle`, waits until it listens, runs `trigger`, and returns that event
    /// with what `trigger` returned. Fails if no such event arrives within the step's time.
    async fn stream_while<T, F: std::future::Future<Output = T>>(
        &self,
        kind: &str,
        needle: &str,
        trigger: F,
    ) -> (Value, T) {
        let mut child = self
            .command(&["stream", "50", kind, needle])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the stream step");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = tokio::time::timeout(STEP_TIMEOUT, lines.next_line()).await.expect("stream step starts");
        let first: Value = first.expect("read").and_then(|l| serde_json::from_str(&l).ok()).unwrap_or_default();
        assert_eq!(first["listening"], true, "the stream step did not start listening: {first}");
        let triggered = trigger.await;
        let mut last = String::new();
        let mut all = String::new();
        while let Ok(Ok(Some(line))) = tokio::time::timeout(STEP_TIMEOUT, lines.next_line()).await {
            all.push_str(&line);
            all.push('\n');
            last = line;
        }
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            use tokio::io::AsyncReadExt;
            let _ = e.read_to_string(&mut stderr).await;
        }
        let status = child.wait().await.expect("stream step ends");
        assert!(status.success(), "the stream step failed: {status}: {stderr}\n{all}");
        let got: Value = serde_json::from_str(&last).unwrap_or_else(|e| panic!("stream printed no JSON ({e}): {last}"));
        assert!(!got.is_null(), "no {kind} with {needle:?} reached {}: {stderr}\n{all}", self.script.display());
        (got, triggered)
    }
}

fn driver(program: PathBuf, dir: &Path, script: &str, state: &tempfile::TempDir, name: &str) -> Driver {
    Driver { program, script: dir.join(script), dir: dir.to_path_buf(), state: state.path().join(name) }
}

/// A person approving an app on Guildhall's authorization page (`approve.py`): the redirect's
/// query (`code`, `state`).
async fn approve(python: &Path, clients: &Path, base: &str, url: &str, user: &str) -> Value {
    let out = Command::new(python)
        .current_dir(clients)
        .arg(clients.join("approve.py"))
        .args([base, url, user, PASSWORD])
        .output()
        .await
        .expect("run approve.py");
    assert!(out.status.success(), "approve.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("approve.py prints JSON")
}

/// Statuses of a `home` answer whose content contains `needle`.
fn find<'a>(home: &'a Value, needle: &str) -> Option<&'a Value> {
    home.as_array()?.iter().find(|s| s["content"].as_str().is_some_and(|c| c.contains(needle)))
}

/// Polls a driver's home timeline until a status containing `needle` shows.
async fn in_home(d: &Driver, needle: &str) -> Value {
    poll_until(DEADLINE, &format!("{needle:?} in the home timeline"), || async {
        find(&d.run(&["home"]).await, needle).cloned()
    })
    .await
}

async fn discussion_on(client: &Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"].as_str().is_some_and(|t| t.contains(title))).cloned()
}

async fn replies_on(client: &Client, discussion: &str) -> Vec<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/discussions/{discussion}/replies")).await;
    body["items"].as_array().cloned().unwrap_or_default()
}

/// beta's owner starts a discussion in `ux-design`.
async fn start_discussion(owner: &Client, title: &str) -> String {
    let d = expect_status(
        owner
            .post(
                "/api/guildhall/v1/communities/ux-design/discussions",
                &json!({"title": title, "body": "Notes inside."}),
            )
            .await,
        StatusCode::CREATED,
        "start a discussion on beta",
    );
    id_of(&d["id"])
}

/// beta's owner replies to a discussion on beta.
async fn reply_on_beta(owner: &Client, discussion: &str, body: &str) {
    expect_status(
        owner.post(&format!("/api/guildhall/v1/discussions/{discussion}/replies"), &json!({"body": body})).await,
        StatusCode::CREATED,
        "reply on beta",
    );
}

/// beta's owner starts a discussion with a poll in `ux-design`.
async fn start_poll(owner: &Client, title: &str) -> String {
    let closes = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let d = expect_status(
        owner
            .post(
                "/api/guildhall/v1/communities/ux-design/discussions",
                &json!({"title": title, "body": "Which **one**?", "poll": {"options": ["Tea", "Coffee"], "closes_at": closes}}),
            )
            .await,
        StatusCode::CREATED,
        "start a poll on beta",
    );
    id_of(&d["id"])
}

#[tokio::test(flavor = "multi_thread")]
async fn mastodon_py_and_masto_take_part_in_a_community_on_another_instance() {
    let Some(python) = installed(PYTHON_ENV, "Mastodon.py", |p| {
        p.is_file().then_some(()).ok_or_else(|| "not a Python interpreter".to_string())
    }) else {
        return;
    };
    let Some(clients) = installed(CLIENTS_ENV, "masto.js", |p| {
        p.join("node_modules/masto").is_dir().then_some(()).ok_or_else(|| "masto is not installed (npm ci)".into())
    }) else {
        return;
    };
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let lounge = LocalCommunity::create(&beta, "olga", "ux-design").await;
    let _ada = member(&alpha, "ada").await;
    let _bea = member(&alpha, "bea").await;
    let handle = format!("ux-design@{}", beta.domain());
    let state = tempfile::tempdir().expect("tempdir");
    let py = driver(python, &clients, "mastodon_py.py", &state, "py.json");
    let masto = driver(PathBuf::from("node"), &clients, "masto.mjs", &state, "masto.json");

    // Mastodon.py signs ada in: PKCE, a wrong verifier refused first.
    let signed = py.run(&["signin", &alpha.base_url(), "ada", PASSWORD]).await;
    assert_eq!(signed["wrong_verifier_status"], 400, "{signed}");
    assert_eq!(signed["wrong_verifier"]["error"], "invalid_grant", "{signed}");
    assert_eq!(signed["account"]["acct"], "ada", "{signed}");
    assert_eq!(signed["app"]["name"], "Guildhall conformance (Mastodon.py)", "{signed}");
    let instance = py.run(&["instance"]).await;
    assert_eq!(instance["domain"], alpha.domain(), "{instance}");

    // Following the community on beta from the app is joining it.
    let followed = py.run(&["follow", &format!("@{handle}")]).await;
    assert_eq!(followed["account"]["group"], true, "{followed}");
    let rel = &followed["relationship"];
    assert!(rel["following"] == true || rel["requested"] == true, "{followed}");
    let group_id = followed["account"]["id"].as_str().expect("id").to_owned();
    poll_until(DEADLINE, "ada a member of ux-design", || async {
        (py.run(&["relationship", &group_id]).await["following"] == true).then_some(())
    })
    .await;

    // A poll posted on beta reaches ada's home timeline; she replies, favourites and votes.
    let poll_title = "Tea or coffee at the offsite";
    // ada's user stream (server-sent events) carries it as it arrives from beta.
    let (streamed, on_beta) = py.stream_while("update", poll_title, start_poll(&lounge.owner, poll_title)).await;
    let status = in_home(&py, poll_title).await;
    let status_id = status["id"].as_str().expect("status id").to_owned();
    assert_eq!(streamed["id"], status_id.as_str(), "{streamed}");
    assert_eq!(streamed["account"]["acct"], format!("{}@{}", lounge.owner_name, beta.domain()), "{streamed}");
    // And a reply posted on beta by its owner.
    let (streamed, ()) =
        py.stream_while("update", "Tea, always", reply_on_beta(&lounge.owner, &on_beta, "Tea, always.")).await;
    assert_eq!(streamed["in_reply_to_id"], status_id.as_str(), "{streamed}");
    assert_eq!(status["visibility"], "public", "{status}");
    let poll_id = status["poll"]["id"].as_str().expect("a native poll").to_owned();
    let reply = py.run(&["reply", &status_id, "Coffee, obviously."]).await;
    assert_eq!(reply["in_reply_to_id"], status_id.as_str(), "{reply}");
    poll_until(DEADLINE, "ada's reply on beta", || async {
        replies_on(&lounge.owner, &on_beta)
            .await
            .into_iter()
            .find(|r| r["body"].as_str().is_some_and(|b| b.contains("Coffee, obviously")))
    })
    .await;
    let faved = py.run(&["favourite", &status_id]).await;
    assert_eq!(faved["favourited"], true, "{faved}");
    let voted = py.run(&["vote", &poll_id, "1"]).await;
    assert_eq!(voted["voted"], true, "{voted}");
    assert_eq!(voted["own_votes"], json!([1]), "{voted}");

    // A new discussion by mentioning the community: the first line is the title.
    let started = py.run(&["post", &format!("@{handle} Accessibility audit checklist\nShare yours below.")]).await;
    assert!(started["content"].as_str().is_some_and(|c| c.contains("Accessibility audit checklist")), "{started}");
    poll_until(DEADLINE, "ada's discussion on beta", || {
        discussion_on(&lounge.owner, "ux-design", "Accessibility audit checklist")
    })
    .await;
    // Mastodon.py's search finds it by its words once alpha has indexed its copy.
    let found = poll_until(DEADLINE, "ada's discussion in alpha's search", || async {
        find(&py.run(&["search_v2", "accessibility checklist"]).await, "Accessibility audit checklist").cloned()
    })
    .await;
    assert_eq!(found["acct"], "ada", "{found}");

    // ada is told when an event she attends changes (Guildhall's notifications today are about
    // events; RSVPs are made on the web, as Mastodon's API has none).
    let cai = member(&alpha, "cai").await;
    expect_status(
        cai.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "offsite", "title": "Offsite", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "cai's community on alpha",
    );
    let event = expect_status(
        cai.post(
            "/api/guildhall/v1/communities/offsite/events",
            &json!({"title": "Offsite day", "starts_at": "2030-12-01T09:00", "ends_at": "2030-12-01T17:00", "timezone": "Europe/Paris"}),
        )
        .await,
        StatusCode::CREATED,
        "cai's event",
    );
    let event = id_of(&event["id"]);
    let ada_client = {
        let mut c = alpha.client();
        c.login("ada", PASSWORD).await;
        c
    };
    expect_status(
        ada_client.post("/api/guildhall/v1/communities/offsite/join", &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "ada joins offsite",
    );
    expect_status(
        ada_client.post(&format!("/api/guildhall/v1/events/{event}/rsvp"), &json!({"status": "going"})).await,
        StatusCode::OK,
        "ada is going",
    );
    // The change reaches ada's stream as a notification, and her notifications list.
    let (streamed, ()) = py
        .stream_while("notification", "offsite", async {
            expect_status(
                cai.patch(&format!("/api/guildhall/v1/events/{event}"), &json!({"title": "Offsite day (room 4)"}))
                    .await,
                StatusCode::OK,
                "cai edits the event",
            );
        })
        .await;
    assert_eq!(streamed["type"], "update", "{streamed}");
    assert_eq!(streamed["account"]["acct"], "offsite", "{streamed}");
    let notes = poll_until(DEADLINE, "a notification for ada", || async {
        let n = py.run(&["notifications"]).await;
        n.as_array().is_some_and(|a| !a.is_empty()).then_some(n)
    })
    .await;
    assert_eq!(notes[0]["type"], "update", "{notes}");
    assert_eq!(notes[0]["acct"], "offsite", "{notes}");

    // masto.js signs bea in the same way and takes part too.
    let auth = masto.run(&["authorize", &alpha.base_url()]).await;
    let url = auth["url"].as_str().expect("authorize url").to_owned();
    let answer = approve(&py.program, &clients, &alpha.base_url(), &url, "bea").await;
    let token =
        masto.run(&["token", answer["code"].as_str().expect("code"), answer["state"].as_str().expect("state")]).await;
    assert_eq!(token["account"]["acct"], "bea", "{token}");
    let followed = masto.run(&["follow", &format!("@{handle}")]).await;
    assert_eq!(followed["account"]["group"], true, "{followed}");
    // alpha already holds ux-design's posts (ada is a member): bea sees them once she is one.
    let seen = poll_until(DEADLINE, "the poll in bea's home timeline", || async {
        find(&masto.run(&["home"]).await, poll_title).cloned()
    })
    .await;
    let id = seen["id"].as_str().expect("id").to_owned();
    let faved = masto.run(&["favourite", &id]).await;
    assert_eq!(faved["favourited"], true, "{faved}");
    let reply = masto.run(&["reply", &id, "Hello from masto.js"]).await;
    assert_eq!(reply["inReplyToId"], id.as_str(), "{reply}");

    // bea's user stream (a WebSocket, masto's subscribe message) carries a discussion started
    // on beta and a reply to it there.
    let title = "Retro notes for sprint 12";
    let (streamed, on_beta) = masto.stream_while("update", title, start_discussion(&lounge.owner, title)).await;
    assert_eq!(streamed["acct"], format!("{}@{}", lounge.owner_name, beta.domain()), "{streamed}");
    let (answer, ()) = masto
        .stream_while("update", "Thanks for the notes", reply_on_beta(&lounge.owner, &on_beta, "Thanks for the notes"))
        .await;
    assert_eq!(answer["inReplyToId"], streamed["id"], "{answer}");

    // And a notification: bea goes to cai's event, which changes again.
    let bea_client = {
        let mut c = alpha.client();
        c.login("bea", PASSWORD).await;
        c
    };
    expect_status(
        bea_client.post("/api/guildhall/v1/communities/offsite/join", &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "bea joins offsite",
    );
    expect_status(
        bea_client.post(&format!("/api/guildhall/v1/events/{event}/rsvp"), &json!({"status": "going"})).await,
        StatusCode::OK,
        "bea is going",
    );
    let (streamed, ()) = masto
        .stream_while("notification", "offsite", async {
            expect_status(
                cai.patch(&format!("/api/guildhall/v1/events/{event}"), &json!({"title": "Offsite day (room 5)"}))
                    .await,
                StatusCode::OK,
                "cai edits the event again",
            );
        })
        .await;
    assert_eq!(streamed["type"], "update", "{streamed}");
    assert_eq!(streamed["account"]["acct"], "offsite", "{streamed}");
}
