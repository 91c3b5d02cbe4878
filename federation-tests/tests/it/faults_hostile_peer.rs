//! Servers that stall, never finish an answer, flood it with 50 MiB, or send broken JSON:
//! whatever such a server is asked for (the key of an activity's sender, a community a member
//! looks up) is refused in bounded time with the reason, the instance keeps serving everyone
//! else meanwhile, and nothing from the bad server is stored.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::hostile::{Behaviour, HostileServer};
use federation_tests::peer::{FakePeer, SignOptions, Software};
use federation_tests::{InProcessInstance, StatusCode, json};

/// Longer than any bound the instance puts on a remote request (10 s), shorter than forever.
const BOUND: Duration = Duration::from_secs(45);

/// The behaviours tried, each on its own server.
const HOSTILE: [Behaviour; 4] = [Behaviour::Slow, Behaviour::SlowBody, Behaviour::HugeBody, Behaviour::MalformedJson];

/// `http://localhost:PORT`, the way federation addresses a loopback peer.
fn base_of(server: &HostileServer) -> String {
    let port = server.host().rsplit(':').next().expect("a port");
    format!("http://localhost:{port}")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_activity_from_an_actor_on_a_hostile_server_is_refused_in_bounded_time() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("bulwark"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let signer = peer.add_actor("signer");
    let mut servers = Vec::new();
    for behaviour in HOSTILE {
        servers.push(HostileServer::start(behaviour).await);
    }

    // Each follow names an actor whose key lives on a hostile server; all are in flight at once.
    let attempts = servers.iter().map(|server| {
        let actor = format!("{}/users/mallory", base_of(server));
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{actor}/follows/1"),
            "type": "Follow",
            "actor": actor,
            "object": community.url,
        });
        let options = SignOptions { key_id: Some(format!("{actor}#main-key")), ..SignOptions::default() };
        let (signer, inbox) = (signer.clone(), community.shared_inbox.clone());
        async move {
            let body = follow.to_string().into_bytes();
            tokio::time::timeout(BOUND, signer.post_with(&inbox, &body, &options)).await
        }
    });
    let all = futures_util::future::join_all(attempts);
    tokio::pin!(all);

    // While the hostile servers hold their requests, everyone else is served.
    let path = format!("/api/guildhall/v1/communities/{}", community.name);
    let (status, body) = tokio::select! {
        answered = community.owner.get(&path) => answered,
        _ = &mut all => panic!("the hostile requests ended before the check could run"),
    };
    assert_eq!(status, StatusCode::OK, "a local read while hostile servers stall: {body}");

    for (behaviour, outcome) in HOSTILE.iter().zip(all.await) {
        let (status, body) =
            outcome.unwrap_or_else(|_| panic!("{behaviour:?}: the inbox did not answer within {BOUND:?}"));
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{behaviour:?}: {body}");
        assert!(body.contains("actor_unavailable"), "{behaviour:?}: the refusal names its reason: {body}");
    }
    assert_eq!(community.members().await, vec![community.owner_name.clone()], "no hostile actor joined");
}

#[tokio::test(flavor = "multi_thread")]
async fn looking_up_a_community_on_a_hostile_server_fails_in_bounded_time_with_the_reason() {
    let instance = InProcessInstance::start("lookout").await;
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let mut servers = Vec::new();
    for behaviour in HOSTILE {
        servers.push(HostileServer::start(behaviour).await);
    }
    let lookups = servers.iter().map(|server| {
        let query = format!("{}/c/plans", base_of(server));
        let client = community.owner.clone();
        async move {
            tokio::time::timeout(BOUND, client.post("/api/guildhall/v1/federation/resolve", &json!({"query": query})))
                .await
        }
    });
    for (behaviour, outcome) in HOSTILE.iter().zip(futures_util::future::join_all(lookups).await) {
        let (status, body) = outcome.unwrap_or_else(|_| panic!("{behaviour:?}: no answer within {BOUND:?}"));
        assert!(
            status == StatusCode::BAD_GATEWAY || status == StatusCode::BAD_REQUEST,
            "{behaviour:?}: a hostile server is a remote failure, not ours: {status} {body}"
        );
        assert!(!body["message"].as_str().unwrap_or_default().is_empty(), "{behaviour:?}: a reason: {body}");
    }
}
