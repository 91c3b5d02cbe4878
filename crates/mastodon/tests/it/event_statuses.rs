//! Events as read-only statuses: one status with its time (in the viewer's time zone), place,
//! links to its page and `.ics`; in a group's statuses and the home and public timelines;
//! never to those who may not read it; changes refused with a pointer to the page.

use axum::http::{Method, StatusCode};
use guildhall_mastodon::ids::StatusId;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::helpers::{d, form, g, ids};
use crate::mastodon::instance;

fn ev(id: i64) -> String {
    StatusId::Event(id).to_string()
}

/// A meetup in `community`, 1 December 2030, 18:30–21:00 in Paris; returns its id.
async fn meetup(app: &TestApp, token: &str, community: &str, title: &str) -> i64 {
    let body = json!({
        "title": title,
        "description": "Talks and **pizza**<script>alert(1)</script>",
        "starts_at": "2030-12-01T18:30",
        "ends_at": "2030-12-01T21:00",
        "timezone": "Europe/Paris",
        "place_name": "Salle 3",
        "place_address": "1 rue de la Paix, Paris",
        "online_url": "https://meet.example/rust",
    });
    let r = app.post(&format!("/api/guildhall/v1/communities/{community}/events"), Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("event id")
}

fn content(s: &Value) -> &str {
    s["content"].as_str().unwrap_or_else(|| panic!("no content: {s}"))
}

#[tokio::test]
async fn an_event_is_a_status_with_its_time_place_and_links() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let c = app.community(&ada, "rust", "public").await;
    let id = meetup(&app, &ada, "rust", "Rust meetup").await;
    let s = app.get(&format!("/api/v1/statuses/{}", ev(id)), None).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["id"], ev(id));
    let html = content(&s.body);
    assert!(html.contains("<strong>Rust meetup</strong>"), "{html}");
    // Nobody chose a time zone: the event's own.
    assert!(html.contains("Sunday 1 December 2030, 18:30 – 21:00 (Europe/Paris)"), "{html}");
    assert!(html.contains("Salle 3, 1 rue de la Paix, Paris"), "{html}");
    assert!(html.contains("href=\"https://meet.example/rust\""), "{html}");
    assert!(html.contains("<strong>pizza</strong>") && !html.contains("<script"), "{html}");
    let page = s.body["url"].as_str().unwrap().to_string();
    assert!(page.ends_with(&format!("/events/{id}")), "url is the event page: {page}");
    assert!(html.contains(&format!("href=\"{page}\"")), "links the page (RSVP there): {html}");
    assert!(html.contains(&format!("href=\"{page}/calendar.ics\"")), "links the .ics: {html}");
    assert_eq!(s.body["account"]["group"], true, "from the community's group account");
    assert_eq!(s.body["account"]["id"], g(c["id"].as_i64().unwrap()));
    assert_eq!(s.body["visibility"], "public");
    assert_eq!(s.body["poll"], Value::Null);
    // The .ics it links is served.
    let ics = app.get(&format!("/events/{id}/calendar.ics"), None).await;
    assert_eq!(ics.status, StatusCode::OK);

    // A viewer with a time zone reads the times in theirs.
    let bob = app.user("bob").await;
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&bob), json!({"time_zone": "America/Toronto"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = app.get(&format!("/api/v1/statuses/{}", ev(id)), Some(&bob)).await;
    assert!(content(&s.body).contains("Sunday 1 December 2030, 12:30 – 15:00 (America/Toronto)"), "{}", s.body);
    assert_eq!(s.body["favourited"], false);

    // Its context is empty (replies from other servers are shown on its page).
    let ctx = app.get(&format!("/api/v1/statuses/{}/context", ev(id)), None).await;
    assert_eq!(ctx.status, StatusCode::OK);
    assert_eq!(ctx.body, json!({"ancestors": [], "descendants": []}));
    // A cancelled event says so; a deleted one is gone.
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/cancel"), Some(&ada), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = app.get(&format!("/api/v1/statuses/{}", ev(id)), None).await;
    assert!(content(&s.body).contains("Cancelled"), "{}", s.body);
    assert!(s.body["edited_at"].is_string(), "an edited event has edited_at: {}", s.body);
    let r = app.delete(&format!("/api/guildhall/v1/events/{id}"), Some(&ada)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(app.get(&format!("/api/v1/statuses/{}", ev(id)), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/statuses/{}", ev(id + 1000)), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_private_communitys_event_never_leaks() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let c = app.community(&ada, "inner", "private").await;
    let id = meetup(&app, &ada, "inner", "Private meetup").await;
    let outsider = app.user("olga").await;
    let member = app.member("mia", "inner", &ada).await;
    for path in [format!("/api/v1/statuses/{}", ev(id)), format!("/api/v1/statuses/{}/context", ev(id))] {
        assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND, "anonymous: {path}");
        assert_eq!(app.get(&path, Some(&outsider)).await.status, StatusCode::NOT_FOUND, "outsider: {path}");
        assert_eq!(app.get(&path, Some(&member)).await.status, StatusCode::OK, "member: {path}");
    }
    let s = app.get(&format!("/api/v1/statuses/{}", ev(id)), Some(&member)).await;
    assert_eq!(s.body["visibility"], "private", "honest visibility");
    // Changes: the outsider learns nothing (404, not the 422 that names the page).
    for action in ["favourite", "bookmark", "reblog"] {
        let r = app.post(&format!("/api/v1/statuses/{}/{action}", ev(id)), Some(&outsider), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}: {}", r.body);
    }
    let r = app.delete(&format!("/api/v1/statuses/{}", ev(id)), Some(&outsider)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nor in any list.
    let group = format!("/api/v1/accounts/{}/statuses", g(c["id"].as_i64().unwrap()));
    for token in [None, Some(outsider.as_str())] {
        let r = app.get(&group, token).await;
        assert!(!ids(&r.body).contains(&ev(id)), "{r:?}", r = r.body);
        let r = app.get("/api/v1/timelines/public", token).await;
        assert!(!ids(&r.body).contains(&ev(id)), "{}", r.body);
    }
    let r = app.get("/api/v1/timelines/home", Some(&outsider)).await;
    assert!(ids(&r.body).is_empty(), "{}", r.body);
    // The member sees it in the group's statuses and at home.
    assert!(ids(&app.get(&group, Some(&member)).await.body).contains(&ev(id)));
    assert!(ids(&app.get("/api/v1/timelines/home", Some(&member)).await.body).contains(&ev(id)));
}

#[tokio::test]
async fn events_are_listed_among_a_communitys_statuses_and_timelines() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let c = app.community(&ada, "rust", "public").await;
    let first = app.discussion(&ada, "rust", "First").await;
    let event = meetup(&app, &ada, "rust", "Meetup").await;
    let last = app.discussion(&ada, "rust", "Last").await;
    let group = format!("/api/v1/accounts/{}/statuses", g(c["id"].as_i64().unwrap()));
    let want = vec![d(last), ev(event), d(first)];
    assert_eq!(ids(&app.get(&group, None).await.body), want, "newest first, the event among the discussions");
    assert_eq!(ids(&app.get("/api/v1/timelines/home", Some(&ada)).await.body), want);
    assert_eq!(ids(&app.get("/api/v1/timelines/public", None).await.body), want);
    assert_eq!(ids(&app.get("/api/v1/timelines/public?local=true", None).await.body), want);
    // Paging through an event's id works both ways.
    let older = app.get(&format!("{group}?max_id={}", ev(event)), None).await;
    assert_eq!(ids(&older.body), vec![d(first)]);
    let newer = app.get(&format!("{group}?min_id={}", ev(event)), None).await;
    assert_eq!(ids(&newer.body), vec![d(last)]);
    let page = app.get(&format!("{group}?limit=2"), None).await;
    assert_eq!(ids(&page.body), vec![d(last), ev(event)]);
    let next = crate::helpers::link(&page, "next").expect("a next link");
    assert!(next.contains(&format!("max_id={}", ev(event))), "{next}");
    assert_eq!(ids(&app.get(&next, None).await.body), vec![d(first)]);
    // A hashtag timeline holds no events.
    assert!(ids(&app.get("/api/v1/timelines/tag/rust", None).await.body).is_empty());
}

#[tokio::test]
async fn changes_to_an_event_status_are_refused_with_its_page() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "rust", "public").await;
    let id = meetup(&app, &ada, "rust", "Meetup").await;
    let bob = app.member("bob", "rust", &ada).await;
    let page = app.get(&format!("/api/v1/statuses/{}", ev(id)), None).await.body["url"].as_str().unwrap().to_string();
    let msg = format!("RSVP and changes to events are made on the event page: {page}");
    for action in ["favourite", "unfavourite", "reblog", "unreblog", "bookmark", "unbookmark"] {
        let r = app.post(&format!("/api/v1/statuses/{}/{action}", ev(id)), Some(&bob), json!({})).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg.as_str()), "{action}");
    }
    let r =
        app.call(Method::PUT, &format!("/api/v1/statuses/{}", ev(id)), Some(&ada), Some(json!({"status": "x"}))).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg.as_str()), "edit, even by its organiser");
    let r = app.delete(&format!("/api/v1/statuses/{}", ev(id)), Some(&ada)).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg.as_str()), "delete");
    let r = app.get(&format!("/api/v1/statuses/{}/source", ev(id)), Some(&ada)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "source: {}", r.body);
    let body = format!("status=going%21&in_reply_to_id={}", ev(id));
    let r = form(&app, Method::POST, "/api/v1/statuses", &bob, &body, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, msg.as_str()), "a reply");
    // Nothing changed: still there, no vote, no bookmark.
    let s = app.get(&format!("/api/v1/statuses/{}", ev(id)), Some(&bob)).await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!((s.body["favourites_count"].as_u64(), s.body["bookmarked"].as_bool()), (Some(0), Some(false)));
    assert!(ids(&app.get("/api/v1/bookmarks", Some(&bob)).await.body).is_empty());
    // Without a token: 401 as for any change.
    let r = app.post(&format!("/api/v1/statuses/{}/favourite", ev(id)), None, json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
