use super::*;
use crate::community::Visibility;
use chrono::TimeZone;

fn access(role: CommunityRole) -> Access {
    Access { visibility: Visibility::Public, role, instance_admin: false }
}

#[test]
fn known_zones_only() {
    assert_eq!(timezone("Europe/Paris").unwrap(), chrono_tz::Europe::Paris);
    assert_eq!(timezone(" America/Toronto ").unwrap(), chrono_tz::America::Toronto);
    assert_eq!(timezone("Mars/Olympus").unwrap_err().field, "timezone");
    assert_eq!(timezone("").unwrap_err().field, "timezone");
}

#[test]
fn wall_clock_times_are_read_in_the_event_zone() {
    let paris = chrono_tz::Europe::Paris;
    // Winter: UTC+1; summer: UTC+2.
    assert_eq!(
        time("starts_at", "2026-12-01T18:30", paris).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 1, 17, 30, 0).unwrap()
    );
    assert_eq!(
        time("starts_at", "2026-07-01T18:30:00", paris).unwrap(),
        Utc.with_ymd_and_hms(2026, 7, 1, 16, 30, 0).unwrap()
    );
    // An explicit offset wins over the zone.
    assert_eq!(
        time("starts_at", "2026-12-01T18:30:00-05:00", paris).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap()
    );
    assert_eq!(time("ends_at", "tomorrow", paris).unwrap_err().field, "ends_at");
    // 02:30 on the last Sunday of March does not exist in Paris.
    assert_eq!(time("starts_at", "2026-03-29T02:30", paris).unwrap_err().field, "starts_at");
}

#[test]
fn end_must_follow_start() {
    let a = Utc.with_ymd_and_hms(2026, 12, 1, 17, 0, 0).unwrap();
    let b = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
    assert!(times(a, b).is_ok());
    assert_eq!(times(b, a).unwrap_err().field, "ends_at");
    assert_eq!(times(a, a).unwrap_err().field, "ends_at");
    let far = Utc.with_ymd_and_hms(2031, 12, 2, 17, 0, 0).unwrap();
    assert_eq!(times(a, far).unwrap_err().field, "ends_at", "over a year");
    let ancient = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(times(ancient, ancient + chrono::Duration::hours(1)).unwrap_err().field, "starts_at");
}

#[test]
fn capacity_is_absent_or_not_negative() {
    assert_eq!(capacity(None).unwrap(), None);
    assert_eq!(capacity(Some(0)).unwrap(), Some(0));
    assert_eq!(capacity(Some(25)).unwrap(), Some(25));
    assert_eq!(capacity(Some(-1)).unwrap_err().field, "capacity");
    assert_eq!(capacity(Some(EventLimits::CAPACITY + 1)).unwrap_err().field, "capacity");
}

#[test]
fn urls_are_http_or_https() {
    assert_eq!(url("online_url", "").unwrap(), "");
    assert_eq!(url("online_url", " https://meet.example/x ").unwrap(), "https://meet.example/x");
    for bad in ["javascript:alert(1)", "ftp://x", "https://", "https://a b", "meet.example"] {
        assert_eq!(url("online_url", bad).unwrap_err().field, "online_url", "{bad}");
    }
    assert_eq!(join_mode(JoinMode::External, "").unwrap_err().field, "external_url");
    assert!(join_mode(JoinMode::External, "https://tickets.example").is_ok());
    assert!(join_mode(JoinMode::Free, "").is_ok());
}

#[test]
fn names_round_trip() {
    for m in JoinMode::ALL {
        assert_eq!(JoinMode::parse(m.as_str()), Some(*m));
    }
    for s in EventStatus::ALL {
        assert_eq!(EventStatus::parse(s.as_str()), Some(*s));
    }
    for p in ParticipantStatus::ALL {
        assert_eq!(ParticipantStatus::parse(p.as_str()), Some(*p));
    }
    assert_eq!(JoinMode::parse("closed"), None);
}

#[test]
fn rsvps_fill_places_then_the_waitlist() {
    use ParticipantStatus::*;
    let ok = EventStatus::Confirmed;
    assert_eq!(rsvp_outcome(JoinMode::Free, ok, None, 1000), Ok(Going));
    assert_eq!(rsvp_outcome(JoinMode::Free, ok, Some(2), 1), Ok(Going));
    assert_eq!(rsvp_outcome(JoinMode::Free, ok, Some(2), 2), Ok(Waitlisted));
    assert_eq!(rsvp_outcome(JoinMode::Free, ok, Some(0), 0), Ok(Waitlisted));
    assert_eq!(rsvp_outcome(JoinMode::Approval, ok, Some(2), 0), Ok(Pending));
    assert_eq!(rsvp_outcome(JoinMode::External, ok, None, 0), Err(Denied::RsvpClosed));
    assert_eq!(rsvp_outcome(JoinMode::Free, EventStatus::Cancelled, None, 0), Err(Denied::EventCancelled));
    assert_eq!(rsvp_outcome(JoinMode::Free, EventStatus::Tentative, None, 0), Ok(Going));
}

#[test]
fn leaving_promotes_the_waitlist_in_order() {
    assert_eq!(promotions(Some(2), 1, 3), 1);
    assert_eq!(promotions(Some(2), 2, 3), 0);
    assert_eq!(promotions(Some(5), 1, 2), 2);
    assert_eq!(promotions(None, 10, 4), 4, "capacity removed: everyone is in");
    assert_eq!(promotions(Some(1), 3, 2), 0, "capacity lowered below attendance");
}

#[test]
fn who_creates_events() {
    use CommunityRole::*;
    let closed = EventSettings { members_may_create: false, ..Default::default() };
    let open = EventSettings { members_may_create: true, ..Default::default() };
    assert!(access(Moderator).create_event(closed).is_ok());
    assert_eq!(access(Member).create_event(closed), Err(Denied::ModeratorsOnly));
    assert!(access(Member).create_event(open).is_ok());
    assert_eq!(access(NonMember).create_event(open), Err(Denied::MembersOnly));
    assert_eq!(access(Pending).create_event(open), Err(Denied::MembersOnly));
    assert_eq!(access(Banned).create_event(open), Err(Denied::Banned));
    assert_eq!(access(Anonymous).create_event(open), Err(Denied::SignInRequired));
    let admin = Access { instance_admin: true, ..access(NonMember) };
    assert!(admin.create_event(closed).is_ok());
}

#[test]
fn who_manages_and_sees_attendees() {
    use CommunityRole::*;
    let hidden = EventSettings { attendees_visible_to_members: false, ..Default::default() };
    let shown = EventSettings::default();
    assert!(access(Member).manage_event(true).is_ok());
    assert_eq!(access(Member).manage_event(false), Err(Denied::ModeratorsOnly));
    assert!(access(Moderator).manage_event(false).is_ok());
    assert_eq!(access(Banned).manage_event(true), Err(Denied::Banned));
    assert!(access(Member).see_attendees(true, hidden));
    assert!(access(Moderator).see_attendees(false, hidden));
    assert!(!access(Member).see_attendees(false, hidden));
    assert!(access(Member).see_attendees(false, shown));
    assert!(!access(NonMember).see_attendees(false, shown));
    assert!(!access(Anonymous).see_attendees(false, shown));
    assert!(access(Member).rsvp().is_ok());
    assert_eq!(access(NonMember).rsvp(), Err(Denied::MembersOnly));
}
