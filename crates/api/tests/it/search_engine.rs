//! The search engine through its use case, on a real database: words, French forms, ranking,
//! reading rights, index upkeep and hostile queries. (The HTTP routes have their own tests.)

use axum::http::StatusCode;
use guildhall_app::Viewer;
use guildhall_app::search::{SearchKind, SearchQuery, find};
use serde_json::json;

use crate::common::TestApp;

async fn viewer(app: &TestApp, token: &str) -> Viewer {
    let r = app.get("/api/guildhall/v1/accounts/me", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    Viewer {
        account_id: r.body["id"].as_i64().expect("id"),
        username: r.body["username"].as_str().expect("username").to_owned(),
        is_admin: r.body["is_admin"].as_bool().unwrap_or(false),
    }
}

fn q(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), limit: 20, ..Default::default() }
}

async fn titles(app: &TestApp, v: Option<&Viewer>, query: SearchQuery) -> Vec<String> {
    find(&app.ctx, v, &query).await.expect("search").hits.into_iter().map(|h| h.title).collect()
}

#[tokio::test]
async fn words_of_titles_bodies_and_replies_are_found_in_english_and_french() {
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    app.community(&t, "lab", "public").await;
    let d = app.discussion_with_body(&t, "lab", "Intro from dept B", "Hello all").await;
    app.discussion_with_body(&t, "lab", "L'équipe numérique", "Nos équipes partagent leurs outils").await;
    app.reply(&t, d, None, "We migrated payroll to the cloud last spring").await;

    assert_eq!(titles(&app, None, q("Intro")).await, vec!["Intro from dept B"]);
    // Accents folded both ways, French plurals stemmed.
    assert_eq!(titles(&app, None, q("equipe")).await, vec!["L'équipe numérique"]);
    assert_eq!(titles(&app, None, q("numériques")).await, vec!["L'équipe numérique"]);
    // English stemming: "migrating" finds "migrated"; a reply carries its discussion's title.
    let page = find(&app.ctx, None, &q("migrating payroll")).await.expect("search");
    assert_eq!(page.hits.len(), 1);
    assert_eq!(page.hits[0].kind, SearchKind::Reply);
    assert_eq!(page.hits[0].title, "Intro from dept B");
    assert!(page.hits[0].url.starts_with(&format!("/discussions/{d}#reply-")), "{}", page.hits[0].url);
    assert!(page.hits[0].snippet.iter().any(|s| s.hit && s.text == "payroll"), "{:?}", page.hits[0].snippet);
    // The last word is a prefix while typing.
    assert_eq!(titles(&app, None, q("numéri")).await, vec!["L'équipe numérique"]);
    // Every word must match.
    assert!(titles(&app, None, q("intro payroll equipe")).await.is_empty());
}

#[tokio::test]
async fn a_title_beats_a_mention_and_recent_beats_old() {
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    app.community(&t, "lab", "public").await;
    app.discussion_with_body(&t, "lab", "Some other subject", "we also talked about kubernetes a little").await;
    app.discussion_with_body(&t, "lab", "Kubernetes upgrades", "notes").await;
    assert_eq!(titles(&app, None, q("kubernetes")).await, vec!["Kubernetes upgrades", "Some other subject"]);

    let old = app.discussion_with_body(&t, "lab", "Budget cycle", "planning notes").await;
    app.discussion_with_body(&t, "lab", "Budget cycle", "planning notes").await;
    // Make the first a year old, then rebuild the index from scratch.
    use sea_orm::ConnectionTrait;
    let backend = app.ctx.db().get_database_backend();
    let year_ago = chrono::Utc::now() - chrono::Duration::days(365);
    app.ctx
        .db()
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            if backend == sea_orm::DbBackend::Postgres {
                "UPDATE discussions SET created_at = $1 WHERE id = $2"
            } else {
                "UPDATE discussions SET created_at = ? WHERE id = ?"
            },
            [year_ago.into(), old.into()],
        ))
        .await
        .expect("age it");
    guildhall_app::search_index::requeue_all(&app.ctx).await.expect("requeue");
    while guildhall_app::search_index::drain(&app.ctx, 500).await.expect("drain") > 0 {}
    let page = find(&app.ctx, None, &q("budget")).await.expect("search");
    let ids: Vec<i64> = page.hits.iter().map(|h| h.object_id).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[1], old, "the year-old copy ranks last: {ids:?}");
}

#[tokio::test]
async fn search_never_shows_what_reading_would_not() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let m = app.user("mod").await;
    app.community(&m, "vault", "private").await;
    app.community(&m, "open", "public").await;
    app.discussion_with_body(&m, "vault", "Zephyrine budget", "the zephyrine plan").await;
    app.discussion_with_body(&m, "open", "Zephyrine public notes", "open").await;
    let member = app.member("mel", "vault", &m).await;
    let outsider = app.user("otto").await;
    let pending = app.user("pat").await;
    assert_eq!(app.join(&pending, "vault").await.body["status"], "requested");

    let member_v = viewer(&app, &member).await;
    let outsider_v = viewer(&app, &outsider).await;
    let pending_v = viewer(&app, &pending).await;
    let admin_v = viewer(&app, &admin).await;
    let public = vec!["Zephyrine public notes".to_owned()];
    assert_eq!(titles(&app, None, q("zephyrine")).await, public);
    assert_eq!(titles(&app, Some(&outsider_v), q("zephyrine")).await, public);
    assert_eq!(titles(&app, Some(&pending_v), q("zephyrine")).await, public);
    assert_eq!(titles(&app, Some(&member_v), q("zephyrine")).await.len(), 2);
    assert_eq!(titles(&app, Some(&admin_v), q("zephyrine")).await.len(), 2);
    // The private community itself is found by its profile, as in the directory.
    let found = titles(&app, None, SearchQuery { kinds: vec![SearchKind::Community], ..q("vault") }).await;
    assert_eq!(found, vec!["Title of vault"]);

    // Opening the community keeps its past members-only: still hidden from outsiders.
    let r = app.patch("/api/guildhall/v1/communities/vault", Some(&m), json!({"visibility": "public"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(titles(&app, Some(&outsider_v), q("zephyrine")).await, public);
    assert_eq!(titles(&app, Some(&member_v), q("zephyrine")).await.len(), 2);
}

#[tokio::test]
async fn edits_and_deletions_reach_the_index() {
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    app.community(&t, "lab", "public").await;
    let d = app.discussion_with_body(&t, "lab", "Quarterly report", "draft").await;
    let r = app.reply(&t, d, None, "the quarterly figures are in").await;
    assert_eq!(find(&app.ctx, None, &q("quarterly")).await.expect("search").hits.len(), 2);
    let e = app.patch(&format!("/api/guildhall/v1/discussions/{d}"), Some(&t), json!({"title": "Annual report"})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    assert_eq!(titles(&app, None, q("annual")).await, vec!["Annual report"]);
    assert!(titles(&app, None, q("quarterly report")).await.is_empty(), "the old title is gone");
    // The reply now carries the new title too.
    assert_eq!(titles(&app, None, q("figures")).await, vec!["Annual report"]);
    let del = app.delete(&format!("/api/guildhall/v1/discussions/{d}"), Some(&t)).await;
    assert!(del.status.is_success(), "{}", del.body);
    let page = find(&app.ctx, None, &q("figures")).await.expect("search");
    assert!(page.hits.is_empty(), "deleted discussion and its reply {r} are gone: {:?}", page.hits);
}

#[tokio::test]
async fn hostile_and_empty_queries_are_harmless() {
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    app.community(&t, "lab", "public").await;
    app.discussion_with_body(&t, "lab", "Near the end", "a b c").await;
    for text in [
        "\"",
        "*",
        "NEAR(a b)",
        "a & b | !c",
        "':*",
        "(((",
        "-x",
        "AND OR NOT",
        "title:secret",
        "^near",
        "near*",
        "''",
        "\\",
        "%_",
        "\0",
        "near\"; DROP TABLE discussions; --",
    ] {
        let r = find(&app.ctx, None, &q(text)).await;
        assert!(r.is_ok(), "{text:?}: {r:?}");
    }
    assert_eq!(titles(&app, None, q("near\"; DROP TABLE discussions; --")).await.len(), 0);
    assert_eq!(titles(&app, None, q("NEAR")).await, vec!["Near the end"]);
    assert!(titles(&app, None, q("")).await.is_empty());
    assert!(titles(&app, None, q("   ")).await.is_empty());
    let long = "a".repeat(301);
    assert!(matches!(find(&app.ctx, None, &q(&long)).await, Err(guildhall_app::Error::Invalid(_))));
    let bad_lang = SearchQuery { language: Some("de".into()), ..q("near") };
    assert!(matches!(find(&app.ctx, None, &bad_lang).await, Err(guildhall_app::Error::Invalid(_))));
}

#[tokio::test]
async fn filters_and_paging() {
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    app.community(&t, "one", "public").await;
    app.community(&t, "two", "public").await;
    for i in 0..7 {
        app.discussion_with_body(&t, "one", &format!("Harvest note {i}"), "the harvest of the fields").await;
    }
    app.discussion_with_body(&t, "two", "La récolte", "la récolte des champs est pour nous").await;
    app.discussion_with_body(&t, "two", "Harvest in two", "and the harvest is good for the team").await;

    let only_two = SearchQuery { community: Some("two".into()), ..q("harvest") };
    assert_eq!(titles(&app, None, only_two).await, vec!["Harvest in two"]);
    let french = SearchQuery { language: Some("fr".into()), ..q("recolte") };
    assert_eq!(titles(&app, None, french).await, vec!["La récolte"]);
    let english = SearchQuery { language: Some("en".into()), ..q("recolte") };
    assert!(titles(&app, None, english).await.is_empty());
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let later = SearchQuery { since: Some(tomorrow), ..q("harvest") };
    assert!(titles(&app, None, later).await.is_empty());
    let until_today = SearchQuery { until: Some(chrono::Utc::now().date_naive()), ..q("harvest") };
    assert_eq!(titles(&app, None, until_today).await.len(), 8);
    let communities = SearchQuery { kinds: vec![SearchKind::Community], ..q("two") };
    assert_eq!(titles(&app, None, communities).await, vec!["Title of two"]);
    let unknown = SearchQuery { community: Some("nowhere".into()), ..q("harvest") };
    assert!(titles(&app, None, unknown).await.is_empty());

    // Pages are stable: two pages of 3 are the first 6 of one page of 20, no repeats.
    let all = find(&app.ctx, None, &q("harvest")).await.expect("all");
    assert_eq!(all.hits.len(), 8);
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        let p = find(&app.ctx, None, &SearchQuery { offset, limit: 3, ..q("harvest") }).await.expect("page");
        assert_eq!(p.has_more, offset < 6, "offset {offset}");
        paged.extend(p.hits.into_iter().map(|h| h.object_id));
    }
    assert_eq!(paged, all.hits.iter().map(|h| h.object_id).collect::<Vec<_>>());
}

#[tokio::test]
async fn people_are_found_by_name_department_and_skills() {
    let app = TestApp::new().await;
    let t = app.user("grace").await;
    let r = app
        .patch(
            "/api/guildhall/v1/accounts/me",
            Some(&t),
            json!({"display_name": "Grace H", "department": "Statistics Canada", "bio": "I build survey pipelines", "tags": ["census", "python"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for word in ["statistics", "survey", "census", "grace"] {
        let page = find(&app.ctx, None, &SearchQuery { kinds: vec![SearchKind::Person], ..q(word) }).await.expect("s");
        assert_eq!(page.hits.len(), 1, "{word}");
        assert_eq!(page.hits[0].url, "/people/grace");
    }
}

#[tokio::test]
async fn a_guild_filter_covers_its_linked_communities_and_itself() {
    use axum::http::Method;
    let app = TestApp::new().await;
    let t = app.admin("ada").await;
    for c in ["linked", "outside"] {
        app.community(&t, c, "public").await;
        app.discussion_with_body(&t, c, &format!("Accessibility audit in {c}"), "notes").await;
    }
    let r = app
        .post(
            "/api/guildhall/v1/guilds",
            Some(&t),
            json!({"name": "a11y", "title": "Accessibility guild", "description": "audit practice", "focus": "role"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for path in ["/api/guildhall/v1/communities/linked/guilds/a11y", "/api/guildhall/v1/guilds/a11y/communities/linked"]
    {
        let r = app.call(Method::PUT, path, Some(&t), None).await;
        assert!(r.status.is_success(), "{path}: {}", r.body);
    }
    let in_guild = SearchQuery { guild: Some("a11y".into()), ..q("audit") };
    let mut got = titles(&app, None, in_guild).await;
    got.sort();
    assert_eq!(got, vec!["Accessibility audit in linked", "Accessibility guild"]);
    let guilds = SearchQuery { kinds: vec![SearchKind::Guild], ..q("accessibility") };
    assert_eq!(titles(&app, None, guilds).await, vec!["Accessibility guild"]);
    let not_a_guild = SearchQuery { guild: Some("linked".into()), ..q("audit") };
    assert!(titles(&app, None, not_a_guild).await.is_empty());
}
