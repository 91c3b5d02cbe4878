//! Discussions and replies: who may post, rendering, limits, malformed requests, ordering,
//! pagination, edits, tombstones, pins, locks and threads. Refused requests are checked to
//! leave the stored data as it was.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::TestApp;
use serde_json::{Value, json};

/// A public community `town` moderated by alice, with bob and carol as members.
struct Town {
    app: TestApp,
    alice: String,
    bob: String,
    carol: String,
}

async fn town() -> Town {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;
    let bob = app.member("bob", "town", &alice).await;
    let carol = app.member("carol", "town", &alice).await;
    Town { app, alice, bob, carol }
}

/// `GET /discussions/{id}` (as an anonymous reader of a public community), asserting 200.
async fn discussion(app: &TestApp, id: i64) -> Value {
    let r = app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Ids of the community's discussions in list order.
async fn ids(app: &TestApp, query: &str) -> Vec<i64> {
    app.items(&format!("/api/guildhall/v1/communities/town/discussions{query}"), None)
        .await
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

async fn replies(app: &TestApp, id: i64) -> Vec<Value> {
    app.items(&format!("/api/guildhall/v1/discussions/{id}/replies?limit=100"), None).await
}

async fn create(app: &TestApp, token: Option<&str>, title: &str, body: &str) -> common::Resp {
    app.post("/api/guildhall/v1/communities/town/discussions", token, json!({"title": title, "body": body})).await
}

#[tokio::test]
async fn only_members_start_discussions() {
    let Town { app, bob, .. } = town().await;
    let outsider = app.user("outsider").await;

    let r = create(&app, Some(&outsider), "Hello", "Hi").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
    let r = create(&app, None, "Hello", "Hi").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app
        .post("/api/guildhall/v1/communities/nowhere/discussions", Some(&bob), json!({"title": "T", "body": "B"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert!(ids(&app, "").await.is_empty());

    let r = create(&app, Some(&bob), "  Hello town ", "Hi *all*").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = &r.body;
    assert_eq!(d["community"], "town");
    assert_eq!((d["author"]["username"].as_str(), d["title"].as_str()), (Some("bob"), Some("Hello town")));
    assert_eq!((d["body"].as_str(), d["body_html"].as_str()), (Some("Hi *all*"), Some("<p>Hi <em>all</em></p>\n")));
    assert_eq!(
        (d["pinned"].as_bool(), d["locked"].as_bool(), d["deleted"].as_bool()),
        (Some(false), Some(false), Some(false))
    );
    assert_eq!(d["reply_count"], 0);
    assert!(d["edited_at"].is_null());
    assert_eq!(d["created_at"], d["last_activity_at"]);
    assert_eq!(discussion(&app, d["id"].as_i64().unwrap()).await, r.body, "read back equals the response");
    assert_eq!(ids(&app, "").await, vec![d["id"].as_i64().unwrap()]);
}

#[tokio::test]
async fn bodies_are_rendered_to_sanitised_html() {
    let Town { app, bob, .. } = town().await;
    let source = "Hello **world** <script>alert(1)</script>\n\n<img src=x onerror=alert(1)> \
                  [x](javascript:alert(1)) [ok](https://canada.ca)";
    let r = create(&app, Some(&bob), "XSS", source).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let stored = discussion(&app, id).await;
    let html = stored["body_html"].as_str().unwrap();
    assert!(html.contains("<strong>world</strong>"), "{html}");
    assert!(html.contains("href=\"https://canada.ca\""), "{html}");
    for bad in ["<script", "alert(1)</script>", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert_eq!(stored["body"], source, "the Markdown source is kept as written");

    let reply = app.reply(&bob, id, None, "**bold** <script>x()</script>").await;
    let list = replies(&app, id).await;
    assert_eq!(list[0]["id"], reply);
    let html = list[0]["body_html"].as_str().unwrap();
    assert!(html.contains("<strong>bold</strong>") && !html.contains("<script"), "{html}");

    let r = app
        .patch(&format!("/api/guildhall/v1/discussions/{id}"), Some(&bob), json!({"body": "_e_ <script>y()</script>"}))
        .await;
    let html = r.body["body_html"].as_str().unwrap();
    assert!(html.contains("<em>e</em>") && !html.contains("<script"), "{html}");
}

#[tokio::test]
async fn titles_and_bodies_are_limited() {
    let Town { app, bob, .. } = town().await;
    for (title, body, field) in [
        (String::new(), "b".to_string(), "title"),
        ("   ".into(), "b".into(), "title"),
        ("t".repeat(201), "b".into(), "title"),
        ("two\nlines".into(), "b".into(), "title"),
        ("T".into(), String::new(), "body"),
        ("T".into(), " \n\t ".into(), "body"),
        ("T".into(), "b".repeat(100_001), "body"),
        ("T".into(), "nul\u{0}byte".into(), "body"),
    ] {
        let r = create(&app, Some(&bob), &title, &body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)));
    }
    assert!(ids(&app, "").await.is_empty(), "nothing stored");

    let r = create(&app, Some(&bob), &"t".repeat(200), &"é".repeat(100_000)).await;
    assert_eq!(r.status, StatusCode::CREATED, "limits are in characters, inclusive: {}", r.status);
    let d = discussion(&app, r.body["id"].as_i64().unwrap()).await;
    assert_eq!(d["body"].as_str().unwrap().chars().count(), 100_000);
    assert_eq!(ids(&app, "").await.len(), 1);
}

#[tokio::test]
async fn request_bodies_over_one_mebibyte_are_413_and_not_stored() {
    let Town { app, bob, .. } = town().await;
    let huge = json!({"title": "Huge", "body": "x".repeat(1024 * 1024)}).to_string();
    assert!(huge.len() > 1024 * 1024);
    let r = app
        .raw(
            Method::POST,
            "/api/guildhall/v1/communities/town/discussions",
            Some(&bob),
            Some("application/json"),
            huge.clone(),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"), "{}", r.status);
    assert!(!r.body["message"].as_str().unwrap_or_default().is_empty());

    // The same without a length hint (a streamed body).
    let stream = streamed_body(huge);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/guildhall/v1/communities/town/discussions")
        .header(header::AUTHORIZATION, format!("Bearer {bob}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(stream)
        .unwrap();
    let r = app.send(req).await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));

    // On a reply too.
    let id = app.discussion(&bob, "town", "Small").await;
    let huge = json!({"body": "y".repeat(1024 * 1024 + 1)}).to_string();
    let r = app
        .raw(
            Method::POST,
            &format!("/api/guildhall/v1/discussions/{id}/replies"),
            Some(&bob),
            Some("application/json"),
            huge,
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));

    assert_eq!(ids(&app, "").await, vec![id], "only the small discussion exists");
    assert!(replies(&app, id).await.is_empty());
    assert_eq!(discussion(&app, id).await["reply_count"], 0);
}

/// A body whose size is unknown up front (as with chunked transfer encoding).
fn streamed_body(s: String) -> Body {
    Body::from_stream(Body::from(s).into_data_stream())
}

#[tokio::test]
async fn malformed_and_incomplete_bodies_are_refused_with_an_error_body() {
    let Town { app, bob, .. } = town().await;
    let path = "/api/guildhall/v1/communities/town/discussions";
    for raw in ["{not json", "", "[1, 2", "{\"title\": \"T\", \"body\": \"B\"} trailing"] {
        let r = app.raw(Method::POST, path, Some(&bob), Some("application/json"), raw).await;
        assert!(matches!(r.status, StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY), "{raw}: {}", r.status);
        assert_eq!(r.code(), "invalid_body", "{raw}");
        assert!(!r.body["message"].as_str().unwrap_or_default().is_empty(), "{raw}");
    }
    for body in [json!({"title": "Only a title"}), json!({"title": 5, "body": "B"}), json!("T"), json!(null)] {
        let r = app.post(path, Some(&bob), body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}");
    }
    let r = app.raw(Method::POST, path, Some(&bob), None, "{\"title\": \"T\", \"body\": \"B\"}").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let r = app.raw(Method::POST, path, Some(&bob), Some("text/plain"), "{\"title\": \"T\", \"body\": \"B\"}").await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    assert!(ids(&app, "").await.is_empty(), "nothing stored");

    let id = app.discussion(&bob, "town", "Real").await;
    let r =
        app.post(&format!("/api/guildhall/v1/discussions/{id}/replies"), Some(&bob), json!({"parent_id": null})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let r = app
        .post(
            &format!("/api/guildhall/v1/discussions/{id}/replies"),
            Some(&bob),
            json!({"body": "B", "parent_id": "x"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert!(replies(&app, id).await.is_empty());
}

#[tokio::test]
async fn unknown_and_malformed_ids_and_queries() {
    let Town { app, bob, .. } = town().await;
    let id = app.discussion(&bob, "town", "Real").await;
    let missing = id + 1000;

    for (method, path) in [
        (Method::GET, format!("/api/guildhall/v1/discussions/{missing}")),
        (Method::GET, format!("/api/guildhall/v1/discussions/{missing}/replies")),
        (Method::DELETE, format!("/api/guildhall/v1/discussions/{missing}")),
        (Method::POST, format!("/api/guildhall/v1/discussions/{missing}/pin")),
        (Method::DELETE, format!("/api/guildhall/v1/replies/{missing}")),
        (Method::GET, "/api/guildhall/v1/communities/nowhere/discussions".to_string()),
    ] {
        let r = app.call(method.clone(), &path, Some(&bob), None).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{method} {path}");
    }
    let r = app.patch(&format!("/api/guildhall/v1/discussions/{missing}"), Some(&bob), json!({"title": "X"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.patch(&format!("/api/guildhall/v1/replies/{missing}"), Some(&bob), json!({"body": "X"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r =
        app.post(&format!("/api/guildhall/v1/discussions/{missing}/replies"), Some(&bob), json!({"body": "X"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));

    for path in [
        "/api/guildhall/v1/discussions/abc",
        "/api/guildhall/v1/discussions/1.5",
        "/api/guildhall/v1/discussions/99999999999999999999",
        "/api/guildhall/v1/discussions/abc/replies",
        "/api/guildhall/v1/replies/abc",
    ] {
        let method = if path.starts_with("/api/guildhall/v1/replies") { Method::DELETE } else { Method::GET };
        let r = app.call(method, path, Some(&bob), None).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_path"), "{path}");
    }
    for query in ["?sort=sideways", "?sort=New", "?limit=-1", "?page=abc", "?limit=1e3"] {
        let r = app.get(&format!("/api/guildhall/v1/communities/town/discussions{query}"), None).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_query"), "{query}");
    }
    assert_eq!(discussion(&app, id).await["title"], "Real");
}

#[tokio::test]
async fn sort_new_and_active_with_pinned_first() {
    let Town { app, alice, bob, carol } = town().await;
    let d1 = app.discussion(&bob, "town", "First").await;
    let d2 = app.discussion(&carol, "town", "Second").await;
    let d3 = app.discussion(&bob, "town", "Third").await;
    assert_eq!(ids(&app, "").await, vec![d3, d2, d1], "newest first by default");
    assert_eq!(ids(&app, "?sort=new").await, vec![d3, d2, d1]);
    assert_eq!(ids(&app, "?sort=active").await, vec![d3, d2, d1]);

    // A reply bumps d1 in the active order only.
    app.reply(&carol, d1, None, "bump").await;
    assert_eq!(ids(&app, "?sort=active").await, vec![d1, d3, d2]);
    assert_eq!(ids(&app, "?sort=new").await, vec![d3, d2, d1]);
    let d = discussion(&app, d1).await;
    assert_eq!(d["reply_count"], 1);
    assert_ne!(d["last_activity_at"], d["created_at"]);

    // Pinned discussions come first in both orders.
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d2}/pin"), Some(&alice), json!({})).await;
    assert_eq!((r.status, r.body["pinned"].as_bool()), (StatusCode::OK, Some(true)), "{}", r.body);
    assert_eq!(ids(&app, "?sort=new").await, vec![d2, d3, d1]);
    assert_eq!(ids(&app, "?sort=active").await, vec![d2, d1, d3]);
    app.post(&format!("/api/guildhall/v1/discussions/{d1}/pin"), Some(&alice), json!({})).await;
    assert_eq!(ids(&app, "?sort=new").await, vec![d2, d1, d3]);

    let r = app.post(&format!("/api/guildhall/v1/discussions/{d2}/unpin"), Some(&alice), json!({})).await;
    assert_eq!((r.status, r.body["pinned"].as_bool()), (StatusCode::OK, Some(false)));
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d1}/unpin"), Some(&alice), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(ids(&app, "?sort=new").await, vec![d3, d2, d1]);
    assert_eq!(ids(&app, "?sort=active").await, vec![d1, d3, d2]);
}

#[tokio::test]
async fn lists_page_and_clamp_the_limit() {
    let Town { app, bob, .. } = town().await;
    let mut all = Vec::new();
    for i in 0..101 {
        all.push(app.discussion(&bob, "town", &format!("D{i}")).await);
    }
    all.reverse(); // newest first

    let r = app.get("/api/guildhall/v1/communities/town/discussions", None).await;
    assert_eq!(
        (r.body["page"].as_u64(), r.body["limit"].as_u64(), r.body["has_more"].as_bool()),
        (Some(1), Some(20), Some(true))
    );
    assert_eq!(r.body["items"].as_array().unwrap().len(), 20);

    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=1000", None).await;
    assert_eq!(r.body["limit"], 100, "clamped");
    assert_eq!(r.body["items"].as_array().unwrap().len(), 100);
    assert_eq!(r.body["has_more"], true);
    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=1000&page=2", None).await;
    let items = r.body["items"].as_array().unwrap();
    assert_eq!((items.len(), r.body["has_more"].as_bool()), (1, Some(false)));
    assert_eq!(items[0]["id"].as_i64(), Some(all[100]));

    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=0&page=0", None).await;
    assert_eq!((r.body["page"].as_u64(), r.body["limit"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r.body["items"][0]["id"].as_i64(), Some(all[0]));

    // Pages do not overlap and together hold everything.
    let mut seen = Vec::new();
    for page in 1..=3 {
        seen.extend(ids(&app, &format!("?limit=40&page={page}")).await);
    }
    assert_eq!(seen, all);
    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=40&page=4", None).await;
    assert_eq!((r.body["items"].as_array().unwrap().len(), r.body["has_more"].as_bool()), (0, Some(false)));
    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=101&page=1", None).await;
    assert_eq!(r.body["has_more"], true, "101 items, limit clamped to 100");
}

#[tokio::test]
async fn a_huge_page_number_is_not_a_server_error() {
    let Town { app, bob, .. } = town().await;
    let id = app.discussion(&bob, "town", "Only").await;
    for page in ["18446744073709551615", "1000000000000000000"] {
        let r = app.get(&format!("/api/guildhall/v1/communities/town/discussions?page={page}"), None).await;
        assert!(
            r.status == StatusCode::OK && r.body["items"].as_array().is_some_and(|i| i.is_empty())
                || r.status == StatusCode::BAD_REQUEST,
            "page={page}: {} {}",
            r.status,
            r.body
        );
    }
    assert_eq!(ids(&app, "").await, vec![id]);
}

#[tokio::test]
async fn only_the_author_edits_a_discussion() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Original").await;
    let path = format!("/api/guildhall/v1/discussions/{id}");
    let before = discussion(&app, id).await;

    for token in [&alice, &carol] {
        let r = app.patch(&path, Some(token), json!({"title": "Changed"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"), "{}", r.body);
    }
    let outsider = app.user("outsider").await;
    let r = app.patch(&path, Some(&outsider), json!({"title": "Changed"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));
    let r = app.patch(&path, None, json!({"title": "Changed"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    for (body, field) in [
        (json!({"title": "t".repeat(201)}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"body": "b".repeat(100_001)}), "body"),
        (json!({"body": "  "}), "body"),
        (json!({"title": "Fine", "body": ""}), "body"),
    ] {
        let r = app.patch(&path, Some(&bob), body).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{}", r.body);
    }
    assert_eq!(discussion(&app, id).await, before, "refused edits change nothing");

    let r = app.patch(&path, Some(&bob), json!({"body": "**new** body"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["title"], "Original", "omitted title kept");
    assert_eq!(r.body["body_html"], "<p><strong>new</strong> body</p>\n");
    assert!(r.body["edited_at"].is_string(), "{}", r.body);
    let r = app.patch(&path, Some(&bob), json!({"title": " Renamed "})).await;
    assert_eq!((r.body["title"].as_str(), r.body["body"].as_str()), (Some("Renamed"), Some("**new** body")));
    let after = discussion(&app, id).await;
    assert_eq!((after["title"].as_str(), after["body"].as_str()), (Some("Renamed"), Some("**new** body")));
    assert!(after["edited_at"].is_string());
    assert_eq!(after["created_at"], before["created_at"]);
}

#[tokio::test]
async fn deleting_a_discussion_leaves_a_tombstone_and_keeps_replies() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Doomed").await;
    let path = format!("/api/guildhall/v1/discussions/{id}");
    app.post(&format!("{path}/pin"), Some(&alice), json!({})).await;
    let r1 = app.reply(&carol, id, None, "first").await;
    let r2 = app.reply(&bob, id, Some(r1), "second").await;

    let r = app.delete(&path, Some(&carol)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));
    let r = app.delete(&path, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let d = discussion(&app, id).await;
    assert_eq!((d["title"].as_str(), d["deleted"].as_bool()), (Some("Doomed"), Some(false)));

    let r = app.delete(&path, Some(&bob)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let d = discussion(&app, id).await;
    assert_eq!(d["deleted"], true);
    assert_eq!((d["title"].as_str(), d["body"].as_str(), d["body_html"].as_str()), (Some(""), Some(""), Some("")));
    assert_eq!(d["author"]["username"], "");
    assert_eq!(d["pinned"], false, "a tombstone is not pinned");
    assert_eq!(d["reply_count"], 2);
    let list = replies(&app, id).await;
    let kept: Vec<(i64, &str)> =
        list.iter().map(|r| (r["id"].as_i64().unwrap(), r["body"].as_str().unwrap())).collect();
    assert_eq!(kept, [(r1, "first"), (r2, "second")]);
    let listed = app.items("/api/guildhall/v1/communities/town/discussions", None).await;
    assert_eq!((listed[0]["id"].as_i64(), listed[0]["deleted"].as_bool()), (Some(id), Some(true)));

    // A tombstone cannot be deleted, edited, replied to, pinned or locked.
    let r = app.delete(&path, Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"));
    let r = app.patch(&path, Some(&bob), json!({"title": "Back"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"));
    let r = app.post(&format!("{path}/replies"), Some(&bob), json!({"body": "late"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"));
    for action in ["pin", "lock"] {
        let r = app.post(&format!("{path}/{action}"), Some(&alice), json!({})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"), "{action}");
    }
    let d = discussion(&app, id).await;
    assert_eq!(
        (d["title"].as_str(), d["pinned"].as_bool(), d["locked"].as_bool()),
        (Some(""), Some(false), Some(false))
    );
    assert_eq!(replies(&app, id).await.len(), 2);
}

#[tokio::test]
async fn moderators_delete_other_peoples_posts() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Spam").await;
    let reply = app.reply(&carol, id, None, "more spam").await;

    let r = app.delete(&format!("/api/guildhall/v1/replies/{reply}"), Some(&alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app.delete(&format!("/api/guildhall/v1/discussions/{id}"), Some(&alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(discussion(&app, id).await["deleted"], true);
    let list = replies(&app, id).await;
    assert_eq!((list[0]["deleted"].as_bool(), list[0]["body"].as_str()), (Some(true), Some("")));

    // Instance admins may step in too.
    let admin = app.admin("boss").await;
    let id = app.discussion(&carol, "town", "Off topic").await;
    assert_eq!(
        app.delete(&format!("/api/guildhall/v1/discussions/{id}"), Some(&admin)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(discussion(&app, id).await["deleted"], true);
}

#[tokio::test]
async fn only_moderators_pin_and_lock() {
    let Town { app, alice, bob, .. } = town().await;
    let outsider = app.user("outsider").await;
    let id = app.discussion(&bob, "town", "Mine").await;

    for action in ["pin", "unpin", "lock", "unlock"] {
        let path = format!("/api/guildhall/v1/discussions/{id}/{action}");
        for token in [&bob, &outsider] {
            let r = app.post(&path, Some(token), json!({})).await;
            assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"), "{action}");
        }
        let r = app.post(&path, None, json!({})).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"), "{action}");
    }
    let d = discussion(&app, id).await;
    assert_eq!((d["pinned"].as_bool(), d["locked"].as_bool()), (Some(false), Some(false)));

    let r = app.post(&format!("/api/guildhall/v1/discussions/{id}/lock"), Some(&alice), json!({})).await;
    assert_eq!((r.status, r.body["locked"].as_bool()), (StatusCode::OK, Some(true)));
    let r = app.post(&format!("/api/guildhall/v1/discussions/{id}/unlock"), Some(&bob), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    assert_eq!(discussion(&app, id).await["locked"], true, "still locked");
}

#[tokio::test]
async fn locked_discussions_take_replies_from_moderators_only() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Heated").await;
    let early = app.reply(&carol, id, None, "before the lock").await;
    app.post(&format!("/api/guildhall/v1/discussions/{id}/lock"), Some(&alice), json!({})).await;

    for (token, parent) in [(&bob, None), (&carol, Some(early))] {
        let r = app
            .post(
                &format!("/api/guildhall/v1/discussions/{id}/replies"),
                Some(token),
                json!({"body": "but...", "parent_id": parent}),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "locked"), "{}", r.body);
    }
    assert_eq!(replies(&app, id).await.len(), 1);
    assert_eq!(discussion(&app, id).await["reply_count"], 1);

    let m = app.reply(&alice, id, None, "Locked, folks.").await;
    let list = replies(&app, id).await;
    assert_eq!(list.iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![early, m]);

    app.post(&format!("/api/guildhall/v1/discussions/{id}/unlock"), Some(&alice), json!({})).await;
    app.reply(&bob, id, None, "thanks").await;
    assert_eq!(discussion(&app, id).await["reply_count"], 3);
}

#[tokio::test]
async fn replies_come_in_threaded_order_with_depth() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Thread").await;
    let r1 = app.reply(&bob, id, None, "r1").await;
    let r2 = app.reply(&carol, id, None, "r2").await;
    let r1a = app.reply(&alice, id, Some(r1), "r1a").await;
    let r2a = app.reply(&bob, id, Some(r2), "r2a").await;
    let r1a1 = app.reply(&bob, id, Some(r1a), "r1a1").await;
    let r1b = app.reply(&carol, id, Some(r1), "r1b").await;
    let r3 = app.reply(&alice, id, None, "r3").await;

    let list = replies(&app, id).await;
    let got: Vec<(i64, Option<i64>, i64, &str)> = list
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["parent_id"].as_i64(),
                r["depth"].as_i64().unwrap(),
                r["body"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (r1, None, 0, "r1"),
            (r1a, Some(r1), 1, "r1a"),
            (r1a1, Some(r1a), 2, "r1a1"),
            (r1b, Some(r1), 1, "r1b"),
            (r2, None, 0, "r2"),
            (r2a, Some(r2), 1, "r2a"),
            (r3, None, 0, "r3"),
        ]
    );
    assert!(list.iter().all(|r| r["discussion_id"].as_i64() == Some(id)));
    assert_eq!(list[1]["author"]["username"], "alice");
    assert_eq!(discussion(&app, id).await["reply_count"], 7);

    // Pages keep the threaded order.
    let r = app.get(&format!("/api/guildhall/v1/discussions/{id}/replies?limit=4"), None).await;
    let first: Vec<i64> = r.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!((first, r.body["has_more"].as_bool()), (vec![r1, r1a, r1a1, r1b], Some(true)));
    let r = app.get(&format!("/api/guildhall/v1/discussions/{id}/replies?limit=4&page=2"), None).await;
    let second: Vec<i64> = r.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!((second, r.body["has_more"].as_bool()), (vec![r2, r2a, r3], Some(false)));
}

#[tokio::test]
async fn a_parent_must_be_a_reply_in_the_same_discussion() {
    let Town { app, bob, carol, .. } = town().await;
    let d1 = app.discussion(&bob, "town", "One").await;
    let d2 = app.discussion(&bob, "town", "Two").await;
    let r = app.reply(&carol, d1, None, "in one").await;

    for parent in [r, r + 1000, -1] {
        let resp = app
            .post(
                &format!("/api/guildhall/v1/discussions/{d2}/replies"),
                Some(&carol),
                json!({"body": "x", "parent_id": parent}),
            )
            .await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{parent}: {}", resp.body);
        assert_eq!((resp.code(), resp.body["field"].as_str()), ("invalid", Some("parent_id")));
    }
    assert!(replies(&app, d2).await.is_empty());
    assert_eq!(discussion(&app, d2).await["reply_count"], 0);
    assert_eq!(replies(&app, d1).await.len(), 1);
}

#[tokio::test]
async fn threads_are_limited_to_fifty_levels() {
    let Town { app, bob, .. } = town().await;
    let id = app.discussion(&bob, "town", "Deep").await;
    let mut parent = app.reply(&bob, id, None, "level 0").await;
    for depth in 1..=50 {
        parent = app.reply(&bob, id, Some(parent), &format!("level {depth}")).await;
    }
    let r = app
        .post(
            &format!("/api/guildhall/v1/discussions/{id}/replies"),
            Some(&bob),
            json!({"body": "too deep", "parent_id": parent}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("parent_id")), "{}", r.body);
    let list = replies(&app, id).await;
    assert_eq!(list.len(), 51);
    assert_eq!(list.last().unwrap()["depth"], 50);
    assert!(list.windows(2).all(|w| w[1]["parent_id"] == w[0]["id"]), "each level follows its parent");
}

#[tokio::test]
async fn reply_edits_are_for_authors_and_deletes_for_authors_and_moderators() {
    let Town { app, alice, bob, carol } = town().await;
    let id = app.discussion(&bob, "town", "Replies").await;
    let mine = app.reply(&bob, id, None, "original").await;
    let path = format!("/api/guildhall/v1/replies/{mine}");
    let before = replies(&app, id).await;

    for token in [&carol, &alice] {
        let r = app.patch(&path, Some(token), json!({"body": "changed"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"), "{}", r.body);
    }
    let r = app.patch(&path, None, json!({"body": "changed"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    for body in ["", "   ", &"b".repeat(100_001)] {
        let r = app.patch(&path, Some(&bob), json!({"body": body})).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("body")));
    }
    let r = app.delete(&path, Some(&carol)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "author_only"));
    let r = app.delete(&path, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    assert_eq!(replies(&app, id).await, before, "refused changes leave the reply as it was");
    assert!(before[0]["edited_at"].is_null());

    let r = app.patch(&path, Some(&bob), json!({"body": "edited *now*"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["body_html"], "<p>edited <em>now</em></p>\n");
    let list = replies(&app, id).await;
    assert_eq!(list[0]["body"], "edited *now*");
    assert!(list[0]["edited_at"].is_string());

    // The author deletes: a tombstone stays, with its children.
    let child = app.reply(&carol, id, Some(mine), "child").await;
    let r = app.delete(&path, Some(&bob)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let list = replies(&app, id).await;
    assert_eq!((list[0]["deleted"].as_bool(), list[0]["body"].as_str()), (Some(true), Some("")));
    assert_eq!((list[0]["body_html"].as_str(), list[0]["author"]["username"].as_str()), (Some(""), Some("")));
    assert_eq!((list[1]["id"].as_i64(), list[1]["body"].as_str()), (Some(child), Some("child")));
    let r = app.patch(&path, Some(&bob), json!({"body": "resurrect"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"));
    let r = app.delete(&path, Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "deleted"));
    assert_eq!(replies(&app, id).await[0]["body"], "");

    // A moderator deletes someone else's reply.
    let r = app.delete(&format!("/api/guildhall/v1/replies/{child}"), Some(&alice)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(replies(&app, id).await[1]["deleted"], true);
}

#[tokio::test]
async fn approval_communities_are_readable_but_only_members_write() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "club", "approval").await;
    let id = app.discussion(&alice, "club", "Open to read").await;
    let bob = app.user("bob").await;

    assert_eq!(app.items("/api/guildhall/v1/communities/club/discussions", None).await.len(), 1);
    assert_eq!(app.get(&format!("/api/guildhall/v1/discussions/{id}"), Some(&bob)).await.status, StatusCode::OK);
    let r = app.post(&format!("/api/guildhall/v1/discussions/{id}/replies"), Some(&bob), json!({"body": "hi"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
    let r = app.post(&format!("/api/guildhall/v1/discussions/{id}/replies"), None, json!({"body": "hi"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    assert!(app.items(&format!("/api/guildhall/v1/discussions/{id}/replies"), None).await.is_empty());
}

#[tokio::test]
async fn errors_use_the_error_format() {
    let Town { app, bob, .. } = town().await;
    let r = app.get("/api/guildhall/v1/no/such/route", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.post("/api/guildhall/v1/nothing-here", Some(&bob), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    // Every error body has a code and a message, and validation errors a field.
    let r = create(&app, Some(&bob), "", "b").await;
    let mut keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["error", "field", "message"]);
    let r = create(&app, None, "T", "b").await;
    let mut keys: Vec<&String> = r.body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["error", "message"]);
    assert_eq!(r.headers.get(header::CONTENT_TYPE).unwrap(), "application/json");
}

#[tokio::test]
async fn wrong_methods_use_the_error_format() {
    let Town { app, bob, .. } = town().await;
    let id = app.discussion(&bob, "town", "T").await;
    for (method, path) in [
        (Method::PUT, "/api/guildhall/v1/communities".to_string()),
        (Method::DELETE, "/api/guildhall/v1/communities/town".to_string()),
        (Method::PUT, format!("/api/guildhall/v1/discussions/{id}")),
        (Method::GET, "/api/guildhall/v1/auth/login".to_string()),
    ] {
        let r = app.call(method.clone(), &path, Some(&bob), None).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(r.body["error"].is_string() && r.body["message"].is_string(), "{method} {path}: {:?}", r.body);
    }
    assert_eq!(discussion(&app, id).await["title"], "T");
}
