//! Polls by their discussion's status id.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::mastodon::instance;
use crate::viewers::{status_id, vault};

async fn poll_discussion(app: &TestApp, token: &str, community: &str, poll: Value) -> i64 {
    let r = app
        .post(
            &format!("/api/guildhall/v1/communities/{community}/discussions"),
            Some(token),
            json!({"title": "Lunch?", "body": "Pick one", "poll": poll}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

fn counts(poll: &Value) -> Vec<Value> {
    poll["options"].as_array().expect("options").iter().map(|o| o["votes_count"].clone()).collect()
}

#[tokio::test]
async fn a_poll_shows_and_takes_votes_as_json_and_as_a_form() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let d =
        poll_discussion(&app, &ada, "open", json!({"options": ["Tea", "Coffee", "Water"], "kind": "multiple"})).await;
    let pid = status_id(d);
    let r = app.get(&format!("/api/v1/polls/{pid}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["id"], pid);
    assert_eq!(r.body["multiple"], true);
    assert_eq!(r.body["expired"], false);
    assert!(r.body.get("voted").is_none(), "anonymous: {}", r.body);

    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&ada), json!({"choices": [0, 2]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["voted"], true);
    assert_eq!(r.body["own_votes"], json!([0, 2]));
    assert_eq!(counts(&r.body), [json!(1), json!(0), json!(1)]);

    let bob = app.member("bob", "open", &ada).await;
    let req = Request::post(format!("/api/v1/polls/{pid}/votes"))
        .header(header::AUTHORIZATION, format!("Bearer {bob}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("choices%5B%5D=1"))
        .expect("request");
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["own_votes"], json!([1]));
    assert_eq!(r.body["voters_count"], 2);
    // The status carries the same poll.
    let s =
        guildhall_mastodon::render::status(&app.ctx, None, guildhall_mastodon::ids::StatusId::parse(&pid).expect("id"))
            .await
            .expect("status");
    assert_eq!(serde_json::to_value(s).expect("json")["poll"]["id"], pid);

    // Voting again on a local poll replaces the vote (Guildhall lets members change their mind).
    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&bob), json!({"choices": ["2"]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(counts(&r.body), [json!(1), json!(0), json!(2)]);
}

#[tokio::test]
async fn bad_votes_are_refused() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let d = poll_discussion(&app, &ada, "open", json!({"options": ["Tea", "Coffee"]})).await;
    let plain = app.discussion(&ada, "open", "No poll").await;
    let pid = status_id(d);
    for bad in [
        json!({"choices": []}),
        json!({"choices": [5]}),
        json!({"choices": [0, 1]}),
        json!({"choices": ["x"]}),
        json!({}),
    ] {
        let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&ada), bad.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.body);
    }
    for missing in [status_id(plain), "abc".into(), "999996".into(), "5".into()] {
        assert_eq!(app.get(&format!("/api/v1/polls/{missing}"), None).await.status, StatusCode::NOT_FOUND, "{missing}");
        let r = app.post(&format!("/api/v1/polls/{missing}/votes"), Some(&ada), json!({"choices": [0]})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}: {}", r.body);
    }
    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), None, json!({"choices": [0]})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Not a member of the community: voting is for members.
    let eve = app.user("eve").await;
    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&eve), json!({"choices": [0]})).await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
}

#[tokio::test]
async fn a_closed_poll_refuses_votes_with_mastodons_message() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let closes = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let d = poll_discussion(&app, &ada, "open", json!({"options": ["Tea", "Coffee"], "closes_at": closes})).await;
    let pid = status_id(d);
    // Wait (polling, with a deadline) for the poll to close.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut every = tokio::time::interval(Duration::from_millis(100));
    loop {
        every.tick().await;
        let r = app.get(&format!("/api/v1/polls/{pid}"), None).await;
        if r.body["expired"] == true {
            break;
        }
        assert!(Instant::now() < deadline, "the poll never closed: {}", r.body);
    }
    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&ada), json!({"choices": [0]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["error"], "Validation failed: The poll has already ended");
}

#[tokio::test]
async fn a_private_communitys_poll_reaches_members_only() {
    let app = instance().await;
    let v = vault(&app).await;
    let d = poll_discussion(&app, &v.moderator, "vault", json!({"options": ["Secret A", "Secret B"]})).await;
    let pid = status_id(d);
    let r = app.get(&format!("/api/v1/polls/{pid}"), Some(&v.member)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(&v.banned), json!({"choices": [0]})).await;
    assert_eq!(r.status, StatusCode::OK, "member before the ban: {}", r.body);
    crate::viewers::ban(&app, &v).await;
    let anon = app.get(&format!("/api/v1/polls/{pid}"), None).await;
    assert_eq!(anon.status, StatusCode::NOT_FOUND, "anonymous: {}", anon.body);
    for (who, token) in v.shut_out() {
        let r = app.get(&format!("/api/v1/polls/{pid}"), Some(token)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.body);
        assert!(!r.body.to_string().contains("Secret"), "{who}");
        let r = app.post(&format!("/api/v1/polls/{pid}/votes"), Some(token), json!({"choices": [1]})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} votes: {}", r.body);
    }
    let r = app.get(&format!("/api/v1/polls/{pid}"), Some(&v.member)).await;
    assert_eq!(counts(&r.body), [json!(1), json!(0)], "only the vote cast as a member counts");
}
