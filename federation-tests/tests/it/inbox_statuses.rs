//! Honest answers from the inbox (issue 14): `400` with a reason for what we cannot read
//! (unsupported objects, malformed shapes of types we read), `401` only when the signature
//! cannot be checked (with `actor_unavailable` when the actor cannot be fetched), `404` for an
//! object that is not there, `202` for what is applied or deliberately ignored. What is
//! ignored or refused is counted per instance and type on the admin API.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakeActor, FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, expect_status, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);
const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

struct Setup {
    instance: InProcessInstance,
    peer: FakePeer,
    community: LocalCommunity,
    member: FakeActor,
}

impl Setup {
    async fn new(name: &str) -> Setup {
        let (instance, peer) = tokio::join!(InProcessInstance::start(name), FakePeer::start(Software::Mastodon));
        let community = LocalCommunity::create(&instance, "host", "lounge").await;
        let member = peer.add_actor("alice");
        member.follow_via(&community.url, &community.shared_inbox).await;
        Setup { instance, peer, community, member }
    }

    /// `Create` of an object of `kind` by the member, addressed to the community.
    fn create(&self, kind: &str, title: &str) -> Value {
        let object_id = format!("{}/statuses/{}", self.member.id(), random_hex(12));
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{object_id}/activity"), "type": "Create", "actor": self.member.id(),
            "to": [PUBLIC], "cc": [self.community.url],
            "object": {
                "id": object_id, "type": kind, "attributedTo": self.member.id(),
                "to": [PUBLIC], "cc": [self.community.url], "audience": self.community.url,
                "name": title, "content": "<p>body</p>", "url": format!("{object_id}.mp3")
            }
        })
    }

    async fn post(&self, actor: &FakeActor, activity: &Value) -> (StatusCode, Value) {
        let (status, body) = actor.sign_and_post(&self.community.shared_inbox, activity).await;
        (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
    }

    /// The admin API's row for the peer.
    async fn counts(&self) -> Value {
        let admin = self.instance.admin_client().await;
        let rows =
            expect_status(admin.get("/api/guildhall/v1/admin/federation/instances").await, StatusCode::OK, "instances");
        rows.as_array().and_then(|r| r.iter().find(|r| r["domain"] == self.peer.host()).cloned()).unwrap_or_default()
    }
}

/// The count of `kind` ended as `outcome` in an instance row.
fn incoming(row: &Value, kind: &str, outcome: &str) -> u64 {
    row["incoming"]
        .as_array()
        .and_then(|r| r.iter().find(|c| c["kind"] == kind && c["outcome"] == outcome))
        .and_then(|c| c["count"].as_u64())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_objects_and_malformed_shapes_are_400_with_a_reason_and_counted() {
    let s = Setup::new("st-unsupported").await;
    for kind in ["Audio", "Video", "Image"] {
        let title = format!("a {kind} {}", random_hex(4));
        let (status, body) = s.post(&s.member, &s.create(kind, &title)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {body}");
        assert_eq!(body["error"], "unreadable_activity", "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains(kind)), "the reason names {kind}: {body}");
        assert!(s.community.discussion_titled(&title).await.is_none());
    }
    // A type we read, in a shape we cannot: an object without an id.
    let mut malformed = s.create("Page", "no id");
    malformed["object"].as_object_mut().unwrap().remove("id");
    let (status, body) = s.post(&s.member, &malformed).await;
    assert_eq!((status, &body["error"]), (StatusCode::BAD_REQUEST, &json!("unreadable_activity")), "{body}");
    // A Like whose object is not an id.
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#likes/{}", s.member.id(), random_hex(8)), "type": "Like", "actor": s.member.id(),
        "object": 42
    });
    let (status, body) = s.post(&s.member, &like).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Not an Article of ours, not a signature problem either.
    let (status, body) = s.post(&s.member, &s.create("Article", "an article")).await;
    assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");

    let row = s.counts().await;
    assert!(incoming(&row, "Create", "refused") >= 4, "{row}");
    assert!(incoming(&row, "Like", "refused") == 1, "{row}");
    assert!(row["incoming_refused"].as_u64() >= Some(5), "{row}");
    assert_eq!(row["incoming_ignored"], 0, "{row}");
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_types_are_ignored_with_202_and_counted_as_ignored() {
    let s = Setup::new("st-unknown").await;
    let discussion = s.community.discussion_url.clone();
    for kind in ["EmojiReact", "Move", "Read"] {
        let activity = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#{kind}/{}", s.member.id(), random_hex(8)), "type": kind, "actor": s.member.id(),
            "object": discussion, "content": "🎉"
        });
        let (status, body) = s.post(&s.member, &activity).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{kind}: {body}");
    }
    // A profile update is deliberately ignored (the actor is re-read when next fetched).
    let update = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#updates/{}", s.member.id(), random_hex(8)), "type": "Update", "actor": s.member.id(),
        "object": {"id": s.member.id(), "type": "Person", "preferredUsername": "alice", "inbox": s.member.inbox()}
    });
    let (status, body) = s.post(&s.member, &update).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // Following a person is not offered: ignored, not applied.
    let follow = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#follows/{}", s.member.id(), random_hex(8)), "type": "Follow", "actor": s.member.id(),
        "object": s.community.owner_url
    });
    let (status, body) = s.post(&s.member, &follow).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    let row = poll_until(DEADLINE, "the ignored activities counted", || async {
        let row = s.counts().await;
        (row["incoming_ignored"].as_u64() >= Some(5)).then_some(row)
    })
    .await;
    for kind in ["EmojiReact", "Move", "Read", "Update", "Follow"] {
        assert_eq!(incoming(&row, kind, "ignored"), 1, "{kind}: {row}");
    }
    let reason = row["incoming"].as_array().unwrap().iter().find(|c| c["kind"] == "EmojiReact").unwrap();
    assert_eq!(reason["last_status"], 202);
    assert!(reason["last_reason"].as_str().is_some_and(|r| r.contains("EmojiReact")), "{reason}");
    assert_eq!(row["incoming_refused"], 0, "{row}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_actor_that_cannot_be_fetched_is_401_actor_unavailable() {
    let s = Setup::new("st-actor").await;
    let ghost = s.peer.add_actor("ghost");
    s.peer.unserve(&Software::Mastodon.actor_path("ghost"));
    let (status, body) = s
        .post(
            &ghost,
            &json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{}#likes/{}", ghost.id(), random_hex(8)), "type": "Like", "actor": ghost.id(),
                "object": s.community.discussion_url
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "actor_unavailable", "{body}");
    let row = s.counts().await;
    assert_eq!(incoming(&row, "Like", "refused"), 1, "{row}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gone_actor_deleting_itself_is_ignored_with_202() {
    let s = Setup::new("st-gone").await;
    let leaving = s.peer.add_actor("leaving");
    let path = Software::Mastodon.actor_path("leaving");
    s.peer.serve(&path, json!({"id": leaving.id(), "type": "Tombstone"}));
    let delete = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#delete", leaving.id()), "type": "Delete", "actor": leaving.id(),
        "object": leaving.id(), "to": [PUBLIC]
    });
    let (status, body) = s.post(&leaving, &delete).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // Anything else from a gone actor cannot be checked.
    let like = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#likes/{}", leaving.id(), random_hex(8)), "type": "Like", "actor": leaving.id(),
        "object": s.community.discussion_url
    });
    let (status, body) = s.post(&leaving, &like).await;
    assert_eq!((status, &body["error"]), (StatusCode::UNAUTHORIZED, &json!("actor_unavailable")), "{body}");
    let row = s.counts().await;
    assert_eq!(incoming(&row, "Delete", "ignored"), 1, "{row}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_to_an_object_that_cannot_be_fetched_is_not_a_signature_problem() {
    let s = Setup::new("st-fetch").await;
    let missing = format!("{}/statuses/{}", s.member.id(), random_hex(12));
    let note_id = format!("{}/statuses/{}", s.member.id(), random_hex(12));
    let reply = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note_id}/activity"), "type": "Create", "actor": s.member.id(),
        "to": [PUBLIC], "cc": [s.community.url],
        "object": {
            "id": note_id, "type": "Note", "attributedTo": s.member.id(), "inReplyTo": missing,
            "to": [PUBLIC], "cc": [s.community.url], "content": "<p>reply to nothing</p>"
        }
    });
    let (status, body) = s.post(&s.member, &reply).await;
    assert!(status.is_client_error() && status != StatusCode::UNAUTHORIZED, "{status}: {body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_actor_is_an_actor_not_a_signature_failure() {
    let s = Setup::new("st-app").await;
    // Mastodon 4's instance actor: `Application`, preferredUsername = the domain.
    let app = s.peer.add_actor("instance-actor");
    let path = Software::Mastodon.actor_path("instance-actor");
    let pem = s.peer.document(&path).expect("served")["publicKey"]["publicKeyPem"].clone();
    s.peer.serve(
        &path,
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": app.id(), "type": "Application", "preferredUsername": s.peer.host(),
            "inbox": app.inbox(), "outbox": format!("{}/outbox", app.id()),
            "endpoints": {"sharedInbox": format!("{}/inbox", s.peer.base_url())},
            "manuallyApprovesFollowers": true,
            "url": format!("{}/about/more?instance_actor=true", s.peer.base_url()),
            "publicKey": {"id": app.key_id(), "owner": app.id(), "publicKeyPem": pem}
        }),
    );
    let activity = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#reacts/{}", app.id(), random_hex(8)), "type": "EmojiReact", "actor": app.id(),
        "object": s.community.discussion_url, "content": "👍"
    });
    let (status, body) = s.post(&app, &activity).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}
