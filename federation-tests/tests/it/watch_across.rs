//! Watched communities across servers: members on alpha of a community on beta, one watching
//! it, one at normal, one who muted it. A beta member's new discussion reaches alpha once,
//! as exactly one `new_discussion` for the watcher and nothing for the others; a muted
//! community or thread silences replies from beta, while an unmuted thread still hears them.
//! History fetched when following (backfill) notifies no one.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

async fn kinds(client: &Client) -> Vec<String> {
    let (_, body) = client.get("/api/guildhall/v1/notifications").await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The id on alpha of the discussion titled `title`, once it arrived.
async fn arrived(client: &Client, handle: &str, title: &str) -> String {
    id_of(
        &poll_until(DEADLINE, &format!("“{title}” on alpha"), || async {
            let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
            body["items"].as_array()?.iter().find(|d| d["title"] == title).cloned()
        })
        .await["id"],
    )
}

/// The id on beta of the reply whose body contains `text`, once it arrived.
async fn reply_arrived(client: &Client, discussion: &str, text: &str) -> i64 {
    id_of(
        &poll_until(DEADLINE, &format!("reply “{text}” on beta"), || async {
            let (_, body) = client.get(&format!("/api/guildhall/v1/discussions/{discussion}/replies")).await;
            body["items"].as_array()?.iter().find(|r| r["body"].as_str().is_some_and(|b| b.contains(text))).cloned()
        })
        .await["id"],
    )
    .parse()
    .expect("a numeric id")
}

async fn set_level(client: &Client, handle: &str, level: &str) {
    let (status, body) = client
        .put(&format!("/api/guildhall/v1/communities/{handle}/notification_level"), &json!({ "level": level }))
        .await;
    assert_eq!((status, body["level"].as_str()), (StatusCode::OK, Some(level)), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watcher_on_another_server_hears_of_new_discussions_once_and_mutes_hold() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, cleo, dan, bob) =
        tokio::join!(member(&alpha, "ada"), member(&alpha, "cleo"), member(&alpha, "dan"), member(&beta, "bob"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    // History from before anyone on alpha followed: backfilled when they join, never news.
    expect_status(
        bob.post("/api/guildhall/v1/communities/ops/discussions", &json!({"title": "Old", "body": "Before"})).await,
        StatusCode::CREATED,
        "old post",
    );
    let handle = format!("ops@{}", beta.domain());
    for c in [&ada, &cleo, &dan] {
        join_remote(c, &handle).await;
        poll_until(DEADLINE, "a member", || async {
            let (_, v) = c.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
            (v["my_role"] == "member").then_some(())
        })
        .await;
    }
    set_level(&ada, &handle, "watch").await;
    set_level(&cleo, &handle, "normal").await;
    set_level(&dan, &handle, "mute").await;
    arrived(&ada, &handle, "Old").await;

    let d = expect_status(
        bob.post("/api/guildhall/v1/communities/ops/discussions", &json!({"title": "Outage", "body": "Why?"})).await,
        StatusCode::CREATED,
        "post",
    );
    let on_beta = id_of(&d["id"]);
    let on_alpha = arrived(&ada, &handle, "Outage").await;
    // Stored and notified in one transaction: once it is on alpha, every notification is too.
    let (_, mine) = ada.get("/api/guildhall/v1/notifications").await;
    let news: Vec<&Value> =
        mine["items"].as_array().expect("items").iter().filter(|n| n["kind"] == "new_discussion").collect();
    assert_eq!(news.len(), 1, "exactly one, and none for the backfilled post: {mine}");
    assert_eq!(id_of(&news[0]["post"]["discussion_id"]), on_alpha);
    assert_eq!(news[0]["community"]["host"], beta.domain());
    assert_eq!(news[0]["actor"]["handle"], format!("bob@{}", beta.domain()));
    assert!(kinds(&cleo).await.is_empty(), "normal: no new discussions");
    assert!(kinds(&dan).await.is_empty(), "muted: nothing");

    // Replies from beta to alpha members: cleo (normal) hears, dan (muted community) does
    // not, ada (muted thread) does not.
    let (status, _) = ada.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/mute"), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    for (who, text) in [(&ada, "ada here"), (&cleo, "cleo here"), (&dan, "dan here")] {
        expect_status(
            who.post(&format!("/api/guildhall/v1/discussions/{on_alpha}/replies"), &json!({"body": text})).await,
            StatusCode::CREATED,
            "reply from alpha",
        );
    }
    for text in ["ada here", "cleo here", "dan here"] {
        let parent = reply_arrived(&bob, &on_beta, text).await;
        let answer = format!("Answer to {text}");
        expect_status(
            bob.post(
                &format!("/api/guildhall/v1/discussions/{on_beta}/replies"),
                &json!({"body": answer, "parent_id": parent}),
            )
            .await,
            StatusCode::CREATED,
            "answer",
        );
    }
    poll_until(DEADLINE, "cleo hears the answer", || async {
        kinds(&cleo).await.contains(&"reply".to_string()).then_some(())
    })
    .await;
    // The answers arrive in order over one delivery queue; wait until all three are on alpha.
    poll_until(DEADLINE, "all answers on alpha", || async {
        let (_, body) = ada.get(&format!("/api/guildhall/v1/discussions/{on_alpha}/replies")).await;
        let n = body["items"]
            .as_array()?
            .iter()
            .filter(|r| r["body"].as_str().is_some_and(|b| b.contains("Answer to")))
            .count();
        (n == 3).then_some(())
    })
    .await;
    assert_eq!(kinds(&cleo).await, ["reply"]);
    assert!(kinds(&dan).await.is_empty(), "muted community: no reply");
    assert_eq!(kinds(&ada).await, ["new_discussion"], "muted thread: no reply");
}
