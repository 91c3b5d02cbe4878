//! Private communities' content and members-only discussions reach approved members only,
//! through every read path of statuses, threads, timelines, account statuses and search
//! (the viewer kinds of `federation-tests`' leak matrix, on one instance).

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::helpers::{d, g, ids, me, p, r};
use crate::mastodon::instance;

struct World {
    app: TestApp,
    /// (kind, token); `None` is anonymous.
    outsiders: Vec<(&'static str, Option<String>)>,
    member: String,
    /// Status ids only members may read.
    secret: Vec<String>,
    /// Status ids anyone may read.
    open: Vec<String>,
    vault: String,
    opened: String,
    author: String,
}

async fn world() -> World {
    let app = instance().await;
    let ada = app.user("ada").await;
    let vault = app.community(&ada, "vault", "private").await["id"].as_i64().unwrap();
    let opened = app.community(&ada, "opened", "private").await["id"].as_i64().unwrap();
    let member = app.member("mem", "vault", &ada).await;
    for c in ["opened"] {
        assert_eq!(app.join(&member, c).await.status, StatusCode::OK);
        let path = format!("/api/guildhall/v1/communities/{c}/join-requests/mem/accept");
        assert_eq!(app.post(&path, Some(&ada), json!({})).await.status, StatusCode::NO_CONTENT);
    }
    let banned = app.member("ban", "vault", &ada).await;
    assert_eq!(app.join(&banned, "opened").await.status, StatusCode::OK);
    app.post("/api/guildhall/v1/communities/opened/join-requests/ban/accept", Some(&ada), json!({})).await;
    let pending = app.user("pend").await;
    let non = app.user("non").await;
    for c in ["vault", "opened"] {
        assert_eq!(app.join(&pending, c).await.body["status"], "requested");
    }
    // Posted while private: members-only once "opened" opens.
    let mo = app.discussion(&ada, "opened", "Members only").await;
    let mo_reply = app.reply(&member, mo, None, "members-only reply").await;
    let secret = app.discussion(&ada, "vault", "Secret").await;
    let secret_reply = app.reply(&member, secret, None, "secret reply").await;
    let secret_nested = app.reply(&ada, secret, Some(secret_reply), "secret nested").await;
    for c in ["vault", "opened"] {
        let path = format!("/api/guildhall/v1/communities/{c}/bans");
        let resp = app.post(&path, Some(&ada), json!({"username": "ban", "reason": "leak test"})).await;
        assert!(resp.status.is_success(), "ban: {}", resp.body);
    }
    let opening = app.patch("/api/guildhall/v1/communities/opened", Some(&ada), json!({"visibility": "public"})).await;
    assert_eq!(opening.status, StatusCode::OK, "{}", opening.body);
    let public = app.discussion(&ada, "opened", "Public now").await;
    let public_reply = app.reply(&ada, public, None, "public reply").await;
    let author = p(me(&app, &ada).await);
    World {
        outsiders: vec![
            ("anonymous", None),
            ("outsider", Some(non)),
            ("pending", Some(pending)),
            ("banned", Some(banned)),
        ],
        member,
        secret: vec![d(secret), r(secret_reply), r(secret_nested), d(mo), r(mo_reply)],
        open: vec![d(public), r(public_reply)],
        vault: g(vault),
        opened: g(opened),
        author,
        app,
    }
}

impl World {
    fn leaked(&self, who: &str, path: &str, got: &[String]) {
        for s in &self.secret {
            assert!(!got.contains(s), "{who} sees {s} in {path}: {got:?}");
        }
    }

    /// Every status id anywhere in a JSON body.
    fn all_ids(v: &serde_json::Value) -> Vec<String> {
        let mut out = vec![];
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let (Some(id), true) = (m.get("id").and_then(|i| i.as_str()), m.contains_key("content")) {
                        out.push(id.to_string());
                    }
                    m.values().for_each(|x| walk(x, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        walk(v, &mut out);
        out
    }
}

#[tokio::test]
async fn single_statuses_and_threads_are_members_only() {
    let w = world().await;
    for (who, token) in &w.outsiders {
        for s in &w.secret {
            for path in [format!("/api/v1/statuses/{s}"), format!("/api/v1/statuses/{s}/context")] {
                let resp = w.app.get(&path, token.as_deref()).await;
                assert_eq!(resp.status, StatusCode::NOT_FOUND, "{who} {path}: {}", resp.body);
            }
        }
        for s in &w.open {
            let resp = w.app.get(&format!("/api/v1/statuses/{s}/context"), token.as_deref()).await;
            assert_eq!(resp.status, StatusCode::OK, "{who} {s}");
            w.leaked(who, "context", &World::all_ids(&resp.body));
        }
        if let Some(t) = token {
            let resp = w
                .app
                .post("/api/v1/statuses", Some(t), json!({"status": "me too", "in_reply_to_id": w.secret[0]}))
                .await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{who} replies: {}", resp.body);
            let resp = w.app.get(&format!("/api/v1/statuses/{}/source", w.secret[0]), Some(t)).await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{who} source");
        }
    }
    for s in &w.secret {
        let resp = w.app.get(&format!("/api/v1/statuses/{s}"), Some(&w.member)).await;
        assert_eq!(resp.status, StatusCode::OK, "member reads {s}");
        assert_eq!(resp.body["visibility"], "private");
    }
    let thread = w.app.get(&format!("/api/v1/statuses/{}/context", w.secret[0]), Some(&w.member)).await;
    assert_eq!(ids(&thread.body["descendants"]), w.secret[1..3]);
}

#[tokio::test]
async fn timelines_and_account_statuses_are_members_only() {
    let w = world().await;
    let lists = [
        "/api/v1/timelines/public?limit=40".to_string(),
        "/api/v1/timelines/public?local=true".to_string(),
        format!("/api/v1/accounts/{}/statuses", w.vault),
        format!("/api/v1/accounts/{}/statuses", w.opened),
        format!("/api/v1/accounts/{}/statuses?limit=40", w.author),
        format!("/api/v1/accounts/{}/statuses", p(me(&w.app, &w.member).await)),
        "/api/v2/search?q=secret".to_string(),
        "/api/v2/search?q=members".to_string(),
    ];
    for (who, token) in &w.outsiders {
        let mut paths = lists.to_vec();
        if token.is_some() {
            paths.push("/api/v1/timelines/home".into());
        }
        for path in &paths {
            let resp = w.app.get(path, token.as_deref()).await;
            assert_eq!(resp.status, StatusCode::OK, "{who} {path}: {}", resp.body);
            w.leaked(who, path, &World::all_ids(&resp.body));
        }
        let opened = w.app.get(&format!("/api/v1/accounts/{}/statuses", w.opened), token.as_deref()).await;
        assert_eq!(ids(&opened.body), [w.open[0].clone()], "{who}: only the public discussion");
    }
    // A member reads them all, in home and on the accounts.
    let home = ids(&w.app.get("/api/v1/timelines/home?limit=40", Some(&w.member)).await.body);
    for s in w.secret.iter().chain(&w.open) {
        assert!(home.contains(s), "member's home lacks {s}: {home:?}");
    }
    let author =
        ids(&w.app.get(&format!("/api/v1/accounts/{}/statuses?limit=40", w.author), Some(&w.member)).await.body);
    assert!(author.contains(&w.secret[0]) && author.contains(&w.secret[3]), "{author:?}");
    let vault = ids(&w.app.get(&format!("/api/v1/accounts/{}/statuses", w.vault), Some(&w.member)).await.body);
    assert_eq!(vault, [w.secret[0].clone()]);
    // The public timeline never holds them, even for a member.
    let public = World::all_ids(&w.app.get("/api/v1/timelines/public?limit=40", Some(&w.member)).await.body);
    w.leaked("member", "public timeline", &public);
    assert!(public.contains(&w.open[0]), "{public:?}");
}
