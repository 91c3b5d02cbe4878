//! A moderator bans a member from another instance: the ban reaches the member's server as
//! Lemmy's `Block` (announced by the community), the member can no longer post there, and an
//! unban (`Undo{Block}`) lets them join again.

use std::time::Duration;

use federation_tests::community::member;
use federation_tests::{Client, InProcessInstance, StatusCode, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn role_becomes(client: &Client, handle: &str, role: &str) {
    poll_until(DEADLINE, &format!("my_role = {role}"), || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == role).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bans_cross_instances_and_can_be_lifted() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, bob) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("ops@{}", beta.domain());
    let ada_there = format!("ada@{}", alpha.domain());
    expect_status(
        ada.post("/api/guildhall/v1/federation/resolve", &json!({"query": handle})).await,
        StatusCode::OK,
        "resolve",
    );
    expect_status(
        ada.post(&format!("/api/guildhall/v1/communities/{handle}/join"), &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    );
    role_becomes(&ada, &handle, "member").await;

    let ban = expect_status(
        bob.post(
            "/api/guildhall/v1/communities/ops/bans",
            &json!({"username": ada_there, "reason": "off topic", "expires_in_days": 30}),
        )
        .await,
        StatusCode::OK,
        "ban",
    );
    assert_eq!(ban["username"], ada_there);
    role_becomes(&ada, &handle, "banned").await;
    let (status, body) = ada
        .post(&format!("/api/guildhall/v1/communities/{handle}/discussions"), &json!({"title": "t", "body": "b"}))
        .await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("banned")));
    let (_, members) = bob.get("/api/guildhall/v1/communities/ops/members").await;
    assert!(!members["items"].as_array().unwrap().iter().any(|m| m["username"] == ada_there), "{members}");

    expect_status(
        bob.delete(&format!("/api/guildhall/v1/communities/ops/bans/{ada_there}")).await,
        StatusCode::NO_CONTENT,
        "unban",
    );
    role_becomes(&ada, &handle, "non_member").await;
    expect_status(
        ada.post(&format!("/api/guildhall/v1/communities/{handle}/join"), &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join again",
    );
    role_becomes(&ada, &handle, "member").await;
}
