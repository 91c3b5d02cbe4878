//! Joining a community on another server does not find it empty: when a member first looks it
//! up, its recent discussions arrive with their replies (so the newcomer can answer the
//! introductions thread), with its charter, welcome message and member count.

use std::time::Duration;

use federation_tests::community::{LocalCommunity, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn discussions(client: &Client, handle: &str) -> Vec<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    body["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_communitys_history_charter_and_member_count_arrive_on_first_look_up() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    // On beta: a community with a charter and welcome, three members, two discussions (one
    // pinned), replies (one answering another) and one deleted reply — all before anyone
    // on alpha has heard of it.
    let community = LocalCommunity::create(&beta, "host", "intros").await;
    let owner = &community.owner;
    expect_status(
        owner
            .patch(
                "/api/guildhall/v1/communities/intros",
                &json!({"charter": "Be **kind**.", "welcome_message": "Say who you are."}),
            )
            .await,
        StatusCode::OK,
        "charter",
    );
    let (bea, bo) = tokio::join!(member(&beta, "bea"), member(&beta, "boris"));
    for m in [&bea, &bo] {
        expect_status(
            m.post("/api/guildhall/v1/communities/intros/join", &json!({"accept_charter": true})).await,
            StatusCode::OK,
            "join",
        );
    }
    let intro = &community.discussion_id;
    let reply = |client: &Client, body: &'static str, parent: Option<String>| {
        let path = format!("/api/guildhall/v1/discussions/{intro}/replies");
        let client = client.clone();
        async move {
            let mut req = json!({"body": body});
            if let Some(p) = parent {
                req["parent_id"] = p.parse::<i64>().expect("numeric id").into();
            }
            id_of(&expect_status(client.post(&path, &req).await, StatusCode::CREATED, "reply")["id"])
        }
    };
    let first = reply(&bea, "Hello, I am Bea.", None).await;
    reply(&bo, "Hi Bea, Bo here.", Some(first)).await;
    let gone = reply(&bo, "Oops, wrong thread.", None).await;
    expect_status(
        bo.delete(&format!("/api/guildhall/v1/replies/{gone}")).await,
        StatusCode::NO_CONTENT,
        "delete reply",
    );
    expect_status(
        owner.post(&format!("/api/guildhall/v1/discussions/{intro}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    expect_status(
        owner
            .post("/api/guildhall/v1/communities/intros/discussions", &json!({"title": "Agenda", "body": "Next week."}))
            .await,
        StatusCode::CREATED,
        "second discussion",
    );

    // Ada on alpha looks it up: the history arrives without anyone posting again.
    let ada = member(&alpha, "ada").await;
    let handle = format!("intros@{}", beta.domain());
    expect_status(
        ada.post("/api/guildhall/v1/federation/resolve", &json!({"query": handle})).await,
        StatusCode::OK,
        "resolve",
    );
    let found = poll_until(DEADLINE, "both discussions on alpha", || async {
        let ds = discussions(&ada, &handle).await;
        (ds.len() == 2).then_some(ds)
    })
    .await;
    let on_alpha = found.iter().find(|d| d["title"] == community.discussion_title).expect("the pinned introductions");
    let id = id_of(&on_alpha["id"]);
    let replies = poll_until(DEADLINE, "the introductions' replies on alpha", || async {
        let (_, body) = ada.get(&format!("/api/guildhall/v1/discussions/{id}/replies")).await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        (items.len() >= 2).then_some(items)
    })
    .await;
    let bodies: Vec<String> = replies.iter().map(|r| r["body_html"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(replies.len(), 2, "the deleted reply is not backfilled: {bodies:?}");
    assert!(
        bodies.iter().any(|b| b.contains("I am Bea")) && bodies.iter().any(|b| b.contains("Bo here")),
        "{bodies:?}"
    );
    let bo_reply = replies.iter().find(|r| r["body_html"].as_str().unwrap_or_default().contains("Bo here")).unwrap();
    let bea_reply = replies.iter().find(|r| r["body_html"].as_str().unwrap_or_default().contains("I am Bea")).unwrap();
    assert_eq!(bo_reply["parent_id"], bea_reply["id"], "the thread's shape is kept: {replies:?}");

    // The community as alpha shows it: charter, welcome and beta's member count.
    let c =
        expect_status(ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await, StatusCode::OK, "community");
    assert!(c["charter"].as_str().unwrap_or_default().contains("Be **kind**"), "{c}");
    assert_eq!(c["welcome_message"], "Say who you are.", "{c}");
    assert_eq!(c["member_count"], 3, "beta's own count, not alpha's zero: {c}");

    // Once she has joined, Ada can answer the introductions thread.
    expect_status(
        ada.post(&format!("/api/guildhall/v1/communities/{handle}/join"), &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    );
    poll_until(DEADLINE, "beta's Accept", || async {
        let (_, c) = ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
    expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{id}/replies"), &json!({"body": "Ada from alpha, hello!"}))
            .await,
        StatusCode::CREATED,
        "reply from alpha",
    );
}
