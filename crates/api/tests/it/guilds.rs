//! Guilds over HTTP on one instance: creating them, mutual consent, what a guild shows of
//! public and private members, leaving, and "communities like this one".

use crate::common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};

async fn guild(app: &TestApp, token: &str, name: &str, tags: Value) -> Value {
    let body = json!({"name": name, "title": "UX designers", "description": "Across departments", "focus": "role", "tags": tags});
    let r = app.post("/api/guildhall/v1/guilds", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn put(app: &TestApp, token: &str, path: &str) -> common::Resp {
    app.call(Method::PUT, path, Some(token), None).await
}

fn handles(v: &Value) -> Vec<String> {
    v["communities"].as_array().unwrap().iter().map(|c| c["handle"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_community_joins_only_when_both_sides_agree() {
    let app = TestApp::federated().await;
    let steward = app.user("stella").await;
    let manager = app.user("manny").await;
    let g = guild(&app, &steward, "ux-guild", json!(["ux"])).await;
    assert_eq!((g["focus"].as_str(), g["can_manage"].as_bool()), (Some("role"), Some(true)));
    assert_eq!(g["stewards"], json!(["stella"]));
    app.community(&manager, "ux-cra", "public").await;

    // The community asks: pending until the guild accepts; the public sees nothing yet.
    let r = put(&app, &manager, "/api/guildhall/v1/communities/ux-cra/guilds/ux-guild").await;
    assert_eq!((r.status, r.body["state"].as_str()), (StatusCode::OK, Some("requested")), "{}", r.body);
    assert!(handles(&app.get("/api/guildhall/v1/guilds/ux-guild", None).await.body).is_empty());
    let seen_by_steward = app.get("/api/guildhall/v1/guilds/ux-guild", Some(&steward)).await.body;
    assert_eq!(seen_by_steward["communities"][0]["state"], "requested");

    // Someone who is neither steward nor manager can do neither side.
    let other = app.user("otto").await;
    assert_eq!(
        put(&app, &other, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(&app, &other, "/api/guildhall/v1/communities/ux-cra/guilds/ux-guild").await.status,
        StatusCode::FORBIDDEN
    );

    let r = put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await;
    assert_eq!((r.status, r.body["state"].as_str()), (StatusCode::OK, Some("active")), "{}", r.body);
    assert_eq!(handles(&app.get("/api/guildhall/v1/guilds/ux-guild", None).await.body), vec!["ux-cra"]);
    let links = app.get("/api/guildhall/v1/communities/ux-cra/guilds", None).await.body;
    assert_eq!(links[0]["guild"], "ux-guild");

    // Saying yes again changes nothing; either side may end it.
    assert_eq!(
        put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await.body["state"],
        "active"
    );
    assert_eq!(
        app.delete("/api/guildhall/v1/communities/ux-cra/guilds/ux-guild", Some(&manager)).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(handles(&app.get("/api/guildhall/v1/guilds/ux-guild", None).await.body).is_empty());

    // An invitation works the other way round.
    assert_eq!(
        put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await.body["state"],
        "invited"
    );
    assert_eq!(
        put(&app, &manager, "/api/guildhall/v1/communities/ux-cra/guilds/ux-guild").await.body["state"],
        "active"
    );
    assert_eq!(
        app.delete("/api/guildhall/v1/guilds/ux-guild/communities/ux-cra", Some(&steward)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete("/api/guildhall/v1/guilds/ux-guild/communities/ux-cra", Some(&steward)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_links_are_refused_and_guilds_are_not_communities() {
    let app = TestApp::federated().await;
    let t = app.user("stella").await;
    guild(&app, &t, "ux-guild", json!([])).await;
    guild(&app, &t, "id-guild", json!([])).await;
    app.community(&t, "plain", "public").await;
    let r = put(&app, &t, "/api/guildhall/v1/communities/plain/guilds/plain").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "not a guild: {}", r.body);
    let r = put(&app, &t, "/api/guildhall/v1/guilds/ux-guild/communities/id-guild").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a guild in a guild: {}", r.body);
    assert_eq!(put(&app, &t, "/api/guildhall/v1/communities/plain/guilds/nope").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/guildhall/v1/guilds/plain", None).await.status, StatusCode::NOT_FOUND);
    let r = app.post("/api/guildhall/v1/guilds", Some(&t), json!({"name": "x y", "title": "", "focus": "role"})).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app
        .post("/api/guildhall/v1/guilds", Some(&t), json!({"name": "ux-guild", "title": "Again", "focus": "role"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Guilds have their own list.
    let communities = app.get("/api/guildhall/v1/communities", None).await.body;
    let names: Vec<&str> =
        communities["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["plain"]);
    assert_eq!(app.get("/api/guildhall/v1/guilds", None).await.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_guild_shows_public_members_content_and_only_the_name_of_private_ones() {
    let app = TestApp::federated().await;
    let steward = app.user("stella").await;
    let manager = app.user("manny").await;
    guild(&app, &steward, "ux-guild", json!(["ux"])).await;
    app.community(&manager, "open-ux", "public").await;
    app.community(&manager, "secret-ux", "private").await;
    for c in ["open-ux", "secret-ux"] {
        put(&app, &manager, &format!("/api/guildhall/v1/communities/{c}/guilds/ux-guild")).await;
        assert_eq!(
            put(&app, &steward, &format!("/api/guildhall/v1/guilds/ux-guild/communities/{c}")).await.body["state"],
            "active"
        );
    }
    app.discussion(&manager, "open-ux", "Open research day").await;
    app.discussion(&manager, "secret-ux", "SECRET budget talk").await;
    let when = json!({"title": "SECRET offsite", "starts_at": "2031-05-01T09:00:00", "ends_at": "2031-05-01T17:00:00", "timezone": "Europe/Paris"});
    assert_eq!(
        app.post("/api/guildhall/v1/communities/secret-ux/events", Some(&manager), when).await.status,
        StatusCode::CREATED
    );
    let open = json!({"title": "Open show and tell", "starts_at": "2031-05-02T09:00:00", "ends_at": "2031-05-02T10:00:00", "timezone": "Europe/Paris"});
    assert_eq!(
        app.post("/api/guildhall/v1/communities/open-ux/events", Some(&manager), open).await.status,
        StatusCode::CREATED
    );

    let g = app.get("/api/guildhall/v1/guilds/ux-guild", None).await.body;
    assert_eq!(handles(&g), vec!["open-ux", "secret-ux"], "a private member is listed by name");
    let feed = app.get("/api/guildhall/v1/guilds/ux-guild/discussions", None).await.body.to_string();
    assert!(feed.contains("Open research day"), "{feed}");
    assert!(!feed.contains("SECRET"), "no private content in the feed: {feed}");
    let events = app.get("/api/guildhall/v1/guilds/ux-guild/events", None).await.body.to_string();
    assert!(events.contains("Open show and tell") && !events.contains("SECRET"), "{events}");
    let ics = app.get("/api/guildhall/v1/guilds/ux-guild/calendar.ics", None).await;
    let ics_text = ics.body.as_str().map(str::to_owned).unwrap_or_else(|| ics.body.to_string());
    assert!(ics_text.contains("Open show and tell") && !ics_text.contains("SECRET"), "{ics_text}");
    let contacts = app.get("/api/guildhall/v1/guilds/ux-guild/contacts", None).await.body;
    assert_eq!(contacts.as_array().unwrap().len(), 1, "managers of open members only: {contacts}");
    assert_eq!(contacts[0]["managers"][0]["username"], "manny");
}

#[tokio::test]
async fn communities_like_this_one_share_tags_or_members() {
    let app = TestApp::federated().await;
    let t = app.user("stella").await;
    let tagged = |name: &'static str, tags: Value, visibility: &'static str| json!({"name": name, "title": name, "tags": tags, "visibility": visibility});
    app.community_with(&t, tagged("ux-a", json!(["ux", "research"]), "public")).await;
    app.community_with(&t, tagged("ux-b", json!(["ux"]), "public")).await;
    app.community_with(&t, tagged("ux-hidden", json!(["ux", "research"]), "private")).await;
    let cook = app.user("cook").await;
    app.community_with(&cook, tagged("cooking", json!(["food"]), "public")).await;
    guild(&app, &t, "ux-guild", json!(["ux", "research"])).await;
    let related = app.get("/api/guildhall/v1/communities/ux-a/related", None).await.body;
    let names: Vec<&str> = related.as_array().unwrap().iter().map(|r| r["handle"].as_str().unwrap()).collect();
    assert!(names.contains(&"ux-guild") && names.contains(&"ux-b"), "{related}");
    assert!(!names.contains(&"ux-hidden"), "private communities are never suggested");
    assert!(!names.contains(&"cooking") && !names.contains(&"ux-a"));
    assert_eq!(names[0], "ux-guild", "two shared tags before one");
}
