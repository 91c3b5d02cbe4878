//! A local author's content warning over Guildhall's API: on new discussions and replies,
//! changed, kept and cleared by edits, and refused when too long.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn discussions_and_replies_take_change_and_clear_a_warning() {
    let app = TestApp::new().await;
    let ada = app.user("ada").await;
    app.community(&ada, "town", "public").await;
    let body = json!({"title": "Finale", "body": "It was a dream", "content_warning": " Spoilers "});
    let r = app.post("/api/guildhall/v1/communities/town/discussions", Some(&ada), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some("Spoilers"), Some(true)));
    let id = r.body["id"].as_i64().unwrap();
    let path = format!("/api/guildhall/v1/discussions/{id}");
    assert_eq!(app.get(&path, None).await.body["spoiler_text"], "Spoilers");

    // A PATCH that names neither field keeps them; one that does changes them.
    let r = app.patch(&path, Some(&ada), json!({"title": "Finale!"})).await;
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some("Spoilers"), Some(true)));
    let r = app.patch(&path, Some(&ada), json!({"content_warning": "Major spoilers"})).await;
    assert_eq!(r.body["spoiler_text"], "Major spoilers", "{}", r.body);
    let r = app.patch(&path, Some(&ada), json!({"content_warning": "", "sensitive": false})).await;
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some(""), Some(false)), "{}", r.body);
    let r = app.patch(&path, Some(&ada), json!({"sensitive": true})).await;
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some(""), Some(true)));

    // Replies.
    let body = json!({"body": "Agreed", "content_warning": "Mild peril"});
    let r = app.post(&format!("{path}/replies"), Some(&ada), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.body["spoiler_text"].as_str(), r.body["sensitive"].as_bool()), (Some("Mild peril"), Some(true)));
    let reply = format!("/api/guildhall/v1/replies/{}", r.body["id"]);
    let r = app.patch(&reply, Some(&ada), json!({"body": "Agreed (edited)"})).await;
    assert_eq!(r.body["spoiler_text"], "Mild peril", "kept: {}", r.body);
    let r = app.patch(&reply, Some(&ada), json!({"body": "Agreed", "content_warning": ""})).await;
    assert_eq!(r.body["spoiler_text"], "", "cleared: {}", r.body);
    let plain = app.post(&format!("{path}/replies"), Some(&ada), json!({"body": "plain"})).await;
    assert_eq!((plain.body["spoiler_text"].as_str(), plain.body["sensitive"].as_bool()), (Some(""), Some(false)));
}

#[tokio::test]
async fn a_warning_too_long_or_on_two_lines_is_refused() {
    let app = TestApp::new().await;
    let ada = app.user("ada").await;
    app.community(&ada, "town", "public").await;
    let long = "w".repeat(1_001);
    let r = app
        .post(
            "/api/guildhall/v1/communities/town/discussions",
            Some(&ada),
            json!({"title": "T", "body": "b", "content_warning": long}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.body["field"], "content_warning", "{}", r.body);
    let id = app.discussion(&ada, "town", "Topic").await;
    let r = app
        .post(
            &format!("/api/guildhall/v1/discussions/{id}/replies"),
            Some(&ada),
            json!({"body": "b", "content_warning": "a\nb"}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("content_warning")), "{}", r.body);
    let r =
        app.patch(&format!("/api/guildhall/v1/discussions/{id}"), Some(&ada), json!({"content_warning": long})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("content_warning")), "{}", r.body);
    let r = app
        .post(
            "/api/guildhall/v1/communities/town/discussions",
            Some(&ada),
            json!({"title": "T", "body": "b", "sensitive": "yes"}),
        )
        .await;
    assert!(r.status.is_client_error(), "a non-boolean sensitive is refused: {}", r.body);
    // Nothing was posted or changed.
    assert_eq!(app.names("/api/guildhall/v1/communities/town/discussions", None, "title").await, ["Topic"]);
    assert_eq!(app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.body["spoiler_text"], "");
}
