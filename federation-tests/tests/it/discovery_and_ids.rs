//! How other servers find us and check what we send: WebFinger, NodeInfo, host-meta, actor
//! documents, and every activity id we send can be fetched back.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, Value, poll_until};

async fn get(url: &str, accept: &str) -> (u16, String, String, Option<String>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let r = client.get(url).header("accept", accept).send().await.expect("GET");
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let cors = r.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, ct, r.text().await.unwrap_or_default(), cors)
}

#[tokio::test(flavor = "multi_thread")]
async fn webfinger_nodeinfo_actors_and_dereferenceable_activity_ids() {
    let instance = InProcessInstance::start("discovery").await;
    let community = LocalCommunity::create(&instance, "owner", "ux-design").await;
    let base = format!("http://{}", instance.domain());
    let wf = |r: &str| format!("{base}/.well-known/webfinger?resource={r}");

    // WebFinger: the community and its owner share one name space; errors are JRD-ish JSON.
    let (status, ct, body, cors) = get(&wf(&format!("acct:ux-design@{}", instance.domain())), "*/*").await;
    assert_eq!((status, ct.as_str(), cors.as_deref()), (200, "application/jrd+json", Some("*")));
    let jrd: Value = serde_json::from_str(&body).unwrap();
    let link = jrd["links"].as_array().unwrap().iter().find(|l| l["rel"] == "self").unwrap().clone();
    assert_eq!(link["href"], community.url);
    assert_eq!(link["properties"]["https://www.w3.org/ns/activitystreams#type"], "Group");
    let (status, ..) = get(&wf(&format!("acct:owner@{}", instance.domain())), "*/*").await;
    assert_eq!(status, 200);
    assert_eq!(get(&wf(&format!("acct:nobody@{}", instance.domain())), "*/*").await.0, 404);
    assert_eq!(get(&wf("acct:ux-design@elsewhere.example"), "*/*").await.0, 404);
    assert_eq!(get(&format!("{base}/.well-known/webfinger"), "*/*").await.0, 400);
    assert_eq!(get(&wf("acct:x@127.0.0.1/evil?"), "*/*").await.0, 400);

    // NodeInfo and host-meta.
    let (status, _, body, _) = get(&format!("{base}/.well-known/nodeinfo"), "*/*").await;
    assert_eq!(status, 200);
    let href = serde_json::from_str::<Value>(&body).unwrap()["links"][0]["href"].as_str().unwrap().to_owned();
    let (status, _, body, _) = get(&href, "*/*").await;
    let ni: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, ni["software"]["name"].as_str(), ni["protocols"][0].as_str()),
        (200, Some("guildhall"), Some("activitypub"))
    );
    let (status, ct, body, _) = get(&format!("{base}/.well-known/host-meta"), "*/*").await;
    assert_eq!((status, ct.as_str()), (200, "application/xrd+xml"));
    assert!(body.contains("/.well-known/webfinger?resource={uri}"), "{body}");

    // The Group actor document.
    let (status, ct, body, _) = get(&community.url, "application/activity+json").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/activity+json"), "{ct}");
    let group: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((group["type"].as_str(), group["preferredUsername"].as_str()), (Some("Group"), Some("ux-design")));
    assert_eq!(group["publicKey"]["owner"], community.url);
    // JSON-LD readers (Fedify) see `publicKey` only with the security vocabulary in the context.
    let context = group["@context"].as_array().expect("@context is a list");
    assert!(context.iter().any(|c| c == "https://w3id.org/security/v1"), "{context:?}");
    assert_eq!(context[0], "https://www.w3.org/ns/activitystreams");
    assert_eq!(group["followers"], format!("{}/followers", community.url));

    // A follower on another server receives an Accept and, later, the Announces of a new post;
    // each id it received can be fetched back from us. (Mastodon: it is sent the plain
    // Announce of the post too, which Lemmy is not.)
    let peer = FakePeer::start(Software::Mastodon).await;
    let alice = peer.add_actor("alice");
    let accept = alice.follow(&community.url).await;
    community
        .owner
        .post(
            "/api/guildhall/v1/communities/ux-design/discussions",
            &serde_json::json!({"title": "Ids", "body": "fetch me"}),
        )
        .await;
    let announces: Vec<Value> = poll_until(Duration::from_secs(10), "two Announces", || async {
        let got: Vec<Value> = peer.received().into_iter().filter(|a| a["type"] == "Announce").collect();
        (got.len() >= 2).then_some(got)
    })
    .await;
    let mut ids = vec![accept["id"].as_str().unwrap().to_owned()];
    for a in &announces {
        ids.push(a["id"].as_str().unwrap().to_owned());
        if a["object"]["type"] == "Create" {
            ids.push(a["object"]["id"].as_str().unwrap().to_owned());
            ids.push(a["object"]["object"]["id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(ids.len(), 5, "Accept, two Announces, the Create and its Page: {ids:?}");
    for id in ids {
        let (status, ct, body, _) = get(&id, "application/activity+json").await;
        assert_eq!(status, 200, "{id}: {body}");
        assert!(ct.starts_with("application/activity+json"), "{id}: {ct}");
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["id"], id.as_str());
    }
}
