//! The account's time zone, through `PATCH /api/guildhall/v1/accounts/me`.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn time_zone_is_set_cleared_and_checked() {
    let app = TestApp::new().await;
    let token = app.user("ada").await;
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["time_zone"], serde_json::Value::Null, "none at first");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"time_zone": "Europe/Paris"})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["time_zone"], "Europe/Paris");
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["time_zone"], "Europe/Paris");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"display_name": "Ada"})).await;
    assert_eq!(r.body["time_zone"], "Europe/Paris", "absent: unchanged");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"time_zone": "Mars/Olympus"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some("time_zone")));
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["time_zone"], "Europe/Paris", "a refused change leaves it as it was");
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&token), json!({"time_zone": ""})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["time_zone"], serde_json::Value::Null, "'' clears it");
}
