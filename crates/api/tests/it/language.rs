//! The account's language for the web pages, through `PATCH /api/guildhall/v1/accounts/me`.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn language_is_set_cleared_and_checked() {
    let app = TestApp::new().await;
    let token = app.user("ada").await;
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["language"], serde_json::Value::Null, "no preference at first");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"language": "fr"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["language"], "fr");
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["language"], "fr");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"display_name": "Ada"})).await;
    assert_eq!(r.body["language"], "fr", "absent: unchanged");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"language": "de"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some("language")));
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"language": ""})).await;
    assert_eq!(r.body["language"], serde_json::Value::Null, "'' clears it");
}
