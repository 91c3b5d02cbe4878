//! What happens after a post crosses instances: votes, edits, deletions, pins and locks
//! follow it; and approval communities admit remote members only after a moderator says so.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn wait_member(client: &Client, handle: &str) {
    poll_until(DEADLINE, "membership accepted", || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

async fn discussion(client: &Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"] == title).cloned()
}

async fn discussion_by_id(client: &Client, id: &str) -> Value {
    client.get(&format!("/api/guildhall/v1/discussions/{id}")).await.1
}

async fn replies(client: &Client, id: &str) -> Vec<Value> {
    let (_, r) = client.get(&format!("/api/guildhall/v1/discussions/{id}/replies")).await;
    r["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn votes_edits_deletions_pins_and_locks_follow_the_post() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "data", "title": "Data stewards"})).await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("data@{}", beta.domain());
    join_remote(&ada, &handle).await;
    join_remote(&cyd, &handle).await;
    tokio::join!(wait_member(&ada, &handle), wait_member(&cyd, &handle));

    let d = expect_status(
        bob.post(
            "/api/guildhall/v1/communities/data/discussions",
            &json!({"title": "Metadata", "body": "Which schema?"}),
        )
        .await,
        StatusCode::CREATED,
        "post",
    );
    let on_beta = id_of(&d["id"]);
    let on_alpha = id_of(&poll_until(DEADLINE, "post on alpha", || discussion(&ada, &handle, "Metadata")).await["id"]);
    let on_gamma = id_of(&poll_until(DEADLINE, "post on gamma", || discussion(&cyd, &handle, "Metadata")).await["id"]);

    // Ada upvotes from alpha: beta counts it, and relays it to gamma.
    let v = expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/vote"), &json!({"value": 1})).await,
        StatusCode::OK,
        "vote",
    );
    assert_eq!(v["my_vote"], 1);
    poll_until(DEADLINE, "vote counted on beta", || async {
        (discussion_by_id(&bob, &on_beta).await["score"] == 1).then_some(())
    })
    .await;
    poll_until(DEADLINE, "vote relayed to gamma", || async {
        (discussion_by_id(&cyd, &on_gamma).await["score"] == 1).then_some(())
    })
    .await;
    expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/vote"), &json!({"value": 0})).await,
        StatusCode::OK,
        "unvote",
    );
    poll_until(DEADLINE, "vote withdrawn on beta", || async {
        (discussion_by_id(&bob, &on_beta).await["score"] == 0).then_some(())
    })
    .await;

    // Ada replies, edits and deletes her reply; beta and gamma follow each step.
    let r = expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/replies"), &json!({"body": "Dublin Core"})).await,
        StatusCode::CREATED,
        "reply",
    );
    let reply_on_alpha = id_of(&r["id"]);
    for (who, client, id) in [("beta", &bob, &on_beta), ("gamma", &cyd, &on_gamma)] {
        poll_until(DEADLINE, &format!("reply on {who}"), || async {
            replies(client, id)
                .await
                .iter()
                .any(|r| r["body_html"].as_str().unwrap_or("").contains("Dublin Core"))
                .then_some(())
        })
        .await;
    }
    expect_status(
        ada.patch(&format!("/api/guildhall/v1/replies/{reply_on_alpha}"), &json!({"body": "DCAT, actually"})).await,
        StatusCode::OK,
        "edit",
    );
    for (who, client, id) in [("beta", &bob, &on_beta), ("gamma", &cyd, &on_gamma)] {
        poll_until(DEADLINE, &format!("edit on {who}"), || async {
            replies(client, id)
                .await
                .iter()
                .any(|r| r["body_html"].as_str().unwrap_or("").contains("DCAT") && !r["edited_at"].is_null())
                .then_some(())
        })
        .await;
    }
    expect_status(
        ada.delete(&format!("/api/guildhall/v1/replies/{reply_on_alpha}")).await,
        StatusCode::NO_CONTENT,
        "delete reply",
    );
    for (who, client, id) in [("beta", &bob, &on_beta), ("gamma", &cyd, &on_gamma)] {
        poll_until(DEADLINE, &format!("deletion on {who}"), || async {
            let rs = replies(client, id).await;
            (rs.len() == 1 && rs[0]["deleted"] == true && rs[0]["body"] == "").then_some(())
        })
        .await;
    }

    // Bob (moderator on beta) edits, pins and locks; alpha sees the new state.
    expect_status(
        bob.patch(&format!("/api/guildhall/v1/discussions/{on_beta}"), &json!({"title": "Metadata schemas"})).await,
        StatusCode::OK,
        "edit title",
    );
    expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{on_beta}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{on_beta}/lock"), &json!({})).await,
        StatusCode::OK,
        "lock",
    );
    poll_until(DEADLINE, "edit, pin and lock on alpha", || async {
        let d = discussion_by_id(&ada, &on_alpha).await;
        (d["title"] == "Metadata schemas" && d["pinned"] == true && d["locked"] == true).then_some(())
    })
    .await;

    // Bob deletes the discussion: a tombstone everywhere.
    expect_status(
        bob.delete(&format!("/api/guildhall/v1/discussions/{on_beta}")).await,
        StatusCode::NO_CONTENT,
        "delete discussion",
    );
    for (who, client, id) in [("alpha", &ada, &on_alpha), ("gamma", &cyd, &on_gamma)] {
        poll_until(DEADLINE, &format!("tombstone on {who}"), || async {
            (discussion_by_id(client, id).await["deleted"] == true).then_some(())
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn approval_communities_admit_remote_members_only_after_a_moderator_accepts() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "identity", "title": "Digital identity", "visibility": "approval"}),
        )
        .await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("identity@{}", beta.domain());
    let ada_handle = format!("ada@{}", alpha.domain());
    let cyd_handle = format!("cyd@{}", gamma.domain());
    assert_eq!(join_remote(&ada, &handle).await["status"], "requested");
    assert_eq!(join_remote(&cyd, &handle).await["status"], "requested");
    poll_until(DEADLINE, "both requests on beta", || async {
        let (_, r) = bob.get("/api/guildhall/v1/communities/identity/join-requests").await;
        let names: Vec<String> =
            r["items"].as_array()?.iter().filter_map(|x| x["username"].as_str().map(str::to_owned)).collect();
        (names.contains(&ada_handle) && names.contains(&cyd_handle)).then_some(())
    })
    .await;

    // While pending, nothing is delivered.
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities/identity/discussions",
            &json!({"title": "Before", "body": "members only"}),
        )
        .await,
        StatusCode::CREATED,
        "post while pending",
    );
    let (_, c) = ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
    assert_eq!(c["my_role"], "pending", "{c}");

    expect_status(
        bob.post(&format!("/api/guildhall/v1/communities/identity/join-requests/{ada_handle}/accept"), &json!({}))
            .await,
        StatusCode::NO_CONTENT,
        "accept ada",
    );
    expect_status(
        bob.post(&format!("/api/guildhall/v1/communities/identity/join-requests/{cyd_handle}/reject"), &json!({}))
            .await,
        StatusCode::NO_CONTENT,
        "reject cyd",
    );
    wait_member(&ada, &handle).await;
    poll_until(DEADLINE, "cyd's request refused on gamma", || async {
        let (_, c) = cyd.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "non_member").then_some(())
    })
    .await;

    expect_status(
        bob.post("/api/guildhall/v1/communities/identity/discussions", &json!({"title": "After", "body": "welcome"}))
            .await,
        StatusCode::CREATED,
        "post after accept",
    );
    poll_until(DEADLINE, "the new post on alpha", || discussion(&ada, &handle, "After")).await;
    // Deliveries to one instance arrive in order, so the earlier post would be here by now.
    assert!(discussion(&ada, &handle, "Before").await.is_none(), "a pending member received content");
    assert!(discussion(&cyd, &handle, "After").await.is_none(), "a refused member received content");
}
