//! Replies, mentions, upvotes, join requests and closed polls as Mastodon notifications: each
//! type with its `account` (who did it) and `status` (the post, checked when read), the
//! `types[]`/`exclude_types[]` filters, join answers left out, and the `Link` header.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::helpers::{d, link, me, p, r};
use crate::mastodon::instance;

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let res = app.get(&format!("/api/v1/notifications{query}"), Some(token)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.body.as_array().expect("list").clone()
}

fn types(l: &[Value]) -> Vec<&str> {
    l.iter().map(|n| n["type"].as_str().expect("type")).collect()
}

async fn discussion(app: &TestApp, token: &str, community: &str, body: Value) -> i64 {
    let res = app.post(&format!("/api/guildhall/v1/communities/{community}/discussions"), Some(token), body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn each_kind_has_its_mastodon_type_account_and_status() {
    let app = instance().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "approval").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let (ann_id, bob_id) = (me(&app, &ann).await, me(&app, &bob).await);
    let closes = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let poll = json!({"title": "Lunch?", "body": "Pick", "poll": {"options": ["A", "B"], "closes_at": closes}});
    let dd = discussion(&app, &ann, "ops", poll).await;

    // bob replies (ann: mention with the reply), upvotes (ann: favourite with the discussion).
    let r1 = app.reply(&bob, dd, None, "Soup").await;
    let res = app.post(&format!("/api/guildhall/v1/discussions/{dd}/vote"), Some(&bob), json!({"value": 1})).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // bob mentions ann in a discussion: a mention with that discussion.
    let d2 = discussion(&app, &bob, "ops", json!({"title": "Ping", "body": "@ann look"})).await;
    // ann votes in her poll and bob in it; it closes: both hear `poll` with the discussion.
    for t in [&ann, &bob] {
        let res =
            app.post(&format!("/api/guildhall/v1/discussions/{dd}/poll/votes"), Some(t), json!({"choices": [0]})).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let l = guildhall_store::polls::find_for_discussion(app.ctx.db(), dd).await.unwrap().unwrap();
    let counts: Vec<i64> = l.options.iter().map(|o| o.remote_count).collect();
    let closed = Some(Utc::now() - Duration::seconds(1));
    guildhall_store::polls::set_remote_counts(app.ctx.db(), &l, &counts, l.poll.voters_count, closed).await.unwrap();
    guildhall_app::polls::announce_closed(&app.ctx).await.expect("announce");

    let got = list(&app, &ann, "").await;
    assert_eq!(types(&got), ["poll", "mention", "favourite", "mention"], "{got:?}");
    let [closed_poll, mention, favourite, reply] = [&got[0], &got[1], &got[2], &got[3]];
    assert_eq!((reply["account"]["id"].as_str(), reply["status"]["id"].as_str()), (Some(&*p(bob_id)), Some(&*r(r1))));
    assert_eq!(reply["status"]["in_reply_to_id"], d(dd));
    assert_eq!(
        (favourite["account"]["id"].as_str(), favourite["status"]["id"].as_str()),
        (Some(&*p(bob_id)), Some(&*d(dd)))
    );
    assert_eq!(
        (mention["account"]["id"].as_str(), mention["status"]["id"].as_str()),
        (Some(&*p(bob_id)), Some(&*d(d2)))
    );
    assert_eq!(
        (closed_poll["account"]["id"].as_str(), closed_poll["status"]["id"].as_str()),
        (Some(&*p(ann_id)), Some(&*d(dd)))
    );
    assert_eq!(closed_poll["status"]["poll"]["expired"], true, "{closed_poll}");

    // A join request: follow_request from the requester, no status. Its answer is not shown.
    let cat = app.user("cat").await;
    let res = app.join(&cat, "ops").await;
    assert_eq!(res.body["status"], "requested", "{}", res.body);
    let got = list(&app, &modr, "").await;
    assert_eq!(types(&got)[0], "follow_request", "{got:?}");
    assert_eq!(got[0]["account"]["id"], p(me(&app, &cat).await));
    assert!(got[0].get("status").is_none(), "{}", got[0]);
    let res = app.post("/api/guildhall/v1/communities/ops/join-requests/cat/accept", Some(&modr), json!({})).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert!(list(&app, &cat, "").await.is_empty(), "join_accepted has no Mastodon type");
    let guildhall = app.get("/api/guildhall/v1/notifications", Some(&cat)).await.body;
    assert_eq!(guildhall["items"][0]["kind"], "join_accepted", "shown in Guildhall's API: {guildhall}");

    // Filters by Mastodon type.
    assert_eq!(types(&list(&app, &ann, "?types[]=mention").await), ["mention", "mention"]);
    assert_eq!(types(&list(&app, &ann, "?types[]=favourite&types[]=poll").await), ["poll", "favourite"]);
    assert_eq!(types(&list(&app, &ann, "?exclude_types[]=mention&exclude_types[]=poll").await), ["favourite"]);
    assert!(list(&app, &ann, "?types[]=follow").await.is_empty());
    assert_eq!(
        types(&list(&app, &modr, "?types[]=follow_request").await),
        ["follow_request", "follow_request", "follow_request"]
    );
}

#[tokio::test]
async fn a_post_the_reader_can_no_longer_read_takes_its_notification_away() {
    let app = instance().await;
    let modr = app.user("mod").await;
    app.community(&modr, "vault", "private").await;
    let ann = app.member("ann", "vault", &modr).await;
    let bob = app.member("bob", "vault", &modr).await;
    let dd = discussion(&app, &ann, "vault", json!({"title": "Plans", "body": "Hush"})).await;
    app.reply(&bob, dd, None, "Noted").await;
    assert_eq!(types(&list(&app, &ann, "?types[]=mention").await), ["mention"]);
    let res = app.post("/api/guildhall/v1/communities/vault/bans", Some(&modr), json!({"username": "ann"})).await;
    assert!(res.status.is_success(), "{}", res.body);
    assert!(list(&app, &ann, "?types[]=mention").await.is_empty(), "checked again when read");
}

#[tokio::test]
async fn notification_pages_have_link_headers() {
    let app = instance().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let dd = discussion(&app, &ann, "ops", json!({"title": "T", "body": "B"})).await;
    for i in 0..3 {
        app.reply(&bob, dd, None, &format!("reply {i}")).await;
    }
    let res = app.get("/api/v1/notifications?limit=2&types[]=mention", Some(&ann)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let first = res.body.as_array().expect("list").clone();
    assert_eq!(first.len(), 2);
    let next = link(&res, "next").expect("next link");
    assert!(next.contains("types%5B%5D=mention") || next.contains("types[]=mention"), "{next}");
    assert!(next.contains(&format!("max_id={}", first[1]["id"].as_str().unwrap())), "{next}");
    let prev = link(&res, "prev").expect("prev link");
    assert!(prev.contains(&format!("min_id={}", first[0]["id"].as_str().unwrap())), "{prev}");
    let res2 = app.get(&next, Some(&ann)).await;
    let second = res2.body.as_array().expect("list").clone();
    assert_eq!(second.len(), 1, "{}", res2.body);
    assert!(link(&res2, "next").is_none(), "a short page is the last");
    // Nothing: no header.
    let res = app.get("/api/v1/notifications", Some(&modr)).await;
    assert!(res.headers.get("link").is_none());
}

#[tokio::test]
async fn a_reply_reaches_the_authors_user_stream_as_a_mention_notification() {
    let app = instance().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let dd = discussion(&app, &ann, "ops", json!({"title": "T", "body": "B"})).await;
    let mut ann_stream = crate::streaming::open_sse(&app, "/api/v1/streaming/user", Some(&ann)).await;
    let mut bob_stream = crate::streaming::open_sse(&app, "/api/v1/streaming/user", Some(&bob)).await;
    let r1 = app.reply(&bob, dd, None, "Hello").await;
    let n = ann_stream.next_event("notification").await.expect("the author hears of the reply");
    assert_eq!((n["type"].as_str(), n["status"]["id"].as_str()), (Some("mention"), Some(&*r(r1))), "{n}");
    assert!(bob_stream.next_event("notification").await.is_none(), "not told of his own reply");
}
