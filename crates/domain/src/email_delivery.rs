//! When a notification becomes an email: the member's delivery mode, the kinds they want by
//! email and their quiet hours decide "now", "later" or "never" (one rule, here), and when
//! their daily or weekly digest falls due. Times are the member's local times in their IANA
//! time zone (chrono-tz), so quiet hours and digests follow daylight saving time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::validate::Invalid;

/// How a member receives notifications by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// No notification email at all.
    Off,
    /// One message shortly after things happen (grouped).
    Immediate,
    /// One digest a day.
    Daily,
    /// One digest a week.
    Weekly,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [Mode::Off, Mode::Immediate, Mode::Daily, Mode::Weekly];

    /// The stable name stored and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Immediate => "immediate",
            Mode::Daily => "daily",
            Mode::Weekly => "weekly",
        }
    }

    /// Parses the stable name; `field` names it in the error.
    pub fn parse(field: &'static str, s: &str) -> Result<Mode, Invalid> {
        Mode::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| Invalid::new(field, "must be one of off, immediate, daily, weekly"))
    }
}

/// Notification kinds not emailed unless the member asks (the rest are on by default).
pub const DEFAULT_OFF: [&str; 2] = ["favourite", "poll_closed"];

/// Local time of day at which daily and weekly digests are sent.
pub const DIGEST_HOUR: u32 = 7;
/// Day of the week of the weekly digest.
pub const WEEKLY_DAY: Weekday = Weekday::Mon;

/// A member's quiet hours: no immediate email between `start` and `end` (local time; `end`
/// before `start` spans midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// When the quiet starts.
    pub start: NaiveTime,
    /// When it ends.
    pub end: NaiveTime,
}

/// What to do with one notification now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Email it now (in the member's next immediate message).
    Now,
    /// Quiet hours: keep it until then and decide again.
    Hold {
        /// When the quiet hours end.
        until: DateTime<Utc>,
    },
    /// It belongs in the member's digest.
    Digest,
    /// Never email it (mode off, or the kind is off).
    Never,
}

/// The one rule: what to do now with a notification of a kind the member has on
/// (`kind_on`) or not, given their mode, quiet hours and time zone.
pub fn decide(mode: Mode, kind_on: bool, quiet: Option<QuietHours>, tz: Tz, now: DateTime<Utc>) -> Decision {
    if !kind_on || mode == Mode::Off {
        return Decision::Never;
    }
    if matches!(mode, Mode::Daily | Mode::Weekly) {
        return Decision::Digest;
    }
    match quiet.and_then(|q| quiet_until(q, tz, now)) {
        Some(until) => Decision::Hold { until },
        None => Decision::Now,
    }
}

/// When the quiet hours `q` holding at `now` end, or `None` when `now` is not quiet.
pub fn quiet_until(q: QuietHours, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if q.start == q.end {
        return None;
    }
    let local = now.with_timezone(&tz);
    let (today, t) = (local.date_naive(), local.time());
    let end_day = if q.start < q.end {
        (q.start <= t && t < q.end).then_some(today)?
    } else if t >= q.start {
        today.succ_opt()?
    } else if t < q.end {
        today
    } else {
        return None;
    };
    Some(at_local(tz, end_day, q.end))
}

/// The UTC instant of local `time` on `day` in `tz`: the earlier of an ambiguous (autumn) time,
/// and the first instant after a skipped (spring) one.
pub fn at_local(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = day.and_time(time);
    for shift in 0..4 {
        if let Some(t) = tz.from_local_datetime(&(naive + Duration::minutes(30 * shift))).earliest() {
            return t.with_timezone(&Utc);
        }
    }
    Utc.from_utc_datetime(&naive)
}

/// The latest scheduled digest time at or before `now` for `mode` (none for off and immediate).
pub fn digest_slot(mode: Mode, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let hour = NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?;
    let today = now.with_timezone(&tz).date_naive();
    let mut day = match mode {
        Mode::Daily => today,
        Mode::Weekly => {
            let back = (7 + today.weekday().num_days_from_monday() - WEEKLY_DAY.num_days_from_monday()) % 7;
            today - Duration::days(i64::from(back))
        }
        Mode::Off | Mode::Immediate => return None,
    };
    let step = if mode == Mode::Daily { 1 } else { 7 };
    while at_local(tz, day, hour) > now {
        day -= Duration::days(step);
    }
    Some(at_local(tz, day, hour))
}

/// Whether a digest (or a moderator's daily digest, with `Mode::Daily`) is due at `now` for a
/// member whose last one was sent (or whose digest mode was chosen) at `last`.
pub fn digest_due(mode: Mode, tz: Tz, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match digest_slot(mode, tz, now) {
        Some(slot) => last.is_none_or(|l| l < slot),
        None => false,
    }
}

/// A member's time zone, UTC when none is chosen or the name is unknown.
pub fn time_zone(name: Option<&str>) -> Tz {
    name.and_then(|n| n.parse::<Tz>().ok()).unwrap_or(Tz::UTC)
}

/// Parses a local time `HH:MM` for `field`.
pub fn parse_time(field: &'static str, s: &str) -> Result<NaiveTime, Invalid> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| Invalid::new(field, "must be a time as HH:MM (00:00-23:59)"))
}

/// Quiet hours from optional `start` and `end` (`HH:MM`): both or neither; equal means none.
pub fn parse_quiet(start: Option<&str>, end: Option<&str>) -> Result<Option<QuietHours>, Invalid> {
    match (blank(start), blank(end)) {
        (None, None) => Ok(None),
        (Some(s), Some(e)) => {
            let q = QuietHours { start: parse_time("quiet_start", s)?, end: parse_time("quiet_end", e)? };
            Ok((q.start != q.end).then_some(q))
        }
        (Some(_), None) => Err(Invalid::new("quiet_end", "is needed with quiet_start")),
        (None, Some(_)) => Err(Invalid::new("quiet_start", "is needed with quiet_end")),
    }
}

fn blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn hm(s: &str) -> NaiveTime {
        parse_time("t", s).unwrap()
    }

    const PARIS: Tz = chrono_tz::Europe::Paris;

    #[test]
    fn off_modes_and_kinds_never_email_digest_modes_wait_for_the_digest() {
        let now = utc("2026-12-07T12:00:00Z");
        assert_eq!(decide(Mode::Off, true, None, Tz::UTC, now), Decision::Never);
        assert_eq!(decide(Mode::Immediate, false, None, Tz::UTC, now), Decision::Never);
        assert_eq!(decide(Mode::Daily, false, None, Tz::UTC, now), Decision::Never);
        assert_eq!(decide(Mode::Daily, true, None, Tz::UTC, now), Decision::Digest);
        assert_eq!(decide(Mode::Weekly, true, None, Tz::UTC, now), Decision::Digest);
        assert_eq!(decide(Mode::Immediate, true, None, Tz::UTC, now), Decision::Now);
    }

    #[test]
    fn quiet_hours_across_midnight_hold_until_they_end_in_local_time() {
        let q = Some(QuietHours { start: hm("22:00"), end: hm("07:00") });
        // 23:30 in Paris (UTC+1 in December): held until 07:00 Paris the next morning.
        assert_eq!(
            decide(Mode::Immediate, true, q, PARIS, utc("2026-12-07T22:30:00Z")),
            Decision::Hold { until: utc("2026-12-08T06:00:00Z") }
        );
        // 03:00 Paris: held until 07:00 the same day.
        assert_eq!(
            decide(Mode::Immediate, true, q, PARIS, utc("2026-12-08T02:00:00Z")),
            Decision::Hold { until: utc("2026-12-08T06:00:00Z") }
        );
        // 07:00 exactly and noon: not quiet.
        assert_eq!(decide(Mode::Immediate, true, q, PARIS, utc("2026-12-08T06:00:00Z")), Decision::Now);
        assert_eq!(decide(Mode::Immediate, true, q, PARIS, utc("2026-12-08T11:00:00Z")), Decision::Now);
        // 21:59 Paris: not yet.
        assert_eq!(decide(Mode::Immediate, true, q, PARIS, utc("2026-12-07T20:59:00Z")), Decision::Now);
    }

    #[test]
    fn quiet_hours_within_a_day_and_empty_ones() {
        let q = QuietHours { start: hm("12:00"), end: hm("14:00") };
        assert_eq!(quiet_until(q, Tz::UTC, utc("2026-12-07T13:00:00Z")), Some(utc("2026-12-07T14:00:00Z")));
        assert_eq!(quiet_until(q, Tz::UTC, utc("2026-12-07T14:00:00Z")), None);
        assert_eq!(quiet_until(q, Tz::UTC, utc("2026-12-07T11:59:00Z")), None);
        let same = QuietHours { start: hm("12:00"), end: hm("12:00") };
        assert_eq!(quiet_until(same, Tz::UTC, utc("2026-12-07T12:00:00Z")), None);
    }

    #[test]
    fn quiet_hours_follow_daylight_saving_time() {
        let q = QuietHours { start: hm("22:00"), end: hm("07:00") };
        // The night Paris moves to summer time (29 March 2026, 02:00 -> 03:00): 07:00 is UTC+2.
        assert_eq!(quiet_until(q, PARIS, utc("2026-03-28T23:00:00Z")), Some(utc("2026-03-29T05:00:00Z")));
        // The night it moves back (25 October 2026): 07:00 is UTC+1 again.
        assert_eq!(quiet_until(q, PARIS, utc("2026-10-24T21:00:00Z")), Some(utc("2026-10-25T06:00:00Z")));
        // A quiet hour ending inside the skipped hour ends at the first instant after it.
        let skipped = QuietHours { start: hm("01:00"), end: hm("02:30") };
        assert_eq!(quiet_until(skipped, PARIS, utc("2026-03-29T00:30:00Z")), Some(utc("2026-03-29T01:00:00Z")));
    }

    #[test]
    fn daily_digests_fall_due_once_at_seven_local() {
        let last = Some(utc("2026-12-07T06:00:00Z")); // 07:00 Paris, today's sent
        assert!(!digest_due(Mode::Daily, PARIS, last, utc("2026-12-07T20:00:00Z")));
        assert!(!digest_due(Mode::Daily, PARIS, last, utc("2026-12-08T05:59:00Z")));
        assert!(digest_due(Mode::Daily, PARIS, last, utc("2026-12-08T06:00:00Z")));
        assert!(digest_due(Mode::Daily, PARIS, None, utc("2026-12-08T06:00:00Z")));
        assert!(!digest_due(Mode::Immediate, PARIS, None, utc("2026-12-08T06:00:00Z")));
        assert!(!digest_due(Mode::Off, PARIS, None, utc("2026-12-08T06:00:00Z")));
    }

    #[test]
    fn weekly_digests_fall_due_on_monday_morning() {
        // Monday 7 December 2026, 07:00 UTC.
        assert_eq!(digest_slot(Mode::Weekly, Tz::UTC, utc("2026-12-09T12:00:00Z")), Some(utc("2026-12-07T07:00:00Z")));
        assert_eq!(digest_slot(Mode::Weekly, Tz::UTC, utc("2026-12-07T06:00:00Z")), Some(utc("2026-11-30T07:00:00Z")));
        let chosen = Some(utc("2026-12-08T10:00:00Z"));
        assert!(!digest_due(Mode::Weekly, Tz::UTC, chosen, utc("2026-12-13T23:00:00Z")));
        assert!(digest_due(Mode::Weekly, Tz::UTC, chosen, utc("2026-12-14T07:00:00Z")));
    }

    #[test]
    fn bad_input_names_its_field() {
        assert_eq!(Mode::parse("mode", "hourly").unwrap_err().field, "mode");
        assert_eq!(Mode::parse("mode", "daily").unwrap(), Mode::Daily);
        assert_eq!(parse_quiet(Some("25:00"), Some("07:00")).unwrap_err().field, "quiet_start");
        assert_eq!(parse_quiet(Some("22:00"), Some("7h")).unwrap_err().field, "quiet_end");
        assert_eq!(parse_quiet(Some("22:00"), None).unwrap_err().field, "quiet_end");
        assert_eq!(parse_quiet(None, Some("")).unwrap(), None);
        assert_eq!(parse_quiet(Some("08:00"), Some("08:00")).unwrap(), None);
        assert_eq!(time_zone(Some("Mars/Olympus")), Tz::UTC);
    }
}
