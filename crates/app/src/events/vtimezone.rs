//! VTIMEZONE components built from chrono-tz: one observance per offset change in the years
//! an calendar's events fall in, so Outlook and Google Calendar place times exactly as the
//! time zone database does (no RRULE guessing).

use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// `+HHMM` (or `+HHMMSS` when seconds are not zero), as TZOFFSETFROM/TO want it.
fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let s = secs.unsigned_abs();
    let (h, m, sec) = (s / 3600, (s / 60) % 60, s % 60);
    if sec == 0 { format!("{sign}{h:02}{m:02}") } else { format!("{sign}{h:02}{m:02}{sec:02}") }
}

struct State {
    total: i32,
    dst: bool,
    name: String,
}

fn state(tz: Tz, t: DateTime<Utc>) -> State {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    State {
        total: o.fix().local_minus_utc(),
        dst: !o.dst_offset().is_zero(),
        name: o.abbreviation().unwrap_or("").to_owned(),
    }
}

fn same(a: &State, b: &State) -> bool {
    a.total == b.total && a.dst == b.dst && a.name == b.name
}

fn observance(out: &mut String, from: &State, to: &State, at: DateTime<Utc>) {
    let kind = if to.dst { "DAYLIGHT" } else { "STANDARD" };
    let local = (at + Duration::seconds(i64::from(from.total))).naive_utc();
    out.push_str(&format!("BEGIN:{kind}\r\nDTSTART:{}\r\n", local.format("%Y%m%dT%H%M%S")));
    out.push_str(&format!("TZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n", offset_text(from.total), offset_text(to.total)));
    if !to.name.is_empty() && !to.name.starts_with(['+', '-']) {
        out.push_str(&format!("TZNAME:{}\r\n", to.name));
    }
    out.push_str(&format!("END:{kind}\r\n"));
}

/// Offset changes of `tz` in `[start, end)`, to the second.
fn transitions(tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut out = Vec::new();
    let mut t = start;
    let mut s = state(tz, t);
    while t < end {
        let next = t + Duration::hours(12);
        let n = state(tz, next);
        if !same(&s, &n) {
            // Binary search for the first second with the new state.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if same(&state(tz, mid), &s) { lo = mid } else { hi = mid }
            }
            out.push(hi);
        }
        t = next;
        s = n;
    }
    out
}

/// A VTIMEZONE for `tz` covering the years `first..=last` (text with CRLF line ends).
pub(crate) fn vtimezone(tz: Tz, first: i32, last: i32) -> String {
    let year_start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|n| n.and_utc()).unwrap_or_default()
    };
    let (start, end) = (year_start(first), year_start(last + 1));
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let initial = state(tz, start);
    observance(&mut out, &initial, &initial, start);
    let mut before = initial;
    for at in transitions(tz, start, end) {
        let after = state(tz, at);
        observance(&mut out, &before, &after, at);
        before = after;
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_has_two_changes_a_year() {
        let v = vtimezone(chrono_tz::Europe::Paris, 2026, 2026);
        assert!(v.contains("TZID:Europe/Paris"), "{v}");
        // 29 March 2026 02:00 CET -> 03:00 CEST; 25 October 2026 03:00 CEST -> 02:00 CET.
        assert!(
            v.contains(
                "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"
            ),
            "{v}"
        );
        assert!(
            v.contains(
                "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"
            ),
            "{v}"
        );
        assert_eq!(v.matches("BEGIN:DAYLIGHT").count(), 1);
        assert_eq!(v.matches("BEGIN:STANDARD").count(), 2, "initial state and the autumn change");
    }

    #[test]
    fn zones_without_changes_have_one_observance() {
        let v = vtimezone(chrono_tz::Asia::Tokyo, 2026, 2027);
        assert_eq!(v.matches("BEGIN:STANDARD").count(), 1, "{v}");
        assert!(v.contains("TZOFFSETTO:+0900"), "{v}");
        assert!(!v.contains("DAYLIGHT"));
        assert_eq!(offset_text(-(3 * 3600 + 30 * 60)), "-0330");
        assert_eq!(offset_text(-(3600 + 75)), "-010115");
    }

    #[test]
    fn southern_hemisphere_daylight_time() {
        let v = vtimezone(chrono_tz::Australia::Sydney, 2026, 2026);
        // AEDT ends first Sunday of April, starts first Sunday of October.
        assert!(
            v.contains("BEGIN:STANDARD\r\nDTSTART:20260405T030000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000"),
            "{v}"
        );
        assert!(
            v.contains("BEGIN:DAYLIGHT\r\nDTSTART:20261004T020000\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100"),
            "{v}"
        );
    }
}
