//! Communities across instances: a member on alpha joins a community on beta, sees its
//! discussions, replies, and posts there; a member on gamma sees alpha's post relayed by beta.

use std::time::Duration;

use federation_tests::community::member;
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn titles(client: &Client, community: &str) -> Vec<String> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    if status != StatusCode::OK {
        return vec![];
    }
    body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn find_discussion(client: &Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"] == title).cloned()
}

async fn join_and_wait(client: &Client, handle: &str) {
    let joined = federation_tests::community::join_remote(client, handle).await;
    assert_eq!(joined["status"], "requested", "remote joins wait for the community's Accept: {joined}");
    poll_until(DEADLINE, "the remote community's Accept", || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn members_on_other_instances_follow_read_reply_and_post() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));

    // Bob runs a public community on beta.
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "ux-design", "title": "UX Design", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "create community on beta",
    );
    let handle = format!("ux-design@{}", beta.domain());

    // Ada (alpha) and Cyd (gamma) join it from their own instances.
    tokio::join!(join_and_wait(&ada, &handle), join_and_wait(&cyd, &handle));
    let members = expect_status(
        bob.get("/api/guildhall/v1/communities/ux-design/members").await,
        StatusCode::OK,
        "members on beta",
    );
    let names: Vec<&str> = members["items"].as_array().unwrap().iter().filter_map(|m| m["username"].as_str()).collect();
    assert!(names.contains(&format!("ada@{}", alpha.domain()).as_str()), "{names:?}");
    assert!(names.contains(&format!("cyd@{}", gamma.domain()).as_str()), "{names:?}");

    // Bob's new discussion reaches both followers' instances.
    let started = expect_status(
        bob.post(
            "/api/guildhall/v1/communities/ux-design/discussions",
            &json!({"title": "Design tokens", "body": "Shall we **share** them?"}),
        )
        .await,
        StatusCode::CREATED,
        "start discussion on beta",
    );
    let beta_discussion = id_of(&started["id"]);
    for (who, client) in [("alpha", &ada), ("gamma", &cyd)] {
        let d = poll_until(DEADLINE, &format!("the discussion on {who}"), || async {
            find_discussion(client, &handle, "Design tokens").await
        })
        .await;
        assert!(d["body_html"].as_str().unwrap().contains("<strong>share</strong>"), "{d}");
        assert_eq!(d["author"]["username"], format!("bob@{}", beta.domain()));
    }

    // Ada replies from alpha; the reply lands in the thread on beta and is relayed to gamma.
    let on_alpha = find_discussion(&ada, &handle, "Design tokens").await.unwrap();
    expect_status(
        ada.post(
            &format!("/api/guildhall/v1/discussions/{}/replies", id_of(&on_alpha["id"])),
            &json!({"body": "Yes, from alpha"}),
        )
        .await,
        StatusCode::CREATED,
        "reply on alpha",
    );
    poll_until(DEADLINE, "ada's reply on beta", || async {
        let (_, r) = bob.get(&format!("/api/guildhall/v1/discussions/{beta_discussion}/replies")).await;
        r["items"]
            .as_array()?
            .iter()
            .find(|x| x["body_html"].as_str().unwrap_or_default().contains("Yes, from alpha"))
            .cloned()
    })
    .await;
    let on_gamma = find_discussion(&cyd, &handle, "Design tokens").await.unwrap();
    poll_until(DEADLINE, "ada's reply relayed to gamma", || async {
        let (_, r) = cyd.get(&format!("/api/guildhall/v1/discussions/{}/replies", id_of(&on_gamma["id"]))).await;
        r["items"].as_array()?.iter().find(|x| x["author"]["username"] == format!("ada@{}", alpha.domain())).cloned()
    })
    .await;

    // Ada starts a discussion in the remote community; beta stores it and gamma gets it too.
    expect_status(
        ada.post(
            &format!("/api/guildhall/v1/communities/{handle}/discussions"),
            &json!({"title": "From alpha", "body": "Hello beta"}),
        )
        .await,
        StatusCode::CREATED,
        "post to the remote community",
    );
    poll_until(DEADLINE, "alpha's discussion on beta", || async {
        titles(&bob, "ux-design").await.contains(&"From alpha".to_string()).then_some(())
    })
    .await;
    poll_until(DEADLINE, "alpha's discussion relayed to gamma", || async {
        titles(&cyd, &handle).await.contains(&"From alpha".to_string()).then_some(())
    })
    .await;

    // Leaving stops delivery: Cyd leaves, and beta no longer lists her.
    expect_status(
        cyd.post(&format!("/api/guildhall/v1/communities/{handle}/leave"), &json!({})).await,
        StatusCode::NO_CONTENT,
        "leave",
    );
    poll_until(DEADLINE, "cyd's Undo on beta", || async {
        let (_, m) = bob.get("/api/guildhall/v1/communities/ux-design/members").await;
        let gone = !m["items"].as_array()?.iter().any(|x| x["username"] == format!("cyd@{}", gamma.domain()));
        gone.then_some(())
    })
    .await;
}
