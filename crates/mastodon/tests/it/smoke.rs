//! The Mastodon prefixes answer only in Mastodon's shapes.

use axum::http::StatusCode;
use serde_json::json;

use crate::mastodon::instance;

#[tokio::test]
async fn unknown_mastodon_paths_are_mastodon_404s_and_old_guildhall_paths_redirect() {
    let app = instance().await;
    for path in ["/api/v1/nothing", "/api/v2/nothing", "/api/v1/statuses/abc"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.body, json!({"error": "Record not found"}), "{path}");
    }
    let r = app.get("/api/v1/communities?page=2", None).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.headers["location"], "/api/guildhall/v1/communities?page=2");
    // Guildhall's own API answers at its new prefix.
    assert_eq!(app.get("/api/guildhall/v1/communities", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_status_renders_for_its_readers_only() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    app.community(&ada, "closed", "private").await;
    let open = app.discussion(&ada, "open", "Hello").await;
    let closed = app.discussion(&ada, "closed", "Secret").await;
    let open_id = guildhall_mastodon::ids::StatusId::Discussion(open).to_string();
    let closed_id = guildhall_mastodon::ids::StatusId::Discussion(closed).to_string();
    let viewer = guildhall_app::auth::authenticate(&app.ctx, &ada).await.unwrap().unwrap().viewer;
    let s =
        guildhall_mastodon::render::status(&app.ctx, None, guildhall_mastodon::ids::StatusId::parse(&open_id).unwrap())
            .await
            .expect("public status");
    let s = serde_json::to_value(s).unwrap();
    assert_eq!(s["id"], open_id);
    assert_eq!(s["visibility"], "public");
    assert_eq!(s["account"]["acct"], "ada");
    assert!(s["content"].as_str().unwrap().contains("<strong>Hello</strong>"), "{s}");
    let hidden = guildhall_mastodon::render::status(
        &app.ctx,
        None,
        guildhall_mastodon::ids::StatusId::parse(&closed_id).unwrap(),
    )
    .await;
    assert!(matches!(hidden, Err(guildhall_app::Error::NotFound(_))));
    let own = guildhall_mastodon::render::status(
        &app.ctx,
        Some(&viewer),
        guildhall_mastodon::ids::StatusId::parse(&closed_id).unwrap(),
    )
    .await
    .expect("member reads it");
    assert_eq!(serde_json::to_value(own).unwrap()["visibility"], "private");
}
