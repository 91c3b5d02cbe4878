//! A moderator's pin and lock reach Lemmy-style followers in Lemmy's own shapes: the
//! community announces `Add`/`Remove` on its `featured` collection and `Lock`/`Undo{Lock}`,
//! and sends its own `Update` of the post only to other software.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

async fn announced(peer: &FakePeer, kind: &str, inner: &str) -> Value {
    poll_until(Duration::from_secs(10), &format!("Announce{{{kind}}}"), || async {
        peer.received().into_iter().find(|a| {
            a["type"] == "Announce"
                && a["object"]["type"] == kind
                && (inner.is_empty() || a["object"]["object"]["type"] == inner)
        })
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn pins_and_locks_are_announced_in_lemmy_shapes() {
    let instance = InProcessInstance::start("moderation").await;
    let community = LocalCommunity::create(&instance, "owner", "ux-design").await;
    let peer = FakePeer::start(Software::Lemmy).await;
    peer.add_actor("alice").follow(&community.url).await;
    let mastodon = FakePeer::start(Software::Mastodon).await;
    mastodon.add_actor("max").follow(&community.url).await;
    let id = &community.discussion_id;

    expect_status(
        community.owner.post(&format!("/api/guildhall/v1/discussions/{id}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    let add = announced(&peer, "Add", "").await;
    assert_eq!(add["object"]["object"], community.discussion_url);
    assert_eq!(add["object"]["target"], format!("{}/featured", community.url));
    assert_eq!(add["object"]["actor"], community.owner_url);
    assert_eq!(add["actor"], community.url);

    expect_status(
        community.owner.post(&format!("/api/guildhall/v1/discussions/{id}/lock"), &json!({})).await,
        StatusCode::OK,
        "lock",
    );
    let lock = announced(&peer, "Lock", "").await;
    assert_eq!(lock["object"]["object"], community.discussion_url);

    expect_status(
        community.owner.post(&format!("/api/guildhall/v1/discussions/{id}/unlock"), &json!({})).await,
        StatusCode::OK,
        "unlock",
    );
    announced(&peer, "Undo", "Lock").await;
    expect_status(
        community.owner.post(&format!("/api/guildhall/v1/discussions/{id}/unpin"), &json!({})).await,
        StatusCode::OK,
        "unpin",
    );
    announced(&peer, "Remove", "").await;

    // The community's own statement of the state goes to other software (Guildhall peers
    // read it), never to Lemmy, which refuses a post's Update signed by a community.
    let by_community = |a: &Value| a["type"] == "Update" && a["actor"] == community.url.as_str();
    let update = poll_until(Duration::from_secs(10), "Update{Page} by the community", || async {
        mastodon.received().into_iter().find(by_community)
    })
    .await;
    assert_eq!(update["object"]["type"], "Page");
    let to_lemmy: Vec<Value> = peer.received().into_iter().filter(by_community).collect();
    assert!(to_lemmy.is_empty(), "Lemmy was sent the community's Update: {to_lemmy:?}");
}
