//! Notification settings over the API: a level per community (watch / normal / mute) and
//! muted threads, what each lets through (the rule is `domain::notify_prefs::reaches`,
//! applied where notifications are written), watchers told of new discussions and events
//! (local, received, never backfilled, never when they may not read them), filters by kind
//! and grouping. Every bad input is a test.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

/// The kinds of `token`'s unread notifications, newest first.
async fn kinds_of(app: &TestApp, token: &str) -> Vec<String> {
    let r = app.get("/api/guildhall/v1/notifications", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|n| n["read_at"].is_null())
        .map(|n| n["kind"].as_str().expect("kind").to_string())
        .collect()
}

/// Marks read what setting up caused (join answers), so tests see only what follows.
async fn settled(app: &TestApp, tokens: &[&str]) {
    for t in tokens {
        let r = app.post("/api/guildhall/v1/notifications/read", Some(t), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

async fn set_level(app: &TestApp, token: &str, community: &str, level: &str) -> common::Resp {
    app.call(
        Method::PUT,
        &format!("/api/guildhall/v1/communities/{community}/notification_level"),
        Some(token),
        Some(json!({ "level": level })),
    )
    .await
}

async fn level(app: &TestApp, token: &str, community: &str, to: &str) {
    let r = set_level(app, token, community, to).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["level"], to);
}

fn meetup() -> Value {
    json!({"title": "Meetup", "description": "", "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00",
        "timezone": "Europe/Paris", "place_name": "Salle 3", "place_address": "", "online_url": ""})
}

#[tokio::test]
async fn watchers_hear_of_new_discussions_and_events_normal_and_authors_do_not() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let carl = app.user("carl").await;
    level(&app, &ann, "ops", "watch").await;
    level(&app, &carl, "ops", "watch").await; // not a member: public content is his to read
    level(&app, &modr, "ops", "watch").await;

    let d = app.discussion(&bob, "ops", "Outage").await;
    let r = app.get("/api/guildhall/v1/notifications", Some(&ann)).await;
    let items = r.body["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["kind"], "new_discussion");
    assert_eq!(items[0]["post"]["discussion_id"], d);
    assert_eq!(items[0]["actor"]["handle"], "bob");
    assert_eq!(items[0]["link"], format!("/discussions/{d}"));
    assert_eq!(kinds_of(&app, &carl).await, ["new_discussion"]);
    assert!(kinds_of(&app, &bob).await.is_empty(), "normal: no new discussions, and not one's own");

    // The author of a discussion never hears of it, even watching.
    app.discussion(&ann, "ops", "Mine").await;
    assert_eq!(kinds_of(&app, &ann).await, ["new_discussion"]);

    let r = app.post("/api/guildhall/v1/communities/ops/events", Some(&modr), meetup()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let e = r.body["id"].as_i64().expect("id");
    let r = app.get("/api/guildhall/v1/notifications", Some(&ann)).await;
    assert_eq!(r.body["items"][0]["kind"], "new_event");
    assert_eq!(r.body["items"][0]["link"], format!("/events/{e}"));
    assert!(!kinds_of(&app, &modr).await.contains(&"new_event".to_string()), "not the organiser");
    assert!(kinds_of(&app, &bob).await.is_empty());

    // A mention of a watcher is one notification, not two.
    app.post("/api/guildhall/v1/communities/ops/discussions", Some(&bob), json!({"title": "Hey", "body": "@ann look"}))
        .await;
    let got = kinds_of(&app, &ann).await;
    assert_eq!(got[0], "mention");
    assert_eq!(got.len(), 3, "{got:?}");
}

#[tokio::test]
async fn mute_silences_a_community_except_what_moderators_and_requesters_must_not_miss() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "club", "approval").await;
    let ann = app.member("ann", "club", &modr).await;
    let bob = app.member("bob", "club", &modr).await;
    level(&app, &ann, "club", "mute").await;
    level(&app, &modr, "club", "mute").await;
    settled(&app, &[&ann, &bob, &modr]).await;
    let d = app.discussion(&ann, "club", "Question").await;
    app.reply(&bob, d, None, "Answer, cc @ann and @mod").await;
    assert!(kinds_of(&app, &ann).await.is_empty(), "no reply or mention from a muted community");
    assert!(kinds_of(&app, &modr).await.is_empty());

    // A join request still reaches the moderator; the answer still reaches the requester
    // (who muted the community before being accepted).
    let eve = app.user("eve").await;
    level(&app, &eve, "club", "mute").await;
    let r = app.join(&eve, "club").await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(kinds_of(&app, &modr).await, ["join_request"]);
    let r = app.post("/api/guildhall/v1/communities/club/join-requests/eve/accept", Some(&modr), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(kinds_of(&app, &eve).await, ["join_accepted"]);

    // Back to normal: replies reach her again.
    level(&app, &ann, "club", "normal").await;
    app.reply(&bob, d, None, "More").await;
    assert_eq!(kinds_of(&app, &ann).await, ["reply"]);
}

#[tokio::test]
async fn a_muted_thread_drops_replies_mentions_and_favourites_about_it_only() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let d = app.discussion(&ann, "ops", "Noisy").await;
    let other = app.discussion(&ann, "ops", "Quiet").await;
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/mute"), Some(&ann), json!({})).await;
    assert_eq!((r.status, r.body["muted"].as_bool()), (StatusCode::OK, Some(true)), "{}", r.body);
    let r = app.get(&format!("/api/guildhall/v1/discussions/{d}/mute"), Some(&ann)).await;
    assert_eq!(r.body["muted"], true);
    // Muting twice is fine.
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/mute"), Some(&ann), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);

    app.reply(&bob, d, None, "Reply @ann").await;
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/vote"), Some(&bob), json!({"value": 1})).await;
    let _ = r;
    assert!(kinds_of(&app, &ann).await.is_empty(), "nothing about the muted thread");
    app.reply(&bob, other, None, "Elsewhere").await;
    assert_eq!(kinds_of(&app, &ann).await, ["reply"], "other threads still reach her");

    let r = app.delete(&format!("/api/guildhall/v1/discussions/{d}/mute"), Some(&ann)).await;
    assert_eq!((r.status, r.body["muted"].as_bool()), (StatusCode::OK, Some(false)), "{}", r.body);
    app.reply(&bob, d, None, "Again").await;
    assert_eq!(kinds_of(&app, &ann).await, ["reply", "reply"]);
}

#[tokio::test]
async fn bad_input_and_unreadable_communities_and_threads_are_refused() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    app.community(&modr, "secret", "private").await;
    let d = app.discussion(&modr, "secret", "Hush").await;
    let eve = app.user("eve").await;

    let r = set_level(&app, &eve, "ops", "loud").await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("level")), "{}", r.body);
    let r = app
        .call(Method::PUT, "/api/guildhall/v1/communities/ops/notification_level", Some(&eve), Some(json!({})))
        .await;
    assert!(r.status.is_client_error(), "a missing level: {}", r.status);
    let r = set_level(&app, &eve, "nowhere", "watch").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.get("/api/guildhall/v1/communities/nowhere/notification_level", Some(&eve)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A private community a non-member cannot read: as for every read, 404.
    let r = set_level(&app, &eve, "secret", "watch").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.get("/api/guildhall/v1/communities/secret/notification_level", Some(&eve)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/mute"), Some(&eve), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/guildhall/v1/discussions/999999/mute", Some(&eve), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Signed out.
    let r = app.get("/api/guildhall/v1/communities/ops/notification_level", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/guildhall/v1/notification_levels", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Unknown kinds in the list filter.
    let r = app.get("/api/guildhall/v1/notifications?kinds=reply,shouting", Some(&eve)).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("kinds")), "{}", r.body);
    let r = app.post("/api/guildhall/v1/notifications/999999/read_group", Some(&eve), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn levels_are_listed_read_back_and_normal_is_the_default() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    app.community(&modr, "dev", "public").await;
    let ann = app.user("ann").await;
    let r = app.get("/api/guildhall/v1/communities/ops/notification_level", Some(&ann)).await;
    assert_eq!((r.status, r.body["level"].as_str()), (StatusCode::OK, Some("normal")), "{}", r.body);
    level(&app, &ann, "ops", "watch").await;
    level(&app, &ann, "dev", "mute").await;
    let r = app.get("/api/guildhall/v1/communities/ops/notification_level", Some(&ann)).await;
    assert_eq!((r.body["level"].as_str(), r.body["community"]["handle"].as_str()), (Some("watch"), Some("ops")));
    let r = app.get("/api/guildhall/v1/notification_levels", Some(&ann)).await;
    let mut got: Vec<(String, String)> = r
        .body
        .as_array()
        .expect("list")
        .iter()
        .map(|l| {
            (
                l["community"]["handle"].as_str().unwrap_or_default().into(),
                l["level"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, [("dev".to_string(), "mute".to_string()), ("ops".to_string(), "watch".to_string())]);
    level(&app, &ann, "dev", "normal").await;
    let r = app.get("/api/guildhall/v1/notification_levels", Some(&ann)).await;
    assert_eq!(r.body.as_array().map(Vec::len), Some(1), "normal is no row");
}

#[tokio::test]
async fn a_watcher_who_may_no_longer_read_a_private_community_hears_nothing() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "secret", "private").await;
    let ann = app.member("ann", "secret", &modr).await;
    let bob = app.member("bob", "secret", &modr).await;
    let cleo = app.member("cleo", "secret", &modr).await;
    level(&app, &ann, "secret", "watch").await;
    level(&app, &bob, "secret", "watch").await;
    level(&app, &cleo, "secret", "watch").await;
    settled(&app, &[&ann, &bob, &cleo]).await;
    app.discussion(&modr, "secret", "First").await;
    assert_eq!(kinds_of(&app, &ann).await, ["new_discussion"]);

    let r = app.post("/api/guildhall/v1/communities/secret/leave", Some(&ann), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = app.post("/api/guildhall/v1/communities/secret/bans", Some(&modr), json!({"username": "bob"})).await;
    assert!(r.status.is_success(), "{}", r.body);
    app.discussion(&modr, "secret", "Second").await;
    let r = app.post("/api/guildhall/v1/communities/secret/events", Some(&modr), meetup()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(kinds_of(&app, &ann).await, ["new_discussion"], "a former member hears nothing more");
    assert_eq!(kinds_of(&app, &bob).await, ["new_discussion"], "a banned member hears nothing more");
    assert_eq!(kinds_of(&app, &cleo).await, ["new_event", "new_discussion", "new_discussion"], "a member does");
}

#[tokio::test]
async fn received_posts_in_a_watched_remote_community_notify_but_backfilled_history_does_not() {
    let app = TestApp::new().await;
    let ann = app.user("ann").await;
    let g = app.remote_group("ops", "beta.example", &ann).await;
    app.remote_membership(&ann, g.id).await;
    level(&app, &ann, "ops@beta.example", "watch").await;
    let rob = app.remote_person("rob", "beta.example").await;

    let post = common::incoming(&rob, "Old news", false);
    guildhall_app::inbound::receive_discussion(&app.ctx, &g, &rob, post, guildhall_app::receipt::Arrival::Backfilled)
        .await
        .expect("backfill")
        .expect("new");
    assert!(kinds_of(&app, &ann).await.is_empty(), "history is not news");

    let post = common::incoming(&rob, "Fresh", false);
    guildhall_app::inbound::receive_discussion(&app.ctx, &g, &rob, post, guildhall_app::receipt::Arrival::Relayed)
        .await
        .expect("announce")
        .expect("new");
    let r = app.get("/api/guildhall/v1/notifications", Some(&ann)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1), "{}", r.body);
    assert_eq!(r.body["items"][0]["kind"], "new_discussion");
    assert_eq!(r.body["items"][0]["community"]["host"], "beta.example");
    assert_eq!(r.body["items"][0]["actor"]["handle"], "rob@beta.example");
}

#[tokio::test]
async fn the_list_filters_by_kind_and_groups_consecutive_notifications_read_together() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let d = app.discussion(&ann, "ops", "Busy").await;
    for i in 0..5 {
        app.reply(&bob, d, None, &format!("Reply {i}")).await;
    }
    app.discussion(&bob, "ops", "Ping @ann").await;
    let r = app
        .post("/api/guildhall/v1/communities/ops/discussions", Some(&bob), json!({"title": "M", "body": "@ann"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let r = app.get("/api/guildhall/v1/notifications?kinds=mention", Some(&ann)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1), "{}", r.body);
    let r = app.get("/api/guildhall/v1/notifications?kinds=reply,mention", Some(&ann)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(6));
    let r = app.get("/api/guildhall/v1/notifications?kinds=join_request", Some(&ann)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));

    let r = app.get("/api/guildhall/v1/notifications?grouped=true", Some(&ann)).await;
    let items = r.body["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!((items[0]["kind"].as_str(), items[0]["count"].as_u64()), (Some("mention"), Some(1)));
    assert_eq!((items[1]["kind"].as_str(), items[1]["count"].as_u64()), (Some("reply"), Some(5)));
    assert_eq!(items[1]["group_key"], format!("reply:{d}"));
    assert_eq!(items[1]["group_ids"].as_array().map(Vec::len), Some(5));

    let id = items[1]["id"].as_i64().expect("id");
    let r = app.post(&format!("/api/guildhall/v1/notifications/{id}/read_group"), Some(&ann), json!({})).await;
    assert_eq!((r.status, r.body["marked"].as_u64()), (StatusCode::OK, Some(5)), "{}", r.body);
    let r = app.get("/api/guildhall/v1/notifications", Some(&ann)).await;
    assert_eq!(r.body["unread_count"], 1, "the mention is still unread");
    // Someone else's group is not theirs to mark.
    let r = app.post(&format!("/api/guildhall/v1/notifications/{id}/read_group"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
