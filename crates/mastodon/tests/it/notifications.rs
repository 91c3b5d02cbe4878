//! Guildhall's notifications (an event one attends changed) in Mastodon's shape.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::mastodon::instance;
use crate::viewers::{ban, group_id, vault};

pub(crate) async fn event(app: &TestApp, token: &str, community: &str, title: &str) -> i64 {
    let body = json!({"title": title, "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00", "timezone": "Europe/Paris"});
    let r = app.post(&format!("/api/guildhall/v1/communities/{community}/events"), Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

pub(crate) async fn going(app: &TestApp, token: &str, event: i64) {
    let r = app.post(&format!("/api/guildhall/v1/events/{event}/rsvp"), Some(token), json!({"status": "going"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

pub(crate) async fn edit(app: &TestApp, token: &str, event: i64, title: &str) {
    let r = app.patch(&format!("/api/guildhall/v1/events/{event}"), Some(token), json!({"title": title})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

fn ids(body: &Value) -> Vec<String> {
    body.as_array().map(|l| l.iter().filter_map(|n| n["id"].as_str().map(str::to_string)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn event_changes_are_update_notifications_from_the_community() {
    let app = instance().await;
    let modr = app.user("mod").await;
    app.community(&modr, "rust", "public").await;
    let ann = app.member("ann", "rust", &modr).await;
    let e = event(&app, &modr, "rust", "Meetup").await;
    going(&app, &ann, e).await;
    edit(&app, &modr, e, "Meetup #2").await;
    let r = app.post(&format!("/api/guildhall/v1/events/{e}/cancel"), Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app.get("/api/v1/notifications", Some(&ann)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.body.as_array().expect("list").clone();
    assert_eq!(list.len(), 2, "{}", r.body);
    let group = group_id(&app, "rust").await;
    for n in &list {
        assert_eq!(n["type"], "update", "{n}");
        assert_eq!(n["account"]["id"], group, "{n}");
        assert_eq!(n["account"]["group"], true);
        assert!(n.get("status").is_none(), "events are not statuses here: {n}");
    }
    let [newest, oldest] = [list[0]["id"].as_str().expect("id"), list[1]["id"].as_str().expect("id")];
    assert!(newest.parse::<i64>().expect("n") > oldest.parse::<i64>().expect("n"), "newest first");
    // The organiser made the change and hears nothing.
    assert_eq!(app.get("/api/v1/notifications", Some(&modr)).await.body, json!([]));

    // Cursors, limit and type filters.
    assert_eq!(ids(&app.get(&format!("/api/v1/notifications?max_id={newest}"), Some(&ann)).await.body), [oldest]);
    assert_eq!(ids(&app.get(&format!("/api/v1/notifications?since_id={oldest}"), Some(&ann)).await.body), [newest]);
    assert_eq!(ids(&app.get("/api/v1/notifications?limit=1", Some(&ann)).await.body), [newest]);
    assert_eq!(ids(&app.get("/api/v1/notifications?types[]=update", Some(&ann)).await.body).len(), 2);
    assert_eq!(app.get("/api/v1/notifications?types[]=mention", Some(&ann)).await.body, json!([]));
    assert_eq!(app.get("/api/v1/notifications?exclude_types[]=update", Some(&ann)).await.body, json!([]));
    assert_eq!(
        ids(&app.get("/api/v1/notifications?exclude_types[]=mention&limit=junk", Some(&ann)).await.body).len(),
        2
    );

    // One, then dismissed, then cleared.
    let r = app.get(&format!("/api/v1/notifications/{newest}"), Some(&ann)).await;
    assert_eq!((r.status, r.body["id"].clone()), (StatusCode::OK, json!(newest)), "{}", r.body);
    let r = app.post(&format!("/api/v1/notifications/{newest}/dismiss"), Some(&ann), json!({})).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({})));
    assert_eq!(app.get(&format!("/api/v1/notifications/{newest}"), Some(&ann)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(ids(&app.get("/api/v1/notifications", Some(&ann)).await.body), [oldest]);
    let r = app.post("/api/v1/notifications/clear", Some(&ann), json!({})).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!({})));
    assert_eq!(app.get("/api/v1/notifications", Some(&ann)).await.body, json!([]));
}

#[tokio::test]
async fn bad_ids_and_missing_tokens() {
    let app = instance().await;
    let ann = app.user("ann").await;
    for bad in ["abc", "0", "-1", "999999"] {
        assert_eq!(app.get(&format!("/api/v1/notifications/{bad}"), Some(&ann)).await.status, StatusCode::NOT_FOUND);
        let r = app.post(&format!("/api/v1/notifications/{bad}/dismiss"), Some(&ann), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(app.get("/api/v1/notifications", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.post("/api/v1/notifications/clear", None, json!({})).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_private_communitys_notifications_reach_its_members_only() {
    let app = instance().await;
    let v = vault(&app).await;
    let e = event(&app, &v.moderator, "vault", "Secret meeting").await;
    going(&app, &v.member, e).await;
    going(&app, &v.banned, e).await;
    ban(&app, &v).await;
    edit(&app, &v.moderator, e, "Secret meeting moved").await;

    let r = app.get("/api/v1/notifications", Some(&v.member)).await;
    let mine = ids(&r.body);
    assert_eq!(mine.len(), 1, "member: {}", r.body);
    for (who, token) in v.shut_out() {
        let r = app.get("/api/v1/notifications", Some(token)).await;
        assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!([])), "{who}");
        // Someone else's notification is no one else's business.
        let r = app.get(&format!("/api/v1/notifications/{}", mine[0]), Some(token)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.body);
        assert!(!r.body.to_string().contains("Secret"), "{who}");
        let r = app.post(&format!("/api/v1/notifications/{}/dismiss", mine[0]), Some(token), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}");
        app.post("/api/v1/notifications/clear", Some(token), json!({})).await;
    }
    assert_eq!(app.get(&format!("/api/v1/notifications/{}", mine[0]), None).await.status, StatusCode::UNAUTHORIZED);
    // Nobody else's clear or dismiss touched the member's.
    assert_eq!(ids(&app.get("/api/v1/notifications", Some(&v.member)).await.body), mine);
}
