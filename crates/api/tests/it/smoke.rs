//! Health, readiness, the OpenAPI document and unknown routes.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn health_ready_and_openapi() {
    let app = TestApp::new().await;
    let r = app.get("/health", None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("ok")));
    let r = app.get("/ready", None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("ready")));
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let paths = r.body["paths"].as_object().expect("paths");
    for p in [
        "/api/guildhall/v1/accounts",
        "/api/guildhall/v1/auth/login",
        "/api/guildhall/v1/communities/{name}/join",
        "/api/guildhall/v1/discussions/{id}/replies",
        "/api/guildhall/v1/admin/settings",
    ] {
        assert!(paths.contains_key(p), "OpenAPI lacks {p}");
    }
    let r = app.get("/api/guildhall/v1/nope", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
}
