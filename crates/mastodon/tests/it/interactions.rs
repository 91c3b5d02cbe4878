//! Favourites are upvotes, bookmarks are private, boosts do not exist.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::mastodon::instance;
use crate::viewers::{ban, status_id, vault};

fn ids(body: &Value) -> Vec<String> {
    body.as_array().map(|l| l.iter().filter_map(|s| s["id"].as_str().map(str::to_string)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn favouriting_upvotes_and_unfavouriting_withdraws() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let d = app.discussion(&ada, "open", "Hello").await;
    let bob = app.member("bob", "open", &ada).await;
    let reply = app.reply(&ada, d, None, "A reply").await;
    let sid = status_id(d);
    let rid = guildhall_mastodon::ids::StatusId::Reply(reply).to_string();

    let r = app.post(&format!("/api/v1/statuses/{sid}/favourite"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["favourited"].clone(), r.body["favourites_count"].clone()), (json!(true), json!(1)));
    let g = app.get(&format!("/api/guildhall/v1/discussions/{d}"), Some(&bob)).await;
    assert_eq!(g.body["upvotes"], 1, "{}", g.body);
    let r = app.post(&format!("/api/v1/statuses/{rid}/favourite"), Some(&bob), json!({})).await;
    assert_eq!(r.body["favourited"], true, "{}", r.body);
    assert_eq!(r.body["in_reply_to_id"], sid);

    let favs = app.get("/api/v1/favourites", Some(&bob)).await;
    assert_eq!(favs.status, StatusCode::OK, "{}", favs.body);
    assert_eq!(ids(&favs.body), [rid.clone(), sid.clone()], "newest first");
    assert_eq!(ids(&app.get("/api/v1/favourites?limit=1", Some(&bob)).await.body), std::slice::from_ref(&rid));
    assert_eq!(app.get("/api/v1/favourites", Some(&ada)).await.body, json!([]), "ada favourited nothing");

    let r = app.post(&format!("/api/v1/statuses/{sid}/unfavourite"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["favourited"].clone(), r.body["favourites_count"].clone()), (json!(false), json!(0)));
    assert_eq!(ids(&app.get("/api/v1/favourites", Some(&bob)).await.body), [rid]);
}

#[tokio::test]
async fn unfavouriting_leaves_a_downvote_alone() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let d = app.discussion(&ada, "open", "Hello").await;
    let bob = app.member("bob", "open", &ada).await;
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/vote"), Some(&bob), json!({"value": -1})).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let r = app.post(&format!("/api/v1/statuses/{}/unfavourite", status_id(d)), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["favourited"], false);
    let g = app.get(&format!("/api/guildhall/v1/discussions/{d}"), Some(&bob)).await;
    assert_eq!((g.body["upvotes"].clone(), g.body["downvotes"].clone()), (json!(0), json!(1)), "{}", g.body);
}

#[tokio::test]
async fn reblogs_are_refused_and_bad_ids_are_404() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let d = app.discussion(&ada, "open", "Hello").await;
    for verb in ["reblog", "unreblog"] {
        let r = app.post(&format!("/api/v1/statuses/{}/{verb}", status_id(d)), Some(&ada), json!({})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body["error"].as_str().unwrap_or("").contains("no boosts"), "{}", r.body);
    }
    for verb in ["favourite", "unfavourite", "bookmark", "unbookmark", "reblog"] {
        for bad in ["abc", "0", "999996", "6"] {
            let r = app.post(&format!("/api/v1/statuses/{bad}/{verb}"), Some(&ada), json!({})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{verb} {bad}: {}", r.body);
        }
        let r = app.post(&format!("/api/v1/statuses/{}/{verb}", status_id(d)), None, json!({})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{verb}");
    }
    assert_eq!(app.get("/api/v1/bookmarks", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/favourites", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bookmarks_are_private_and_listed_newest_first() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let first = app.discussion(&ada, "open", "First").await;
    let second = app.discussion(&ada, "open", "Second").await;
    let bob = app.user("bob").await;
    for d in [first, second] {
        let r = app.post(&format!("/api/v1/statuses/{}/bookmark", status_id(d)), Some(&bob), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["bookmarked"], true);
    }
    // Twice is once.
    let r = app.post(&format!("/api/v1/statuses/{}/bookmark", status_id(first)), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.get("/api/v1/bookmarks", Some(&bob)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(
        ids(&list.body),
        [status_id(second), status_id(first)],
        "newest first; re-bookmarking keeps the first save"
    );
    assert!(list.body.as_array().expect("list").iter().all(|s| s["bookmarked"] == true));
    assert_eq!(app.get("/api/v1/bookmarks", Some(&ada)).await.body, json!([]), "bookmarks are their owner's");
    let r = app.post(&format!("/api/v1/statuses/{}/unbookmark", status_id(first)), Some(&bob), json!({})).await;
    assert_eq!(r.body["bookmarked"], false, "{}", r.body);
    assert_eq!(ids(&app.get("/api/v1/bookmarks", Some(&bob)).await.body), [status_id(second)]);
}

#[tokio::test]
async fn bookmarks_and_favourites_in_a_private_community_reach_members_only() {
    let app = instance().await;
    let v = vault(&app).await;
    let d = app.discussion(&v.moderator, "vault", "Secret").await;
    let sid = status_id(d);
    // Members (including the soon-banned one) save and upvote it.
    for token in [&v.member, &v.banned] {
        for verb in ["bookmark", "favourite"] {
            let r = app.post(&format!("/api/v1/statuses/{sid}/{verb}"), Some(token), json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "{verb}: {}", r.body);
        }
    }
    ban(&app, &v).await;
    for list in ["/api/v1/bookmarks", "/api/v1/favourites"] {
        assert_eq!(ids(&app.get(list, Some(&v.member)).await.body), std::slice::from_ref(&sid), "member {list}");
        // Banned since: what they saved is gone from their lists.
        let r = app.get(list, Some(&v.banned)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body, json!([]), "banned {list}");
    }
    // Those shut out cannot save, favourite or try to boost it: all 404, nothing stored.
    for (who, token) in v.shut_out() {
        for verb in ["bookmark", "favourite", "unbookmark", "unfavourite", "reblog"] {
            let r = app.post(&format!("/api/v1/statuses/{sid}/{verb}"), Some(token), json!({})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {verb}: {}", r.body);
            assert!(!r.body.to_string().contains("Secret"), "{who} {verb}");
        }
        for list in ["/api/v1/bookmarks", "/api/v1/favourites"] {
            assert_eq!(app.get(list, Some(token)).await.body, json!([]), "{who} {list}");
        }
    }
    let r = app.post(&format!("/api/v1/statuses/{sid}/favourite"), None, json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The vault's discussion still counts only the member's upvote and the banned one's earlier.
    let g = app.get(&format!("/api/guildhall/v1/discussions/{d}"), Some(&v.member)).await;
    assert_eq!(g.body["upvotes"], 2, "{}", g.body);
}

#[tokio::test]
async fn bookmarks_and_favourites_page_by_their_link_headers() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let mut saved = Vec::new();
    for title in ["One", "Two", "Three"] {
        let d = app.discussion(&ada, "open", title).await;
        for verb in ["bookmark", "favourite"] {
            let r = app.post(&format!("/api/v1/statuses/{}/{verb}", status_id(d)), Some(&ada), json!({})).await;
            assert_eq!(r.status, StatusCode::OK, "{verb}: {}", r.body);
        }
        saved.push(status_id(d));
    }
    saved.reverse();
    for list in ["/api/v1/bookmarks", "/api/v1/favourites"] {
        let first = app.get(&format!("{list}?limit=2"), Some(&ada)).await;
        assert_eq!(ids(&first.body), saved[..2], "{list}: newest first");
        let next = crate::helpers::link(&first, "next").unwrap_or_else(|| panic!("{list}: a next link"));
        assert!(next.starts_with(list) && next.contains("limit=2"), "{list}: {next}");
        assert!(crate::helpers::link(&first, "prev").is_some(), "{list}: a prev link");
        let second = app.get(&next, Some(&ada)).await;
        assert_eq!(ids(&second.body), saved[2..], "{list}: the next page has the oldest");
        let rest = crate::helpers::link(&second, "next").expect("a next link while items came");
        let empty = app.get(&rest, Some(&ada)).await;
        assert_eq!(empty.body, json!([]), "{list}: past the end");
        assert!(empty.headers.get("link").is_none(), "{list}: an empty page has no Link");
    }
}

#[tokio::test]
async fn who_favourited_is_never_listed_and_a_private_status_stays_hidden() {
    let app = instance().await;
    let v = vault(&app).await;
    let d = app.discussion(&v.moderator, "vault", "Secret").await;
    let sid = status_id(d);
    let r = app.post(&format!("/api/v1/statuses/{sid}/favourite"), Some(&v.member), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    ban(&app, &v).await;
    for list in ["favourited_by", "reblogged_by"] {
        let r = app.get(&format!("/api/v1/statuses/{sid}/{list}"), Some(&v.member)).await;
        assert_eq!(
            (r.status, r.body.clone()),
            (StatusCode::OK, json!([])),
            "member {list}: votes are counted, not listed"
        );
        for (who, token) in v.shut_out() {
            let r = app.get(&format!("/api/v1/statuses/{sid}/{list}"), Some(token)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {list}: {}", r.body);
        }
        assert_eq!(app.get(&format!("/api/v1/statuses/{sid}/{list}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api/v1/statuses/999999/{list}"), Some(&v.member)).await.status,
            StatusCode::NOT_FOUND
        );
    }
}
