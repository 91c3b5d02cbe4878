//! Interoperability with a real Fedify 2.3 peer (the TypeScript framework behind Ghost and
//! Hollo; `@fedify/fedify` from npm), both ways, against a real `guildhall serve` process.
//!
//! A Fedify `Person` (alice) joins a public Guildhall community; Fedify verifies Guildhall's
//! `Accept` (its inbox listener runs only for verified activities). A member's discussion and
//! reply reach alice's inbox and parse with Fedify's vocab; alice's reply and new post show on
//! Guildhall. Edits and deletions go both ways. alice then rotates her key pair and posts:
//! Guildhall refetches her actor and accepts it. Her `Undo` naming the Follow by id leaves the
//! community.
//!
//! The peer is `federation-tests/interop/fedify/peer.mjs`, with its pinned dependencies
//! installed by `npm ci` in that directory; `GUILDHALL_INTEROP_FEDIFY` names the directory:
//!
//! ```text
//! (cd federation-tests/interop/fedify && npm ci)
//! cargo build -p guildhall
//! GUILDHALL_INTEROP_FEDIFY=$PWD/federation-tests/interop/fedify \
//!     cargo test -p federation-tests --test it interop_fedify::
//! ```
//!
//! Without the variable the test prints that it was skipped and passes, so `cargo test
//! --workspace` works on a machine with only Rust; with `CI=true` it fails instead. `.ci/run`
//! installs the peer and sets the variable.
//!
//! The peer serves `http://localhost:PORT` (Guildhall wants a host name, not an IP literal)
//! and takes commands over a small HTTP control API (`/_control/…`, described in peer.mjs).

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::community::member;
use federation_tests::interop::{PEER_LOG_LINES, PeerProcess, installed, panic_message};
use federation_tests::{Client, Instance, StatusCode, Value, expect_status, id_of, json, poll_until};

/// The directory holding `peer.mjs` and its installed `node_modules`.
const PEER_ENV: &str = "GUILDHALL_INTEROP_FEDIFY";
/// How long the peer may take to start serving.
const PEER_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one control call may take (it waits for the remote inbox's answer).
const CONTROL_TIMEOUT: Duration = Duration::from_secs(60);
/// Deadline of each federation step.
const DEADLINE: Duration = Duration::from_secs(30);

const COMMUNITY: &str = "ux-design";
const TITLE: &str = "Design tokens, seen from Fedify";

/// The Fedify peer (`node peer.mjs PORT`), killed with its process group when dropped.
struct Fedify {
    process: PeerProcess,
    http: reqwest::Client,
}

impl Fedify {
    /// Starts the peer on a free loopback port and waits until it serves HTTP.
    async fn start(scripts: PathBuf) -> Fedify {
        let mut process = PeerProcess::start("fedify", |_, port| {
            let mut command = Command::new("node");
            command
                .arg(scripts.join("peer.mjs"))
                .arg(port.to_string())
                .current_dir(&scripts)
                .env("FEDIFY_LOG_LEVEL", "info");
            command
        });
        process.wait_ready(&format!("http://127.0.0.1:{}/_control/received", process.port()), PEER_READY_TIMEOUT).await;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(CONTROL_TIMEOUT)
            .build()
            .expect("cannot build the HTTP client");
        Fedify { process, http }
    }

    fn port(&self) -> u16 {
        self.process.port()
    }

    fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Runs a control command; panics with the peer's answer unless it succeeded.
    async fn control(&self, command: &str, body: Value) -> Value {
        let url = format!("http://127.0.0.1:{}/_control/{command}", self.port());
        let response = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {url} failed: {e}\npeer log:\n{}", self.log_tail()));
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "the Fedify peer's {command} {body} failed ({status}): {answer}");
        answer
    }

    /// What reached alice's inbox: `{"verified": [...], "unverified": [...]}`.
    async fn received(&self) -> Value {
        let url = format!("http://127.0.0.1:{}/_control/received", self.port());
        match self.http.get(&url).send().await {
            Ok(response) => response.json().await.unwrap_or(Value::Null),
            Err(e) => Value::String(format!("(cannot read {url}: {e})")),
        }
    }

    /// The objects the verified activities carried, as Fedify parsed them: an activity's
    /// object, and for an `Announce` of an activity, that activity's object too.
    async fn received_objects(&self) -> Vec<(String, Value)> {
        let received = self.received().await;
        let mut out = vec![];
        for entry in received["verified"].as_array().into_iter().flatten() {
            let outer = entry["type"].as_str().unwrap_or_default().to_owned();
            let object = &entry["object"];
            out.push((outer.clone(), object.clone()));
            if object["object"].is_object() {
                let inner = object["type"].as_str().unwrap_or_default();
                out.push((format!("{outer}/{inner}"), object["object"].clone()));
            }
        }
        out
    }

    /// Waits for a verified activity whose (parsed) object satisfies `matches`; returns the path
    /// of activity types that carried it and the object.
    async fn wait_for_object(&self, what: &str, matches: impl Fn(&Value) -> bool) -> (String, Value) {
        poll_until(DEADLINE, what, || async { self.received_objects().await.into_iter().find(|(_, o)| matches(o)) })
            .await
    }
}

/// The peer's directory named by [`PEER_ENV`]; `None` (skipped) when unset outside CI.
fn peer_scripts() -> Option<PathBuf> {
    installed(PEER_ENV, "the Fedify peer (npm ci in federation-tests/interop/fedify)", |dir| {
        if dir.join("node_modules/@fedify/fedify").is_dir() {
            Ok(())
        } else {
            Err("no node_modules/@fedify/fedify: run `npm ci` there".into())
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn fedify_person_joins_posts_edits_deletes_rotates_its_key_and_leaves() {
    let Some(scripts) = peer_scripts() else {
        return;
    };
    let started = Instant::now();
    let (guildhall, fedify) = tokio::join!(Instance::start("interop-fedify"), Fedify::start(scripts));
    let (guildhall, fedify) = (Arc::new(guildhall), Arc::new(fedify));
    println!("Guildhall and the Fedify peer started in {:?}", started.elapsed());

    let outcome = tokio::spawn(scenario(Arc::clone(&guildhall), Arc::clone(&fedify))).await;
    if let Err(error) = outcome {
        let message = panic_message(error);
        panic!(
            "{message}\n\n===== what reached the Fedify inbox =====\n{:#}\n\n\
             ===== Fedify peer log ({}), last {PEER_LOG_LINES} lines =====\n{}\n\n\
             ===== Guildhall log ({}), tail =====\n{}",
            fedify.received().await,
            fedify.process.dir().join("fedify.log").display(),
            fedify.log_tail(),
            guildhall.log_path().display(),
            guildhall.log_tail()
        );
    }
    println!("scenario done in {:?} (with start-up)", started.elapsed());
}

/// The discussions of the community, as Guildhall's API lists them.
async fn discussions(client: &Client) -> Vec<Value> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/communities/{COMMUNITY}/discussions")).await;
    if status != StatusCode::OK {
        return vec![];
    }
    body["items"].as_array().cloned().unwrap_or_default()
}

/// The replies of discussion `id`, as Guildhall's API lists them.
async fn replies(client: &Client, id: &str) -> Vec<Value> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/discussions/{id}/replies")).await;
    if status != StatusCode::OK {
        return vec![];
    }
    body["items"].as_array().cloned().unwrap_or_default()
}

fn html_contains(value: &Value, field: &str, text: &str) -> bool {
    value[field].as_str().is_some_and(|s| s.contains(text))
}

async fn scenario(guildhall: Arc<Instance>, fedify: Arc<Fedify>) {
    let base = format!("http://{}", guildhall.domain());
    let bob = member(&guildhall, "bob").await;
    let cyd = member(&guildhall, "cyd").await;
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": COMMUNITY, "title": "UX Design", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "create community",
    );
    expect_status(
        cyd.post(&format!("/api/guildhall/v1/communities/{COMMUNITY}/join"), &json!({})).await,
        StatusCode::OK,
        "cyd joins",
    );
    let community = format!("{base}/c/{COMMUNITY}");
    let handle = format!("alice@localhost:{}", fedify.port());

    // alice follows the community: a member on Guildhall, and Fedify verifies the Accept.
    let follow = fedify.control("follow", json!({"object": community})).await;
    let follow_id = follow["id"].as_str().expect("follow id").to_owned();
    poll_until(DEADLINE, &format!("{handle} among the community's members"), || async {
        let (status, members) = bob.get(&format!("/api/guildhall/v1/communities/{COMMUNITY}/members")).await;
        (status == StatusCode::OK && members["items"].as_array()?.iter().any(|m| m["username"] == handle.as_str()))
            .then_some(())
    })
    .await;
    let accept = poll_until(DEADLINE, "Guildhall's Accept, verified by Fedify", || async {
        fedify.received().await["verified"].as_array()?.iter().find(|a| a["type"] == "Accept").cloned()
    })
    .await;
    assert_eq!(accept["actor"], community.as_str(), "the community accepts: {accept}");
    // Fedify re-fetches the embedded Follow (another origin), so read the id as sent.
    let accepted = &accept["json"]["object"];
    let accepted = accepted.as_str().or_else(|| accepted["id"].as_str());
    assert_eq!(accepted, Some(follow_id.as_str()), "it accepts alice's Follow: {accept}");

    // bob's discussion and cyd's reply reach alice and parse with Fedify's vocab.
    let started = expect_status(
        bob.post(
            &format!("/api/guildhall/v1/communities/{COMMUNITY}/discussions"),
            &json!({"title": TITLE, "body": "Shall we **share** them with Fedify?"}),
        )
        .await,
        StatusCode::CREATED,
        "start discussion",
    );
    let discussion = id_of(&started["id"]);
    let discussion_url = format!("{base}/d/{discussion}");
    let (via, page) = fedify
        .wait_for_object("the discussion at Fedify", |o| o["id"] == discussion_url.as_str() && o["name"] == TITLE)
        .await;
    assert_eq!(page["type"], "Page", "a discussion is a Page ({via}): {page}");
    assert!(html_contains(&page, "content", "<strong>share</strong>"), "{page}");
    let reply = expect_status(
        cyd.post(
            &format!("/api/guildhall/v1/discussions/{discussion}/replies"),
            &json!({"body": "Tokens for colours first"}),
        )
        .await,
        StatusCode::CREATED,
        "cyd replies",
    );
    let cyd_reply_url = format!("{base}/r/{}", id_of(&reply["id"]));
    let (via, note) = fedify
        .wait_for_object("cyd's reply at Fedify", |o| o["id"] == cyd_reply_url.as_str() && o["type"] == "Note")
        .await;
    assert_eq!(note["inReplyTo"], discussion_url.as_str(), "the reply answers the discussion ({via}): {note}");
    assert!(html_contains(&note, "content", "Tokens for colours first"), "{note}");

    // alice replies, and starts a discussion of her own: both show on Guildhall.
    let alice_reply = fedify
        .control("note", json!({"to": community, "inReplyTo": discussion_url, "content": "<p>Fedify agrees</p>"}))
        .await;
    let alice_reply_url = alice_reply["note"].as_str().expect("note id").to_owned();
    let shown = poll_until(DEADLINE, "alice's reply on Guildhall", || async {
        replies(&bob, &discussion).await.into_iter().find(|r| html_contains(r, "body_html", "Fedify agrees"))
    })
    .await;
    assert_eq!(shown["author"]["username"], handle.as_str(), "{shown}");
    let alice_reply_id = id_of(&shown["id"]);
    fedify
        .control(
            "note",
            json!({"to": community, "content": "<p>Hello from Fedify</p><p>A post that starts a discussion.</p>"}),
        )
        .await;
    let own = poll_until(DEADLINE, "alice's post as a discussion on Guildhall", || async {
        discussions(&bob).await.into_iter().find(|d| d["title"] == "Hello from Fedify")
    })
    .await;
    assert_eq!(own["author"]["username"], handle.as_str(), "{own}");

    // Edits both ways.
    expect_status(
        bob.patch(
            &format!("/api/guildhall/v1/discussions/{discussion}"),
            &json!({"body": "Shall we **publish** them?"}),
        )
        .await,
        StatusCode::OK,
        "bob edits the discussion",
    );
    let (via, edited) = fedify
        .wait_for_object("bob's edit at Fedify", |o| {
            o["id"] == discussion_url.as_str() && html_contains(o, "content", "<strong>publish</strong>")
        })
        .await;
    assert!(via.contains("Update"), "an edit arrives as an Update ({via}): {edited}");
    fedify.control("update", json!({"note": alice_reply_url, "content": "<p>Fedify agrees, edited</p>"})).await;
    poll_until(DEADLINE, "alice's edit on Guildhall", || async {
        replies(&bob, &discussion)
            .await
            .into_iter()
            .find(|r| id_of(&r["id"]) == alice_reply_id && html_contains(r, "body_html", "edited"))
    })
    .await;

    // Deletions both ways.
    expect_status(
        cyd.delete(&format!("/api/guildhall/v1/replies/{}", id_of(&reply["id"]))).await,
        StatusCode::NO_CONTENT,
        "cyd deletes her reply",
    );
    poll_until(DEADLINE, "the Delete of cyd's reply at Fedify", || async {
        let received = fedify.received().await;
        received["verified"].as_array()?.iter().find_map(|a| {
            let deleted = |d: &Value| d["type"] == "Delete" && d["objectId"] == cyd_reply_url.as_str();
            let direct = a["type"] == "Delete" && a["json"]["object"] == cyd_reply_url.as_str();
            let direct = direct || (a["type"] == "Delete" && a["json"]["object"]["id"] == cyd_reply_url.as_str());
            (direct || deleted(&a["object"])).then(|| a.clone())
        })
    })
    .await;
    fedify.control("delete", json!({"note": alice_reply_url})).await;
    poll_until(DEADLINE, "alice's reply deleted on Guildhall", || async {
        let all = replies(&bob, &discussion).await;
        let gone = all.iter().find(|r| id_of(&r["id"]) == alice_reply_id).is_none_or(|r| r["deleted"] == true);
        gone.then_some(())
    })
    .await;

    // alice's server rotates her key pair (same key id), and she posts at once: Guildhall's
    // cached key no longer verifies, so it must fetch her actor again.
    fedify.control("rotate", json!({})).await;
    fedify
        .control("note", json!({"to": community, "inReplyTo": discussion_url, "content": "<p>After rotation</p>"}))
        .await;
    poll_until(DEADLINE, "alice's reply signed with her new key on Guildhall", || async {
        replies(&bob, &discussion).await.into_iter().find(|r| html_contains(r, "body_html", "After rotation"))
    })
    .await;

    // Fedify's unfollow: an Undo whose object is the Follow's id only.
    fedify.control("unfollow", json!({"object": community, "follow": follow_id})).await;
    poll_until(DEADLINE, &format!("{handle} gone from the community's members"), || async {
        let (status, members) = bob.get(&format!("/api/guildhall/v1/communities/{COMMUNITY}/members")).await;
        let items = members["items"].as_array()?;
        (status == StatusCode::OK && !items.iter().any(|m| m["username"] == handle.as_str())).then_some(())
    })
    .await;

    // Fedify verified every activity Guildhall sent (none fell to its unverified handler).
    let received = fedify.received().await;
    assert_eq!(received["unverified"], json!([]), "Fedify could not verify some of Guildhall's activities");
    for entry in received["verified"].as_array().into_iter().flatten() {
        assert!(entry.get("objectError").is_none(), "Fedify could not read an object Guildhall sent: {entry}");
        assert!(entry["actor"].as_str().is_some_and(|a| a.starts_with(&base)), "{entry}");
    }
}
