//! Forged membership answers and relays are refused and change nothing: an Accept for a Follow
//! we never sent, an Accept or a ban from an actor that is not the community, and members-only
//! content announced by someone other than its community. The community here is a fake
//! Lemmy-shaped `Group` on a fake server, so the test controls every activity it sends.

use std::time::Duration;

use federation_tests::community::member;
use federation_tests::peer::{FakeActor, FakePeer, Software, public_key_pem};
use federation_tests::{
    Client, InProcessInstance, StatusCode, Value, expect_status, json, panics_so_far, poll_until, random_hex,
};

const DEADLINE: Duration = Duration::from_secs(20);

/// Serves a `Group` (approval needed) in place of `actor`'s Person document.
fn serve_group(peer: &FakePeer, actor: &FakeActor, path: &str) {
    let id = actor.id();
    peer.serve(
        path,
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "type": "Group", "id": id, "preferredUsername": actor.name(), "name": "Secret ops",
            "inbox": actor.inbox(), "outbox": format!("{id}/outbox"), "followers": format!("{id}/followers"),
            "publicKey": {"id": actor.key_id(), "owner": id, "publicKeyPem": public_key_pem(&actor.key())},
            "manuallyApprovesFollowers": true, "visibility": "private",
            "endpoints": {"sharedInbox": format!("{}/inbox", peer.base_url())}
        }),
    );
}

async fn role(client: &Client, handle: &str) -> Value {
    client.get(&format!("/api/guildhall/v1/communities/{handle}")).await.1["my_role"].clone()
}

fn accept(by: &FakeActor, follow: &Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": by.new_id("accept"), "type": "Accept", "actor": by.id(), "object": follow
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_answers_and_relays_change_nothing() {
    let alpha = InProcessInstance::start("alpha").await;
    let ada = member(&alpha, "ada").await;
    let peer = FakePeer::start(Software::Lemmy).await;
    let group = peer.add_actor("ops");
    serve_group(&peer, &group, &Software::Lemmy.actor_path("ops"));
    let mallory = peer.add_actor("mallory");
    let handle = format!("ops@{}", peer.host());
    let inbox = format!("http://{}/inbox", alpha.domain());

    expect_status(
        ada.post("/api/guildhall/v1/federation/resolve", &json!({"query": handle})).await,
        StatusCode::OK,
        "resolve",
    );
    let joined = expect_status(
        ada.post(&format!("/api/guildhall/v1/communities/{handle}/join"), &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    );
    assert_eq!(joined["status"], "requested");
    let follow = poll_until(DEADLINE, "ada's Follow at the group", || async {
        peer.received().into_iter().find(|a| a["type"] == "Follow" && a["object"] == group.id())
    })
    .await;

    // 1. An Accept by the group of a Follow alpha never sent.
    let mut never_sent = follow.clone();
    never_sent["id"] = json!(format!("http://{}/activities/{}", alpha.domain(), random_hex(20)));
    let (status, _) = group.sign_and_post(&inbox, &accept(&group, &never_sent)).await;
    assert!(status.is_client_error() || status == StatusCode::ACCEPTED, "{status}");
    // 2. An Accept of the real Follow, but by someone other than the group.
    let (status, _) = mallory.sign_and_post(&inbox, &accept(&mallory, &follow)).await;
    assert!(status.is_client_error() || status == StatusCode::ACCEPTED, "{status}");
    assert_eq!(role(&ada, &handle).await, "pending", "a forged Accept admitted ada");

    // 3. Members-only content announced by a non-group actor is refused and not stored.
    let page_id = format!("{}/post/{}", peer.base_url(), random_hex(8));
    let followers = format!("{}/followers", group.id());
    let create = json!({
        "id": mallory.new_id("create"), "type": "Create", "actor": mallory.id(),
        "to": [followers], "cc": [group.id()], "audience": group.id(),
        "object": {"id": page_id, "type": "Page", "attributedTo": mallory.id(), "name": "Injected",
                   "content": "<p>forged-9d2</p>", "to": [followers], "cc": [group.id()], "audience": group.id()}
    });
    let announce = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": mallory.new_id("announce"), "type": "Announce", "actor": mallory.id(),
        "to": [followers], "object": create
    });
    let (status, body) = mallory.sign_and_post(&inbox, &announce).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // The real Accept, from the group, admits her (the control: answers are read at all).
    let (status, body) = group.sign_and_post(&inbox, &accept(&group, &follow)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    poll_until(DEADLINE, "ada admitted", || async { (role(&ada, &handle).await == "member").then_some(()) }).await;

    // 4. A ban (Lemmy's Block, announced) by a non-group actor changes nothing.
    let block = json!({
        "id": mallory.new_id("block"), "type": "Block", "actor": mallory.id(),
        "object": format!("http://{}/u/ada", alpha.domain()), "target": group.id(),
        "to": [followers], "cc": [group.id()], "audience": group.id()
    });
    for activity in [
        block.clone(),
        json!({"@context": "https://www.w3.org/ns/activitystreams", "id": mallory.new_id("announce"),
               "type": "Announce", "actor": mallory.id(), "to": [followers], "object": block}),
    ] {
        let (status, _) = mallory.sign_and_post(&inbox, &activity).await;
        assert!(status.is_client_error() || status == StatusCode::ACCEPTED, "{status}");
    }
    // 5. Content sent straight to alpha for the private community (not relayed by it).
    let direct = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": mallory.new_id("create"), "type": "Create", "actor": mallory.id(),
        "to": [followers], "cc": [group.id()], "audience": group.id(),
        "object": {"id": format!("{}/post/{}", peer.base_url(), random_hex(8)), "type": "Page",
                   "attributedTo": mallory.id(), "name": "Direct", "content": "<p>forged-4e1</p>",
                   "to": [followers], "cc": [group.id()], "audience": group.id()}
    });
    let (status, _) = mallory.sign_and_post(&inbox, &direct).await;
    assert!(status.is_client_error(), "{status}");

    assert_eq!(role(&ada, &handle).await, "member", "a forged Block banned ada");
    let (_, list) = ada.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    let text = list.to_string();
    assert!(!text.contains("forged-9d2") && !text.contains("forged-4e1"), "{text}");
    let panics = panics_so_far();
    assert!(panics.is_empty(), "the server panicked: {panics:?}");
}
