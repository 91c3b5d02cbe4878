//! Key rotation (issue 14): a remote actor that rotated its key is accepted at once. When a
//! signature does not verify against the key Guildhall holds, it fetches the actor again, once
//! per actor every few minutes, and verifies again; a flood of bad signatures fetches nothing
//! more. An actor's own `Update{Person}` stores its new key and profile.
//!
//! The peer signs draft-cavage as Mastodon does; the Fedify interop scenario covers RFC 9421.
//! Each rotation is followed at once by a post, well within the interval after which
//! Guildhall would refresh a stored actor anyway.

use std::sync::Arc;
use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakeActor, FakePeer, SignOptions, Software, generate_key, stranger_key};
use federation_tests::{InProcessInstance, StatusCode, Value, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

struct Setup {
    _instance: InProcessInstance,
    peer: FakePeer,
    community: LocalCommunity,
    /// A member of the community, with a key of its own.
    alice: FakeActor,
}

impl Setup {
    async fn new(name: &str) -> Setup {
        let (instance, peer) = tokio::join!(InProcessInstance::start(name), FakePeer::start(Software::Mastodon));
        let community = LocalCommunity::create(&instance, "host", "lounge").await;
        let alice = peer.add_actor_with_own_key("alice").await;
        alice.follow_via(&community.url, &community.shared_inbox).await;
        assert!(community.members().await.contains(&alice.handle()));
        Setup { _instance: instance, peer, community, alice }
    }

    /// The path of alice's actor document on the peer.
    fn actor_path(&self) -> String {
        Software::Mastodon.actor_path("alice")
    }

    /// `Create{Page}` by `author` to the community.
    fn create_page(&self, author: &FakeActor, title: &str) -> Value {
        author.create_page(&self.community.url, title)
    }

    /// Posts a new discussion as `author` (signed with `options`); the status and body.
    async fn post_discussion(&self, author: &FakeActor, title: &str, options: &SignOptions) -> (StatusCode, String) {
        let activity = self.create_page(author, title);
        author.post_with(&self.community.shared_inbox, activity.to_string().as_bytes(), options).await
    }

    async fn expect_discussion(&self, title: &str) {
        poll_until(DEADLINE, &format!("discussion {title:?}"), || self.community.discussion_titled(title)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_key_is_fetched_once_and_accepted() {
    let s = Setup::new("rotate-refetch").await;
    let (status, body) = s.post_discussion(&s.alice, "Before rotation", &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    s.expect_discussion("Before rotation").await;

    // alice's server rotates her key: same actor, same key id, a new key pair.
    let rotated = s.peer.add_actor_with_key("alice", Arc::new(generate_key().await));
    assert_eq!(rotated.key_id(), s.alice.key_id());
    let fetched = s.peer.fetch_count(&s.actor_path());
    let (status, body) = s.post_discussion(&rotated, "After rotation", &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "a post signed with the new key: {body}");
    s.expect_discussion("After rotation").await;
    assert_eq!(s.peer.fetch_count(&s.actor_path()), fetched + 1, "the actor is fetched once for the new key");

    // Bad signatures right after do not make Guildhall fetch the actor again.
    for n in 0..3 {
        let title = format!("forged {n}");
        let (status, body) = s.post_discussion(&rotated, &title, &SignOptions::with_key(stranger_key().await)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert!(s.community.discussion_titled(&title).await.is_none());
    }
    assert_eq!(s.peer.fetch_count(&s.actor_path()), fetched + 1, "no fetch per bad signature");

    // The new key keeps working; the old one no longer does.
    let (status, body) = s.post_discussion(&rotated, "Still fine", &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    s.expect_discussion("Still fine").await;
    let (status, body) = s.post_discussion(&s.alice, "With the old key", &SignOptions::default()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old key is no longer alice's: {body}");
    assert!(s.community.discussion_titled("With the old key").await.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_of_the_person_stores_its_new_key_and_name() {
    let s = Setup::new("rotate-update").await;
    // The peer serves alice's new document (new key) only long enough to copy it into an
    // Update; afterwards her actor cannot be fetched, so only the Update can teach the key.
    let rotated = s.peer.add_actor_with_key("alice", Arc::new(generate_key().await));
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut document: Value = http
        .get(rotated.id())
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch alice's new document")
        .json()
        .await
        .expect("alice's document is JSON");
    document["name"] = Value::String("Alice Renamed".into());
    s.peer.unserve(&s.actor_path());
    let fetched = s.peer.fetch_count(&s.actor_path());

    let update = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": format!("{}#updates/{}", rotated.id(), random_hex(8)),
        "type": "Update",
        "actor": rotated.id(),
        "to": [PUBLIC],
        "object": document,
    });
    // Signed with the old key, which Guildhall still holds.
    let (status, body) = s.alice.sign_and_post(&s.community.shared_inbox, &update).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    let (status, body) = s.post_discussion(&rotated, "Signed with the updated key", &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "the key from the Update verifies: {body}");
    s.expect_discussion("Signed with the updated key").await;
    assert_eq!(s.peer.fetch_count(&s.actor_path()), fetched, "the key came from the Update, not a fetch");
    let members = federation_tests::expect_status(
        s.community.owner.get(&format!("/api/guildhall/v1/communities/{}/members", s.community.name)).await,
        StatusCode::OK,
        "members",
    );
    let alice = members["items"].as_array().unwrap().iter().find(|m| m["username"] == rotated.handle().as_str());
    assert_eq!(alice.map(|m| m["display_name"].clone()), Some(json!("Alice Renamed")), "{members}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_of_another_person_is_refused() {
    let s = Setup::new("rotate-forged").await;
    let bob = s.peer.add_actor_with_own_key("bob").await;
    bob.follow_via(&s.community.url, &s.community.shared_inbox).await;
    // alice's document, with a key of mallory's choosing, sent by bob: refused, nothing stored.
    let mut document: Value = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(s.alice.id())
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch alice's document")
        .json()
        .await
        .expect("alice's document is JSON");
    document["name"] = Value::String("Not Alice".into());
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#updates/{}", bob.id(), random_hex(8)),
        "type": "Update",
        "actor": bob.id(),
        "object": document,
    });
    let (status, body) = bob.sign_and_post(&s.community.shared_inbox, &update).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let members = federation_tests::expect_status(
        s.community.owner.get(&format!("/api/guildhall/v1/communities/{}/members", s.community.name)).await,
        StatusCode::OK,
        "members",
    );
    assert!(!members.to_string().contains("Not Alice"), "{members}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_signature_from_an_actor_fetched_just_now_fetches_it_only_once() {
    let s = Setup::new("rotate-newcomer").await;
    // Never seen before: fetched to verify, and not again when its key does not verify.
    let mallory = s.peer.add_actor_with_own_key("mallory").await;
    let path = Software::Mastodon.actor_path("mallory");
    let (status, body) = s.post_discussion(&mallory, "forged", &SignOptions::with_key(stranger_key().await)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(s.peer.fetch_count(&path), 1, "one fetch of an actor first seen with a bad signature");
}
