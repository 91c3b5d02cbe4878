//! Communities: creation rules, listing, joining under each visibility, join requests,
//! private content, leaving, moderators and edits.

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

/// `GET /communities/{name}` as `token`, asserting 200.
async fn community(app: &TestApp, token: Option<&str>, name: &str) -> Value {
    let r = app.get(&format!("/api/guildhall/v1/communities/{name}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.body);
    r.body
}

/// (username, role) of the members, as a moderator sees them.
async fn members(app: &TestApp, token: &str, name: &str) -> Vec<(String, String)> {
    app.items(&format!("/api/guildhall/v1/communities/{name}/members"), Some(token))
        .await
        .iter()
        .map(|m| (m["username"].as_str().unwrap().to_string(), m["role"].as_str().unwrap().to_string()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

async fn join_requests(app: &TestApp, token: &str, name: &str) -> Vec<String> {
    app.names(&format!("/api/guildhall/v1/communities/{name}/join-requests"), Some(token), "username").await
}

#[tokio::test]
async fn creating_a_community_makes_the_creator_its_moderator() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;

    let c = app
        .community_with(
            &alice,
            json!({"name": "Gardening", "title": "  Gardening club ", "description": "We **grow** things",
                "charter": "Be kind", "welcome_message": "Hi there!", "tags": ["#Plants", "plants", "Soil"],
                "visibility": "approval"}),
        )
        .await;
    assert_eq!(c["name"], "gardening", "names are stored lowercase");
    assert_eq!(c["title"], "Gardening club");
    assert_eq!(c["my_role"], "moderator");
    assert_eq!(c["member_count"], 1);
    assert_eq!(c["visibility"], "approval");
    assert_eq!(c["tags"], json!(["plants", "soil"]));
    assert_eq!(c["welcome_message"], "Hi there!");
    assert!(c["description_html"].as_str().unwrap().contains("<strong>grow</strong>"), "{c}");
    assert!(c["charter_html"].as_str().unwrap().contains("Be kind"), "{c}");

    // Read back from several points of view.
    let got = community(&app, Some(&alice), "GARDENING").await;
    assert_eq!((got["id"].clone(), got["my_role"].as_str()), (c["id"].clone(), Some("moderator")));
    assert_eq!(community(&app, Some(&bob), "gardening").await["my_role"], "non_member");
    assert_eq!(community(&app, None, "gardening").await["my_role"], "anonymous");
    assert_eq!(members(&app, &alice, "gardening").await, pairs(&[("alice", "moderator")]));

    // Visibility defaults to public.
    let c = app.community_with(&bob, json!({"name": "plain", "title": "Plain"})).await;
    assert_eq!((c["visibility"].as_str(), c["my_role"].as_str()), (Some("public"), Some("moderator")));
    assert_eq!(c["welcome_message"], "");

    let r = app.post("/api/guildhall/v1/communities", None, json!({"name": "anon", "title": "Anon"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    assert_eq!(app.get("/api/guildhall/v1/communities/anon", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn community_creation_can_be_limited_to_admins() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let alice = app.user("alice").await;
    app.settings(&admin, json!({"community_creation": "admins"})).await;

    let r = app.post("/api/guildhall/v1/communities", Some(&alice), json!({"name": "mine", "title": "Mine"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"), "{}", r.body);
    assert_eq!(app.get("/api/guildhall/v1/communities/mine", None).await.status, StatusCode::NOT_FOUND);
    assert!(app.items("/api/guildhall/v1/communities", None).await.is_empty());

    let c = app.community_with(&admin, json!({"name": "official", "title": "Official"})).await;
    assert_eq!(c["my_role"], "moderator");
    // The refused attempt did not claim the name.
    app.settings(&admin, json!({"community_creation": "members"})).await;
    assert_eq!(app.community(&alice, "mine", "public").await["name"], "mine");
}

#[tokio::test]
async fn invalid_communities_are_400_and_not_stored() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let ok = |extra: Value| {
        let mut b = json!({"name": "valid-name", "title": "Title"});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (ok(json!({"name": "ab"})), "name"),
        (ok(json!({"name": "x".repeat(31)})), "name"),
        (ok(json!({"name": "has space"})), "name"),
        (ok(json!({"name": "émile"})), "name"),
        (ok(json!({"name": "-dash-"})), "name"),
        (ok(json!({"name": "api"})), "name"),
        (ok(json!({"name": "well-known"})), "name"),
        (ok(json!({"title": ""})), "title"),
        (ok(json!({"title": "   "})), "title"),
        (ok(json!({"title": "t".repeat(101)})), "title"),
        (ok(json!({"title": "two\nlines"})), "title"),
        (ok(json!({"description": "d".repeat(5001)})), "description"),
        (ok(json!({"charter": "c".repeat(20_001)})), "charter"),
        (ok(json!({"welcome_message": "w".repeat(5001)})), "welcome_message"),
        (ok(json!({"tags": ["two words"]})), "tags"),
    ];
    for (body, field) in cases {
        let r = app.post("/api/guildhall/v1/communities", Some(&alice), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}: {}", field, r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)), "{body}");
    }
    let r = app.post("/api/guildhall/v1/communities", Some(&alice), ok(json!({"visibility": "secret"}))).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    let r = app.post("/api/guildhall/v1/communities", Some(&alice), json!({"name": "valid-name"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));

    assert!(app.items("/api/guildhall/v1/communities", None).await.is_empty(), "nothing stored");
    // Boundaries are fine.
    let c = app.community_with(&alice, ok(json!({"name": "x".repeat(30), "title": "t".repeat(100)}))).await;
    assert_eq!(c["title"], "t".repeat(100));
    assert_eq!(app.names("/api/guildhall/v1/communities", None, "name").await, vec!["x".repeat(30)]);
}

#[tokio::test]
async fn duplicate_names_conflict_with_communities_and_usernames() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.community_with(&alice, json!({"name": "books", "title": "Alice's books"})).await;

    for name in ["books", "BOOKS", " books "] {
        let r =
            app.post("/api/guildhall/v1/communities", Some(&bob), json!({"name": name, "title": "Bob's books"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{name}: {}", r.body);
    }
    for name in ["alice", "bob"] {
        let r = app.post("/api/guildhall/v1/communities", Some(&bob), json!({"name": name, "title": "Squat"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{name}: {}", r.body);
    }
    let c = community(&app, Some(&bob), "books").await;
    assert_eq!((c["title"].as_str(), c["my_role"].as_str()), (Some("Alice's books"), Some("non_member")));
    assert_eq!(app.names("/api/guildhall/v1/communities", None, "name").await, vec!["books"]);
    assert_eq!(app.get("/api/guildhall/v1/communities/alice", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn list_shows_member_counts_roles_and_pages() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    for (name, vis) in [("aaa", "public"), ("bbb", "approval"), ("ccc", "private")] {
        app.community_with(&alice, json!({"name": name, "title": name, "visibility": vis, "welcome_message": "hi"}))
            .await;
    }
    let bob = app.member("bob", "aaa", &alice).await;
    app.member("carol", "aaa", &alice).await;
    assert_eq!(app.join(&bob, "bbb").await.body["status"], "requested");

    let items = app.items("/api/guildhall/v1/communities", Some(&bob)).await;
    let view: Vec<(&str, u64, &str)> = items
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["member_count"].as_u64().unwrap(), c["my_role"].as_str().unwrap()))
        .collect();
    assert_eq!(view, [("aaa", 3, "member"), ("bbb", 1, "pending"), ("ccc", 1, "non_member")]);
    assert_eq!(items[0]["welcome_message"], "hi");
    assert_eq!(items[1]["welcome_message"], "hi", "approval communities are readable");
    assert!(items[2]["welcome_message"].is_null(), "private welcome hidden from non-members");

    let items = app.items("/api/guildhall/v1/communities", None).await;
    assert!(items.iter().all(|c| c["my_role"] == "anonymous"));
    let items = app.items("/api/guildhall/v1/communities", Some(&alice)).await;
    assert!(items.iter().all(|c| c["my_role"] == "moderator"));
    assert_eq!(items[2]["welcome_message"], "hi");

    let r = app.get("/api/guildhall/v1/communities?limit=2", None).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        (r.body["page"].as_u64(), r.body["limit"].as_u64(), r.body["has_more"].as_bool()),
        (Some(1), Some(2), Some(true))
    );
    let r = app.get("/api/guildhall/v1/communities?limit=2&page=2", None).await;
    assert_eq!(r.body["items"][0]["name"], "ccc");
    assert_eq!(r.body["has_more"], false);
    let r = app.get("/api/guildhall/v1/communities?limit=1000", None).await;
    assert_eq!(r.body["limit"], 100);
}

#[tokio::test]
async fn joining_a_public_community_is_immediate() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.community_with(&alice, json!({"name": "town", "title": "Town", "welcome_message": "Welcome, friend"})).await;

    let r = app.post("/api/guildhall/v1/communities/town/join", Some(&bob), json!({"accept_charter": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body, json!({"status": "joined", "welcome_message": "Welcome, friend"}));
    let c = community(&app, Some(&bob), "town").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("member"), Some(2)));
    assert_eq!(members(&app, &bob, "town").await, pairs(&[("alice", "moderator"), ("bob", "member")]));

    let r = app.join(&bob, "town").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "already_member"));
    let r = app.join(&alice, "town").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "already_member"));
    assert_eq!(community(&app, None, "town").await["member_count"], 2);

    let r = app.post("/api/guildhall/v1/communities/town/join", None, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app.join(&bob, "nowhere").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn a_charter_must_be_accepted_to_join() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.community_with(&alice, json!({"name": "rules", "title": "Rules", "charter": "Be excellent"})).await;
    app.community_with(
        &alice,
        json!({"name": "strict", "title": "Strict", "charter": "No spam", "visibility": "approval"}),
    )
    .await;

    for body in [json!({}), json!({"accept_charter": false})] {
        for name in ["rules", "strict"] {
            let r = app.post(&format!("/api/guildhall/v1/communities/{name}/join"), Some(&bob), body.clone()).await;
            assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "charter_not_accepted"), "{name} {body}");
        }
    }
    let c = community(&app, Some(&bob), "rules").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("non_member"), Some(1)));
    assert_eq!(community(&app, Some(&bob), "strict").await["my_role"], "non_member");
    assert!(join_requests(&app, &alice, "strict").await.is_empty());

    let r = app.post("/api/guildhall/v1/communities/rules/join", Some(&bob), json!({"accept_charter": true})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("joined")));
    let r = app.post("/api/guildhall/v1/communities/strict/join", Some(&bob), json!({"accept_charter": true})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("requested")));
}

#[tokio::test]
async fn approval_communities_take_join_requests_that_moderators_decide() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community_with(
        &alice,
        json!({"name": "club", "title": "Club", "visibility": "approval", "welcome_message": "hello"}),
    )
    .await;
    let bob = app.user("bob").await;
    let carol = app.member("carol", "club", &alice).await;

    // An over-long note is refused before anything is stored.
    let r = app
        .post(
            "/api/guildhall/v1/communities/club/join",
            Some(&bob),
            json!({"accept_charter": true, "message": "m".repeat(5001)}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("message")), "{}", r.body);
    assert!(join_requests(&app, &alice, "club").await.is_empty());
    assert_eq!(community(&app, Some(&bob), "club").await["my_role"], "non_member");

    let r = app
        .post(
            "/api/guildhall/v1/communities/club/join",
            Some(&bob),
            json!({"accept_charter": true, "message": "Please let me in"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body, json!({"status": "requested", "welcome_message": null}));
    let c = community(&app, Some(&bob), "club").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("pending"), Some(2)));
    let r = app.join(&bob, "club").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "already_pending"));
    // A pending requester may read (approval communities are readable) but not post.
    assert_eq!(app.get("/api/guildhall/v1/communities/club/discussions", Some(&bob)).await.status, StatusCode::OK);
    let r = app
        .post("/api/guildhall/v1/communities/club/discussions", Some(&bob), json!({"title": "Hi", "body": "x"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    // Only moderators see requests.
    let items = app.items("/api/guildhall/v1/communities/club/join-requests", Some(&alice)).await;
    assert_eq!(items.len(), 1);
    assert_eq!((items[0]["username"].as_str(), items[0]["message"].as_str()), (Some("bob"), Some("Please let me in")));
    for token in [&carol, &bob] {
        let r = app.get("/api/guildhall/v1/communities/club/join-requests", Some(token)).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    }
    let r = app.get("/api/guildhall/v1/communities/club/join-requests", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));

    // Members cannot decide; the request stays.
    for verb in ["accept", "reject"] {
        let r = app
            .post(&format!("/api/guildhall/v1/communities/club/join-requests/bob/{verb}"), Some(&carol), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"), "{verb}");
    }
    assert_eq!(community(&app, Some(&bob), "club").await["my_role"], "pending");

    // Accept: bob is a member.
    let r = app.post("/api/guildhall/v1/communities/club/join-requests/bob/accept", Some(&alice), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let c = community(&app, Some(&bob), "club").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("member"), Some(3)));
    assert!(join_requests(&app, &alice, "club").await.is_empty());
    assert!(members(&app, &alice, "club").await.contains(&("bob".into(), "member".into())));
    // A decided request cannot be decided again; unknown ones are 404.
    for who in ["bob", "nobody", "carol"] {
        let r = app
            .post(&format!("/api/guildhall/v1/communities/club/join-requests/{who}/accept"), Some(&alice), json!({}))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{who}");
    }

    // Reject: dave is not a member and may ask again.
    let dave = app.user("dave").await;
    app.join(&dave, "club").await;
    let r = app.post("/api/guildhall/v1/communities/club/join-requests/dave/reject", Some(&alice), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let c = community(&app, Some(&dave), "club").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("non_member"), Some(3)));
    assert!(join_requests(&app, &alice, "club").await.is_empty());
    assert!(!members(&app, &alice, "club").await.iter().any(|(n, _)| n == "dave"));
    assert_eq!(app.join(&dave, "club").await.body["status"], "requested");
    assert_eq!(join_requests(&app, &alice, "club").await, vec!["dave"]);
}

#[tokio::test]
async fn private_communities_hide_their_content_from_non_members() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community_with(
        &alice,
        json!({"name": "secret", "title": "Secret", "description": "A hidden club", "visibility": "private",
            "welcome_message": "psst"}),
    )
    .await;
    let d = app.discussion(&alice, "secret", "Hidden plans").await;
    let reply_id = app.reply(&alice, d, None, "hidden reply").await;
    let bob = app.user("bob").await;
    let admin = app.admin("boss").await;

    // The profile is visible to everyone, the welcome message is not.
    for token in [Some(bob.as_str()), None] {
        let c = community(&app, token, "secret").await;
        assert_eq!((c["title"].as_str(), c["description"].as_str()), (Some("Secret"), Some("A hidden club")));
        assert!(c["welcome_message"].is_null(), "{c}");
        assert_eq!(c["member_count"], 1);

        let r = app.get("/api/guildhall/v1/communities/secret/discussions", token).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
        let r = app.get("/api/guildhall/v1/communities/secret/members", token).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
        // Single items do not even reveal that they exist.
        let r = app.get(&format!("/api/guildhall/v1/discussions/{d}"), token).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
        let r = app.get(&format!("/api/guildhall/v1/discussions/{d}/replies"), token).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
    // Nor can a non-member write to them.
    let r =
        app.post(&format!("/api/guildhall/v1/discussions/{d}/replies"), Some(&bob), json!({"body": "let me in"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.patch(&format!("/api/guildhall/v1/replies/{reply_id}"), Some(&bob), json!({"body": "defaced"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app.delete(&format!("/api/guildhall/v1/discussions/{d}"), Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r = app
        .post("/api/guildhall/v1/communities/secret/discussions", Some(&bob), json!({"title": "T", "body": "B"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    // A pending request changes nothing.
    let r = app.join(&bob, "secret").await;
    assert_eq!(r.body, json!({"status": "requested", "welcome_message": null}));
    let r = app.get("/api/guildhall/v1/communities/secret/discussions", Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
    assert_eq!(app.get(&format!("/api/guildhall/v1/discussions/{d}"), Some(&bob)).await.status, StatusCode::NOT_FOUND);

    // Instance admins may look in.
    assert_eq!(app.items("/api/guildhall/v1/communities/secret/discussions", Some(&admin)).await.len(), 1);

    // Once accepted, bob sees everything, untouched by the refused writes.
    let r = app.post("/api/guildhall/v1/communities/secret/join-requests/bob/accept", Some(&alice), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(community(&app, Some(&bob), "secret").await["welcome_message"], "psst");
    let items = app.items("/api/guildhall/v1/communities/secret/discussions", Some(&bob)).await;
    assert_eq!(items.len(), 1);
    assert_eq!((items[0]["title"].as_str(), items[0]["deleted"].as_bool()), (Some("Hidden plans"), Some(false)));
    let replies = app.items(&format!("/api/guildhall/v1/discussions/{d}/replies"), Some(&bob)).await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["body"], "hidden reply");
    assert_eq!(members(&app, &bob, "secret").await, pairs(&[("alice", "moderator"), ("bob", "member")]));
}

#[tokio::test]
async fn members_leave_and_pending_requests_can_be_withdrawn() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;
    app.community(&alice, "club", "approval").await;
    let bob = app.member("bob", "town", &alice).await;

    let r = app.post("/api/guildhall/v1/communities/town/leave", Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let c = community(&app, Some(&bob), "town").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("non_member"), Some(1)));
    assert_eq!(members(&app, &alice, "town").await, pairs(&[("alice", "moderator")]));
    let r = app.post("/api/guildhall/v1/communities/town/leave", Some(&bob), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "not_member"));
    let r = app.post("/api/guildhall/v1/communities/town/leave", None, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app.post("/api/guildhall/v1/communities/nowhere/leave", Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A former member can no longer post.
    let r = app
        .post("/api/guildhall/v1/communities/town/discussions", Some(&bob), json!({"title": "T", "body": "B"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    assert_eq!(app.join(&bob, "club").await.body["status"], "requested");
    let r = app.post("/api/guildhall/v1/communities/club/leave", Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(join_requests(&app, &alice, "club").await.is_empty());
    assert_eq!(community(&app, Some(&bob), "club").await["my_role"], "non_member");
}

#[tokio::test]
async fn the_last_moderator_cannot_leave() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;

    let r = app.post("/api/guildhall/v1/communities/town/leave", Some(&alice), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "last_moderator"));
    let c = community(&app, Some(&alice), "town").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("moderator"), Some(1)));

    let bob = app.member("bob", "town", &alice).await;
    let r = app.post("/api/guildhall/v1/communities/town/moderators", Some(&alice), json!({"username": "bob"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.post("/api/guildhall/v1/communities/town/leave", Some(&alice), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(members(&app, &bob, "town").await, pairs(&[("bob", "moderator")]));
    let r = app.post("/api/guildhall/v1/communities/town/leave", Some(&bob), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "last_moderator"));
    assert_eq!(community(&app, Some(&bob), "town").await["my_role"], "moderator");
}

#[tokio::test]
async fn moderators_are_appointed_from_members_and_the_last_one_stays() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community(&alice, "club", "approval").await;
    let bob = app.member("bob", "club", &alice).await;
    let erin = app.member("erin", "club", &alice).await;
    app.user("carol").await; // not a member
    let dave = app.user("dave").await;
    app.join(&dave, "club").await; // pending
    let add = |who: &'static str| json!({ "username": who });

    // Only active members can be appointed.
    for who in ["carol", "dave", "nobody"] {
        let r = app.post("/api/guildhall/v1/communities/club/moderators", Some(&alice), add(who)).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{who}: {}", r.body);
    }
    assert_eq!(community(&app, Some(&dave), "club").await["my_role"], "pending");
    // Only moderators appoint.
    let r = app.post("/api/guildhall/v1/communities/club/moderators", Some(&bob), add("bob")).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    let r = app.post("/api/guildhall/v1/communities/club/moderators", None, add("bob")).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    assert_eq!(
        members(&app, &alice, "club").await,
        pairs(&[("alice", "moderator"), ("bob", "member"), ("erin", "member")])
    );

    let r = app.post("/api/guildhall/v1/communities/club/moderators", Some(&alice), add("BOB")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["username"].as_str(), r.body["role"].as_str()), (Some("bob"), Some("moderator")));
    assert_eq!(community(&app, Some(&bob), "club").await["my_role"], "moderator");
    // Appointing again is harmless.
    let r = app.post("/api/guildhall/v1/communities/club/moderators", Some(&alice), add("bob")).await;
    assert_eq!(r.status, StatusCode::OK);
    // The new moderator can decide requests.
    let r = app.post("/api/guildhall/v1/communities/club/join-requests/dave/accept", Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);

    // Members cannot remove moderators.
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/alice", Some(&erin)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    assert_eq!(community(&app, Some(&alice), "club").await["my_role"], "moderator");
    // Removing someone who is not a moderator: 404.
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/erin", Some(&alice)).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));

    // A moderator removes another; the removed one stays a member.
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/alice", Some(&bob)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let c = community(&app, Some(&alice), "club").await;
    assert_eq!((c["my_role"].as_str(), c["member_count"].as_u64()), (Some("member"), Some(4)));
    // Now alice is only a member and cannot act as moderator.
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/bob", Some(&alice)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));

    // The last moderator cannot be removed, not even by stepping down.
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/bob", Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "last_moderator"));
    assert_eq!(community(&app, Some(&bob), "club").await["my_role"], "moderator");

    // With two moderators, one may step down.
    app.post("/api/guildhall/v1/communities/club/moderators", Some(&bob), add("erin")).await;
    let r = app.delete("/api/guildhall/v1/communities/club/moderators/erin", Some(&erin)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(community(&app, Some(&erin), "club").await["my_role"], "member");
    // Moderators first, then members by when they joined.
    assert_eq!(
        members(&app, &bob, "club").await,
        pairs(&[("bob", "moderator"), ("alice", "member"), ("erin", "member"), ("dave", "member")])
    );
}

#[tokio::test]
async fn only_moderators_edit_a_community() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    app.community_with(
        &alice,
        json!({"name": "town", "title": "Town", "charter": "Be kind", "description": "Old", "tags": ["old"]}),
    )
    .await;
    let bob = app.member("bob", "town", &alice).await;
    let carol = app.user("carol").await;
    let before = community(&app, Some(&alice), "town").await;

    for token in [&bob, &carol] {
        let r = app.patch("/api/guildhall/v1/communities/town", Some(token), json!({"title": "Hacked"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"), "{}", r.body);
    }
    let r = app.patch("/api/guildhall/v1/communities/town", None, json!({"title": "Hacked"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    for (body, field) in [
        (json!({"title": "t".repeat(101)}), "title"),
        (json!({"title": ""}), "title"),
        (json!({"description": "d".repeat(5001)}), "description"),
        (json!({"title": "Fine", "tags": ["bad tag"]}), "tags"),
    ] {
        let r = app.patch("/api/guildhall/v1/communities/town", Some(&alice), body.clone()).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{body}: {}", r.body);
    }
    let r = app.patch("/api/guildhall/v1/communities/town", Some(&alice), json!({"visibility": "hidden"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    assert_eq!(community(&app, Some(&alice), "town").await, before, "refused edits change nothing");

    let r = app
        .patch(
            "/api/guildhall/v1/communities/town",
            Some(&alice),
            json!({"title": " New title ", "description": "**new**", "visibility": "private", "tags": ["#A"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["title"], "New title");
    assert_eq!(r.body["visibility"], "private");
    assert_eq!(r.body["tags"], json!(["a"]));
    assert_eq!(r.body["my_role"], "moderator");
    assert_eq!(r.body["charter"], "Be kind", "omitted fields are kept");
    assert!(r.body["description_html"].as_str().unwrap().contains("<strong>new</strong>"));
    let after = community(&app, Some(&bob), "town").await;
    assert_eq!((after["title"].as_str(), after["visibility"].as_str()), (Some("New title"), Some("private")));
    // Now private: carol (non-member) no longer reads the content.
    let r = app.get("/api/guildhall/v1/communities/town/discussions", Some(&carol)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    // Instance admins may edit without being members.
    let admin = app.admin("boss").await;
    let r = app.patch("/api/guildhall/v1/communities/town", Some(&admin), json!({"charter": "Be kinder"})).await;
    assert_eq!((r.status, r.body["charter"].as_str()), (StatusCode::OK, Some("Be kinder")), "{}", r.body);
    assert_eq!(r.body["my_role"], "non_member");

    let r = app.patch("/api/guildhall/v1/communities/nowhere", Some(&alice), json!({"title": "X"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let r =
        app.call(Method::PUT, "/api/guildhall/v1/communities/town", Some(&alice), Some(json!({"title": "X"}))).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(community(&app, Some(&alice), "town").await["title"], "New title");
}

/// Sets up `rounds` communities, each moderated by alice and bob, then runs `action` for
/// both of them at the same time in each; returns the statuses seen and how many
/// communities were left without a moderator.
async fn race_two_moderators(action: fn(&str, &str) -> (Method, String), rounds: usize) -> (Vec<StatusCode>, usize) {
    let app = std::sync::Arc::new(TestApp::new().await);
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let (mut statuses, mut orphaned) = (Vec::new(), 0);
    for i in 0..rounds {
        let name = format!("club{i}");
        app.community(&alice, &name, "public").await;
        app.join(&bob, &name).await;
        let r = app
            .post(&format!("/api/guildhall/v1/communities/{name}/moderators"), Some(&alice), json!({"username": "bob"}))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let mut set = tokio::task::JoinSet::new();
        for (other, token) in [("bob", alice.clone()), ("alice", bob.clone())] {
            let (method, path) = action(&name, other);
            let app = app.clone();
            set.spawn(async move { app.call(method, &path, Some(&token), Some(json!({}))).await.status });
        }
        statuses.extend(set.join_all().await);
        let moderators = app
            .items(&format!("/api/guildhall/v1/communities/{name}/members"), None)
            .await
            .iter()
            .filter(|m| m["role"] == "moderator")
            .count();
        if moderators == 0 {
            orphaned += 1;
        }
    }
    (statuses, orphaned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_leaves_keep_a_moderator() {
    let (statuses, orphaned) =
        race_two_moderators(|name, _| (Method::POST, format!("/api/guildhall/v1/communities/{name}/leave")), 8).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::FORBIDDEN), "{statuses:?}");
    assert_eq!(orphaned, 0, "communities left without a moderator; statuses {statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_moderator_removals_keep_a_moderator() {
    let (statuses, orphaned) = race_two_moderators(
        |name, other| (Method::DELETE, format!("/api/guildhall/v1/communities/{name}/moderators/{other}")),
        8,
    )
    .await;
    assert!(statuses.iter().all(|s| *s == StatusCode::NO_CONTENT || *s == StatusCode::FORBIDDEN), "{statuses:?}");
    assert_eq!(orphaned, 0, "communities left without a moderator; statuses {statuses:?}");
}
