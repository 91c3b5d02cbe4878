//! The disk fills up under an instance on SQLite (its embedded default): posting is refused
//! with a clear 507 that names the cause, nothing it accepted is lost, reading goes on, and
//! once space is freed the same instance takes posts again.
//!
//! A full disk is the server's file-size limit (`RLIMIT_FSIZE`): SQLite's writes then fail
//! with `EFBIG`, which it reports exactly as `ENOSPC` ("database or disk is full").

use std::path::Path;
use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::fixtures;
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{Instance, StatusCode, id_of, poll_until, random_hex};
use serde_json::json;

/// Room left in each file before the "disk" is full.
const HEADROOM: u64 = 512 * 1024;
/// Posts tried before giving up on filling the disk (each carries a ~30 kB body).
const MAX_POSTS: usize = 200;
const DEADLINE: Duration = Duration::from_secs(20);
/// The title in the Lemmy `create_page` fixture.
const REMOTE_TITLE: &str = "Lemmy: accessible colour palettes";

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_refuses_posts_clearly_keeps_what_it_accepted_and_recovers() {
    if std::env::var(federation_tests::POSTGRES_ENV).is_ok_and(|url| !url.is_empty()) {
        // PostgreSQL's disk is its own server's: this scenario is about the embedded database.
        eprintln!("faults_disk_full: SQLite scenario, run by the SQLite pass of the suite");
        return;
    }
    let (mut instance, peer) = tokio::join!(Instance::start("brimful"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let path = format!("/api/guildhall/v1/communities/{}/discussions", community.name);

    // A Lemmy member joins before the disk fills, so their post is one to keep.
    let actor = peer.add_actor("alice");
    let mut vars = fixtures::member_vars(&actor, &community.url);
    let follow = fixtures::load(Software::Lemmy, "follow", &vars);
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &follow).await;
    assert_eq!(status, StatusCode::ACCEPTED, "follow: {body}");
    actor.wait_for_answer(follow["id"].as_str().expect("follow id"), "Accept").await;

    instance.set_file_size_limit(Some(largest_file(&instance.data_dir()) + HEADROOM));
    instance.restart().await;

    let mut accepted = vec![community.discussion_id.clone()];
    let mut refusal = None;
    for n in 0..MAX_POSTS {
        let body = json!({"title": format!("Minutes {n}"), "body": minutes(n)});
        let (status, answer) = community.owner.post(&path, &body).await;
        if status == StatusCode::CREATED {
            accepted.push(id_of(&answer["id"]));
        } else {
            refusal = Some((status, answer));
            break;
        }
    }
    let (status, answer) = refusal.expect("the disk never filled up");
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "a full disk is 507: {answer}");
    assert_eq!(answer["error"], "storage_full", "{answer}");
    assert!(accepted.len() > 2, "the disk filled before any post: {} accepted", accepted.len());
    let log = instance.log_of_this_start();
    assert!(log.contains("storage is full"), "the log must say what happened:\n{}", instance.log_tail());

    // A post from another server is refused with 503 and kept by its sender, never dropped.
    vars.insert("ID", random_hex(16));
    vars.insert("ID2", random_hex(16));
    let create = fixtures::load(Software::Lemmy, "create_page", &vars);
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &create).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "a remote post while the disk is full: {body}");
    assert!(body.contains("storage_full"), "{body}");

    // Reading goes on while the disk is full.
    for id in &accepted {
        let (status, body) = community.owner.get(&format!("/api/guildhall/v1/discussions/{id}")).await;
        assert_eq!(status, StatusCode::OK, "discussion {id} while the disk is full: {body}");
    }

    // Space is freed: everything accepted is still there, and posting works again.
    instance.set_file_size_limit(None);
    instance.restart().await;
    for id in &accepted {
        let (status, body) = community.owner.get(&format!("/api/guildhall/v1/discussions/{id}")).await;
        assert_eq!(status, StatusCode::OK, "discussion {id} after space was freed: {body}");
    }
    // The sender's retry is applied.
    let (status, body) = actor.sign_and_post(&community.shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "the remote post's retry: {body}");
    poll_until(DEADLINE, "the remote post", || community.discussion_titled(REMOTE_TITLE)).await;
    poll_until(DEADLINE, "a post after space was freed", || async {
        let body = json!({"title": "Back to normal", "body": "Room again."});
        let (status, _) = community.owner.post(&path, &body).await;
        (status == StatusCode::CREATED).then_some(())
    })
    .await;
}

/// The size of the largest file under `dir`.
fn largest_file(dir: &Path) -> u64 {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    entries
        .filter_map(Result::ok)
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() { largest_file(&path) } else { entry.metadata().map(|m| m.len()).unwrap_or(0) }
        })
        .max()
        .unwrap_or(0)
}

/// About 30 kB of distinct text, so pages do not compress into each other.
fn minutes(n: usize) -> String {
    (0..600).map(|line| format!("Item {n}.{line}: agreed and minuted.\n")).collect()
}
