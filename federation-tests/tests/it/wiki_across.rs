//! A community's wiki across servers: pages go to the community's followers as `Article`s
//! (`Create`, then `Update` on each revision); a member on another server reads a current copy
//! with its history, and edits it through the community's server, checked by the same rules.

use std::time::Duration;

use federation_tests::community::{LocalCommunity, join_remote, member};
use federation_tests::peer::ACTIVITY_JSON;
use federation_tests::{Client, InProcessInstance, StatusCode, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn wait_member(client: &Client, handle: &str) {
    poll_until(DEADLINE, "membership accepted", || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wiki_pages_follow_their_community() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let lounge = LocalCommunity::create(&alpha, "ada", "lounge").await;
    let bob = member(&beta, "bob").await;
    let handle = format!("lounge@{}", alpha.domain());
    join_remote(&bob, &handle).await;
    wait_member(&bob, &handle).await;

    let page = expect_status(
        lounge
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/wiki",
                &json!({"title": "Onboarding", "body": "Hello, see [[FAQ]]."}),
            )
            .await,
        StatusCode::CREATED,
        "create a page",
    );
    assert_eq!(page["slug"], "onboarding");
    let copy = format!("/api/guildhall/v1/communities/{handle}/wiki/onboarding");
    poll_until(DEADLINE, "the page on beta", || async {
        let (status, p) = bob.get(&copy).await;
        (status == StatusCode::OK && p["revision"] == 1).then_some(p)
    })
    .await;

    let edit = json!({"base_revision": 1, "body": "Hello, see [[FAQ]] and [[Rooms]].", "summary": "rooms"});
    expect_status(
        lounge.owner.patch("/api/guildhall/v1/communities/lounge/wiki/onboarding", &edit).await,
        StatusCode::OK,
        "edit",
    );
    let p = poll_until(DEADLINE, "the new revision on beta", || async {
        let (_, p) = bob.get(&copy).await;
        (p["revision"] == 2).then_some(p)
    })
    .await;
    assert_eq!(p["body"], "Hello, see [[FAQ]] and [[Rooms]].");
    assert_eq!(p["can_edit"], false, "a copy is read-only");
    let (_, history) = bob.get(&format!("{copy}/revisions")).await;
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    let (_, diff) = bob.get(&format!("{copy}/diff?from=1&to=2")).await;
    assert!(diff["unified"].as_str().unwrap_or_default().contains("[[Rooms]]"), "{diff}");

    // Bob's edit goes to the community's server, which applies it and sends it back out.
    let (status, body) =
        bob.patch(&copy, &json!({"base_revision": 2, "body": "From beta: hi!", "summary": "greeting"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on_alpha = poll_until(DEADLINE, "bob's edit on alpha", || async {
        let (_, p) = lounge.owner.get("/api/guildhall/v1/communities/lounge/wiki/onboarding").await;
        (p["revision"] == 3).then_some(p)
    })
    .await;
    assert_eq!(on_alpha["body"], "From beta: hi!");
    assert_eq!(on_alpha["last_author"]["username"], format!("bob@{}", beta.domain()).as_str());
    assert_eq!(on_alpha["last_summary"], "greeting");
    poll_until(DEADLINE, "bob's edit back on beta", || async {
        let (_, p) = bob.get(&copy).await;
        (p["revision"] == 3 && p["body"] == "From beta: hi!").then_some(())
    })
    .await;
    // A stale base is refused on beta at once; restore and lock stay with the community.
    let (status, _) = bob.patch(&copy, &json!({"base_revision": 2, "body": "stale"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = bob.post(&format!("{copy}/restore"), &json!({"revision": 1})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Moderators only now: bob's next edit is refused by alpha and changes nothing.
    let set = lounge
        .owner
        .request(
            reqwest::Method::PUT,
            "/api/guildhall/v1/communities/lounge/wiki-settings",
            Some(&json!({"editors": "moderators"})),
        )
        .await;
    expect_status(set, StatusCode::OK, "moderators only");
    expect_status(bob.patch(&copy, &json!({"base_revision": 3, "body": "refused"})).await, StatusCode::OK, "sent");
    let edit = json!({"base_revision": 3, "body": "Moderated text"});
    expect_status(
        lounge.owner.patch("/api/guildhall/v1/communities/lounge/wiki/onboarding", &edit).await,
        StatusCode::OK,
        "ada",
    );
    poll_until(DEADLINE, "ada's revision on beta", || async {
        let (_, p) = bob.get(&copy).await;
        (p["revision"] == 4 && p["body"] == "Moderated text").then_some(())
    })
    .await;
    let (_, history) = lounge.owner.get("/api/guildhall/v1/communities/lounge/wiki/onboarding/revisions").await;
    assert_eq!(history.as_array().map(Vec::len), Some(4), "bob's refused edit left no revision: {history}");

    // The page is an Article attributed to the community.
    let url = format!("http://{}/w/1", alpha.domain());
    let r = reqwest::Client::new().get(alpha.url("/w/1")).header("Accept", ACTIVITY_JSON).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let a: serde_json::Value = r.json().await.unwrap();
    assert_eq!((a["type"].as_str(), a["id"].as_str()), (Some("Article"), Some(url.as_str())), "{a}");
    assert_eq!(a["attributedTo"], lounge.url.as_str());
    assert_eq!(a["source"]["content"], "Moderated text");

    // Alpha told beta why (a Reject of the edit): bob sees the reason and keeps his text, and
    // his copy is untouched.
    let p = poll_until(DEADLINE, "the refusal on beta", || async {
        let (_, p) = bob.get(&copy).await;
        p["my_refused_edit"].is_object().then_some(p)
    })
    .await;
    let refusal = &p["my_refused_edit"];
    assert!(refusal["reason"].as_str().unwrap_or_default().contains("moderators"), "{refusal}");
    assert_eq!(refusal["body"], "refused");
    assert_eq!((p["revision"].as_i64(), p["body"].as_str()), (Some(4), Some("Moderated text")));
    let (_, p) = lounge.owner.get("/api/guildhall/v1/communities/lounge/wiki/onboarding").await;
    assert!(p["my_refused_edit"].is_null(), "only the editor's copy shows it: {p}");

    // Members may edit again, but the page is locked: refused too, and that is the last refusal.
    let set = lounge
        .owner
        .request(
            reqwest::Method::PUT,
            "/api/guildhall/v1/communities/lounge/wiki-settings",
            Some(&json!({"editors": "members"})),
        )
        .await;
    expect_status(set, StatusCode::OK, "members again");
    let lock = lounge.owner.post("/api/guildhall/v1/communities/lounge/wiki/onboarding/lock", &json!({})).await;
    expect_status(lock, StatusCode::OK, "lock the page");
    expect_status(bob.patch(&copy, &json!({"base_revision": 4, "body": "locked try"})).await, StatusCode::OK, "sent");
    let p = poll_until(DEADLINE, "the lock refusal on beta", || async {
        let (_, p) = bob.get(&copy).await;
        (p["my_refused_edit"]["body"] == "locked try").then_some(p)
    })
    .await;
    assert!(p["my_refused_edit"]["reason"].as_str().unwrap_or_default().contains("locked"), "{p}");
    let (_, history) = lounge.owner.get("/api/guildhall/v1/communities/lounge/wiki/onboarding/revisions").await;
    assert_eq!(history.as_array().map(Vec::len), Some(4), "the locked page kept its revisions: {history}");
}
