//! Notifications over the API: local attendees of an event hear of its edit, cancellation
//! and deletion (not the person who made the change, not bystanders, not refused or remote
//! people); each reader lists and marks only their own.

use crate::common;

use axum::http::StatusCode;
use chrono::Utc;
use common::TestApp;
use serde_json::{Value, json};

async fn notifications(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/guildhall/v1/notifications", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn kinds(list: &Value) -> Vec<&str> {
    list["items"].as_array().expect("items").iter().map(|n| n["kind"].as_str().expect("kind")).collect()
}

#[tokio::test]
async fn attendees_hear_of_edits_cancellation_and_deletion() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "rustaceans", "public").await;
    let ann = app.member("ann", "rustaceans", &modr).await;
    let bob = app.member("bob", "rustaceans", &modr).await;
    let rita = app.member("rita", "rustaceans", &modr).await;

    let body = json!({
        "title": "Rust meetup",
        "starts_at": "2030-12-01T18:30",
        "ends_at": "2030-12-01T21:00",
        "timezone": "Europe/Paris",
    });
    let r = app.post("/api/guildhall/v1/communities/rustaceans/events", Some(&modr), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    for t in [&ann, &modr] {
        let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(t), json!({"status": "going"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Someone an organiser refused, and someone on another server (told over federation).
    let db = app.ctx.db();
    let rita_id = guildhall_store::accounts::find_by_username(db, "rita").await.expect("db").expect("rita").id;
    guildhall_store::events::upsert_participant(
        db,
        id,
        rita_id,
        guildhall_domain::event::ParticipantStatus::Rejected,
        None,
        Utc::now(),
    )
    .await
    .expect("rsvp");
    let remote = app.remote_person("rob", "remote.example").await;
    guildhall_store::events::upsert_participant(
        db,
        id,
        remote.id,
        guildhall_domain::event::ParticipantStatus::Going,
        None,
        Utc::now(),
    )
    .await
    .expect("rsvp");

    let r = app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"title": "Rust meetup #2"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/cancel"), Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let list = notifications(&app, &ann).await;
    assert_eq!(list["unread_count"], 2, "{list}");
    assert_eq!(kinds(&list), ["event_cancelled", "event_updated"], "newest first");
    let first = &list["items"][0];
    assert_eq!(
        (first["title"].as_str(), first["link"].as_str()),
        (Some("Rust meetup #2"), Some(&*format!("/events/{id}")))
    );
    assert!(first["read_at"].is_null());
    for (who, t) in [("organiser", &modr), ("bystander", &bob), ("refused", &rita)] {
        let list = notifications(&app, t).await;
        assert_eq!(
            (list["unread_count"].as_u64(), list["items"].as_array().map(Vec::len)),
            (Some(0), Some(0)),
            "{who}"
        );
    }
    let remote_unread = guildhall_store::notifications::count_unread(db, remote.id).await.expect("db");
    assert_eq!(remote_unread, 0, "remote attendees are told over federation");

    // Only the owner marks a notification read; for anyone else it does not exist.
    let nid = first["id"].as_i64().expect("id");
    let r = app.post(&format!("/api/guildhall/v1/notifications/{nid}/read"), Some(&bob), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{}", r.body);
    let r = app.post("/api/guildhall/v1/notifications/999999/read", Some(&ann), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/guildhall/v1/notifications", None).await.status, StatusCode::UNAUTHORIZED);
    let r = app.post(&format!("/api/guildhall/v1/notifications/{nid}/read"), Some(&ann), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let list = notifications(&app, &ann).await;
    assert_eq!(list["unread_count"], 1);
    assert!(list["items"][0]["read_at"].is_string(), "{list}");

    let r = app.delete(&format!("/api/guildhall/v1/events/{id}"), Some(&modr)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let list = notifications(&app, &ann).await;
    assert_eq!(list["unread_count"], 2);
    assert_eq!(kinds(&list), ["event_deleted", "event_cancelled", "event_updated"]);
    assert_eq!(list["items"][0]["link"], "/communities/rustaceans", "the event is gone; its community is not");
    assert_eq!(notifications(&app, &modr).await["unread_count"], 0);

    // Paging, then marking all read.
    let r = app.get("/api/guildhall/v1/notifications?limit=2", Some(&ann)).await;
    assert_eq!((r.body["items"].as_array().map(Vec::len), r.body["has_more"].as_bool()), (Some(2), Some(true)));
    let r = app.post("/api/guildhall/v1/notifications/read", Some(&ann), json!({})).await;
    assert_eq!((r.status, r.body["marked"].as_u64()), (StatusCode::OK, Some(2)), "{}", r.body);
    assert_eq!(notifications(&app, &ann).await["unread_count"], 0);
}

/// Issue 15: an RSVP outlives a ban or leaving a private community, but hearing about the
/// event does not: the reader's current access is checked when notifying.
#[tokio::test]
async fn banned_and_departed_members_hear_nothing_of_private_events() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "vault", "private").await;
    let ann = app.member("ann", "vault", &modr).await;
    let bea = app.member("bea", "vault", &modr).await;
    let cal = app.member("cal", "vault", &modr).await;
    let body = json!({"title": "Vault meetup", "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00", "timezone": "Europe/Paris"});
    let r = app.post("/api/guildhall/v1/communities/vault/events", Some(&modr), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    for t in [&ann, &bea, &cal] {
        let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(t), json!({"status": "going"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // Their accepted join requests were told too; only what follows counts here.
        let r = app.post("/api/guildhall/v1/notifications/read", Some(t), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = app.post("/api/guildhall/v1/communities/vault/bans", Some(&modr), json!({"username": "bea"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post("/api/guildhall/v1/communities/vault/leave", Some(&cal), json!({})).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);

    let r = app
        .patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"title": "Vault meetup, new room"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = notifications(&app, &ann).await;
    assert_eq!((list["unread_count"].as_u64(), kinds(&list)[0]), (Some(1), "event_updated"), "a member still hears");
    for (who, t) in [("banned", &bea), ("departed", &cal)] {
        let list = notifications(&app, t).await;
        assert_eq!(list["unread_count"], 0, "{who}: {list}");
    }
}
