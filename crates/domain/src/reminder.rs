//! When the people going to an event are reminded of it, and when a community has no active
//! moderator left: the rules behind the clock- and departure-driven notifications.

use chrono::{DateTime, Duration, Utc};

use crate::event::EventStatus;
use crate::registration::AccountStatus;

/// Which reminder of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// A day before it starts.
    Day,
    /// An hour before it starts.
    Hour,
}

impl Reminder {
    /// The stable name stored (and the notification's `body`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::Day => "day",
            Reminder::Hour => "hour",
        }
    }

    /// How long before the start it is due.
    pub fn lead(self) -> Duration {
        match self {
            Reminder::Day => Duration::days(1),
            Reminder::Hour => Duration::hours(1),
        }
    }
}

/// The widest window the reminder job looks ahead: events starting within it may be due.
pub fn window() -> Duration {
    Reminder::Day.lead()
}

/// The reminder due at `now` for an event starting at `starts_at`, if any: the hour reminder
/// in its last hour, the day reminder in the day before that. Only one at a time: an event
/// created (or moved) less than an hour before it starts, or a job that ran late, gives only
/// the hour reminder, never a late "day". Nothing once it started or if it was called off.
pub fn due(status: EventStatus, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<Reminder> {
    if status == EventStatus::Cancelled || starts_at <= now {
        return None;
    }
    let left = starts_at - now;
    if left <= Reminder::Hour.lead() {
        Some(Reminder::Hour)
    } else if left <= Reminder::Day.lead() {
        Some(Reminder::Day)
    } else {
        None
    }
}

/// Whether a community whose remaining moderators have these account statuses has no
/// active moderator left: only an active account can moderate (a suspended or not yet
/// approved one cannot sign in).
pub fn no_active_moderator(remaining: impl IntoIterator<Item = AccountStatus>) -> bool {
    !remaining.into_iter().any(|s| s == AccountStatus::Active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).expect("time")
    }

    #[test]
    fn the_day_reminder_in_the_day_before_the_hour_reminder_in_the_last_hour() {
        let start = at(48);
        let ok = EventStatus::Confirmed;
        assert_eq!(due(ok, start, at(0)), None, "two days ahead");
        assert_eq!(due(ok, start, at(23)), None, "25 hours ahead");
        assert_eq!(due(ok, start, at(24)), Some(Reminder::Day), "exactly a day");
        assert_eq!(due(ok, start, at(30)), Some(Reminder::Day));
        assert_eq!(due(ok, start, at(46)), Some(Reminder::Day), "two hours ahead");
        assert_eq!(due(ok, start, at(47)), Some(Reminder::Hour), "exactly an hour");
        assert_eq!(due(ok, start, at(47) + Duration::minutes(59)), Some(Reminder::Hour));
        assert_eq!(due(ok, start, at(48)), None, "started");
        assert_eq!(due(ok, start, at(50)), None, "over");
        assert_eq!(due(EventStatus::Tentative, start, at(30)), Some(Reminder::Day));
    }

    #[test]
    fn cancelled_events_remind_no_one() {
        assert_eq!(due(EventStatus::Cancelled, at(48), at(30)), None);
        assert_eq!(due(EventStatus::Cancelled, at(48), at(47)), None);
    }

    #[test]
    fn a_late_start_gets_only_the_hour_reminder() {
        // Created 30 minutes before it starts: the hour reminder, no "day".
        assert_eq!(due(EventStatus::Confirmed, at(10), at(10) - Duration::minutes(30)), Some(Reminder::Hour));
    }

    #[test]
    fn names_and_leads() {
        assert_eq!((Reminder::Day.as_str(), Reminder::Hour.as_str()), ("day", "hour"));
        assert_eq!(window(), Duration::hours(24));
    }

    #[test]
    fn only_an_active_account_counts_as_an_active_moderator() {
        use AccountStatus::*;
        assert!(no_active_moderator([]));
        assert!(no_active_moderator([Suspended, Pending]));
        assert!(!no_active_moderator([Suspended, Active]));
    }
}
