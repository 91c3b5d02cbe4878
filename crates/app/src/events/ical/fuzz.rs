//! Property-based fuzzing of iCalendar output (docs/fuzzing.md): any title, description,
//! place and calendar name give a feed that the `icalendar` crate reads back with the same
//! text, with no line over 75 octets and no property the text could have injected.

use chrono::{TimeZone, Utc};
use guildhall_domain::event::{EventStatus, JoinMode};
use guildhall_store::DatabaseConnection;
use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use proptest::prelude::*;

use super::*;
use crate::InstanceInfo;

/// Text with what iCalendar treats specially: line breaks, escapes, property syntax and
/// multi-byte characters (to land on the 75-octet folds).
fn text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "\r\n",
            "\n",
            "\r",
            ",",
            ";",
            "\\",
            "\\n",
            ":",
            "\"",
            "\t",
            " ",
            "ATTENDEE:mailto:x@evil.example",
            "\r\nATTENDEE:mailto:x@evil.example",
            "END:VEVENT",
            "\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM",
            "é",
            "😀",
            "\u{301}",
            "\u{0}",
            "\u{b}",
            "\u{7f}",
            "\u{85}",
            "\u{2028}",
        ])
        .prop_map(str::to_owned),
        "[a-z ]{1,30}",
        any::<String>(),
    ];
    prop::collection::vec(atom, 1..12).prop_map(|v| v.concat())
}

fn event(title: String, description: String, place_name: String, place_address: String) -> event::Model {
    let at = Utc.with_ymd_and_hms(2030, 12, 1, 17, 30, 0).single().expect("a valid time");
    event::Model {
        id: 7,
        community_id: 1,
        organiser_id: 1,
        ap_id: None,
        url: None,
        title,
        description_source: description,
        description_html: String::new(),
        starts_at: at,
        ends_at: at + Duration::hours(2),
        timezone: "Europe/Paris".into(),
        place_name,
        place_address,
        online_url: String::new(),
        capacity: None,
        join_mode: JoinMode::Free,
        external_url: String::new(),
        status: EventStatus::Confirmed,
        members_only: false,
        sequence: 0,
        remote_participant_count: None,
        created_at: at,
        updated_at: at,
        deleted_at: None,
    }
}

/// Properties a VEVENT of ours has; anything else was injected.
const EVENT_PROPERTIES: &[&str] = &[
    "UID",
    "SEQUENCE",
    "DTSTAMP",
    "CREATED",
    "LAST-MODIFIED",
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "STATUS",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "CLASS",
];

#[test]
fn a_carriage_return_injects_nothing() {
    // Found by `feeds_read_back_with_the_same_text`: the calendar name went out unescaped
    // and a bare CR in any text stayed in the line, so a title could add properties.
    let ctx =
        AppContext::new(DatabaseConnection::default(), InstanceInfo { domain: "guild.example".into(), https: true });
    let e = event("Tea\rATTENDEE:mailto:x@evil.example".into(), "a\r\nb\u{0}".into(), String::new(), String::new());
    let ics = calendar(&ctx, "Garden\nBEGIN:VALARM\r\nACTION:DISPLAY", &[e]).expect("a calendar");
    assert!(!ics.replace("\r\n", "").contains(['\r', '\n', '\u{0}']), "{ics}");
    assert!(!ics.contains("\r\nATTENDEE") && !ics.contains("\r\nBEGIN:VALARM"), "{ics}");
    assert!(ics.contains("SUMMARY:Tea\\nATTENDEE:mailto:x@evil.example"), "{ics}");
}

#[test]
fn no_continuation_line_is_longer_than_75_octets() {
    // Found by `feeds_read_back_with_the_same_text`: with 75 octets left, the crate's fold
    // wrote them after the continuation space, 76 in all.
    let ctx =
        AppContext::new(DatabaseConnection::default(), InstanceInfo { domain: "guild.example".into(), https: true });
    for n in 60..240 {
        let title = "é".repeat(n / 2) + &"a".repeat(n % 2);
        let ics = calendar(&ctx, "Garden", &[event(title.clone(), "x".repeat(n), String::new(), String::new())])
            .expect("a calendar");
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "{ics}");
        let cal: Calendar = ics.parse().expect("parses");
        let v = cal.components.iter().find_map(CalendarComponent::as_event).expect("an event");
        assert_eq!(v.get_summary(), Some(title.as_str()));
    }
}

proptest! {
    #[test]
    fn feeds_read_back_with_the_same_text(
        name in text(), title in text(), description in text(), place_name in text(), place_address in text(),
    ) {
        let ctx = AppContext::new(DatabaseConnection::default(), InstanceInfo { domain: "guild.example".into(), https: true });
        let e = event(title.clone(), description.clone(), place_name.clone(), place_address.clone());
        let ics = calendar(&ctx, &name, std::slice::from_ref(&e)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for line in ics.split("\r\n") {
            prop_assert!(line.len() <= 75, "a line of {} octets: {:?}", line.len(), line);
            prop_assert!(!line.contains(['\r', '\n']), "a bare line break in {:?}", line);
        }
        let cal: Calendar = ics.parse().map_err(|e| TestCaseError::fail(format!("unparseable: {e}\n{ics}")))?;
        let events: Vec<&icalendar::Event> = cal.components.iter().filter_map(CalendarComponent::as_event).collect();
        prop_assert_eq!(events.len(), 1, "{}", ics);
        let v = events[0];
        for key in v.properties().keys() {
            prop_assert!(EVENT_PROPERTIES.contains(&key.as_str()), "injected {} in {}", key, ics);
        }
        prop_assert!(v.multi_properties().is_empty() && v.components().is_empty(), "injected in {}", ics);
        // The same text, but for line breaks as LF and no other control characters.
        prop_assert_eq!(v.get_summary().map(str::to_owned), Some(ical_text(&title)));
        prop_assert_eq!(v.get_description().map(str::to_owned), (!description.is_empty()).then(|| ical_text(&description)));
        let place: Vec<&str> = [place_name.as_str(), place_address.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
        prop_assert_eq!(v.get_location().map(str::to_owned), (!place.is_empty()).then(|| ical_text(&place.join(", "))));
        // The crate reads NAME as it is written: TEXT, escaped (RFC 7986), as clients read it.
        prop_assert_eq!(cal.get_name().map(str::to_owned), Some(escaped_text(&name)));
        for p in cal.properties.iter().map(|p| p.key()) {
            prop_assert!(["PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"].contains(&p), "injected {} in {}", p, ics);
        }
    }
}
