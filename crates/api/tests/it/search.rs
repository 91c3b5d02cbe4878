//! `GET /api/guildhall/v1/search`: local content is found (once indexed), reading rights hold,
//! pages are stable, filters narrow, and bad values are refused naming their parameter.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

/// Searches `query` (a query string after `q=`) as `token` and checks `done` holds of the
/// answer. No waiting: each search first indexes what was committed before it.
async fn search_until(app: &TestApp, query: &str, token: Option<&str>, done: impl Fn(&Value) -> bool) -> Value {
    let r = app.get(&format!("/api/guildhall/v1/search?q={query}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "search {query}: {}", r.body);
    assert!(done(&r.body), "search {query}: not as expected; answer {}", r.body);
    r.body
}

/// One search, asserting 200.
async fn search(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    let r = app.get(&format!("/api/guildhall/v1/search?q={query}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "search {query}: {}", r.body);
    r.body
}

/// The results' `kind:object_id`s, in order.
fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results array: {body}"))
        .iter()
        .map(|h| format!("{}:{}", h["kind"].as_str().unwrap_or("?"), h["object_id"]))
        .collect()
}

fn has(body: &Value, kind: &str, id: i64) -> bool {
    ids(body).contains(&format!("{kind}:{id}"))
}

#[tokio::test]
async fn local_content_is_found_by_those_who_may_read_it() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "harbour", "public").await;
    let d = app.discussion_with_body(&owner, "harbour", "Quarterly budget review", "Numbers for the quarter.").await;
    let r = app.reply(&owner, d, None, "The budgets were approved on Tuesday.").await;
    app.community(&owner, "vault", "private").await;
    let secret = app.discussion_with_body(&owner, "vault", "Sealed budget memo", "Only for members.").await;
    let member = app.member("mina", "vault", &owner).await;
    let stranger = app.user("stranger").await;

    let found = search_until(&app, "budget", None, |b| has(b, "discussion", d) && has(b, "reply", r)).await;
    let hit = &found["results"][0];
    for field in ["kind", "object_id", "title", "snippet", "url", "instance", "published_at"] {
        assert!(!hit[field].is_null(), "a hit has {field}: {hit}");
    }
    assert!(found["network"].is_null(), "no network part unless asked: {found}");
    // The private discussion: its members find it, nobody else does.
    search_until(&app, "budget", Some(&member), |b| has(b, "discussion", secret)).await;
    for token in [None, Some(stranger.as_str())] {
        let body = search(&app, "sealed%20budget", token).await;
        assert!(!has(&body, "discussion", secret), "private discussion found by {token:?}: {body}");
        assert!(!body.to_string().contains("Sealed"), "private title shown: {body}");
    }
}

#[tokio::test]
async fn pages_follow_one_another_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "lighthouse", "public").await;
    for i in 0..13 {
        app.discussion_with_body(&owner, "lighthouse", &format!("Beacon maintenance {i}"), "Lamp and lens care.").await;
    }
    let all = search_until(&app, "beacon&limit=50", None, |b| ids(b).len() == 13).await;
    let all = ids(&all);
    let (p1, p2) = (search(&app, "beacon&limit=5", None).await, search(&app, "beacon&limit=5&offset=5", None).await);
    assert_eq!((p1["offset"].as_u64(), p2["offset"].as_u64()), (Some(0), Some(5)));
    assert_eq!((p1["has_more"].as_bool(), p2["has_more"].as_bool()), (Some(true), Some(true)));
    let both: Vec<String> = ids(&p1).into_iter().chain(ids(&p2)).collect();
    assert_eq!(both, all[..10], "page 1 + page 2 = the first 10 of one big page");
    let last = search(&app, "beacon&limit=5&offset=10", None).await;
    assert_eq!(ids(&last), all[10..], "the last page");
    assert_eq!(last["has_more"], false);
}

#[tokio::test]
async fn filters_narrow_the_results() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "quay", "public").await;
    app.community(&owner, "dock", "public").await;
    let en = app
        .discussion_with_body(
            &owner,
            "quay",
            "Ferry timetable",
            "We are planning the new ferry timetable and this is what the team wants for the summer.",
        )
        .await;
    let fr = app
        .discussion_with_body(
            &owner,
            "dock",
            "Horaire du ferry",
            "Nous préparons le nouvel horaire du ferry et voici ce que l'équipe veut pour cet été.",
        )
        .await;
    let reply = app.reply(&owner, en, None, "The ferry leaves at noon.").await;
    search_until(&app, "ferry", None, |b| {
        has(b, "discussion", en) && has(b, "discussion", fr) && has(b, "reply", reply)
    })
    .await;

    let only = |body: &Value, want: &[String]| {
        let got = ids(body);
        assert_eq!(got.iter().collect::<std::collections::BTreeSet<_>>(), want.iter().collect(), "{body}");
    };
    let (d_en, d_fr, r) = (format!("discussion:{en}"), format!("discussion:{fr}"), format!("reply:{reply}"));
    only(&search(&app, "ferry&kind=reply", None).await, std::slice::from_ref(&r));
    only(&search(&app, "ferry&kind=discussion&kind=reply", None).await, &[d_en.clone(), d_fr.clone(), r.clone()]);
    only(&search(&app, "ferry&kind=discussion,reply&community=dock", None).await, std::slice::from_ref(&d_fr));
    only(&search(&app, "ferry&kind=discussion&language=fr", None).await, std::slice::from_ref(&d_fr));
    only(&search(&app, "ferry&kind=discussion&language=en", None).await, std::slice::from_ref(&d_en));
    let today = chrono::Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().expect("a day"), today.succ_opt().expect("a day"));
    only(
        &search(&app, &format!("ferry&kind=discussion&since={yesterday}&until={tomorrow}"), None).await,
        &[d_en, d_fr],
    );
    only(&search(&app, &format!("ferry&since={tomorrow}"), None).await, &[]);
    only(&search(&app, &format!("ferry&until={yesterday}"), None).await, &[]);
}

#[tokio::test]
async fn bad_values_are_refused_naming_their_parameter() {
    let app = TestApp::new().await;
    let long = "a".repeat(guildhall_domain::search::MAX_QUERY_CHARS + 1);
    for (query, field) in [
        ("ferry&kind=bogus", "kind"),
        ("ferry&kind=discussion,nope", "kind"),
        ("ferry&since=2026-13-01", "since"),
        ("ferry&until=31/12/2026", "until"),
        ("ferry&since=2026-02-02&until=2026-02-01", "until"),
        ("ferry&language=de", "language"),
        ("ferry&limit=0", "limit"),
        ("ferry&limit=51", "limit"),
        ("ferry&limit=ten", "limit"),
        ("ferry&offset=-1", "offset"),
        ("ferry&network=perhaps", "network"),
        (long.as_str(), "q"),
    ] {
        let r: Resp = app.get(&format!("/api/guildhall/v1/search?q={query}"), None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)), "{query}: {}", r.body);
    }
    for query in ["", "%20%20", "&kind=wiki"] {
        let body = search(&app, query, None).await;
        assert_eq!(body, json!({"results": [], "offset": 0, "has_more": false, "network": null}), "q={query}");
    }
    // A NUL (which PostgreSQL refuses in text) or other control character only separates words.
    search(&app, "ferry%00boat%0A", None).await;
    let asked = search(&app, "ferry&network=true", None).await;
    assert!(asked["network"]["hits"].is_array() && asked["network"]["skipped"].is_array(), "{asked}");
}
