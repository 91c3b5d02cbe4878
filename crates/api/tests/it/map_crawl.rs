//! The network-map crawler's admin endpoints: admins only, one crawl at a time (409), progress
//! and the instance list readable.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn crawl_endpoints_are_for_admins_and_one_crawl_runs_at_a_time() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let member = app.user("ada").await;
    for (path, post) in [
        ("/api/guildhall/v1/admin/map/crawl", false),
        ("/api/guildhall/v1/admin/map/crawl", true),
        ("/api/guildhall/v1/admin/map/instances", false),
    ] {
        let r = if post { app.post(path, Some(&member), json!({})).await } else { app.get(path, Some(&member)).await };
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
        let r = if post { app.post(path, None, json!({})).await } else { app.get(path, None).await };
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}: {}", r.body);
    }

    let r = app.get("/api/guildhall/v1/admin/map/crawl", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["running"], false, "{}", r.body);
    let r = app.get("/api/guildhall/v1/admin/map/instances", Some(&admin)).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!([])));

    // While a crawl holds this process's slot, another is refused.
    let job = app.ctx.map_crawl().try_start().expect("free slot");
    let r = app.post("/api/guildhall/v1/admin/map/crawl", Some(&admin), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{}", r.body);
    let r = app.get("/api/guildhall/v1/admin/map/crawl", Some(&admin)).await;
    assert_eq!(r.body["running"], true, "{}", r.body);
    job.finish(None);
    let r = app.get("/api/guildhall/v1/admin/map/crawl", Some(&admin)).await;
    assert_eq!((r.body["running"].clone(), r.body["error"].clone()), (json!(false), json!(null)), "{}", r.body);
}
