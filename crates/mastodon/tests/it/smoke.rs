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

#[tokio::test]
async fn a_trailing_slash_is_sent_to_the_path_without_it() {
    let app = instance().await;
    let r = app.get("/api/v1/instance/", None).await;
    assert_eq!(r.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(r.headers["location"], "/api/v1/instance");
    let r = app.get("/api/v2/instance/?x=1", None).await;
    assert_eq!(r.headers["location"], "/api/v2/instance?x=1");
}

#[tokio::test]
async fn instance_documents_agree_with_each_other() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let v1 = app.get("/api/v1/instance", None).await;
    assert_eq!(v1.status, StatusCode::OK, "{}", v1.body);
    let v2 = app.get("/api/v2/instance", None).await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.body);
    assert_eq!(v1.body["uri"], v2.body["domain"]);
    assert_eq!(v1.body["stats"]["user_count"], 1);
    assert_eq!(v2.body["usage"]["users"]["active_month"], 1);
    assert!(v1.body["version"].as_str().unwrap().starts_with("4."), "apps read the leading number");
    assert_eq!(
        v1.body["configuration"]["statuses"]["max_characters"],
        v2.body["configuration"]["statuses"]["max_characters"]
    );
    assert_eq!(app.get("/api/v1/instance/peers", None).await.body, json!([]));
    assert_eq!(app.get("/api/v1/custom_emojis", None).await.body, json!([]));
    // Lists of things Guildhall does not have are empty, and need a token like Mastodon's.
    assert_eq!(app.get("/api/v1/filters", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/filters", Some(&ada)).await.body, json!([]));
    let prefs = app.get("/api/v1/preferences", Some(&ada)).await;
    assert_eq!(prefs.body["posting:default:visibility"], "public");
}

#[tokio::test]
async fn markers_are_kept_per_account_and_bumped() {
    use axum::body::Body;
    use axum::http::{Method, Request, header};

    let app = instance().await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    assert_eq!(app.get("/api/v1/markers?timeline[]=home", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/markers?timeline[]=home", Some(&ada)).await.body, json!({}));
    // Form-encoded, as Tusky sends it.
    let form = |token: &str, body: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/markers")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let r = app.send(form(&ada, "home%5Blast_read_id%5D=104")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["home"]["last_read_id"], "104");
    assert_eq!(r.body["home"]["version"], 1);
    let r = app
        .post(
            "/api/v1/markers",
            Some(&ada),
            json!({"home": {"last_read_id": "108"}, "notifications": {"last_read_id": "7"}}),
        )
        .await;
    assert_eq!(r.body["home"]["version"], 2, "{}", r.body);
    let r = app.get("/api/v1/markers?timeline[]=home&timeline[]=notifications", Some(&ada)).await;
    assert_eq!(r.body["home"]["last_read_id"], "108");
    assert_eq!(r.body["notifications"]["last_read_id"], "7");
    // Someone else's markers are their own.
    assert_eq!(app.get("/api/v1/markers?timeline[]=home", Some(&bob)).await.body, json!({}));
    // Bad input: nothing to save, or an id that is no id.
    let r = app.post("/api/v1/markers", Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = app.post("/api/v1/markers", Some(&ada), json!({"home": {"last_read_id": "<script>"}})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body["error"].as_str().unwrap().starts_with("Validation failed"), "{}", r.body);
}
