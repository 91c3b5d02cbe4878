//! Events over the API: creating and editing with validation, RSVPs with capacity and the
//! waitlist, approval events, who sees attendees, private communities, and iCalendar feeds
//! parsed back with the `icalendar` crate.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use serde_json::{Value, json};

fn meetup(extra: Value) -> Value {
    let mut body = json!({
        "title": "Rust meetup",
        "description": "Talks and **pizza**<script>alert(1)</script>",
        "starts_at": "2030-12-01T18:30",
        "ends_at": "2030-12-01T21:00",
        "timezone": "Europe/Paris",
        "place_name": "Salle 3",
        "place_address": "1 rue de la Paix, Paris",
        "online_url": "https://meet.example/rust",
    });
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    body
}

async fn event(app: &TestApp, token: &str, community: &str, extra: Value) -> Value {
    let r = app.post(&format!("/api/guildhall/v1/communities/{community}/events"), Some(token), meetup(extra)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn rsvp(app: &TestApp, token: &str, id: i64, status: &str) -> Value {
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(token), json!({"status": status})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

fn parse(ics: &Value) -> Calendar {
    let text = ics.as_str().unwrap_or_else(|| panic!("not text: {ics}"));
    text.parse::<Calendar>().unwrap_or_else(|e| panic!("unparseable iCalendar: {e}\n{text}"))
}

fn vevents(cal: &Calendar) -> Vec<&icalendar::Event> {
    cal.components.iter().filter_map(CalendarComponent::as_event).collect()
}

#[tokio::test]
async fn create_validate_and_read() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "rustaceans", "public").await;
    let e = event(&app, &modr, "rustaceans", json!({"capacity": 20})).await;
    assert_eq!(e["starts_at"], "2030-12-01T17:30:00Z", "Paris is UTC+1 in December");
    assert_eq!(e["starts_at_local"], "2030-12-01T18:30:00+01:00");
    assert_eq!(e["timezone"], "Europe/Paris");
    assert_eq!((e["join_mode"].as_str(), e["status"].as_str()), (Some("free"), Some("confirmed")));
    assert_eq!(
        (e["capacity"].as_i64(), e["remaining"].as_i64(), e["sequence"].as_i64()),
        (Some(20), Some(20), Some(0))
    );
    let html = e["description_html"].as_str().unwrap();
    assert!(html.contains("<strong>pizza</strong>") && !html.contains("<script"), "{html}");

    for (extra, field) in [
        (json!({"ends_at": "2030-12-01T17:00"}), "ends_at"),
        (json!({"timezone": "Europe/Atlantis"}), "timezone"),
        (json!({"capacity": -1}), "capacity"),
        (json!({"starts_at": "next tuesday"}), "starts_at"),
        (json!({"join_mode": "closed"}), "join_mode"),
        (json!({"join_mode": "external"}), "external_url"),
        (json!({"online_url": "javascript:alert(1)"}), "online_url"),
        (json!({"status": "maybe"}), "status"),
        (json!({"title": "  "}), "title"),
        (json!({"starts_at": "0001-01-01T10:00", "ends_at": "0001-01-01T11:00"}), "starts_at"),
        (json!({"ends_at": "2032-12-01T21:00"}), "ends_at"),
    ] {
        let r = app.post("/api/guildhall/v1/communities/rustaceans/events", Some(&modr), meetup(extra.clone())).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid"), "{extra}: {}", r.body);
        assert_eq!(r.body["field"], field, "{extra}");
    }
    let r = app.post("/api/guildhall/v1/communities/rustaceans/events", Some(&modr), json!({"title": "x"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("timezone")), "{}", r.body);

    // Members create events only when the community allows it.
    let ann = app.member("ann", "rustaceans", &modr).await;
    let r = app.post("/api/guildhall/v1/communities/rustaceans/events", Some(&ann), meetup(json!({}))).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    let settings = json!({"members_may_create": true, "attendees_visible_to_members": false});
    let r = app
        .call(
            axum::http::Method::PUT,
            "/api/guildhall/v1/communities/rustaceans/event-settings",
            Some(&ann),
            Some(settings.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            axum::http::Method::PUT,
            "/api/guildhall/v1/communities/rustaceans/event-settings",
            Some(&modr),
            Some(settings.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.get("/api/guildhall/v1/communities/rustaceans/event-settings", None).await.body, settings);
    let past =
        event(&app, &ann, "rustaceans", json!({"starts_at": "2020-01-10T10:00", "ends_at": "2020-01-10T12:00"})).await;

    // Anyone reads a public community's events; lists split upcoming and past.
    let id = e["id"].as_i64().unwrap();
    let r = app.get(&format!("/api/guildhall/v1/events/{id}"), None).await;
    assert_eq!((r.status, r.body["title"].as_str()), (StatusCode::OK, Some("Rust meetup")));
    assert_eq!(r.body["organiser"]["username"], "mod");
    let upcoming = app.items("/api/guildhall/v1/communities/rustaceans/events", None).await;
    assert_eq!(upcoming.iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![id]);
    let pasts = app.items("/api/guildhall/v1/communities/rustaceans/events?when=past", None).await;
    assert_eq!(pasts.iter().map(|e| e["id"].clone()).collect::<Vec<_>>(), vec![past["id"].clone()]);

    // Edits: organiser or moderators; each bumps the sequence; partial changes keep the rest.
    let bob = app.member("bob", "rustaceans", &modr).await;
    let r = app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&bob), json!({"title": "Mine now"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    let r = app
        .patch(
            &format!("/api/guildhall/v1/events/{id}"),
            Some(&modr),
            json!({"title": "Rust meetup #2", "capacity": null}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["sequence"].as_i64(), r.body["capacity"].as_i64()), (Some(1), None));
    assert_eq!(r.body["starts_at"], "2030-12-01T17:30:00Z");
    let r =
        app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"ends_at": "2030-12-01T10:00"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("ends_at")));
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/cancel"), Some(&modr), json!({})).await;
    assert_eq!((r.body["status"].as_str(), r.body["sequence"].as_i64()), (Some("cancelled"), Some(2)));
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(&bob), json!({"status": "going"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "event_cancelled"));
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(&bob), json!({"status": "perhaps"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("status")));

    // Deleting: the member who organised it may, another member may not.
    let pid = past["id"].as_i64().unwrap();
    assert_eq!(app.delete(&format!("/api/guildhall/v1/events/{pid}"), Some(&bob)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.delete(&format!("/api/guildhall/v1/events/{pid}"), Some(&ann)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/api/guildhall/v1/events/{pid}"), None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn capacity_waitlist_and_attendees() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "guild", "public").await;
    let id = event(&app, &modr, "guild", json!({"capacity": 1})).await["id"].as_i64().unwrap();
    let ann = app.member("ann", "guild", &modr).await;
    let bob = app.member("bob", "guild", &modr).await;
    let cid = app.member("cid", "guild", &modr).await;
    let outsider = app.user("out").await;

    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(&outsider), json!({"status": "going"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
    let a = rsvp(&app, &ann, id, "going").await;
    assert_eq!(
        (a["my_rsvp"].as_str(), a["going_count"].as_i64(), a["remaining"].as_i64()),
        (Some("going"), Some(1), Some(0))
    );
    let b = rsvp(&app, &bob, id, "going").await;
    assert_eq!((b["my_rsvp"].as_str(), b["waitlist_count"].as_i64()), (Some("waitlisted"), Some(1)));
    assert_eq!(rsvp(&app, &cid, id, "going").await["my_rsvp"], "waitlisted");
    // RSVPing twice changes nothing.
    assert_eq!(rsvp(&app, &bob, id, "going").await["waitlist_count"], 2);

    // Attendees: organisers always, members per setting, outsiders never.
    let list = app.items(&format!("/api/guildhall/v1/events/{id}/attendees"), Some(&modr)).await;
    let seen: Vec<(String, String)> = list
        .iter()
        .map(|p| (p["account"]["username"].as_str().unwrap().into(), p["status"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        seen,
        [("ann", "going"), ("bob", "waitlisted"), ("cid", "waitlisted")].map(|(a, b)| (a.into(), b.into()))
    );
    assert_eq!(app.items(&format!("/api/guildhall/v1/events/{id}/attendees"), Some(&bob)).await.len(), 3);
    let r = app.get(&format!("/api/guildhall/v1/events/{id}/attendees"), Some(&outsider)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));
    assert_eq!(
        app.get(&format!("/api/guildhall/v1/events/{id}/attendees"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let hidden = json!({"members_may_create": false, "attendees_visible_to_members": false});
    app.call(axum::http::Method::PUT, "/api/guildhall/v1/communities/guild/event-settings", Some(&modr), Some(hidden))
        .await;
    let r = app.get(&format!("/api/guildhall/v1/events/{id}/attendees"), Some(&bob)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));

    // Ann leaves: Bob (first in line) moves up, Cid still waits.
    assert_eq!(rsvp(&app, &ann, id, "not_going").await["my_rsvp"], Value::Null);
    let b = app.get(&format!("/api/guildhall/v1/events/{id}"), Some(&bob)).await.body;
    assert_eq!(
        (b["my_rsvp"].as_str(), b["going_count"].as_i64(), b["waitlist_count"].as_i64()),
        (Some("going"), Some(1), Some(1))
    );
    // More places let the rest in.
    let r = app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"capacity": 5})).await;
    assert_eq!((r.body["going_count"].as_i64(), r.body["waitlist_count"].as_i64()), (Some(2), Some(0)), "{}", r.body);

    // My upcoming events span my communities.
    app.community(&modr, "other", "public").await;
    app.join(&cid, "other").await;
    let other =
        event(&app, &modr, "other", json!({"starts_at": "2030-11-01T09:00", "ends_at": "2030-11-01T10:00"})).await;
    let mine = app.items("/api/guildhall/v1/accounts/me/events", Some(&cid)).await;
    assert_eq!(mine.iter().map(|e| e["id"].clone()).collect::<Vec<_>>(), vec![other["id"].clone(), json!(id)]);
    assert_eq!(mine[1]["my_rsvp"], "going");
    assert!(app.items("/api/guildhall/v1/accounts/me/events", Some(&outsider)).await.is_empty());
}

#[tokio::test]
async fn approval_events_wait_for_organisers() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "guild", "public").await;
    let id = event(&app, &modr, "guild", json!({"join_mode": "approval", "capacity": 1})).await["id"].as_i64().unwrap();
    let ann = app.member("ann", "guild", &modr).await;
    let bob = app.member("bob", "guild", &modr).await;
    assert_eq!(rsvp(&app, &ann, id, "going").await["my_rsvp"], "pending");
    assert_eq!(rsvp(&app, &bob, id, "going").await["pending_count"], 2);
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/attendees/ann/accept"), Some(&bob), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/attendees/ann/accept"), Some(&modr), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("going")), "{}", r.body);
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/attendees/bob/accept"), Some(&modr), json!({})).await;
    assert_eq!(r.body["status"], "waitlisted", "full: accepted onto the waitlist");
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/attendees/bob/reject"), Some(&modr), json!({})).await;
    assert_eq!(r.body["status"], "rejected");
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(&bob), json!({"status": "going"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a refusal stands: {}", r.body);
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/attendees/nobody/accept"), Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let ext =
        event(&app, &modr, "guild", json!({"join_mode": "external", "external_url": "https://tickets.example/1"}))
            .await;
    let r =
        app.post(&format!("/api/guildhall/v1/events/{}/rsvp", ext["id"]), Some(&ann), json!({"status": "going"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "rsvp_closed"));
}

#[tokio::test]
async fn private_community_events_stay_with_members() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "secret", "private").await;
    let e = event(&app, &modr, "secret", json!({})).await;
    assert_eq!(e["members_only"], true);
    let id = e["id"].as_i64().unwrap();
    let ann = app.member("ann", "secret", &modr).await;
    let out = app.user("out").await;
    for token in [None, Some(out.as_str())] {
        for path in [
            format!("/api/guildhall/v1/events/{id}"),
            format!("/api/guildhall/v1/events/{id}/attendees"),
            format!("/api/guildhall/v1/events/{id}/calendar.ics"),
        ] {
            let r = app.get(&path, token).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} {token:?}: {}", r.body);
        }
        for path in ["/api/guildhall/v1/communities/secret/events", "/api/guildhall/v1/communities/secret/calendar.ics"]
        {
            let r = app.get(path, token).await;
            assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED), "{path}: {}", r.status);
        }
        let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), token, json!({"status": "going"})).await;
        assert!(r.status.is_client_error() && r.status != StatusCode::OK);
    }
    assert!(app.items("/api/guildhall/v1/accounts/me/events", Some(&out)).await.is_empty());
    assert_eq!(app.items("/api/guildhall/v1/accounts/me/events", Some(&ann)).await.len(), 1);
    assert_eq!(app.get(&format!("/api/guildhall/v1/events/{id}"), Some(&ann)).await.status, StatusCode::OK);
    let cal = parse(&app.get("/api/guildhall/v1/communities/secret/calendar.ics", Some(&ann)).await.body);
    assert_eq!(vevents(&cal).len(), 1);
}

#[tokio::test]
async fn icalendar_feeds_parse_and_track_edits() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "guild", "public").await;
    let id = event(&app, &modr, "guild", json!({})).await["id"].as_i64().unwrap();
    event(&app, &modr, "guild", json!({"title": "Summer", "starts_at": "2030-07-01T18:00", "ends_at": "2030-07-01T19:00", "timezone": "America/Toronto"})).await;

    let r = app.get(&format!("/api/guildhall/v1/events/{id}/calendar.ics"), None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "text/calendar; charset=utf-8");
    let text = r.body.as_str().unwrap().to_owned();
    let cal = parse(&r.body);
    let ev = vevents(&cal);
    assert_eq!(ev.len(), 1);
    let uid = ev[0].get_uid().unwrap().to_owned();
    assert_eq!(uid, format!("event-{id}@localhost:8080"));
    assert_eq!(ev[0].get_summary(), Some("Rust meetup"));
    assert_eq!(ev[0].get_sequence(), Some(0));
    assert_eq!(ev[0].get_location(), Some("Salle 3, 1 rue de la Paix, Paris"));
    assert!(text.contains("DTSTART;TZID=Europe/Paris:20301201T183000"), "{text}");
    assert!(text.contains("DTEND;TZID=Europe/Paris:20301201T210000"), "{text}");
    assert_eq!(
        ev[0].get_start().and_then(|s| match s {
            icalendar::DatePerhapsTime::DateTime(dt) => dt.try_into_utc(),
            _ => None,
        }),
        Some(chrono::DateTime::parse_from_rfc3339("2030-12-01T17:30:00Z").unwrap().to_utc())
    );
    // The zone is defined, with its 2030 changes.
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"), "{text}");
    assert!(text.contains("DTSTART:20300331T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"), "{text}");
    assert!(text.contains("DTSTART:20301027T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"), "{text}");
    assert_eq!(ev[0].get_status(), Some(icalendar::EventStatus::Confirmed));

    // Edits keep the UID and bump SEQUENCE; cancelling shows as STATUS:CANCELLED.
    app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"title": "Renamed"})).await;
    app.post(&format!("/api/guildhall/v1/events/{id}/cancel"), Some(&modr), json!({})).await;
    let cal = parse(&app.get(&format!("/api/guildhall/v1/events/{id}/calendar.ics"), None).await.body);
    let ev = vevents(&cal);
    assert_eq!((ev[0].get_uid(), ev[0].get_sequence()), (Some(uid.as_str()), Some(2)));
    assert_eq!(ev[0].get_status(), Some(icalendar::EventStatus::Cancelled));
    assert_eq!(ev[0].get_summary(), Some("Renamed"));

    // The community feed: both events, both zones.
    let r = app.get("/api/guildhall/v1/communities/guild/calendar.ics", None).await;
    let text = r.body.as_str().unwrap().to_owned();
    let cal = parse(&r.body);
    assert_eq!(vevents(&cal).len(), 2);
    assert!(text.contains("TZID:America/Toronto") && text.contains("TZID:Europe/Paris"), "{text}");

    // My feed lives at a secret URL; a new token retires the old one.
    let ann = app.member("ann", "guild", &modr).await;
    assert_eq!(
        app.post("/api/guildhall/v1/accounts/me/calendar-token", None, json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
    let t1 = app.post("/api/guildhall/v1/accounts/me/calendar-token", Some(&ann), json!({})).await;
    assert_eq!(t1.status, StatusCode::CREATED, "{}", t1.body);
    let url = t1.body["url"].as_str().unwrap();
    let path = url.trim_start_matches("http://localhost:8080");
    let feed = app.get(path, None).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert_eq!(vevents(&parse(&feed.body)).len(), 2);
    let t2 = app.post("/api/guildhall/v1/accounts/me/calendar-token", Some(&ann), json!({})).await;
    assert_ne!(t1.body["token"], t2.body["token"]);
    assert_eq!(app.get(path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/guildhall/v1/calendar/not-a-token/events.ics", None).await.status, StatusCode::NOT_FOUND);
}
