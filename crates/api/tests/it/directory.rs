//! The published directory, proposed external communities of practice and the network map,
//! over HTTP on a real database.

use crate::common;

use axum::http::{StatusCode, header};
use chrono::Utc;
use common::TestApp;
use guildhall_store::map_crawl::{InstanceMeta, NewEntry};
use serde_json::{Value, json};

const BASE: &str = "http://localhost:8080";

async fn directory(app: &TestApp, page: u64) -> Value {
    let r = app.get(&format!("/api/guildhall/v1/directory?page={page}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn names(dir: &Value) -> Vec<String> {
    dir["entries"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect()
}

fn entry<'a>(dir: &'a Value, name: &str) -> &'a Value {
    dir["entries"].as_array().unwrap().iter().find(|e| e["name"] == name).unwrap_or_else(|| panic!("{name} in {dir}"))
}

/// `ada` moderates `open` (public, tagged, one discussion and a reply), `club` (approval),
/// `vault` (private, unlisted by default), `quiet` (public, opted out) and `shown` (private,
/// listed, with a discussion). Returns (admin, ada).
async fn communities(app: &TestApp) -> (String, String) {
    let admin = app.admin("boss").await;
    let ada = app.user("ada").await;
    app.community_with(
        &ada,
        json!({"name": "open", "title": "Open data", "description": "About *open* data", "tags": ["data", "open"]}),
    )
    .await;
    let d = app.discussion(&ada, "open", "Hello").await;
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/replies"), Some(&ada), json!({"body": "Hi"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.community(&ada, "club", "approval").await;
    app.community(&ada, "vault", "private").await;
    app.discussion(&ada, "vault", "Secret plans").await;
    app.community(&ada, "quiet", "public").await;
    let r = app.patch("/api/guildhall/v1/communities/quiet", Some(&ada), json!({"listed": false})).await;
    assert_eq!((r.status, &r.body["listed"]), (StatusCode::OK, &json!(false)), "{}", r.body);
    app.community_with(&ada, json!({"name": "shown", "title": "Shown", "description": "We meet monthly", "visibility": "private", "tags": ["ops"]}))
        .await;
    app.discussion(&ada, "shown", "Private matters").await;
    let r = app
        .patch("/api/guildhall/v1/communities/shown", Some(&ada), json!({"listed": true, "lifecycle": "forming"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((&r.body["listed"], &r.body["lifecycle"]), (&json!(true), &json!("forming")));
    (admin, ada)
}

#[tokio::test]
async fn directory_lists_by_the_rules_and_hides_private_counts() {
    let app = TestApp::new().await;
    let (admin, _) = communities(&app).await;
    app.settings(&admin, json!({"organisation": "Dept of Data", "government": "Canada"})).await;
    let dir = directory(&app, 1).await;
    assert_eq!(names(&dir), ["open", "club", "shown"], "private unlisted by default, opt-out respected");
    assert_eq!((dir["total"].as_u64(), dir["page"].as_u64(), &dir["next"]), (Some(3), Some(1), &Value::Null));
    assert_eq!(
        dir["instance"],
        json!({"domain": "localhost:8080", "name": "localhost:8080", "organisation": "Dept of Data",
               "government": "Canada", "software": "guildhall", "version": env!("CARGO_PKG_VERSION")})
    );
    let open = entry(&dir, "open");
    assert_eq!(open["id"], format!("{BASE}/c/open"));
    assert_eq!(open["url"], format!("{BASE}/communities/open"));
    assert_eq!((open["kind"].as_str(), open["visibility"].as_str()), (Some("community"), Some("public")));
    assert_eq!((open["member_count"].as_u64(), open["active_30d"].as_u64()), (Some(1), Some(2)), "discussion + reply");
    assert_eq!((open["tags"].clone(), open["summary"].clone()), (json!(["data", "open"]), json!("About *open* data")));
    assert_eq!((open["organisation"].as_str(), open["government"].as_str()), (Some("Dept of Data"), Some("Canada")));
    let shown = entry(&dir, "shown");
    assert_eq!((shown["visibility"].as_str(), shown["lifecycle"].as_str()), (Some("private"), Some("forming")));
    assert_eq!((shown["member_count"].as_u64(), shown["active_30d"].as_u64()), (Some(0), Some(0)), "no counts");
    assert_eq!((shown["summary"].as_str(), shown["tags"].clone()), (Some("We meet monthly"), json!(["ops"])));
    let text = dir.to_string();
    assert!(!text.contains("Private matters") && !text.contains("Secret plans") && !text.contains("vault"));

    // Back to the default: listed follows visibility again.
    let ada = app.login("ada").await;
    let r = app.patch("/api/guildhall/v1/communities/shown", Some(&ada), json!({"listed": null})).await;
    assert_eq!((r.status, &r.body["listed"]), (StatusCode::OK, &Value::Null));
    assert_eq!(names(&directory(&app, 1).await), ["open", "club"]);
}

#[tokio::test]
async fn community_and_instance_settings_are_validated() {
    let app = TestApp::new().await;
    let (admin, ada) = communities(&app).await;
    let r = app.patch("/api/guildhall/v1/communities/open", Some(&ada), json!({"lifecycle": "sleeping"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("lifecycle")));
    let bob = app.user("bob").await;
    let r = app.patch("/api/guildhall/v1/communities/open", Some(&bob), json!({"listed": false})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only its moderators list or unlist it");
    for (body, field) in [
        (json!({"map_seeds": ["ok.example", "not a host"]}), "map_seeds"),
        (json!({"map_refresh_hours": 0}), "map_refresh_hours"),
        (json!({"organisation": "x".repeat(300)}), "organisation"),
    ] {
        let r = app.patch("/api/guildhall/v1/admin/settings", Some(&admin), body).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)));
    }
    let r = app.patch("/api/guildhall/v1/admin/settings", Some(&ada), json!({"directory_listed": false})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let s = app
        .settings(
            &admin,
            json!({"map_seeds": ["B.example:8443", "b.example:8443", "c.example"], "map_refresh_hours": 6}),
        )
        .await;
    assert_eq!(
        (s["map_seeds"].clone(), s["map_refresh_hours"].as_i64()),
        (json!(["b.example:8443", "c.example"]), Some(6))
    );

    // The instance opts out: the directory answers 404 with its own code, and the map leaves
    // the instance's communities out.
    let s = app.settings(&admin, json!({"directory_listed": false})).await;
    assert_eq!(s["directory_listed"], false);
    let r = app.get("/api/guildhall/v1/directory", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "directory_unlisted"));
    let r = app.get("/api/guildhall/v1/map", None).await;
    assert_eq!((r.status, r.body["nodes"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
}

#[tokio::test]
async fn proposals_are_checked_and_decided_by_admins_only() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let ada = app.user("ada").await;
    let good = json!({"name": "Data Slack", "url": "https://data.slack.example/", "summary": "Data people",
        "topics": ["data"], "government": "Canada", "organisation": "StatCan", "contact": "ada@example.org"});
    let r = app.post("/api/guildhall/v1/map/proposals", None, good.clone()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    for (bad, field) in [
        (json!({"name": "X", "url": "javascript:alert(1)"}), "url"),
        (json!({"name": "X", "url": "ftp://files.example"}), "url"),
        (json!({"name": " ", "url": "https://x.example"}), "name"),
        (json!({"name": "X", "url": "https://x.example", "topics": ["no spaces please"]}), "topics"),
    ] {
        let r = app.post("/api/guildhall/v1/map/proposals", Some(&ada), bad).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{}", r.body);
    }
    let r = app.post("/api/guildhall/v1/map/proposals", Some(&ada), good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.body["status"].as_str(), r.body["proposed_by"].as_str()), (Some("pending"), Some("ada")));
    let id = r.body["id"].as_i64().unwrap();
    let r = app
        .post(
            "/api/guildhall/v1/map/proposals",
            Some(&ada),
            json!({"name": "Mailing list", "url": "http://lists.example"}),
        )
        .await;
    let other = r.body["id"].as_i64().unwrap();
    assert!(names(&directory(&app, 1).await).is_empty(), "nothing published before approval");

    // Members may not see or decide.
    let r = app.get("/api/guildhall/v1/admin/map/proposals", Some(&ada)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
    let r = app.post(&format!("/api/guildhall/v1/admin/map/proposals/{id}/approve"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post(&format!("/api/guildhall/v1/admin/map/proposals/{id}/approve"), None, json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = app.get("/api/guildhall/v1/admin/map/proposals", Some(&admin)).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let r = app.post(&format!("/api/guildhall/v1/admin/map/proposals/{id}/approve"), Some(&admin), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("approved")));
    let r = app.post(&format!("/api/guildhall/v1/admin/map/proposals/{id}/reject"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "decided once");
    let r = app.post(&format!("/api/guildhall/v1/admin/map/proposals/{other}/reject"), Some(&admin), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("rejected")));
    let r = app.post("/api/guildhall/v1/admin/map/proposals/999/approve", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/api/guildhall/v1/admin/map/proposals?status=approved", Some(&admin)).await;
    assert_eq!(r.body["items"][0]["id"].as_i64(), Some(id));

    let dir = directory(&app, 1).await;
    assert_eq!(names(&dir), ["Data Slack"], "approved only");
    let e = entry(&dir, "Data Slack");
    assert_eq!(e["id"], format!("{BASE}/directory/external/{id}"));
    assert_eq!((e["kind"].as_str(), e["url"].as_str()), (Some("external"), Some("https://data.slack.example/")));
    assert_eq!((e["government"].as_str(), e["contact"].as_str()), (Some("Canada"), Some("ada@example.org")));
}

#[tokio::test]
async fn directory_pages_by_fifty_with_an_absolute_next_link() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    for i in 0..51 {
        app.community(&admin, &format!("c{i:02}"), "public").await;
    }
    let r = app
        .post("/api/guildhall/v1/map/proposals", Some(&admin), json!({"name": "Ext", "url": "https://ext.example"}))
        .await;
    let id = r.body["id"].as_i64().unwrap();
    app.post(&format!("/api/guildhall/v1/admin/map/proposals/{id}/approve"), Some(&admin), json!({})).await;
    let one = directory(&app, 1).await;
    assert_eq!((one["entries"].as_array().unwrap().len(), one["total"].as_u64()), (50, Some(52)));
    assert_eq!(one["next"], format!("{BASE}/api/guildhall/v1/directory?page=2"));
    let two = directory(&app, 2).await;
    assert_eq!(names(&two), ["c50", "Ext"], "communities first, then externals");
    assert_eq!(two["next"], Value::Null);
    assert!(directory(&app, 3).await["entries"].as_array().unwrap().is_empty());
    let r = app.get("/api/guildhall/v1/directory?page=x", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// A guild with `open` (public) and `vault` (private, unlisted) as active members, and a
/// crawled instance with one community.
async fn network(app: &TestApp) -> (String, String) {
    let (admin, ada) = communities(app).await;
    app.settings(&admin, json!({"government": "Canada", "organisation": "Dept A"})).await;
    let r = app
        .post(
            "/api/guildhall/v1/guilds",
            Some(&ada),
            json!({"name": "data-guild", "title": "Data guild", "focus": "role", "tags": ["data"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for c in ["open", "vault"] {
        let r = app
            .call(
                axum::http::Method::PUT,
                &format!("/api/guildhall/v1/communities/{c}/guilds/data-guild"),
                Some(&ada),
                Some(json!({})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        let r = app
            .call(
                axum::http::Method::PUT,
                &format!("/api/guildhall/v1/guilds/data-guild/communities/{c}"),
                Some(&ada),
                Some(json!({})),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let db = app.ctx.db();
    let now = Utc::now();
    guildhall_store::map_crawl::ensure_instance(db, "b.example", None, now).await.unwrap();
    let meta = InstanceMeta {
        name: "b.example".into(),
        organisation: "Ministère B".into(),
        government: "France".into(),
        software: "guildhall 0.1.0".into(),
    };
    let remote = NewEntry {
        ap_id: "https://b.example/c/forms".into(),
        kind: "community".into(),
        name: "forms".into(),
        title: "Forms, \"better\"".into(),
        url: "https://b.example/communities/forms".into(),
        tags: vec!["design".into()],
        visibility: "public".into(),
        member_count: 7,
        active_30d: 0,
        lifecycle: "active".into(),
        links: vec![format!("{BASE}/c/data-guild")],
        ..Default::default()
    };
    guildhall_store::map_crawl::record_page(db, "b.example", &meta, &[remote], None, now).await.unwrap();
    guildhall_store::map_crawl::finish_instance(db, "b.example", None, None, now).await.unwrap();
    (admin, ada)
}

fn node_ids(map: &Value) -> Vec<String> {
    map["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_owned()).collect()
}

fn edges(map: &Value, kind: &str) -> Vec<(String, String)> {
    map["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| (e["from"].as_str().unwrap().to_owned(), e["to"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn guild_links_appear_in_the_directory_and_the_map() {
    let app = TestApp::federated().await;
    network(&app).await;
    let dir = directory(&app, 1).await;
    let guild = format!("{BASE}/c/data-guild");
    assert_eq!(entry(&dir, "open")["links"], json!([guild]));
    let g = entry(&dir, "data-guild");
    assert_eq!((g["kind"].as_str(), g["guild_focus"].as_str()), (Some("guild"), Some("role")));
    assert_eq!(g["url"], format!("{BASE}/guilds/data-guild"));
    assert_eq!(g["links"], json!([format!("{BASE}/c/open")]), "the unlisted private member is not named");

    let r = app.get("/api/guildhall/v1/map", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let map = r.body;
    let ids = node_ids(&map);
    assert_eq!(&ids[..2], ["instance:b.example", "instance:localhost:8080"]);
    assert!(ids.contains(&format!("{BASE}/c/open")) && ids.contains(&"https://b.example/c/forms".to_owned()));
    assert!(!ids.iter().any(|i| i.contains("vault") || i.contains("quiet")));
    let mut member_of = edges(&map, "member_of");
    member_of.sort();
    assert_eq!(
        member_of,
        [(format!("{BASE}/c/open"), guild.clone()), ("https://b.example/c/forms".into(), guild.clone())]
    );
    assert!(edges(&map, "hosted_on").contains(&("https://b.example/c/forms".into(), "instance:b.example".into())));
    let forms = map["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "https://b.example/c/forms").unwrap();
    assert_eq!((forms["government"].as_str(), forms["member_count"].as_u64()), (Some("France"), Some(7)));
    let text = map.to_string();
    assert!(!text.contains("Secret plans") && !text.contains("Private matters"));
    let shown = map["nodes"].as_array().unwrap().iter().find(|n| n["id"] == format!("{BASE}/c/shown")).unwrap();
    assert_eq!((shown["member_count"].as_u64(), shown["active_30d"].as_u64()), (Some(0), Some(0)));
}

#[tokio::test]
async fn map_filters_and_downloads() {
    let app = TestApp::federated().await;
    network(&app).await;
    let ids = |q: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/guildhall/v1/map?{q}"), None).await;
            assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
            node_ids(&r.body)
        }
    };
    assert_eq!(ids("topic=design").await, ["instance:b.example", "https://b.example/c/forms"]);
    assert_eq!(ids("government=france").await, ["instance:b.example", "https://b.example/c/forms"]);
    assert_eq!(ids("active=true").await, ["instance:localhost:8080", &format!("{BASE}/c/open")]);
    assert_eq!(ids("kind=guild").await, ["instance:localhost:8080", &format!("{BASE}/c/data-guild")]);
    let focus = ids("focus=role").await;
    assert_eq!(focus.len(), 5, "two instances, the guild and its two listed members: {focus:?}");
    assert!(ids("focus=focus_area").await.is_empty());
    let r = app.get("/api/guildhall/v1/map?active=maybe", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = app.get("/api/guildhall/v1/map.csv?topic=design", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/csv"));
    let csv = r.body.as_str().unwrap().to_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,kind,label,instance,government,organisation,tags,member_count,active_30d,url,guild_focus");
    assert_eq!(lines.len(), 3);
    assert!(
        lines[2].starts_with("https://b.example/c/forms,community,\"Forms, \"\"better\"\"\",b.example,France,"),
        "{csv}"
    );
    let r = app.get("/api/guildhall/v1/map/edges.csv", None).await;
    let edges_csv = r.body.as_str().unwrap().to_owned();
    assert!(edges_csv.starts_with("from,to,kind\n"));
    assert!(edges_csv.contains(&format!("https://b.example/c/forms,{BASE}/c/data-guild,member_of")), "{edges_csv}");
    let r = app.get("/api/guildhall/v1/map.graphml", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let xml = r.body.as_str().unwrap().to_owned();
    assert!(xml.contains("<node id=\"https://b.example/c/forms\">"));
    assert!(xml.contains("<data key=\"label\">Forms, &quot;better&quot;</data>"));
    let all = app.get("/api/guildhall/v1/map", None).await.body;
    assert_eq!(xml.matches("<edge ").count(), all["edges"].as_array().unwrap().len());
    assert_eq!(xml.matches("<node ").count(), all["nodes"].as_array().unwrap().len());
}
