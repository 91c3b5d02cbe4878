//! Guild activities from a hostile server: a fake `Group` that claims to be a guild. It may ask
//! (that is what asking is for), but it cannot make one of our communities its member without
//! our moderators' yes, cannot answer an ask we never made, and cannot speak for a community
//! it is not. Nothing is stored for refused activities, and no post of ours reaches it.

use std::time::Duration;

use federation_tests::community::member;
use federation_tests::peer::{FakeActor, FakePeer, Software};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

/// Re-serves the fake actor's document as a guild `Group`.
async fn as_guild(peer: &FakePeer, actor: &FakeActor) {
    let mut doc: Value = reqwest::Client::new()
        .get(actor.id())
        .header("Accept", "application/activity+json")
        .send()
        .await
        .expect("GET actor")
        .json()
        .await
        .expect("JSON");
    doc["type"] = json!("Group");
    doc["guildFocus"] = json!("role");
    doc["followers"] = json!(format!("{}/followers", actor.id()));
    peer.serve(&Software::Mastodon.actor_path(actor.name()), doc);
}

async fn links(client: &Client, community: &str) -> Value {
    client.get(&format!("/api/guildhall/v1/communities/{community}/guilds")).await.1
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fake_guild_cannot_take_a_community_without_consent() {
    let (alpha, peer) = tokio::join!(InProcessInstance::start("alpha"), FakePeer::start(Software::Mastodon));
    let manager = member(&alpha, "manny").await;
    let body = json!({"name": "ux-alpha", "title": "UX", "visibility": "public"});
    expect_status(manager.post("/api/guildhall/v1/communities", &body).await, StatusCode::CREATED, "community");
    let community = format!("http://{}/c/ux-alpha", alpha.domain());
    let inbox = format!("{community}/inbox");
    let fake = peer.add_actor("guildy");
    as_guild(&peer, &fake).await;

    // "Add" news naming our community as its member: ignored, no link.
    let add = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": fake.new_id("add"), "type": "Add",
        "actor": fake.id(), "object": community, "target": fake.id()});
    let (status, body) = fake.sign_and_post(&inbox, &add).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // An Accept of an Offer we never made: ignored.
    let accept = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": fake.new_id("accept"), "type": "Accept",
        "actor": fake.id(), "object": {"id": fake.new_id("offer"), "type": "Offer", "actor": community, "object": community, "target": fake.id()}});
    let (status, body) = fake.sign_and_post(&inbox, &accept).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    // An Offer made in someone else's name: refused.
    let forged = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": fake.new_id("offer"), "type": "Offer",
        "actor": fake.id(), "object": community, "target": community});
    let (status, _) = fake.sign_and_post(&inbox, &forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an Offer is made by its object itself");
    assert_eq!(links(&manager, "ux-alpha").await, json!([]), "no link without our yes");

    // An Invite is fine: it waits for our moderators, and is visible to them only.
    let invite = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": fake.new_id("invite"), "type": "Invite",
        "actor": fake.id(), "object": fake.id(), "target": community});
    let (status, body) = fake.sign_and_post(&inbox, &invite).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let mine = links(&manager, "ux-alpha").await;
    assert_eq!(mine[0]["state"], "invited", "{mine}");
    assert_eq!(links(&alpha.client(), "ux-alpha").await, json!([]), "pending links are the moderators' business");

    // Until we accept, our posts do not go to it.
    let post = json!({"title": "Not for you", "body": "yet"});
    expect_status(
        manager.post("/api/guildhall/v1/communities/ux-alpha/discussions", &post).await,
        StatusCode::CREATED,
        "post",
    );
    // Accepting sends the Accept{Invite}; posts after that are delivered.
    let fake_handle = format!("guildy@{}", peer.host());
    let yes = manager
        .request(reqwest::Method::PUT, &format!("/api/guildhall/v1/communities/ux-alpha/guilds/{fake_handle}"), None)
        .await;
    assert_eq!(expect_status(yes, StatusCode::OK, "accept the invitation")["state"], "active");
    let accepted = poll_until(DEADLINE, "Accept{Invite} at the fake guild", || async {
        peer.received().into_iter().find(|a| a["type"] == "Accept" && a["object"]["type"] == "Invite")
    })
    .await;
    assert_eq!(accepted["actor"], community.as_str());
    let post = json!({"title": "Now shared", "body": "with the guild"});
    expect_status(
        manager.post("/api/guildhall/v1/communities/ux-alpha/discussions", &post).await,
        StatusCode::CREATED,
        "post",
    );
    poll_until(DEADLINE, "the post reaches the guild", || async {
        let all = serde_json::to_string(&peer.received()).unwrap_or_default();
        all.contains("Now shared").then_some(())
    })
    .await;
    let all = serde_json::to_string(&peer.received()).unwrap_or_default();
    assert!(!all.contains("Not for you"), "nothing from before the link");
}
