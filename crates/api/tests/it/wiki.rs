//! Community wikis over HTTP: pages, revisions, history, diffs, restore, `[[links]]`, edit
//! conflicts, size limits, locking, who may edit, and privacy.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::{Value, json};

async fn page(app: &TestApp, token: &str, community: &str, title: &str, body: &str) -> Value {
    let r = app
        .post(
            &format!("/api/guildhall/v1/communities/{community}/wiki"),
            Some(token),
            json!({"title": title, "body": body}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn edit(app: &TestApp, token: &str, path: &str, base: i64, body: &str) -> common::Resp {
    app.patch(path, Some(token), json!({"base_revision": base, "body": body, "summary": format!("edit on {base}")}))
        .await
}

#[tokio::test]
async fn pages_revisions_history_diff_and_restore() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "uxd", "public").await;
    let member = app.member("max", "uxd", &mod_t).await;

    let p = page(&app, &mod_t, "uxd", "Onboarding Guide", "Welcome.\nSee [[FAQ]] and [[Onboarding Guide]].\n").await;
    assert_eq!((p["slug"].as_str(), p["revision"].as_i64()), (Some("onboarding-guide"), Some(1)));
    assert_eq!(p["links"][0], json!({"title": "FAQ", "slug": "faq", "exists": false}));
    assert!(p["body_html"].as_str().unwrap().contains("href=\"/c/uxd/wiki/faq?missing=1\""), "{}", p["body_html"]);
    page(&app, &mod_t, "uxd", "FAQ", "Questions.").await;
    let path = "/api/guildhall/v1/communities/uxd/wiki/onboarding-guide";
    let p = app.get(path, None).await.body;
    assert_eq!(p["links"][0]["exists"], true, "resolved within the community");
    assert!(p["body_html"].as_str().unwrap().contains("href=\"/c/uxd/wiki/faq\""), "{}", p["body_html"]);
    assert_eq!(p["can_edit"], false, "anonymous");

    let r = edit(&app, &member, path, 1, "Welcome!\nSee [[FAQ]] and [[Onboarding Guide]].\nAsk in #help.\n").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["revision"].as_i64(), r.body["last_author"]["username"].as_str()), (Some(2), Some("max")));

    let h = app.get(&format!("{path}/revisions"), None).await.body;
    let numbers: Vec<i64> = h.as_array().unwrap().iter().map(|r| r["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![2, 1]);
    assert_eq!((h[0]["author"]["username"].as_str(), h[0]["summary"].as_str()), (Some("max"), Some("edit on 1")));
    assert!(h[0]["body"].is_null(), "history lists, revisions show");

    let d = app.get(&format!("{path}/diff?from=1&to=2"), None).await.body;
    let changed: Vec<(String, String)> = d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["tag"] != "equal")
        .map(|l| (l["tag"].as_str().unwrap().to_owned(), l["text"].as_str().unwrap().to_owned()))
        .collect();
    assert!(changed.contains(&("delete".into(), "Welcome.".into())), "{changed:?}");
    assert!(changed.contains(&("insert".into(), "Welcome!".into())), "{changed:?}");
    assert!(changed.contains(&("insert".into(), "Ask in #help.".into())), "{changed:?}");
    assert!(d["unified"].as_str().unwrap().contains("+Ask in #help."), "{}", d["unified"]);

    let r = app.post(&format!("{path}/restore"), Some(&member), json!({"revision": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["revision"], 3);
    assert_eq!(r.body["body"], "Welcome.\nSee [[FAQ]] and [[Onboarding Guide]].");
    assert_eq!(r.body["last_summary"], "Restored revision 1");
    let one = app.get(&format!("{path}/revisions/1"), None).await.body;
    assert_eq!(one["body"], r.body["body"]);
    assert_eq!(app.get(&format!("{path}/revisions/9"), None).await.status, StatusCode::NOT_FOUND);

    let list = app.get("/api/guildhall/v1/communities/uxd/wiki", None).await.body;
    let slugs: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, vec!["faq", "onboarding-guide"]);
}

#[tokio::test]
async fn an_edit_on_an_old_revision_is_refused_and_nothing_is_lost() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "uxd", "public").await;
    let (ann, ben) = (app.member("ann", "uxd", &mod_t).await, app.member("ben", "uxd", &mod_t).await);
    page(&app, &mod_t, "uxd", "Home", "v1").await;
    let path = "/api/guildhall/v1/communities/uxd/wiki/home";
    assert_eq!(edit(&app, &ann, path, 1, "Ann's text").await.status, StatusCode::OK);
    let r = edit(&app, &ben, path, 1, "Ben's text").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"));
    assert!(r.body["message"].as_str().unwrap().contains("revision 2"), "{}", r.body);
    let p = app.get(path, None).await.body;
    assert_eq!((p["body"].as_str(), p["revision"].as_i64()), (Some("Ann's text"), Some(2)), "Ann's edit stands");
    assert_eq!(app.get(&format!("{path}/revisions"), None).await.body.as_array().unwrap().len(), 2);
    // Ben merges and sends again on the latest revision.
    assert_eq!(edit(&app, &ben, path, 2, "Ann's text\nBen's text").await.status, StatusCode::OK);
    assert_eq!(edit(&app, &ben, path, 7, "future").await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn bad_input_is_refused() {
    let app = TestApp::new().await;
    let t = app.user("mona").await;
    app.community(&t, "uxd", "public").await;
    let huge = "x".repeat(200_001);
    for (body, field) in [
        (json!({"title": "Big", "body": huge}), "body"),
        (json!({"title": "  ", "body": "b"}), "title"),
        (json!({"title": "!!!", "body": "b"}), "title"),
        (json!({"title": "T", "body": "b", "summary": "s".repeat(301)}), "summary"),
    ] {
        let r = app.post("/api/guildhall/v1/communities/uxd/wiki", Some(&t), body).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{}", r.body);
    }
    page(&app, &t, "uxd", "Home", "v1").await;
    let r =
        app.post("/api/guildhall/v1/communities/uxd/wiki", Some(&t), json!({"title": "home", "body": "again"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "same slug");
    let r = edit(&app, &t, "/api/guildhall/v1/communities/uxd/wiki/home", 1, &huge).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("body")));
    assert_eq!(
        app.get("/api/guildhall/v1/communities/uxd/wiki/home", None).await.body["revision"],
        1,
        "nothing stored"
    );
    assert_eq!(app.get("/api/guildhall/v1/communities/uxd/wiki/nope", None).await.status, StatusCode::NOT_FOUND);
    let r = app.get("/api/guildhall/v1/communities/uxd/wiki/home/diff?from=1", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn who_may_edit_and_locking() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "uxd", "public").await;
    let member = app.member("max", "uxd", &mod_t).await;
    let outsider = app.user("otto").await;
    page(&app, &member, "uxd", "Home", "v1").await;
    let path = "/api/guildhall/v1/communities/uxd/wiki/home";

    let r = app.post("/api/guildhall/v1/communities/uxd/wiki", None, json!({"title": "A", "body": "b"})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = edit(&app, &outsider, path, 1, "vandal").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    // Moderators only, by community setting.
    let r = app
        .call(
            axum::http::Method::PUT,
            "/api/guildhall/v1/communities/uxd/wiki-settings",
            Some(&member),
            Some(json!({"editors": "moderators"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    let r = app
        .call(
            axum::http::Method::PUT,
            "/api/guildhall/v1/communities/uxd/wiki-settings",
            Some(&mod_t),
            Some(json!({"editors": "moderators"})),
        )
        .await;
    assert_eq!((r.status, r.body["editors"].as_str()), (StatusCode::OK, Some("moderators")));
    let r = edit(&app, &member, path, 1, "member edit").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    assert_eq!(edit(&app, &mod_t, path, 1, "moderator edit").await.status, StatusCode::OK);
    app.call(
        axum::http::Method::PUT,
        "/api/guildhall/v1/communities/uxd/wiki-settings",
        Some(&mod_t),
        Some(json!({"editors": "members"})),
    )
    .await;
    assert_eq!(app.get("/api/guildhall/v1/communities/uxd/wiki-settings", None).await.body["editors"], "members");

    // A locked page: moderators only.
    let r = app.post(&format!("{path}/lock"), Some(&member), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post(&format!("{path}/lock"), Some(&mod_t), json!({})).await.body["locked"], true);
    let r = edit(&app, &member, path, 2, "locked out").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "locked"));
    let r = app.post(&format!("{path}/restore"), Some(&member), json!({"revision": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "locked"));
    assert_eq!(app.get(path, Some(&member)).await.body["can_edit"], false);
    assert_eq!(edit(&app, &mod_t, path, 2, "still editable by moderators").await.status, StatusCode::OK);
    app.post(&format!("{path}/unlock"), Some(&mod_t), json!({})).await;
    assert_eq!(edit(&app, &member, path, 3, "open again").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_private_communitys_wiki_stays_private() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "vault", "private").await;
    let member = app.member("max", "vault", &mod_t).await;
    let outsider = app.user("otto").await;
    page(&app, &member, "vault", "Secret plan", "zq-secret").await;
    edit(&app, &member, "/api/guildhall/v1/communities/vault/wiki/secret-plan", 1, "zq-secret 2").await;
    let base = "/api/guildhall/v1/communities/vault/wiki";
    for path in [
        base.to_owned(),
        format!("{base}/secret-plan"),
        format!("{base}/secret-plan/revisions"),
        format!("{base}/secret-plan/revisions/1"),
        format!("{base}/secret-plan/diff?from=1&to=2"),
        "/api/guildhall/v1/communities/vault/wiki-settings".to_owned(),
    ] {
        for token in [None, Some(outsider.as_str())] {
            let r = app.get(&path, token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!r.body.to_string().contains("zq-secret"), "{path}: {}", r.body);
        }
        assert_eq!(app.get(&path, Some(&member)).await.status, StatusCode::OK, "{path}");
    }
    let r = edit(&app, &outsider, &format!("{base}/secret-plan"), 2, "x").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn pending_intents(app: &TestApp) -> Vec<Value> {
    guildhall_store::federation::pending_outbox(app.ctx.db(), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|o| serde_json::from_str(&o.intent).ok())
        .collect()
}

#[tokio::test]
async fn a_refused_remote_edit_is_answered_with_its_reason() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "uxd", "public").await;
    app.community(&mod_t, "hush", "private").await;
    let home = page(&app, &mod_t, "uxd", "Home", "v1").await;
    page(&app, &mod_t, "hush", "Secret", "s1").await;
    let page_id = |slug: &'static str, community: &'static str| {
        let ctx = app.ctx.clone();
        async move {
            let c = guildhall_app::communities::find(&ctx, community).await.unwrap().unwrap();
            guildhall_store::wiki::find_page(ctx.db(), c.id, slug).await.unwrap().unwrap().id
        }
    };
    let (home_id, secret_id) = (page_id("home", "uxd").await, page_id("secret", "hush").await);
    assert_eq!(home["revision"], 1);
    let bob = app.remote_person("bob", "beta.test").await;
    app.remote_follow(&bob, "uxd").await;
    let edit = |page: i64, base: i32, body: &'static str, n: u32| {
        let (ctx, bob) = (app.ctx.clone(), bob.clone());
        async move {
            let id = format!("http://beta.test/activities/{n}");
            guildhall_app::wiki_remote::receive_member_edit(&ctx, page, &bob, "Home", body, None, base, &id).await
        }
    };
    let before = pending_intents(&app).await.len();

    // A stale base: 409, and bob is told why.
    edit(home_id, 1, "v2", 1).await.expect("accepted");
    let err = edit(home_id, 1, "stale", 2).await.expect_err("conflict");
    assert!(matches!(err, guildhall_app::Error::Conflict(_)), "{err:?}");
    // Locked: refused with the lock as reason.
    app.post("/api/guildhall/v1/communities/uxd/wiki/home/lock", Some(&mod_t), json!({})).await;
    let err = edit(home_id, 2, "locked", 3).await.expect_err("locked");
    assert!(matches!(err, guildhall_app::Error::Denied(guildhall_domain::Denied::Locked)), "{err:?}");
    let intents = pending_intents(&app).await;
    let refusals: Vec<&Value> = intents[before..].iter().filter(|i| i["type"] == "wiki_edit_refused").collect();
    assert_eq!(refusals.len(), 2, "{intents:?}");
    assert_eq!(refusals[0]["edit_ap_id"], "http://beta.test/activities/2");
    assert!(refusals[0]["reason"].as_str().unwrap().contains("latest is revision 2"), "{:?}", refusals[0]);
    assert_eq!((refusals[1]["page_id"].as_i64(), refusals[1]["account_id"].as_i64()), (Some(home_id), Some(bob.id)));
    assert!(refusals[1]["reason"].as_str().unwrap().contains("locked"), "{:?}", refusals[1]);

    // A private community's page does not exist for a non-member: no Reject to say otherwise.
    let count = pending_intents(&app).await.len();
    edit(secret_id, 1, "peek", 4).await.expect_err("not a member");
    // A page that does not exist: nothing to refuse.
    edit(9999, 1, "nothing", 5).await.expect_err("no page");
    assert_eq!(pending_intents(&app).await.len(), count);
}
