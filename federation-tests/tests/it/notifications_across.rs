//! Notifications caused from another server: a member on alpha replies to and upvotes a
//! discussion by a member on beta, who hears `reply` and `favourite`; a join request from
//! alpha to beta's approval community tells its moderator, and the answer tells the requester.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

/// `client`'s notifications of `kind`, once there is at least one.
async fn notified(client: &Client, kind: &str, what: &str) -> Vec<Value> {
    poll_until(DEADLINE, what, || async {
        let (_, body) = client.get("/api/guildhall/v1/notifications").await;
        let found: Vec<Value> = body["items"].as_array()?.iter().filter(|n| n["kind"] == kind).cloned().collect();
        (!found.is_empty()).then_some(found)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_upvotes_and_join_requests_from_another_server_are_notified() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, bob) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("ops@{}", beta.domain());
    join_remote(&ada, &handle).await;
    poll_until(DEADLINE, "ada is a member", || async {
        let (_, c) = ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
    let d = expect_status(
        bob.post("/api/guildhall/v1/communities/ops/discussions", &json!({"title": "Outage", "body": "Why?"})).await,
        StatusCode::CREATED,
        "post",
    );
    let on_beta = id_of(&d["id"]);
    let on_alpha = id_of(
        &poll_until(DEADLINE, "post on alpha", || async {
            let (_, body) = ada.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
            body["items"].as_array()?.iter().find(|d| d["title"] == "Outage").cloned()
        })
        .await["id"],
    );

    expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/replies"), &json!({"body": "Disk full"})).await,
        StatusCode::CREATED,
        "reply",
    );
    expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/vote"), &json!({"value": 1})).await,
        StatusCode::OK,
        "vote",
    );
    let ada_handle = format!("ada@{}", alpha.domain());
    let replies = notified(&bob, "reply", "bob hears of the reply").await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0]["actor"]["handle"], ada_handle.as_str());
    assert_eq!(id_of(&replies[0]["post"]["discussion_id"]), on_beta);
    let favourites = notified(&bob, "favourite", "bob hears of the upvote").await;
    assert_eq!(favourites.len(), 1, "{favourites:?}");
    assert_eq!(favourites[0]["actor"]["handle"], ada_handle.as_str());
    let (_, mine) = ada.get("/api/guildhall/v1/notifications").await;
    assert!(
        mine["items"].as_array().expect("items").iter().all(|n| n["kind"] != "reply" && n["kind"] != "favourite"),
        "ada is not told of her own actions: {mine}"
    );

    // A remote join request to an approval community tells its moderator; the answer goes
    // back as an Accept and tells the requester on her server.
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "club", "title": "Club", "visibility": "approval"}))
            .await,
        StatusCode::CREATED,
        "create approval",
    );
    let club = format!("club@{}", beta.domain());
    assert_eq!(join_remote(&ada, &club).await["status"], "requested");
    let requests = notified(&bob, "join_request", "bob hears of the join request").await;
    assert_eq!(requests[0]["actor"]["handle"], ada_handle.as_str());
    assert_eq!(requests[0]["link"], "/communities/club/requests");
    expect_status(
        bob.post(&format!("/api/guildhall/v1/communities/club/join-requests/{ada_handle}/accept"), &json!({})).await,
        StatusCode::NO_CONTENT,
        "accept",
    );
    let accepted = notified(&ada, "join_accepted", "ada hears she was accepted").await;
    assert_eq!(accepted.len(), 1, "joining the public community was no request: {accepted:?}");
    assert_eq!(accepted[0]["community"]["handle"], club.as_str());
}
