//! Finding a community on another server from whatever address a person pastes: its handle,
//! its ActivityPub id, the browser address of any of its pages, or a discussion's address;
//! and, when that fails, an error that names the real cause.

use federation_tests::community::{LocalCommunity, member};
use federation_tests::{InProcessInstance, StatusCode, Value, json};

async fn resolve(client: &federation_tests::Client, query: &str) -> (StatusCode, Value) {
    client.post("/api/guildhall/v1/federation/resolve", &json!({"query": query})).await
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_page_addresses_resolve_and_failures_say_why() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let community = LocalCommunity::create(&beta, "host", "pasted").await;
    let ada = member(&alpha, "ada").await;
    let base = format!("http://{}", beta.domain());
    let handle = format!("pasted@{}", beta.domain());
    for address in [
        format!("{base}/communities/pasted"),
        format!("{base}/communities/pasted/events"),
        format!("{base}/communities/pasted/members"),
        community.url.clone(),
        community.discussion_url.clone(),
    ] {
        let (status, found) = resolve(&ada, &address).await;
        assert_eq!(status, StatusCode::OK, "{address}: {found}");
        assert_eq!(found["handle"], handle, "{address}: {found}");
    }

    // A page that names no ActivityPub address, and a server that is not there.
    let (status, body) = resolve(&ada, &format!("{base}/communities")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("names no ActivityPub address"), "{body}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (status, body) = resolve(&ada, &format!("http://localhost:{closed}/c/nobody")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("localhost:{closed}")) && message.contains("refused"), "{body}");
    // A community that does not exist is not found, with the usual 404.
    let (status, body) = resolve(&ada, &format!("nobody@{}", beta.domain())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}
