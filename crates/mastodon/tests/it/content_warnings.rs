//! Content warnings (`spoiler_text`, `sensitive`) on local statuses: posted, shown, edited,
//! cleared, in the source, and refused when too long.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{d, form};
use crate::mastodon::instance;

#[tokio::test]
async fn a_discussion_and_a_reply_carry_their_warnings() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let s = app
        .post(
            "/api/v1/statuses",
            Some(&ada),
            json!({"status": "@open Finale\nThe ending...", "spoiler_text": "Spoilers: the finale"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["spoiler_text"], "Spoilers: the finale");
    assert_eq!(s.body["sensitive"], true, "a warning marks the status sensitive, as on Mastodon");
    let id = s.body["id"].as_str().unwrap().to_string();
    // Read again, and on Guildhall's own API (the same stored columns as remote posts).
    let again = app.get(&format!("/api/v1/statuses/{id}"), None).await;
    assert_eq!(again.body["spoiler_text"], "Spoilers: the finale");
    let list = app.items("/api/guildhall/v1/communities/open/discussions", None).await;
    assert_eq!(list[0]["spoiler_text"], "Spoilers: the finale");
    assert_eq!(list[0]["sensitive"], true);

    // A reply as a form (as most apps send it), sensitive without text.
    let body = format!("status=plot+twist&in_reply_to_id={id}&sensitive=true");
    let r = form(&app, Method::POST, "/api/v1/statuses", &ada, &body, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some(""), Some(true)));
    let body = format!("status=with+a+warning&in_reply_to_id={id}&spoiler_text=Food");
    let r2 = form(&app, Method::POST, "/api/v1/statuses", &ada, &body, None).await;
    assert_eq!((r2.body["spoiler_text"].as_str(), r2.body["sensitive"].as_bool()), (Some("Food"), Some(true)));
    // No warning asked: none given.
    let plain = app.post("/api/v1/statuses", Some(&ada), json!({"status": "plain", "in_reply_to_id": id})).await;
    assert_eq!((plain.body["spoiler_text"].as_str(), plain.body["sensitive"].as_bool()), (Some(""), Some(false)));
}

#[tokio::test]
async fn an_edit_changes_keeps_or_clears_the_warning_and_the_source_shows_it() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let disc = app.discussion(&ada, "open", "Topic").await;
    let id = d(disc);
    let put = |body: serde_json::Value| {
        let (app, ada, id) = (&app, ada.clone(), id.clone());
        async move { app.call(Method::PUT, &format!("/api/v1/statuses/{id}"), Some(&ada), Some(body)).await }
    };
    let e = put(json!({"status": "Topic\nBody", "spoiler_text": "Long read"})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert_eq!((e.body["spoiler_text"].as_str(), e.body["sensitive"].as_bool()), (Some("Long read"), Some(true)));
    let src = app.get(&format!("/api/v1/statuses/{id}/source"), Some(&ada)).await;
    assert_eq!(src.status, StatusCode::OK);
    assert_eq!(src.body["spoiler_text"], "Long read");
    assert_eq!(src.body["text"], "Topic\nBody");

    // An edit that does not name the warning keeps it (as Mastodon's).
    let kept = put(json!({"status": "Topic\nBody, edited"})).await;
    assert_eq!(kept.body["spoiler_text"], "Long read", "{}", kept.body);
    // Changed, then cleared with an empty `spoiler_text`.
    let changed = put(json!({"status": "Topic\nBody", "spoiler_text": "Very long read"})).await;
    assert_eq!(changed.body["spoiler_text"], "Very long read");
    let cleared = put(json!({"status": "Topic\nBody", "spoiler_text": ""})).await;
    assert_eq!((cleared.body["spoiler_text"].as_str(), cleared.body["sensitive"].as_bool()), (Some(""), Some(false)));
    let src = app.get(&format!("/api/v1/statuses/{id}/source"), Some(&ada)).await;
    assert_eq!(src.body["spoiler_text"], "");

    // A reply's warning, edited as a form.
    let reply = app.reply(&ada, disc, None, "a reply").await;
    let rid = crate::helpers::r(reply);
    let e = form(&app, Method::PUT, &format!("/api/v1/statuses/{rid}"), &ada, "status=a+reply&spoiler_text=Meh", None)
        .await;
    assert_eq!((e.body["spoiler_text"].as_str(), e.body["sensitive"].as_bool()), (Some("Meh"), Some(true)));
    let src = app.get(&format!("/api/v1/statuses/{rid}/source"), Some(&ada)).await;
    assert_eq!(src.body["spoiler_text"], "Meh");
    let e =
        form(&app, Method::PUT, &format!("/api/v1/statuses/{rid}"), &ada, "status=a+reply&spoiler_text=", None).await;
    assert_eq!(e.body["spoiler_text"], "");
}

#[tokio::test]
async fn a_warning_over_the_limit_is_refused_with_mastodons_message() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let disc = app.discussion(&ada, "open", "Topic").await;
    let long = "w".repeat(1_001);
    let msg = "Validation failed: Spoiler text character limit of 1000 exceeded";
    let r = app.post("/api/v1/statuses", Some(&ada), json!({"status": "@open Hello", "spoiler_text": long})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body, json!({ "error": msg }));
    let r = app
        .post("/api/v1/statuses", Some(&ada), json!({"status": "hi", "in_reply_to_id": d(disc), "spoiler_text": long}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg));
    let r = app
        .call(
            Method::PUT,
            &format!("/api/v1/statuses/{}", d(disc)),
            Some(&ada),
            Some(json!({"status": "Topic\nx", "spoiler_text": long})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg));
    // Two lines are not a warning either.
    let r = app.post("/api/v1/statuses", Some(&ada), json!({"status": "@open Hi", "spoiler_text": "a\nb"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.code().starts_with("Validation failed: Spoiler text"), "{}", r.body);
    // Exactly at the limit is fine; nothing was posted or changed by the refusals.
    let ok = app
        .post(
            "/api/v1/statuses",
            Some(&ada),
            json!({"status": "@open At the limit", "spoiler_text": "é".repeat(1_000)}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        app.names("/api/guildhall/v1/communities/open/discussions", None, "title").await,
        ["At the limit", "Topic"]
    );
    let topic = app.get(&format!("/api/v1/statuses/{}", d(disc)), None).await;
    assert_eq!(topic.body["spoiler_text"], "");
}
