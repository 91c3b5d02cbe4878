//! `/api/v1/timelines`: home, public, hashtag and lists.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{d, ids, link, r, remote_discussion};
use crate::mastodon::instance;

#[tokio::test]
async fn home_holds_the_viewers_communities_local_and_remote_newest_first() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    app.community(&ada, "mine", "private").await;
    app.community(&bob, "other", "public").await;
    let remote = app.remote_group("far", "remote.example", &ada).await;
    app.remote_membership(&ada, remote.id).await;
    let author = app.remote_person("zoe", "remote.example").await;
    let a = app.discussion(&ada, "mine", "In mine").await;
    app.discussion(&bob, "other", "Not mine").await;
    let far = remote_discussion(&app, &author, &remote, "Far away", None).await;
    let rep = app.reply(&ada, a, None, "answer").await;

    assert_eq!(app.get("/api/v1/timelines/home", None).await.status, StatusCode::UNAUTHORIZED);
    let home = app.get("/api/v1/timelines/home", Some(&ada)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert_eq!(ids(&home.body), [r(rep), d(far), d(a)]);
    assert!(ids(&app.get("/api/v1/timelines/home", Some(&bob)).await.body).len() == 1);
}

#[tokio::test]
async fn the_public_timeline_holds_public_communities_only_and_filters_local_and_remote() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    app.community(&ada, "asking", "approval").await;
    app.community(&ada, "closed", "private").await;
    let remote = app.remote_group("far", "remote.example", &ada).await;
    let author = app.remote_person("zoe", "remote.example").await;
    let open = app.discussion(&ada, "open", "Open").await;
    app.discussion(&ada, "asking", "Asking").await;
    app.discussion(&ada, "closed", "Closed").await;
    let far = remote_discussion(&app, &author, &remote, "Far away", None).await;

    let all = app.get("/api/v1/timelines/public", None).await;
    assert_eq!(ids(&all.body), [d(far), d(open)]);
    let local = app.get("/api/v1/timelines/public?local=true", None).await;
    assert_eq!(ids(&local.body), [d(open)]);
    let remote_only = app.get("/api/v1/timelines/public?remote=1", Some(&ada)).await;
    assert_eq!(ids(&remote_only.body), [d(far)]);
    let page = app.get("/api/v1/timelines/public?limit=1", None).await;
    let next = link(&page, "next").expect("next");
    assert!(next.starts_with("/api/v1/timelines/public?limit=1&max_id="), "{next}");
    assert_eq!(ids(&app.get(&next, None).await.body), [d(open)]);
    assert_eq!(app.get("/api/v1/timelines/public?limit=junk", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn hashtags_and_lists() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    app.discussion(&ada, "open", "Open").await;
    let t = app.get("/api/v1/timelines/tag/rust", None).await;
    assert_eq!((t.status, t.body.clone()), (StatusCode::OK, json!([])));
    let t = app.get("/api/v1/timelines/tag/%25%27", None).await;
    assert_eq!((t.status, t.body.clone()), (StatusCode::OK, json!([])));
    let remote = app.remote_group("far", "remote.example", &ada).await;
    let author = app.remote_person("zoe", "remote.example").await;
    let tagged = remote_discussion(&app, &author, &remote, "Tagged", Some("Rust")).await;
    remote_discussion(&app, &author, &remote, "Rusty", Some("rustacean")).await;
    let t = app.get("/api/v1/timelines/tag/rust", None).await;
    assert_eq!(ids(&t.body), [d(tagged)]);
    let l = app.get("/api/v1/lists", Some(&ada)).await;
    assert_eq!((l.status, l.body.clone()), (StatusCode::OK, json!([])));
    assert_eq!(app.get("/api/v1/lists", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/timelines/list/1", Some(&ada)).await.status, StatusCode::NOT_FOUND);
}
