//! RFC 9421 HTTP Message Signatures (as Fedify sends them first): a correctly signed Follow is
//! accepted and answered; a tampered or incomplete one answers 401 (so the sender retries with
//! draft-cavage) and changes nothing. A signature by a rotated key has the actor fetched once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakeActor, FakePeer, Software, sign};
use federation_tests::{InProcessInstance, StatusCode, Value, poll_until};
use sha2::{Digest, Sha256};

struct Signed {
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

/// Signs `activity` for `inbox` the way Fedify does: @method, @target-uri, content-digest and
/// content-type covered, rsa-v1_5-sha256, created now.
fn sign_9421(actor: &FakeActor, inbox: &str, activity: &Value, covered: &[&str]) -> Signed {
    let body = serde_json::to_vec(activity).unwrap();
    let digest = format!("sha-256=:{}:", BASE64.encode(Sha256::digest(&body)));
    let created = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let list = covered.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(" ");
    let params = format!("({list});created={created};keyid=\"{}\";alg=\"rsa-v1_5-sha256\"", actor.key_id());
    let mut base = String::new();
    for c in covered {
        let value = match *c {
            "@method" => "POST".to_string(),
            "@target-uri" => inbox.to_string(),
            "content-digest" => digest.clone(),
            "content-type" => "application/activity+json".to_string(),
            other => panic!("unsupported component {other}"),
        };
        base.push_str(&format!("\"{c}\": {value}\n"));
    }
    base.push_str(&format!("\"@signature-params\": {params}"));
    let signature = sign(&actor.key(), &base);
    Signed {
        body,
        headers: vec![
            ("content-type".into(), "application/activity+json".into()),
            ("content-digest".into(), digest),
            ("signature-input".into(), format!("sig1={params}")),
            ("signature".into(), format!("sig1=:{signature}:")),
        ],
    }
}

async fn post(inbox: &str, s: &Signed) -> StatusCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();
    let mut req = client.post(inbox).body(s.body.clone());
    for (k, v) in &s.headers {
        req = req.header(k, v);
    }
    req.send().await.expect("POST").status()
}

#[tokio::test(flavor = "multi_thread")]
async fn rfc9421_signed_follow_is_accepted_and_tampering_is_refused() {
    let instance = InProcessInstance::start("rfc9421").await;
    let community = LocalCommunity::create(&instance, "owner", "ux-design").await;
    let peer = FakePeer::start(Software::Mastodon).await;
    let alice = peer.add_actor("alice");
    let covered = ["@method", "@target-uri", "content-digest", "content-type"];

    // Tampered body: the digest no longer matches.
    let follow = alice.follow_activity(&community.url);
    let mut tampered = sign_9421(&alice, &community.inbox, &follow, &covered);
    tampered.body = serde_json::to_vec(&alice.follow_activity(&community.url)).unwrap();
    assert_eq!(post(&community.inbox, &tampered).await, StatusCode::UNAUTHORIZED);

    // A signature that leaves the digest out is refused too.
    let partial = sign_9421(&alice, &community.inbox, &follow, &["@method", "@target-uri", "content-type"]);
    assert_eq!(post(&community.inbox, &partial).await, StatusCode::UNAUTHORIZED);

    // Signed for another target URI (a replay to a different inbox).
    let elsewhere = sign_9421(&alice, &community.shared_inbox, &follow, &covered);
    assert_eq!(post(&community.inbox, &elsewhere).await, StatusCode::UNAUTHORIZED);
    assert!(community.members().await.iter().all(|m| !m.starts_with("alice@")), "nothing stored");

    // Correctly signed: accepted, and the Accept reaches alice.
    let good = sign_9421(&alice, &community.inbox, &follow, &covered);
    assert_eq!(post(&community.inbox, &good).await, StatusCode::ACCEPTED);
    alice.wait_for_answer(follow["id"].as_str().unwrap(), "Accept").await;
    poll_until(Duration::from_secs(10), "alice listed as a member", || async {
        community.members().await.iter().any(|m| m == &alice.handle()).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rfc9421_signature_with_a_rotated_key_fetches_the_actor_once() {
    let instance = InProcessInstance::start("rfc9421-rotate").await;
    let community = LocalCommunity::create(&instance, "owner", "ux-design").await;
    let peer = FakePeer::start(Software::Mastodon).await;
    let alice = peer.add_actor_with_own_key("alice").await;
    let covered = ["@method", "@target-uri", "content-digest", "content-type"];
    let follow = alice.follow_activity(&community.url);
    assert_eq!(
        post(&community.inbox, &sign_9421(&alice, &community.inbox, &follow, &covered)).await,
        StatusCode::ACCEPTED
    );
    poll_until(Duration::from_secs(10), "alice listed as a member", || async {
        community.members().await.iter().any(|m| m == &alice.handle()).then_some(())
    })
    .await;

    // alice's server rotates her key (same key id) and she leaves at once, signing with it.
    let rotated = peer.add_actor_with_key("alice", std::sync::Arc::new(federation_tests::peer::generate_key().await));
    let actor_path = Software::Mastodon.actor_path("alice");
    let fetched = peer.fetch_count(&actor_path);
    let undo = serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}#undo-follow", rotated.id()),
        "type": "Undo",
        "actor": rotated.id(),
        "object": follow["id"],
    });
    let signed = sign_9421(&rotated, &community.inbox, &undo, &covered);
    assert_eq!(post(&community.inbox, &signed).await, StatusCode::ACCEPTED, "signed with the new key");
    assert_eq!(peer.fetch_count(&actor_path), fetched + 1, "the actor is fetched once for the new key");
    poll_until(Duration::from_secs(10), "alice gone from the members", || async {
        community.members().await.iter().all(|m| m != &alice.handle()).then_some(())
    })
    .await;

    // Signatures that do not verify right after fetch nothing more.
    for n in 0..3 {
        let mut tampered = sign_9421(&rotated, &community.inbox, &undo, &covered);
        let mut other = undo.clone();
        other["id"] = Value::String(format!("{}#tampered-{n}", rotated.id()));
        tampered.body = serde_json::to_vec(&other).unwrap();
        assert_eq!(post(&community.inbox, &tampered).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(peer.fetch_count(&actor_path), fetched + 1, "no fetch per bad signature");
}
