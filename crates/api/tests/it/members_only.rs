//! Members-only discussions: what was posted while a community was private stays readable by
//! members only after the community opens up, and nothing clears the flag.

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, incoming};
use serde_json::json;

/// Ids of a community's discussions as `token` lists them.
async fn listed(app: &TestApp, community: &str, query: &str, token: Option<&str>) -> Vec<i64> {
    app.items(&format!("/api/guildhall/v1/communities/{community}/discussions{query}"), token)
        .await
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect()
}

/// Asserts that `token` gets the same 404 as for private content on every read of `id`.
async fn hidden_from(app: &TestApp, id: i64, reply: i64, token: Option<&str>) {
    for path in [format!("/api/guildhall/v1/discussions/{id}"), format!("/api/guildhall/v1/discussions/{id}/replies")] {
        let r = app.get(&path, token).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}: {}", r.body);
    }
    if token.is_some() {
        for (path, body) in [
            (format!("/api/guildhall/v1/discussions/{id}/vote"), json!({"value": 1})),
            (format!("/api/guildhall/v1/replies/{reply}/vote"), json!({"value": 1})),
            (format!("/api/guildhall/v1/discussions/{id}/replies"), json!({"body": "let me in"})),
        ] {
            let r = app.post(&path, token, body).await;
            assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{path}: {}", r.body);
        }
        let r = app.patch(&format!("/api/guildhall/v1/replies/{reply}"), token, json!({"body": "edited"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{}", r.body);
    }
}

/// Asserts that `token` reads the discussion, its replies and sees it listed.
async fn readable_by(app: &TestApp, community: &str, id: i64, token: &str) {
    let r = app.get(&format!("/api/guildhall/v1/discussions/{id}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["members_only"], true);
    assert_eq!(app.items(&format!("/api/guildhall/v1/discussions/{id}/replies"), Some(token)).await.len(), 1);
    assert!(listed(app, community, "?limit=100", Some(token)).await.contains(&id));
}

#[tokio::test]
async fn opening_a_private_community_keeps_its_past_private() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let admin = app.admin("boss").await;
    app.community(&alice, "vault", "private").await;
    let bob = app.member("bob", "vault", &alice).await;
    let eve = app.user("eve").await;
    let pat = app.user("pat").await;
    assert_eq!(app.join(&pat, "vault").await.body["status"], "requested");

    let old = app.discussion(&bob, "vault", "Said in private").await;
    let r = app.get(&format!("/api/guildhall/v1/discussions/{old}"), Some(&bob)).await;
    assert_eq!(r.body["members_only"], true, "started in a private community");
    let old_reply = app.reply(&alice, old, None, "a private answer").await;
    let r = app.post(&format!("/api/guildhall/v1/discussions/{old}/vote"), Some(&alice), json!({"value": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let r = app.patch("/api/guildhall/v1/communities/vault", Some(&alice), json!({"visibility": "public"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["visibility"], "public");
    let new = app.discussion(&bob, "vault", "Said in public").await;
    let r = app.get(&format!("/api/guildhall/v1/discussions/{new}"), None).await;
    assert_eq!((r.status, r.body["members_only"].as_bool()), (StatusCode::OK, Some(false)), "{}", r.body);
    let new_reply = app.reply(&bob, new, None, "a public answer").await;

    // Outsiders, the anonymous and people still waiting see only what came after.
    for token in [None, Some(eve.as_str()), Some(pat.as_str())] {
        assert_eq!(listed(&app, "vault", "", token).await, vec![new], "{token:?}");
        hidden_from(&app, old, old_reply, token).await;
        let r = app.get(&format!("/api/guildhall/v1/discussions/{new}/replies"), token).await;
        assert_eq!(r.body["items"][0]["id"].as_i64(), Some(new_reply));
    }
    // Pages are counted after the filter: one page of one, nothing more.
    let r = app.get("/api/guildhall/v1/communities/vault/discussions?limit=1", None).await;
    assert_eq!((r.body["items"].as_array().map(Vec::len), r.body["has_more"].as_bool()), (Some(1), Some(false)));
    let r = app.get("/api/guildhall/v1/communities/vault/discussions?limit=1&page=2", None).await;
    assert_eq!(r.body["items"], json!([]));

    // Members, moderators and instance admins still read all of it, in one list.
    for token in [&bob, &alice, &admin] {
        readable_by(&app, "vault", old, token).await;
        assert_eq!(listed(&app, "vault", "", Some(token)).await, vec![new, old]);
    }
    let r = app.get("/api/guildhall/v1/communities/vault/discussions?limit=1", Some(&bob)).await;
    assert_eq!(r.body["has_more"], true);
    let r = app.get(&format!("/api/guildhall/v1/discussions/{old}/replies"), Some(&bob)).await;
    assert_eq!(r.body["items"][0]["score"], 0, "replies keep their votes: {}", r.body);
    let r = app.get(&format!("/api/guildhall/v1/discussions/{old}"), Some(&bob)).await;
    assert_eq!(r.body["score"], 1, "{}", r.body);

    // Joining the now public community lets eve in, as any member.
    assert_eq!(app.join(&eve, "vault").await.body["status"], "joined");
    readable_by(&app, "vault", old, &eve).await;
}

#[tokio::test]
async fn members_only_survives_edits_and_visibility_round_trips() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "vault", "private").await;
    let old = app.discussion(&alice, "vault", "Private plans").await;
    let reply = app.reply(&alice, old, None, "details").await;
    for visibility in ["approval", "private", "public"] {
        let r = app.patch("/api/guildhall/v1/communities/vault", Some(&alice), json!({"visibility": visibility})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    // The edit body has no such field: sending one changes nothing.
    let r = app
        .patch(
            &format!("/api/guildhall/v1/discussions/{old}"),
            Some(&alice),
            json!({"title": "Now public?", "members_only": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["title"].as_str(), r.body["members_only"].as_bool()), (Some("Now public?"), Some(true)));
    hidden_from(&app, old, reply, None).await;

    // A public discussion of an open community is marked when the community goes private and
    // opens again: what was posted in between cannot be told apart, so all of it stays private.
    let open = app.discussion(&alice, "vault", "Open plans").await;
    let r = app.get(&format!("/api/guildhall/v1/discussions/{open}"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    for visibility in ["private", "approval"] {
        app.patch("/api/guildhall/v1/communities/vault", Some(&alice), json!({"visibility": visibility})).await;
    }
    assert_eq!(app.get(&format!("/api/guildhall/v1/discussions/{open}"), None).await.status, StatusCode::NOT_FOUND);
    assert!(listed(&app, "vault", "", None).await.is_empty());
    // Changing other settings leaves the flags alone; so does approval to public.
    let r = app
        .patch("/api/guildhall/v1/communities/vault", Some(&alice), json!({"title": "Vault", "visibility": "public"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let fresh = app.discussion(&alice, "vault", "Fresh").await;
    let r = app.patch("/api/guildhall/v1/communities/vault", Some(&alice), json!({"visibility": "approval"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(listed(&app, "vault", "", None).await, vec![fresh]);
}

#[tokio::test]
async fn discussions_from_other_servers_follow_the_same_rule() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;
    app.community(&alice, "vault", "private").await;
    let rem = app.remote_person("rem", "remote.example").await;
    app.remote_follow(&rem, "town").await;
    app.remote_follow(&rem, "vault").await;
    let r = app
        .post("/api/guildhall/v1/communities/vault/join-requests/rem@remote.example/accept", Some(&alice), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

    let followers_only = app.remote_discussion(&rem, "town", "For members", true).await;
    let public = app.remote_discussion(&rem, "town", "For all", false).await;
    let in_private = app.remote_discussion(&rem, "vault", "In private", false).await;
    assert_eq!(listed(&app, "town", "", None).await, vec![public]);
    for id in [followers_only, in_private] {
        assert_eq!(app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.status, StatusCode::NOT_FOUND);
        let r = app.get(&format!("/api/guildhall/v1/discussions/{id}"), Some(&alice)).await;
        assert_eq!(r.body["members_only"], true, "{}", r.body);
    }

    // The sender's edits may narrow the audience, never widen it.
    remote_edit(&app, &rem, followers_only, false).await;
    remote_edit(&app, &rem, public, true).await;
    for id in [followers_only, public] {
        let d = guildhall_store::discussions::find_by_id(app.ctx.db(), id).await.expect("db").expect("row");
        assert!(d.members_only && d.title == "Edited", "{id}");
    }
    assert!(listed(&app, "town", "", None).await.is_empty());
}

/// An Update of discussion `id` from its author's server.
async fn remote_edit(app: &TestApp, author: &guildhall_store::entities::account::Model, id: i64, members_only: bool) {
    let d = guildhall_store::discussions::find_by_id(app.ctx.db(), id).await.expect("db").expect("row");
    let post = guildhall_app::inbound::IncomingPost {
        ap_id: d.ap_id.clone().unwrap_or_default(),
        ..incoming(author, "Edited", members_only)
    };
    guildhall_app::remote_changes::receive_discussion_edit(
        &app.ctx,
        d,
        author,
        post,
        guildhall_app::receipt::Arrival::Relayed,
    )
    .await
    .expect("edit");
}
