//! `/api/v1/accounts`: the signed-in person, people and groups, their statuses.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{d, g, ids, link, me, p, r};
use crate::mastodon::instance;

#[tokio::test]
async fn verify_credentials_needs_a_token_and_shows_the_source() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let r = app.get("/api/v1/accounts/verify_credentials", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/v1/accounts/verify_credentials", Some("not-a-token")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/v1/accounts/verify_credentials", Some(&ada)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["acct"], "ada");
    assert_eq!(r.body["id"], p(me(&app, &ada).await));
    assert_eq!(r.body["source"]["privacy"], "public");
}

#[tokio::test]
async fn people_and_communities_are_accounts_by_id_and_by_handle() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let open = app.community(&ada, "open", "public").await;
    let open_id = g(open["id"].as_i64().unwrap());
    let ada_id = p(me(&app, &ada).await);

    let a = app.get(&format!("/api/v1/accounts/{ada_id}"), None).await;
    assert_eq!(
        (a.status, a.body["acct"].clone(), a.body["group"].clone()),
        (StatusCode::OK, json!("ada"), json!(false))
    );
    let c = app.get(&format!("/api/v1/accounts/{open_id}"), None).await;
    assert_eq!(
        (c.status, c.body["acct"].clone(), c.body["group"].clone()),
        (StatusCode::OK, json!("open"), json!(true))
    );
    for bad in ["junk", "0", "3", "400001", "400000"] {
        assert_eq!(app.get(&format!("/api/v1/accounts/{bad}"), None).await.status, StatusCode::NOT_FOUND, "{bad}");
    }

    for (acct, id) in [("ada", &ada_id), ("@ada", &ada_id), ("ada@localhost:8080", &ada_id), ("open", &open_id)] {
        let r = app.get(&format!("/api/v1/accounts/lookup?acct={acct}"), None).await;
        assert_eq!(r.status, StatusCode::OK, "{acct}: {}", r.body);
        assert_eq!(&r.body["id"], id, "{acct}");
    }
    for acct in ["nobody", "", "ada@elsewhere.example"] {
        let r = app.get(&format!("/api/v1/accounts/lookup?acct={acct}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{acct}");
    }
    // Member lists are not shown to apps.
    let f = app.get(&format!("/api/v1/accounts/{open_id}/followers"), None).await;
    assert_eq!((f.status, f.body.clone()), (StatusCode::OK, json!([])));
    let f = app.get(&format!("/api/v1/accounts/{ada_id}/following"), None).await;
    assert_eq!((f.status, f.body.clone()), (StatusCode::OK, json!([])));
    assert_eq!(app.get("/api/v1/accounts/400001/followers", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_groups_statuses_are_its_discussions_newest_first_in_linked_pages() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let open = app.community(&ada, "open", "public").await;
    let gid = g(open["id"].as_i64().unwrap());
    let mut made = vec![];
    for i in 0..5 {
        made.push(d(app.discussion(&ada, "open", &format!("D{i}")).await));
    }
    app.reply(&ada, app.discussion(&ada, "open", "D5").await, None, "not a group status").await;
    made.push(made.last().cloned().unwrap());
    let all = app.get(&format!("/api/v1/accounts/{gid}/statuses?limit=40"), None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = ids(&all.body);
    assert_eq!(all.len(), 6, "discussions only");
    assert_eq!(&all[1..], made[..5].iter().rev().cloned().collect::<Vec<_>>());

    let first = app.get(&format!("/api/v1/accounts/{gid}/statuses?limit=4"), None).await;
    assert_eq!(ids(&first.body), all[..4]);
    let next = link(&first, "next").expect("next link");
    assert!(next.contains(&format!("max_id={}", all[3])), "{next}");
    let second = app.get(&next, None).await;
    assert_eq!(ids(&second.body), all[4..]);
    assert!(link(&second, "next").is_none(), "the last page has no next");
    let prev = link(&second, "prev").expect("prev link");
    assert_eq!(ids(&app.get(&prev, None).await.body), all[..4], "min_id: the four right after");
    let since = app.get(&format!("/api/v1/accounts/{gid}/statuses?since_id={}&limit=2", all[4]), None).await;
    assert_eq!(ids(&since.body), all[..2], "since_id: the newest");
    let pinned = app.get(&format!("/api/v1/accounts/{gid}/statuses?pinned=true"), None).await;
    assert_eq!(pinned.body, json!([]));
}

#[tokio::test]
async fn a_persons_statuses_are_their_posts_with_or_without_replies() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.member("bob", "open", &ada).await;
    let disc = app.discussion(&ada, "open", "Ada's").await;
    let reply = app.reply(&bob, disc, None, "Bob's").await;
    let bob_disc = app.discussion(&bob, "open", "Bob's topic").await;
    let bob_id = p(me(&app, &bob).await);
    let all = app.get(&format!("/api/v1/accounts/{bob_id}/statuses"), None).await;
    assert_eq!(ids(&all.body), [d(bob_disc), r(reply)]);
    let only = app.get(&format!("/api/v1/accounts/{bob_id}/statuses?exclude_replies=true"), None).await;
    assert_eq!(ids(&only.body), [d(bob_disc)]);
}
