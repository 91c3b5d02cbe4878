//! `GET /api/guildhall/v1/search/public`, what this instance answers other Guildhall
//! instances' network search: only what an anonymous visitor may read, addresses absolute,
//! 404 when the admin opted out, 400 on bad input.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

const PUBLIC: &str = "/api/guildhall/v1/search/public";

fn titles(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {body}"))
        .iter()
        .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn peers_get_only_public_content_with_absolute_addresses() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let admin = app.admin("boss").await;
    app.community(&alice, "harbour", "public").await;
    app.community(&alice, "vault", "private").await;
    app.community(&alice, "opened", "private").await;
    app.discussion(&alice, "harbour", "Lighthouse budget in the open").await;
    app.discussion(&alice, "vault", "Lighthouse budget behind the door").await;
    // Started while private: stays members-only once the community opens.
    app.discussion(&alice, "opened", "Lighthouse budget for members").await;
    let r = app.patch("/api/guildhall/v1/communities/opened", Some(&alice), json!({"visibility": "public"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.settings(&admin, json!({"organisation": "Department of Harbours"})).await;
    guildhall_app::search_index::drain(&app.ctx, 10_000).await.expect("index");

    let r = app.get(&format!("{PUBLIC}?q=lighthouse+budget&kind=discussion"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["instance"], "localhost:8080");
    assert_eq!(r.body["department"], "Department of Harbours");
    assert_eq!(titles(&r.body), ["Lighthouse budget in the open"], "{}", r.body);
    let hit = &r.body["results"][0];
    let url = hit["url"].as_str().expect("url");
    assert!(url.starts_with("http://localhost:8080/"), "absolute, on this instance: {url}");
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    assert_eq!(r.body["has_more"], false);

    // A signed-in member of the private community asking changes nothing: the answer is anonymous.
    let r = app.get(&format!("{PUBLIC}?q=lighthouse"), Some(&alice)).await;
    assert!(!titles(&r.body).iter().any(|t| t.contains("door") || t.contains("members")), "{}", r.body);

    // Kinds filter, repeated or comma-separated.
    let r = app.get(&format!("{PUBLIC}?q=lighthouse&kind=community&kind=wiki,event"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(titles(&r.body).is_empty(), "{}", r.body);
}

#[tokio::test]
async fn empty_too_long_and_bad_requests() {
    let app = TestApp::new().await;
    let r = app.get(&format!("{PUBLIC}?q="), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["results"], json!([]));
    let r = app.get(PUBLIC, None).await;
    assert_eq!((r.status, r.body["results"].clone()), (StatusCode::OK, json!([])), "no q at all");

    let long = "a".repeat(301);
    let r = app.get(&format!("{PUBLIC}?q={long}"), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid"), "{}", r.body);
    for bad in ["limit=0", "limit=21", "limit=many", "kind=payload"] {
        let r = app.get(&format!("{PUBLIC}?q=x&{bad}"), None).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid"), "{bad}: {}", r.body);
    }
}

#[tokio::test]
async fn an_instance_that_opted_out_answers_404() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let s = app.settings(&admin, json!({"network_search": false})).await;
    assert_eq!(s["network_search"], false, "{s}");
    let r = app.get(&format!("{PUBLIC}?q=anything"), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "network_search_off"), "{}", r.body);
    // And it asks no one: its own network search is empty.
    let q = guildhall_app::search::SearchQuery { text: "anything".into(), limit: 10, ..Default::default() };
    let asked = guildhall_app::network_search::ask(&app.ctx, &q).await.expect("ask");
    assert!(asked.hits.is_empty() && asked.skipped.is_empty());

    let s = app.settings(&admin, json!({"network_search": true})).await;
    assert_eq!(s["network_search"], true);
    assert_eq!(app.get(&format!("{PUBLIC}?q=anything"), None).await.status, StatusCode::OK);
}
