//! `/api/v2/search` and `/api/v1/accounts/search`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use guildhall_app::entities::community;
use guildhall_app::map_crawl::CrawlProgress;
use guildhall_app::network::{Backfilled, Network};
use guildhall_app::{AppContext, Error, Result};
use serde_json::Value;

use crate::helpers::g;
use crate::mastodon::instance;

/// A network port that counts lookups and "finds" one community.
struct FakeNetwork {
    lookups: AtomicUsize,
    finds: Option<community::Model>,
}

#[async_trait::async_trait]
impl Network for FakeNetwork {
    async fn resolve_community(&self, _ctx: &AppContext, _query: &str) -> Result<community::Model> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        self.finds.clone().ok_or(Error::NotFound("community"))
    }
    async fn read_contacts(&self, _: &AppContext, _: &community::Model, _: &[community::Model]) -> Result<()> {
        Ok(())
    }
    async fn backfill(&self, _: &AppContext, _: &community::Model) -> Result<Backfilled> {
        Ok(Backfilled::default())
    }
    async fn crawl_map(&self, _: &AppContext, _: bool, _: Arc<CrawlProgress>) -> Result<usize> {
        Ok(0)
    }
}

fn accts(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|a| a["acct"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn plain_text_finds_communities_and_people_by_name() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.user("garden_bob").await;
    app.community(&ada, "gardening", "public").await;
    app.community(&ada, "hidden_garden", "private").await;
    app.community(&ada, "cooking", "public").await;
    let r = app.get("/api/v2/search?q=GARDEN", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(accts(&r.body["accounts"]), ["gardening", "hidden_garden", "garden_bob"]);
    assert_eq!(r.body["statuses"], serde_json::json!([]));
    let r = app.get("/api/v2/search?q=garden&limit=1&offset=1", None).await;
    assert_eq!(accts(&r.body["accounts"]), ["hidden_garden"]);
    let r = app.get("/api/v2/search?q=garden&type=statuses", None).await;
    assert!(accts(&r.body["accounts"]).is_empty());
    // LIKE's wildcards are literal.
    let r = app.get("/api/v2/search?q=%25", None).await;
    assert!(accts(&r.body["accounts"]).is_empty(), "{}", r.body);
    let r = app.get("/api/v2/search?q=_", None).await;
    assert_eq!(accts(&r.body["accounts"]), ["hidden_garden", "garden_bob"]);
    let r = app.get("/api/v1/accounts/search?q=cook", Some(&ada)).await;
    assert_eq!(accts(&r.body), ["cooking"]);
    let r = app.get("/api/v2/search?q=", None).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn addresses_find_known_accounts_and_resolve_only_when_asked_by_a_signed_in_viewer() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let far = app.remote_group("far", "remote.example", &ada).await;
    let zoe = app.remote_person("zoe", "remote.example").await;
    let net = Arc::new(FakeNetwork { lookups: AtomicUsize::new(0), finds: Some(far.clone()) });
    app.ctx.set_network(net.clone()).expect("port");

    let r = app.get("/api/v2/search?q=%40zoe%40remote.example&resolve=true", Some(&ada)).await;
    assert_eq!(accts(&r.body["accounts"]), [format!("zoe@{}", zoe.domain)]);
    let r = app.get("/api/v2/search?q=far%40remote.example", Some(&ada)).await;
    assert_eq!(r.body["accounts"][0]["id"], g(far.id));
    assert_eq!(net.lookups.load(Ordering::SeqCst), 0, "known accounts need no lookup");

    for q in ["/api/v2/search?q=new%40other.example&resolve=false", "/api/v2/search?q=new%40other.example"] {
        let r = app.get(q, Some(&ada)).await;
        assert!(accts(&r.body["accounts"]).is_empty(), "{q}");
    }
    let r = app.get("/api/v2/search?q=https://other.example/c/new&resolve=true", None).await;
    assert!(accts(&r.body["accounts"]).is_empty(), "anonymous: no lookup");
    assert_eq!(net.lookups.load(Ordering::SeqCst), 0, "resolve=false and anonymous never ask the network");

    let r = app.get("/api/v2/search?q=new%40other.example&resolve=true", Some(&ada)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["accounts"][0]["id"], g(far.id), "what the network found");
    assert_eq!(net.lookups.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_address_is_no_results() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let net = Arc::new(FakeNetwork { lookups: AtomicUsize::new(0), finds: None });
    app.ctx.set_network(net.clone()).expect("port");
    let r = app.get("/api/v1/accounts/search?q=nobody%40nowhere.example&resolve=true", Some(&ada)).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, serde_json::json!([])));
    assert_eq!(net.lookups.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_posts_address_finds_it_for_those_who_may_read_it() {
    let app = instance().await;
    let v = crate::viewers::vault(&app).await;
    let d = app.discussion(&v.moderator, "vault", "Secret plan").await;
    let r = app.reply(&v.moderator, d, None, "Secret reply").await;
    app.community(&v.moderator, "open", "public").await;
    let open = app.discussion(&v.moderator, "open", "Open plan").await;
    crate::viewers::ban(&app, &v).await;
    let found = |body: &Value| -> Vec<String> {
        body["statuses"]
            .as_array()
            .map(|l| l.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let base = "http://localhost:8080";
    let g = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    for (address, id) in [
        (format!("{base}/d/{d}"), crate::viewers::status_id(d)),
        (format!("{base}/discussions/{d}"), crate::viewers::status_id(d)),
        (format!("{base}/r/{r}"), (r * 4 + 1).to_string()),
    ] {
        let q = format!("/api/v2/search?q={}&resolve=true", g(&address));
        let r = app.get(&q, Some(&v.member)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(found(&r.body), std::slice::from_ref(&id), "member finds {address}");
        assert!(r.body["statuses"][0]["content"].as_str().unwrap_or_default().contains("Secret"));
        let r = app.get(&format!("{q}&type=accounts"), Some(&v.member)).await;
        assert!(found(&r.body).is_empty(), "type=accounts leaves statuses out");
        for (who, token) in v.shut_out() {
            let r = app.get(&q, Some(token)).await;
            assert_eq!(r.status, StatusCode::OK, "{who}");
            assert!(found(&r.body).is_empty() && !r.body.to_string().contains("Secret"), "{who}: {}", r.body);
        }
        let r = app.get(&q, None).await;
        assert!(found(&r.body).is_empty() && !r.body.to_string().contains("Secret"), "anonymous: {}", r.body);
    }
    // A public post is found by anyone; an unknown or foreign address finds nothing.
    let q = format!("/api/v2/search?q={}", g(&format!("{base}/d/{open}")));
    assert_eq!(found(&app.get(&q, None).await.body), [crate::viewers::status_id(open)]);
    for other in [format!("{base}/d/99999"), "https://elsewhere.example/d/1".to_owned(), format!("{base}/c/open")] {
        let r = app.get(&format!("/api/v2/search?q={}&type=statuses", g(&other)), Some(&v.member)).await;
        assert_eq!(r.status, StatusCode::OK, "{other}: {}", r.body);
        assert!(found(&r.body).is_empty(), "{other}");
    }
}

/// Starts a discussion with a body; returns its id.
async fn discussion_with(app: &crate::common::TestApp, token: &str, community: &str, title: &str, body: &str) -> i64 {
    let r = app
        .post(
            &format!("/api/guildhall/v1/communities/{community}/discussions"),
            Some(token),
            serde_json::json!({"title": title, "body": body}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

fn status_ids(body: &Value) -> Vec<String> {
    body["statuses"]
        .as_array()
        .unwrap_or_else(|| panic!("no statuses: {body}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

fn reply_status_id(reply: i64) -> String {
    guildhall_mastodon::ids::StatusId::Reply(reply).to_string()
}

#[tokio::test]
async fn plain_words_find_discussions_and_replies_as_statuses_with_paging() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "bakery", "public").await;
    let d = discussion_with(&app, &ada, "bakery", "Sourdough starter", "How often do you feed it?").await;
    let r = app.reply(&ada, d, None, "Twice a day, with rye flour for the levain").await;
    discussion_with(&app, &ada, "bakery", "Croissants", "Lamination and butter").await;
    let mut baguettes = Vec::new();
    for n in 0..3 {
        baguettes.push(crate::viewers::status_id(
            discussion_with(&app, &ada, "bakery", &format!("Baguette number {n}"), "Crust").await,
        ));
    }
    guildhall_app::search_index::drain(&app.ctx, 10_000).await.expect("index");

    let found = app.get("/api/v2/search?q=sourdough&type=statuses", None).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert_eq!(status_ids(&found.body), [crate::viewers::status_id(d)]);
    assert!(accts(&found.body["accounts"]).is_empty(), "type=statuses: no accounts");
    assert!(found.body["statuses"][0]["content"].as_str().unwrap().contains("feed"), "{}", found.body);

    // No type: statuses too; a reply is found by its own words.
    let found = app.get("/api/v2/search?q=levain", Some(&ada)).await;
    assert_eq!(status_ids(&found.body), [reply_status_id(r)], "{}", found.body);
    assert!(found.body["statuses"][0]["content"].as_str().unwrap().contains("rye flour"));
    let found = app.get("/api/v2/search?q=levain&type=accounts", None).await;
    assert!(status_ids(&found.body).is_empty(), "type=accounts: no statuses");

    // Paging with limit and offset covers every match once.
    let first = status_ids(&app.get("/api/v2/search?q=baguette&type=statuses&limit=2", None).await.body);
    let rest = status_ids(&app.get("/api/v2/search?q=baguette&type=statuses&limit=2&offset=2", None).await.body);
    assert_eq!((first.len(), rest.len()), (2, 1), "{first:?} {rest:?}");
    let mut all = [first, rest].concat();
    all.sort();
    baguettes.sort();
    assert_eq!(all, baguettes);

    // A handle is not searched as words; a too long query is refused readably.
    let found = app.get("/api/v2/search?q=sourdough%40remote.example&type=statuses", None).await;
    assert!(status_ids(&found.body).is_empty(), "{}", found.body);
    let long = "bread ".repeat(60);
    let refused = app.get(&format!("/api/v2/search?q={}&type=statuses", long.replace(' ', "+")), None).await;
    assert!(refused.status.is_client_error(), "{} {}", refused.status, refused.body);
    assert!(refused.body["error"].is_string(), "{}", refused.body);
}

#[tokio::test]
async fn a_private_communitys_posts_are_found_by_their_words_only_by_members() {
    let app = instance().await;
    let v = crate::viewers::vault(&app).await;
    let d = discussion_with(&app, &v.moderator, "vault", "Zeppelin plans", "Hangar drawings").await;
    let r = app.reply(&v.member, d, None, "The zeppelin needs more helium").await;
    crate::viewers::ban(&app, &v).await;
    guildhall_app::search_index::drain(&app.ctx, 10_000).await.expect("index");
    let q = "/api/v2/search?q=zeppelin";
    let mut expected = vec![crate::viewers::status_id(d), reply_status_id(r)];
    expected.sort();
    for token in [&v.member, &v.moderator] {
        let mut found = status_ids(&app.get(q, Some(token)).await.body);
        found.sort();
        assert_eq!(found, expected);
    }
    for (who, token) in v.shut_out() {
        let found = app.get(q, Some(token)).await;
        assert_eq!(found.status, StatusCode::OK, "{who}");
        assert!(status_ids(&found.body).is_empty(), "{who}: {}", found.body);
        assert!(!found.body.to_string().contains("elium"), "{who}: {}", found.body);
    }
    let found = app.get(q, None).await;
    assert!(status_ids(&found.body).is_empty() && !found.body.to_string().contains("elium"), "{}", found.body);
}

#[tokio::test]
async fn plain_words_find_communities_by_their_description_after_name_matches() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community_with(
        &ada,
        serde_json::json!({"name": "hives", "title": "Hives", "description": "Beekeeping in town", "visibility": "public"}),
    )
    .await;
    app.community(&ada, "beekeeping", "public").await;
    app.community(&ada, "cooking", "public").await;
    guildhall_app::search_index::drain(&app.ctx, 10_000).await.expect("index");
    let found = app.get("/api/v2/search?q=beekeeping&type=accounts", None).await;
    assert_eq!(accts(&found.body["accounts"]), ["beekeeping", "hives"], "{}", found.body);
    let found = app.get("/api/v1/accounts/search?q=beekeeping&limit=1&offset=1", None).await;
    assert_eq!(accts(&found.body), ["hives"]);
}
