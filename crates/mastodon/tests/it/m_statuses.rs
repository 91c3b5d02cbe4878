//! `/api/v1/statuses`: post, read, thread, edit, delete, source.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{d, form, ids, r};
use crate::mastodon::instance;

#[tokio::test]
async fn a_status_mentioning_a_community_starts_a_discussion_with_its_poll() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let body = "status=%40open+Lunch+on+Friday%3F%0AWhere+shall+we+go%3F&poll%5Boptions%5D%5B%5D=Pizza\
                &poll%5Boptions%5D%5B%5D=Sushi&poll%5Bexpires_in%5D=3600&poll%5Bmultiple%5D=true&visibility=public";
    let s = form(&app, Method::POST, "/api/v1/statuses", &ada, body, None).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let content = s.body["content"].as_str().unwrap();
    assert!(content.contains("<strong>Lunch on Friday?</strong>"), "{content}");
    assert!(content.contains("Where shall we go?"), "{content}");
    assert_eq!(s.body["poll"]["multiple"], true);
    assert_eq!(s.body["poll"]["options"][1]["title"], "Sushi");
    assert_eq!(s.body["mentions"][0]["acct"], "open");
    // It is a discussion of the community, on Guildhall's own API too.
    let list = app.items("/api/guildhall/v1/communities/open/discussions", Some(&ada)).await;
    assert_eq!(list[0]["title"], "Lunch on Friday?");
    assert_eq!(d(list[0]["id"].as_i64().unwrap()), s.body["id"]);
}

#[tokio::test]
async fn statuses_guildhall_cannot_honour_are_refused_with_mastodon_messages() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let post = |body: serde_json::Value| {
        let app = &app;
        let ada = ada.clone();
        async move { app.post("/api/v1/statuses", Some(&ada), body).await }
    };
    let r = post(json!({"status": "Hello everyone, no community here"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.code().contains("mention the community"), "{}", r.body);
    let r = post(json!({"status": "@open secret", "visibility": "direct"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.code().contains("direct"), "{}", r.body);
    let long = format!("@open title\n{}", "x".repeat(100_001));
    let r = post(json!({ "status": long })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "Validation failed: Text character limit of 100000 exceeded");
    let r = post(json!({"status": "@open title", "spoiler_text": "w".repeat(1_001)})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a warning over the limit: {}", r.body);
    let r = post(json!({"status": "@open title", "media_ids": ["1"]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(json!({"status": "@open one line"})).await;
    assert_eq!(r.status, StatusCode::OK, "a one-line status is a discussion: {}", r.body);
    let r = post(json!({"status": "@open"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = post(json!({"status": "@open poll", "poll": {"options": ["a", "b"], "expires_in": "soon"}})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(json!({"status": "reply", "in_reply_to_id": "junk"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/v1/statuses", None, json!({"status": "@open hi"})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Nothing else was posted by any of these.
    assert_eq!(app.names("/api/guildhall/v1/communities/open/discussions", None, "title").await, ["one line"]);
}

#[tokio::test]
async fn replies_answer_discussions_and_replies_and_the_context_is_the_thread() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let disc = app.discussion(&ada, "open", "Topic").await;
    let first = app.post("/api/v1/statuses", Some(&ada), json!({"status": "first", "in_reply_to_id": d(disc)})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.body["in_reply_to_id"], d(disc));
    let first_id = first.body["id"].as_str().unwrap().to_string();
    let nested =
        app.post("/api/v1/statuses", Some(&ada), json!({"status": "nested", "in_reply_to_id": first_id})).await;
    assert_eq!(nested.status, StatusCode::OK, "{}", nested.body);
    assert_eq!(nested.body["in_reply_to_id"], first_id);
    let nested_id = nested.body["id"].as_str().unwrap().to_string();
    let second = app.reply(&ada, disc, None, "second").await;

    let c = app.get(&format!("/api/v1/statuses/{}/context", d(disc)), None).await;
    assert_eq!(c.status, StatusCode::OK);
    assert!(ids(&c.body["ancestors"]).is_empty());
    assert_eq!(ids(&c.body["descendants"]), [first_id.clone(), nested_id.clone(), r(second)]);
    let c = app.get(&format!("/api/v1/statuses/{nested_id}/context"), None).await;
    assert_eq!(ids(&c.body["ancestors"]), [d(disc), first_id.clone()]);
    assert!(ids(&c.body["descendants"]).is_empty());
    let c = app.get(&format!("/api/v1/statuses/{first_id}/context"), None).await;
    assert_eq!(ids(&c.body["ancestors"]), [d(disc)]);
    assert_eq!(ids(&c.body["descendants"]), [nested_id]);
    assert_eq!(app.get("/api/v1/statuses/4000/context", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_same_idempotency_key_returns_the_first_status_and_posts_once() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.member("bob", "open", &ada).await;
    let body = "status=%40open+Once%0Aonly";
    let a = form(&app, Method::POST, "/api/v1/statuses", &ada, body, Some("k1")).await;
    let b = form(&app, Method::POST, "/api/v1/statuses", &ada, body, Some("k1")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["id"], b.body["id"]);
    assert_eq!(app.items("/api/guildhall/v1/communities/open/discussions", None).await.len(), 1);
    // Two requests racing with one key still post once.
    let (x, y) = tokio::join!(
        form(&app, Method::POST, "/api/v1/statuses", &ada, body, Some("race")),
        form(&app, Method::POST, "/api/v1/statuses", &ada, body, Some("race"))
    );
    assert_eq!((x.status, y.status), (StatusCode::OK, StatusCode::OK), "{} {}", x.body, y.body);
    assert_eq!(x.body["id"], y.body["id"]);
    assert_eq!(app.items("/api/guildhall/v1/communities/open/discussions", None).await.len(), 2);
    // Another key, or another account with the same key, posts again.
    let c = form(&app, Method::POST, "/api/v1/statuses", &ada, body, Some("k2")).await;
    let e = form(&app, Method::POST, "/api/v1/statuses", &bob, body, Some("k1")).await;
    assert_ne!(c.body["id"], a.body["id"]);
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert_ne!(e.body["id"], a.body["id"]);
    assert_eq!(app.items("/api/guildhall/v1/communities/open/discussions", None).await.len(), 4);
}

#[tokio::test]
async fn authors_edit_and_delete_their_statuses_and_read_the_source() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.member("bob", "open", &ada).await;
    let s = app.post("/api/v1/statuses", Some(&ada), json!({"status": "@open Old title\nold body"})).await;
    let id = s.body["id"].as_str().unwrap().to_string();
    let src = app.get(&format!("/api/v1/statuses/{id}/source"), Some(&ada)).await;
    assert_eq!(src.body, json!({"id": id, "text": "Old title\nold body", "spoiler_text": ""}));

    let e = app
        .call(
            Method::PUT,
            &format!("/api/v1/statuses/{id}"),
            Some(&ada),
            Some(json!({"status": "@open New title\nnew body"})),
        )
        .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert!(e.body["content"].as_str().unwrap().contains("<strong>New title</strong>"), "{}", e.body);
    assert!(e.body["edited_at"].is_string());
    let no =
        app.call(Method::PUT, &format!("/api/v1/statuses/{id}"), Some(&bob), Some(json!({"status": "mine"}))).await;
    assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.body);

    let reply = app.post("/api/v1/statuses", Some(&bob), json!({"status": "a reply", "in_reply_to_id": id})).await;
    let reply_id = reply.body["id"].as_str().unwrap().to_string();
    let e = app
        .call(Method::PUT, &format!("/api/v1/statuses/{reply_id}"), Some(&bob), Some(json!({"status": "edited reply"})))
        .await;
    assert!(e.body["content"].as_str().unwrap().contains("edited reply"), "{}", e.body);

    assert_eq!(
        app.delete(&format!("/api/v1/statuses/{reply_id}"), Some(&ada)).await.status,
        StatusCode::OK,
        "moderator deletes"
    );
    let gone = app.delete(&format!("/api/v1/statuses/{id}"), Some(&bob)).await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN, "{}", gone.body);
    let gone = app.delete(&format!("/api/v1/statuses/{id}"), Some(&ada)).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(gone.body["text"], "New title\nnew body");
    let ctx = app.get(&format!("/api/v1/statuses/{id}/context"), None).await;
    assert!(ids(&ctx.body["descendants"]).is_empty(), "{}", ctx.body);
}

#[tokio::test]
async fn a_status_mentioning_a_remote_community_starts_a_discussion_there_for_its_members() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    let far = app.remote_group("far", "remote.example", &ada).await;
    app.remote_membership(&ada, far.id).await;
    let s = app.post("/api/v1/statuses", Some(&ada), json!({"status": "Hello @far@remote.example!\nFrom afar"})).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert!(s.body["content"].as_str().unwrap().contains("<strong>Hello !</strong>"), "{}", s.body);
    assert_eq!(s.body["mentions"][0]["acct"], "far@remote.example");
    let home = app.get("/api/v1/timelines/home", Some(&ada)).await;
    assert_eq!(ids(&home.body), [s.body["id"].as_str().unwrap()]);
    // Not a member: refused, nothing posted.
    let no = app.post("/api/v1/statuses", Some(&bob), json!({"status": "@far@remote.example Me too"})).await;
    assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.body);
    let group = app.get(&format!("/api/v1/accounts/{}/statuses", crate::helpers::g(far.id)), None).await;
    assert_eq!(ids(&group.body).len(), 1);
}
