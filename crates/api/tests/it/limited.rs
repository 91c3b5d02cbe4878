//! Limited instances: admins keep a list of instances whose communities and authors are left
//! out of public lists, while members still find them and anyone may still open them.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

async fn settings(app: &TestApp, admin: &str) -> Value {
    let r = app.get("/api/guildhall/v1/admin/settings", Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// Handles of the community directory as `token` sees it.
async fn directory(app: &TestApp, query: &str, token: Option<&str>) -> Vec<String> {
    app.names(&format!("/api/guildhall/v1/communities{query}"), token, "handle").await
}

/// Titles of `town`'s discussions as `token` lists them.
async fn titles(app: &TestApp, query: &str, token: Option<&str>) -> Vec<String> {
    app.names(&format!("/api/guildhall/v1/communities/town/discussions{query}"), token, "title").await
}

#[tokio::test]
async fn admins_keep_a_normalised_list_and_bad_hosts_change_nothing() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let member = app.user("alice").await;
    assert_eq!(settings(&app, &admin).await["limited_domains"], json!([]));

    let s =
        app.settings(&admin, json!({"limited_domains": [" Spam.Example. ", "spam.example", "localhost:8003"]})).await;
    assert_eq!(s["limited_domains"], json!(["spam.example", "localhost:8003"]), "trimmed, lowercased, de-duplicated");
    let before = settings(&app, &admin).await;
    assert_eq!(before["limited_domains"], json!(["spam.example", "localhost:8003"]));
    assert_eq!(before["federation_mode"], "open", "limiting is not blocking");

    for bad in [
        json!(["not a host"]),
        json!(["https://spam.example"]),
        json!(["spam.example/path"]),
        json!(["a@spam.example"]),
        json!(["bücher.example"]),
        json!(["spam.example:0"]),
        json!([""]),
        json!(["ok.example", "bad host"]),
    ] {
        let r = app
            .patch(
                "/api/guildhall/v1/admin/settings",
                Some(&admin),
                json!({"registration_mode": "open", "limited_domains": bad}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some("limited_domains")), "{bad}");
    }
    for body in [json!({"limited_domains": "spam.example"}), json!({"limited_domains": [1]})] {
        let r = app.patch("/api/guildhall/v1/admin/settings", Some(&admin), body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}");
    }
    let r = app.patch("/api/guildhall/v1/admin/settings", Some(&member), json!({"limited_domains": []})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
    assert_eq!(settings(&app, &admin).await, before, "nothing stored, nothing half-applied");

    let s = app.settings(&admin, json!({"limited_domains": []})).await;
    assert_eq!(s["limited_domains"], json!([]));
}

#[tokio::test]
async fn limited_communities_leave_the_directory_except_for_their_members() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    app.community(&alice, "town", "public").await;
    let hub = app.remote_group("hub", "spam.example", &admin).await;
    app.remote_group("news", "a.spam.example", &admin).await;
    app.remote_group("good", "good.example", &admin).await;
    app.remote_group("dev", "spam.example:8443", &admin).await;
    app.remote_membership(&bob, hub.id).await;
    let all = ["dev@spam.example:8443", "good@good.example", "hub@spam.example", "news@a.spam.example", "town"];
    assert_eq!(directory(&app, "", None).await, all);

    // Takes effect at once (the cached policy is dropped on change), subdomains and ports included.
    app.settings(&admin, json!({"limited_domains": ["SPAM.example"]})).await;
    for token in [None, Some(alice.as_str()), Some(admin.as_str())] {
        assert_eq!(directory(&app, "", token).await, ["good@good.example", "town"], "{token:?}");
    }
    assert_eq!(directory(&app, "", Some(&bob)).await, ["good@good.example", "hub@spam.example", "town"]);

    // Filtered in the query: pages are full and `has_more` is right.
    let r = app.get("/api/guildhall/v1/communities?limit=1", None).await;
    assert_eq!(
        (r.body["items"][0]["handle"].as_str(), r.body["has_more"].as_bool()),
        (Some("good@good.example"), Some(true))
    );
    let r = app.get("/api/guildhall/v1/communities?limit=1&page=2", None).await;
    assert_eq!((r.body["items"][0]["handle"].as_str(), r.body["has_more"].as_bool()), (Some("town"), Some(false)));

    // Reachable, not listed.
    let r = app.get("/api/guildhall/v1/communities/hub@spam.example", None).await;
    assert_eq!((r.status, r.body["title"].as_str()), (StatusCode::OK, Some("Title of hub")));

    // Only the listed instance: a sibling is not a subdomain.
    app.settings(&admin, json!({"limited_domains": ["a.spam.example"]})).await;
    assert_eq!(
        directory(&app, "", None).await,
        ["dev@spam.example:8443", "good@good.example", "hub@spam.example", "town"]
    );
    app.settings(&admin, json!({"limited_domains": []})).await;
    assert_eq!(directory(&app, "", None).await, all);
}

#[tokio::test]
async fn discussions_by_limited_authors_leave_lists_but_stay_reachable() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;
    let bob = app.member("bob", "town", &alice).await;
    let eve = app.user("eve").await;
    let spammer = app.remote_person("spammer", "sub.spam.example").await;
    let friend = app.remote_person("friend", "good.example").await;
    app.remote_follow(&spammer, "town").await;
    app.remote_follow(&friend, "town").await;
    let spam = app.remote_discussion(&spammer, "town", "Buy now", false).await;
    app.remote_discussion(&friend, "town", "Hello from afar", false).await;
    app.discussion(&bob, "town", "Local news").await;
    let everything = ["Local news", "Hello from afar", "Buy now"];
    assert_eq!(titles(&app, "", None).await, everything);

    app.settings(&admin, json!({"limited_domains": ["spam.example"]})).await;
    for token in [None, Some(eve.as_str())] {
        assert_eq!(titles(&app, "", token).await, ["Local news", "Hello from afar"], "{token:?}");
        let r = app.get(&format!("/api/guildhall/v1/discussions/{spam}"), token).await;
        assert_eq!((r.status, r.body["title"].as_str()), (StatusCode::OK, Some("Buy now")), "reachable by id");
    }
    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=2", None).await;
    assert_eq!((r.body["items"].as_array().map(Vec::len), r.body["has_more"].as_bool()), (Some(2), Some(false)));
    let r = app.get("/api/guildhall/v1/communities/town/discussions?limit=1&page=2", None).await;
    assert_eq!(
        (r.body["items"][0]["title"].as_str(), r.body["has_more"].as_bool()),
        (Some("Hello from afar"), Some(false))
    );

    // Members (moderators too) and instance admins chose to be here: they see everything.
    for token in [&bob, &alice, &admin] {
        assert_eq!(titles(&app, "", Some(token)).await, everything);
    }
    // Someone waiting for approval is not a member yet.
    app.patch("/api/guildhall/v1/communities/town", Some(&alice), json!({"visibility": "approval"})).await;
    assert_eq!(app.join(&eve, "town").await.body["status"], "requested");
    assert_eq!(titles(&app, "", Some(&eve)).await, ["Local news", "Hello from afar"]);
}

/// Search is a list too: what lists leave out for a viewer, search leaves out for them.
#[tokio::test]
async fn search_leaves_out_what_lists_leave_out() {
    use guildhall_app::search::{SearchKind, SearchQuery, find};
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let alice = app.user("alice").await;
    app.community(&alice, "town", "public").await;
    let bob = app.member("bob", "town", &alice).await;
    let hub = app.remote_group("hub", "spam.example", &admin).await;
    app.remote_membership(&bob, hub.id).await;
    let spammer = app.remote_person("spammer", "sub.spam.example").await;
    app.remote_follow(&spammer, "town").await;
    app.remote_discussion(&spammer, "town", "Buy cheap widgets", false).await;
    app.settings(&admin, json!({"limited_domains": ["spam.example"]})).await;

    let viewer = |name: &str| {
        let app = &app;
        let name = name.to_owned();
        async move {
            let me = app.get("/api/guildhall/v1/accounts/me", Some(&app.login(&name).await)).await;
            guildhall_app::Viewer {
                account_id: me.body["id"].as_i64().expect("id"),
                username: name,
                is_admin: me.body["is_admin"].as_bool().unwrap_or(false),
            }
        }
    };
    let search = |v: Option<guildhall_app::Viewer>, text: &str, kinds: Vec<SearchKind>| {
        let app = &app;
        let q = SearchQuery { text: text.into(), kinds, limit: 20, ..Default::default() };
        async move { find(&app.ctx, v.as_ref(), &q).await.expect("search").hits.len() }
    };
    app.user("eve").await;
    for who in [None, Some(viewer("eve").await)] {
        assert_eq!(search(who.clone(), "widgets", vec![]).await, 0, "{who:?}");
        assert_eq!(search(who.clone(), "hub", vec![SearchKind::Community]).await, 0, "{who:?}");
        assert_eq!(search(who.clone(), "spammer", vec![SearchKind::Person]).await, 0, "{who:?}");
    }
    // Members of the community see its limited authors, as in its list; bob finds the limited
    // community he belongs to.
    for who in ["bob", "alice", "boss"] {
        assert_eq!(search(Some(viewer(who).await), "widgets", vec![]).await, 1, "{who}");
    }
    assert_eq!(search(Some(viewer("bob").await), "hub", vec![SearchKind::Community]).await, 1);
    assert_eq!(search(Some(viewer("eve").await), "hub", vec![SearchKind::Community]).await, 0);
}
