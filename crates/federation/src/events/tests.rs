//! Parsing event activities and `Event` objects, without a server.

use guildhall_domain::event::{EventStatus, JoinMode};
use serde_json::json;

use super::inbound::EventActivity;
use super::object::incoming;
use crate::activities::InboxActivity;

fn kind_of(v: serde_json::Value) -> &'static str {
    match serde_json::from_value::<InboxActivity>(v).expect("parses") {
        InboxActivity::Event(e) => e.kind_name(),
        InboxActivity::Follow(_) => "Follow",
        InboxActivity::Accept(_) => "Accept{Follow}",
        InboxActivity::Create(_) => "Create{post}",
        InboxActivity::Other(_) => "Other",
        _ => "something else",
    }
}

#[test]
fn the_inbox_tells_event_activities_from_the_others() {
    let event =
        json!({"id": "https://m.example/events/1", "type": "Event", "name": "x", "startTime": "2030-01-01T10:00:00Z"});
    let create =
        json!({"id": "https://m.example/c/1", "type": "Create", "actor": "https://m.example/@g", "object": event});
    assert_eq!(kind_of(create), "Create");
    let join = json!({"id": "https://m.example/j/1", "type": "Join", "actor": "https://m.example/@p", "object": "https://g.example/e/1"});
    assert_eq!(kind_of(join), "Join");
    let leave = json!({"id": "https://m.example/l/1", "type": "Leave", "actor": "https://m.example/@p", "object": "https://g.example/e/1"});
    assert_eq!(kind_of(leave), "Leave");
    let accept_join = json!({"id": "https://g.example/a/1", "type": "Accept", "actor": "https://g.example/c/x",
        "object": {"id": "https://m.example/j/1", "type": "Join", "actor": "https://m.example/@p", "object": "https://g.example/e/1"}});
    assert_eq!(kind_of(accept_join), "Accept");
    // Follows and their answers, and posts, are not mistaken for event activities.
    let follow = json!({"id": "https://m.example/f/1", "type": "Follow", "actor": "https://m.example/@p", "object": "https://g.example/c/x"});
    assert_eq!(kind_of(follow.clone()), "Follow");
    let accept_follow =
        json!({"id": "https://g.example/a/2", "type": "Accept", "actor": "https://g.example/c/x", "object": follow});
    assert_eq!(kind_of(accept_follow), "Accept{Follow}");
    let page = json!({"id": "https://m.example/c/2", "type": "Create", "actor": "https://m.example/@p",
        "object": {"id": "https://m.example/p/1", "type": "Page", "attributedTo": "https://m.example/@p", "name": "t"}});
    assert_eq!(kind_of(page), "Create{post}");
    let bad = json!({"id": "https://m.example/c/3", "type": "Create", "actor": "https://m.example/@p", "object": {"type": "Event"}});
    assert!(serde_json::from_value::<EventActivity>(bad).is_ok(), "parsed; verify refuses an Event without id");
}

#[test]
fn mobilizon_event_fields_are_read() {
    let v = json!({
        "id": "https://m.example/events/1", "type": "Event", "name": "Atelier",
        "content": "<p>Hi</p>", "startTime": "2030-06-13T18:00:00+02:00", "endTime": "2030-06-13T20:30:00+02:00",
        "timezone": "Europe/Paris", "joinMode": "restricted", "ical:status": "TENTATIVE",
        "participantCount": 3, "maximumAttendeeCapacity": 12,
        "location": {"type": "Place", "name": "Atelier du Coin",
            "address": {"type": "PostalAddress", "streetAddress": "12 rue X", "postalCode": "69001", "addressLocality": "Lyon"}},
        "attachment": [{"type": "Link", "name": "Website", "href": "https://visio.example/a"}],
        "url": "https://m.example/events/1"
    });
    let e = incoming(&v, false).unwrap();
    assert_eq!(e.starts_at.to_rfc3339(), "2030-06-13T16:00:00+00:00");
    assert_eq!((e.join_mode, e.status), (JoinMode::Approval, EventStatus::Tentative));
    assert_eq!((e.place_name.as_str(), e.place_address.as_str()), ("Atelier du Coin", "12 rue X, 69001, Lyon"));
    assert_eq!(e.online_url, "https://visio.example/a");
    assert_eq!((e.capacity, e.participant_count), (Some(12), Some(3)));
    assert_eq!(e.url.as_deref(), Some("https://m.example/events/1"));
}

#[test]
fn fep_8a8e_shapes_are_read_too() {
    let v = json!({
        "id": "https://g.example/e/1", "type": "Event", "name": "Online", "startTime": "2030-01-01T10:00:00Z",
        "eventStatus": "https://schema.org/EventCancelled", "joinMode": "external",
        "externalParticipationUrl": "https://tickets.example/1",
        "location": [{"type": "Place", "name": "Hall", "address": "1 Main St"}, {"type": "VirtualLocation", "url": "https://meet.example/x"}],
        "source": {"content": "**md**", "mediaType": "text/markdown"}
    });
    let e = incoming(&v, true).unwrap();
    assert_eq!((e.status, e.join_mode), (EventStatus::Cancelled, JoinMode::External));
    assert_eq!(
        (e.place_name.as_str(), e.place_address.as_str(), e.online_url.as_str()),
        ("Hall", "1 Main St", "https://meet.example/x")
    );
    assert_eq!((e.source.as_deref(), e.ends_at, e.members_only), (Some("**md**"), None, true));
    assert!(
        incoming(&json!({"id": "https://g.example/e/2", "type": "Event", "name": "x"}), false).is_err(),
        "no startTime"
    );
}
