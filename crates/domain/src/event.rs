//! Events: what they are (times in an IANA zone, place, capacity, join mode, status), the
//! input rules, and who may create, manage, RSVP to and see the attendees of one.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::community::CommunityRole;
use crate::policy::{Access, Denied};
use crate::validate::{Invalid, InvalidCode};

/// Size limits for event fields, in characters.
pub struct EventLimits;

impl EventLimits {
    /// Titles.
    pub const TITLE: usize = 200;
    /// Place names.
    pub const PLACE_NAME: usize = 200;
    /// Postal addresses.
    pub const ADDRESS: usize = 500;
    /// Online and external URLs.
    pub const URL: usize = 2_000;
    /// Largest capacity.
    pub const CAPACITY: i64 = 1_000_000;
}

string_enum! {
    /// How people take part.
    JoinMode {
        /// Anyone who may RSVP is in at once (while there is room).
        Free = "free",
        /// An organiser accepts or rejects each RSVP.
        Approval = "approval",
        /// RSVPs happen elsewhere (`external_url`); none are taken here.
        External = "external",
    }
}

string_enum! {
    /// Whether the event takes place.
    EventStatus {
        /// It takes place.
        Confirmed = "confirmed",
        /// Not certain yet.
        Tentative = "tentative",
        /// Called off.
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// Where a person stands for one event.
    ParticipantStatus {
        /// Attending.
        Going = "going",
        /// Waiting for a place to free up.
        Waitlisted = "waitlisted",
        /// Waiting for an organiser (approval events).
        Pending = "pending",
        /// Refused by an organiser.
        Rejected = "rejected",
    }
}

/// A community's event settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventSettings {
    /// Members (not only moderators) may create events.
    pub members_may_create: bool,
    /// Members may see who attends (organisers and moderators always may).
    pub attendees_visible_to_members: bool,
}

impl Default for EventSettings {
    fn default() -> Self {
        EventSettings { members_may_create: false, attendees_visible_to_members: true }
    }
}

/// A known IANA time zone name such as `Europe/Paris`.
pub fn timezone(raw: &str) -> Result<Tz, Invalid> {
    raw.trim().parse::<Tz>().map_err(|_| Invalid::new("timezone", "must be an IANA time zone such as Europe/Paris"))
}

/// A time given either with an offset (RFC 3339) or as wall-clock time in `tz`
/// (`2026-12-01T18:30`, seconds optional). Wall-clock times that do not exist (skipped by a
/// daylight-saving change) are refused; ambiguous ones take the earlier instant.
pub fn time(field: &'static str, raw: &str, tz: Tz) -> Result<DateTime<Utc>, Invalid> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::<FixedOffset>::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            Invalid::coded(field, InvalidCode::DateTime, "must be a date and time such as 2026-12-01T18:30")
        })?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
        LocalResult::None => Err(Invalid::coded(
            field,
            InvalidCode::TimeSkipped,
            "does not exist in this time zone (daylight-saving change)",
        )),
    }
}

/// An event must end after it starts, start between 1970 and 2200, and last at most a year
/// (which also bounds the time-zone data a calendar feed carries).
pub fn times(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), Invalid> {
    use chrono::Datelike;
    if !(1970..=2200).contains(&starts_at.year()) {
        return Err(Invalid::coded("starts_at", InvalidCode::YearRange, "must be between the years 1970 and 2200"));
    }
    if ends_at <= starts_at {
        return Err(Invalid::coded("ends_at", InvalidCode::EndsBeforeStart, "must be after starts_at"));
    }
    if ends_at - starts_at > chrono::Duration::days(366) {
        return Err(Invalid::coded("ends_at", InvalidCode::TooLongEvent, "must be at most a year after starts_at"));
    }
    Ok(())
}

/// Capacity: none (unlimited) or 0 to a million.
pub fn capacity(raw: Option<i64>) -> Result<Option<i64>, Invalid> {
    match raw {
        Some(c) if !(0..=EventLimits::CAPACITY).contains(&c) => {
            Err(Invalid::new("capacity", "must be between 0 and 1000000, or absent for no limit"))
        }
        other => Ok(other),
    }
}

/// An optional `http(s)://` URL ('' for none).
pub fn url(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    let lower = raw.to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && raw.len() <= EventLimits::URL
        && raw.len() > lower.find("://").unwrap_or(0) + 3
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(raw.to_owned()) } else { Err(Invalid::new(field, "must be an http:// or https:// address")) }
}

/// An external event needs its external URL.
pub fn join_mode(mode: JoinMode, external_url: &str) -> Result<(), Invalid> {
    if mode == JoinMode::External && external_url.is_empty() {
        Err(Invalid::coded("external_url", InvalidCode::ExternalUrlRequired, "is required when join_mode is external"))
    } else {
        Ok(())
    }
}

/// What an RSVP of "going" becomes.
pub fn rsvp_outcome(
    mode: JoinMode,
    status: EventStatus,
    capacity: Option<i64>,
    going: i64,
) -> Result<ParticipantStatus, Denied> {
    if status == EventStatus::Cancelled {
        return Err(Denied::EventCancelled);
    }
    match mode {
        JoinMode::External => Err(Denied::RsvpClosed),
        JoinMode::Approval => Ok(ParticipantStatus::Pending),
        JoinMode::Free => Ok(seat(capacity, going)),
    }
}

/// Going if there is room, else waitlisted (also for an organiser's acceptance).
pub fn seat(capacity: Option<i64>, going: i64) -> ParticipantStatus {
    match capacity {
        Some(c) if going >= c => ParticipantStatus::Waitlisted,
        _ => ParticipantStatus::Going,
    }
}

/// How many waitlisted people move up to going, first come first served, after someone left
/// or the capacity changed.
pub fn promotions(capacity: Option<i64>, going: i64, waitlisted: usize) -> usize {
    match capacity {
        None => waitlisted,
        Some(c) => usize::try_from((c - going).max(0)).unwrap_or(0).min(waitlisted),
    }
}

impl Access {
    /// Creating an event: moderators, or members when the community allows it.
    pub fn create_event(&self, settings: EventSettings) -> Result<(), Denied> {
        if self.moderate().is_ok() {
            return Ok(());
        }
        match self.role {
            CommunityRole::Member if settings.members_may_create => Ok(()),
            CommunityRole::Member => Err(Denied::ModeratorsOnly),
            _ => self.start_discussion(),
        }
    }

    /// Editing, cancelling, deleting an event and deciding its RSVPs: its organiser (while
    /// not banned) or a moderator.
    pub fn manage_event(&self, is_organiser: bool) -> Result<(), Denied> {
        if self.moderate().is_ok() {
            return Ok(());
        }
        match self.role {
            CommunityRole::Anonymous => Err(Denied::SignInRequired),
            CommunityRole::Banned => Err(Denied::Banned),
            _ if is_organiser => Ok(()),
            _ => Err(Denied::ModeratorsOnly),
        }
    }

    /// RSVPing: members of the community.
    pub fn rsvp(&self) -> Result<(), Denied> {
        self.start_discussion()
    }

    /// Seeing who attends: the organiser and moderators always; members when the community
    /// allows it.
    pub fn see_attendees(&self, is_organiser: bool, settings: EventSettings) -> bool {
        self.manage_event(is_organiser).is_ok() || (self.role.is_member() && settings.attendees_visible_to_members)
    }
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
