//! Hostile input against the inbox (SECURITY.md sections 1 and 3): each test asserts the status
//! AND that nothing was stored (no discussion, reply or member appears).
//!
//! The inbox handles an activity before answering, so once a rejected POST has been answered
//! its (absent) effects are final; accepted ones are awaited with `poll_until`.

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
    /// Follows the community (accepted): a member.
    member: FakeActor,
    /// Never followed.
    outsider: FakeActor,
}

impl Setup {
    async fn new(name: &str) -> Setup {
        let (instance, peer) = tokio::join!(InProcessInstance::start(name), FakePeer::start(Software::Mastodon));
        let community = LocalCommunity::create(&instance, "host", "lounge").await;
        let member = peer.add_actor("alice");
        // The outsider has a key of its own, so a signature by one is never valid for the other.
        let outsider = peer.add_actor_with_own_key("mallory").await;
        member.follow_via(&community.url, &community.shared_inbox).await;
        assert!(community.members().await.contains(&member.handle()));
        Setup { _instance: instance, peer, community, member, outsider }
    }

    /// `Create{Page}` by `author` (actor and attributedTo) to the community.
    fn create_page(&self, author: &FakeActor, title: &str) -> Value {
        author.create_page(&self.community.url, title)
    }

    /// Posts `activity` to the shared inbox as `actor` with `options`.
    async fn post(&self, actor: &FakeActor, activity: &Value, options: &SignOptions) -> (StatusCode, String) {
        actor.post_with(&self.community.shared_inbox, activity.to_string().as_bytes(), options).await
    }

    async fn assert_no_discussion(&self, title: &str) {
        let found = self.community.discussion_titled(title).await;
        assert!(found.is_none(), "a rejected activity was stored: {found:?}");
        assert_eq!(self.community.discussions().await.len(), 1, "only the local discussion may exist");
    }

    /// A Create with `options` must answer `expected` and store nothing.
    async fn rejected_create(&self, options: SignOptions, expected: StatusCode) {
        let title = format!("must not appear {}", random_hex(6));
        let activity = self.create_page(&self.member, &title);
        let (status, body) = self.post(&self.member, &activity, &options).await;
        assert_eq!(status, expected, "{options:?} answered {status}: {body}");
        self.assert_no_discussion(&title).await;
        // The same activity, correctly signed, is then accepted: the rejection was about the
        // signature, not the content (and a rejected id was not remembered as seen).
        let (status, body) = self.member.sign_and_post(&self.community.shared_inbox, &activity).await;
        assert_eq!(status, StatusCode::ACCEPTED, "correct resend answered {status}: {body}");
        poll_until(DEADLINE, "the correctly signed resend", || self.community.discussion_titled(&title)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn correctly_signed_create_from_a_member_is_stored() {
    let s = Setup::new("sec-ok").await;
    let activity = s.create_page(&s.member, "A fine post");
    let (status, body) = s.member.sign_and_post(&s.community.shared_inbox, &activity).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let d = poll_until(DEADLINE, "the post", || s.community.discussion_titled("A fine post")).await;
    assert_eq!(d["author"]["username"], s.member.handle().as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_is_400() {
    let s = Setup::new("sec-json").await;
    let (status, body) = s
        .member
        .post_with(&s.community.shared_inbox, br#"{"type": "Create", "actor": "#, &SignOptions::default())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(s.community.discussions().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn body_over_one_mebibyte_is_413() {
    let s = Setup::new("sec-size").await;
    let mut activity = s.create_page(&s.member, "Huge post");
    activity["object"]["content"] = Value::String(format!("<p>{}</p>", "a".repeat(1024 * 1024 + 1024)));
    let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}", body.chars().take(300).collect::<String>());
    s.assert_no_discussion("Huge post").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_signature_is_401() {
    let s = Setup::new("sec-nosig").await;
    s.rejected_create(SignOptions::unsigned(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_by_another_key_is_401() {
    let s = Setup::new("sec-key").await;
    s.rejected_create(SignOptions::with_key(stranger_key().await), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn digest_mismatch_is_401() {
    let s = Setup::new("sec-digest").await;
    s.rejected_create(SignOptions::digest_mismatch(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_digest_header_is_401() {
    let s = Setup::new("sec-nodigest").await;
    let options = SignOptions { omit_digest: true, ..SignOptions::default() };
    s.rejected_create(options, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn digest_not_covered_by_the_signature_is_401() {
    let s = Setup::new("sec-digest-unsigned").await;
    s.rejected_create(SignOptions::digest_unsigned(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_date_is_401() {
    let s = Setup::new("sec-stale").await;
    s.rejected_create(SignOptions::stale_date(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn future_date_is_401() {
    let s = Setup::new("sec-future").await;
    s.rejected_create(SignOptions::date_age(-7200), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_without_date_is_401() {
    let s = Setup::new("sec-nodate").await;
    let options = SignOptions { omit_date: true, ..SignOptions::default() };
    s.rejected_create(options, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signature_not_covering_host_is_401() {
    let s = Setup::new("sec-nohost").await;
    let options = SignOptions {
        signed_headers: Some(vec!["(request-target)", "date", "digest", "content-type"]),
        ..SignOptions::default()
    };
    s.rejected_create(options, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unfetchable_actor_is_401() {
    let s = Setup::new("sec-unfetchable").await;
    // An actor on a port that was free a moment ago and is closed now.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port();
    let ghost = format!("http://localhost:{port}/users/ghost");
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err(), "the port must be closed");
    let options = SignOptions { key_id: Some(format!("{ghost}#main-key")), ..SignOptions::default() };
    let mut activity = s.create_page(&s.member, "From a ghost");
    activity["id"] = json!(format!("{ghost}/statuses/1/activity"));
    activity["actor"] = json!(ghost);
    activity["object"]["id"] = json!(format!("{ghost}/statuses/1"));
    activity["object"]["attributedTo"] = json!(ghost);
    let (status, body) = s.post(&s.member, &activity, &options).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    s.assert_no_discussion("From a ghost").await;
    // Nor does a Follow from it create a member.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{ghost}#follows/1"), "type": "Follow", "actor": ghost, "object": s.community.url
    });
    let (status, body) = s.post(&s.member, &follow, &options).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(!s.community.members().await.iter().any(|m| m.starts_with("ghost@")));
}

#[tokio::test(flavor = "multi_thread")]
async fn impersonation_is_rejected() {
    let s = Setup::new("sec-impersonate").await;
    // Mallory signs (with her own key and keyId) a Create claiming to be Alice, a member.
    let activity = s.create_page(&s.member, "Alice did not write this");
    let (status, body) = s.post(&s.outsider, &activity, &SignOptions::default()).await;
    assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST, "{status}: {body}");
    s.assert_no_discussion("Alice did not write this").await;
    // ... and a Follow in the name of a third person, who never asked to join.
    let bob = s.peer.add_actor_with_key("bob", Arc::new(generate_key().await));
    let follow = bob.follow_activity(&s.community.url);
    let (status, body) = s.post(&s.outsider, &follow, &SignOptions::default()).await;
    assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::BAD_REQUEST, "{status}: {body}");
    assert!(!s.community.members().await.contains(&bob.handle()), "bob became a member");
    assert!(!s.peer.received().iter().any(|a| a["type"] == "Accept" && a["object"]["actor"] == bob.id()));
}

#[tokio::test(flavor = "multi_thread")]
async fn create_of_an_object_attributed_to_someone_else_is_400() {
    let s = Setup::new("sec-attributed").await;
    let note_id = format!("{}/statuses/{}", s.member.id(), random_hex(12));
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note_id}/activity"), "type": "Create", "actor": s.member.id(),
        "to": [PUBLIC], "cc": [s.community.url],
        "object": {
            "id": note_id, "type": "Note", "attributedTo": s.outsider.id(),
            "to": [PUBLIC], "cc": [s.community.url],
            "content": "<p>Written by mallory, sent by alice</p>"
        }
    });
    let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    s.assert_no_discussion("Written by mallory").await;
    // Same for a reply to the local discussion.
    let mut reply = activity.clone();
    reply["id"] = json!(format!("{note_id}/activity2"));
    reply["object"]["id"] = json!(format!("{note_id}2"));
    reply["object"]["inReplyTo"] = json!(s.community.discussion_url);
    let (status, body) = s.post(&s.member, &reply, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(s.community.replies(&s.community.discussion_id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn activity_id_on_another_host_is_400() {
    let s = Setup::new("sec-idhost").await;
    let other = FakePeer::start(Software::Mastodon).await;
    let mut activity = s.create_page(&s.member, "Id elsewhere");
    activity["id"] = json!(format!("{}/activities/{}", other.base_url(), random_hex(8)));
    let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    s.assert_no_discussion("Id elsewhere").await;
    // The object's id on another host is refused as well.
    let mut activity = s.create_page(&s.member, "Object elsewhere");
    activity["object"]["id"] = json!(format!("{}/statuses/{}", other.base_url(), random_hex(8)));
    let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    s.assert_no_discussion("Object elsewhere").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn create_from_a_non_member_is_403() {
    let s = Setup::new("sec-nonmember").await;
    let activity = s.create_page(&s.outsider, "Outsider post");
    let (status, body) = s.post(&s.outsider, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    s.assert_no_discussion("Outsider post").await;
    assert!(!s.community.members().await.contains(&s.outsider.handle()));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_activity_twice_is_stored_once() {
    let s = Setup::new("sec-dup").await;
    let activity = s.create_page(&s.member, "Only once");
    for attempt in 1..=2 {
        let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
        assert_eq!(status, StatusCode::ACCEPTED, "attempt {attempt}: {body}");
    }
    // The same object in a new activity (a retry with another id) is not a second post either.
    let mut again = activity.clone();
    again["id"] = json!(format!("{}/again", activity["id"].as_str().unwrap()));
    let (status, body) = s.post(&s.member, &again, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // A later post proves processing has caught up.
    let later = s.create_page(&s.member, "Sentinel");
    let (status, body) = s.post(&s.member, &later, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    poll_until(DEADLINE, "the sentinel", || s.community.discussion_titled("Sentinel")).await;
    let copies = s.community.discussions().await.into_iter().filter(|d| d["title"] == "Only once").count();
    assert_eq!(copies, 1, "duplicate deliveries created {copies} discussions");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_activity_type_is_202_and_ignored() {
    let s = Setup::new("sec-unknown").await;
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#x/{}", s.member.id(), random_hex(8)), "type": "Explode",
        "actor": s.member.id(), "object": s.community.discussion_url,
        "name": "Not a discussion"
    });
    let (status, body) = s.post(&s.member, &activity, &SignOptions::default()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    s.assert_no_discussion("Not a discussion").await;
    let d = s.community.discussion_titled(&s.community.discussion_title).await;
    assert!(d.is_some(), "the local discussion must survive");
}
