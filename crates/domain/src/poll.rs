//! Polls on discussions: what a valid poll is, who may vote, what a vote may choose, and
//! when results may be shown. Pure functions; the clock is always passed in.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::policy::{Access, Denied};
use crate::validate::{Invalid, InvalidCode};

/// Fewest options a poll may have.
pub const MIN_OPTIONS: usize = 2;
/// Most options a poll may have.
pub const MAX_OPTIONS: usize = 20;
/// Longest option text, in characters.
pub const OPTION_LEN: usize = 200;
/// Furthest closing time from now.
pub const MAX_DURATION_DAYS: i64 = 366;

/// Single or multiple choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum PollKind {
    /// One option per voter (`oneOf`).
    #[default]
    Single,
    /// Any number of options per voter (`anyOf`).
    Multiple,
}

/// Checks and normalises the options of a new poll: trimmed, 2–20, each 1–200 characters, no
/// duplicates (ignoring case and surrounding space).
pub fn options(raw: &[String]) -> Result<Vec<String>, Invalid> {
    if raw.len() < MIN_OPTIONS || raw.len() > MAX_OPTIONS {
        return Err(Invalid::new("poll.options", format!("must have {MIN_OPTIONS} to {MAX_OPTIONS} options")));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for o in raw {
        let t = o.trim();
        if t.is_empty() {
            return Err(Invalid::new("poll.options", "an option must not be empty"));
        }
        if t.chars().count() > OPTION_LEN {
            return Err(Invalid::new("poll.options", format!("an option must be at most {OPTION_LEN} characters")));
        }
        if t.chars().any(char::is_control) {
            return Err(Invalid::new("poll.options", "an option must not contain control characters"));
        }
        if out.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
            return Err(Invalid::coded(
                "poll.options",
                InvalidCode::DuplicateOption,
                format!("\"{t}\" is listed twice"),
            ));
        }
        out.push(t.to_owned());
    }
    Ok(out)
}

/// Checks a closing time: in the future, and within a year.
pub fn closes_at(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, Invalid> {
    match at {
        Some(t) if t <= now => Err(Invalid::coded("poll.closes_at", InvalidCode::NotInFuture, "must be in the future")),
        Some(t) if t > now + Duration::days(MAX_DURATION_DAYS) => {
            Err(Invalid::new("poll.closes_at", "must be within a year"))
        }
        other => Ok(other),
    }
}

/// What the rules need to know about one poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Poll {
    /// Single or multiple choice.
    pub kind: PollKind,
    /// How many options it has.
    pub option_count: usize,
    /// When it closes (none: open until the discussion is locked or deleted).
    pub closes_at: Option<DateTime<Utc>>,
    /// Results hidden until it closes.
    pub hide_results: bool,
}

/// What to do with a vote from another server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteVote {
    /// Count it.
    Count,
    /// The same actor already chose this (or, single choice, anything): ignore it.
    Duplicate,
}

impl Poll {
    /// Whether the poll is closed at `now`.
    pub fn is_closed(&self, now: DateTime<Utc>) -> bool {
        self.closes_at.is_some_and(|t| t <= now)
    }

    /// May this viewer vote? Those who may reply in the discussion, while the poll is open.
    pub fn may_vote(&self, access: &Access, locked: bool, deleted: bool, now: DateTime<Utc>) -> Result<(), Denied> {
        access.reply(locked, deleted)?;
        if self.is_closed(now) { Err(Denied::PollClosed) } else { Ok(()) }
    }

    /// A local member's choices (option positions), sorted and de-duplicated. A new vote
    /// replaces the member's earlier one.
    pub fn choices(&self, raw: &[usize]) -> Result<Vec<usize>, Invalid> {
        let mut c: Vec<usize> = raw.to_vec();
        c.sort_unstable();
        c.dedup();
        if c.is_empty() {
            return Err(Invalid::new("choices", "choose at least one option"));
        }
        if c.iter().any(|i| *i >= self.option_count) {
            return Err(Invalid::new("choices", "no such option"));
        }
        if self.kind == PollKind::Single && c.len() > 1 {
            return Err(Invalid::new("choices", "this poll takes one choice"));
        }
        Ok(c)
    }

    /// A vote from another server for `choice`, given what that actor already chose: one vote
    /// per actor (per option for multiple choice); repeats are ignored, never replace.
    pub fn remote_vote(&self, already: &[usize], choice: usize) -> RemoteVote {
        let duplicate = match self.kind {
            PollKind::Single => !already.is_empty(),
            PollKind::Multiple => already.contains(&choice),
        };
        if duplicate { RemoteVote::Duplicate } else { RemoteVote::Count }
    }

    /// Whether the counts may be shown (and federated) at `now`.
    pub fn results_visible(&self, now: DateTime<Utc>) -> bool {
        !self.hide_results || self.is_closed(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CommunityRole, Visibility};

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn poll(kind: PollKind) -> Poll {
        Poll { kind, option_count: 3, closes_at: Some(now() + Duration::hours(1)), hide_results: false }
    }

    fn access(role: CommunityRole) -> Access {
        Access { visibility: Visibility::Public, role, instance_admin: false }
    }

    #[test]
    fn option_count_is_two_to_twenty() {
        assert_eq!(options(&strings(&["a"])).unwrap_err().field, "poll.options");
        assert!(options(&strings(&["a", "b"])).is_ok());
        let twenty: Vec<String> = (0..20).map(|i| format!("o{i}")).collect();
        assert_eq!(options(&twenty).unwrap().len(), 20);
        let many: Vec<String> = (0..21).map(|i| format!("o{i}")).collect();
        assert!(options(&many).is_err());
    }

    #[test]
    fn options_are_trimmed_non_empty_short_and_distinct() {
        assert_eq!(options(&strings(&[" Tea ", "Coffee"])).unwrap(), strings(&["Tea", "Coffee"]));
        assert!(options(&strings(&["Tea", "  "])).is_err());
        assert!(options(&strings(&["Tea", " tea"])).unwrap_err().message.contains("twice"));
        assert!(options(&["a".repeat(201), "b".into()]).is_err());
        assert!(options(&strings(&["a\u{7}", "b"])).is_err());
    }

    #[test]
    fn closing_time_is_in_the_future_within_a_year() {
        assert!(closes_at(Some(now()), now()).is_err());
        assert!(closes_at(Some(now() - Duration::seconds(1)), now()).is_err());
        assert!(closes_at(Some(now() + Duration::days(400)), now()).is_err());
        assert_eq!(closes_at(None, now()).unwrap(), None);
        assert!(closes_at(Some(now() + Duration::minutes(5)), now()).is_ok());
    }

    #[test]
    fn those_who_may_reply_may_vote_while_open() {
        let p = poll(PollKind::Single);
        assert_eq!(p.may_vote(&access(CommunityRole::Member), false, false, now()), Ok(()));
        assert_eq!(p.may_vote(&access(CommunityRole::Moderator), true, false, now()), Ok(()));
        assert_eq!(p.may_vote(&access(CommunityRole::Member), true, false, now()), Err(Denied::Locked));
        assert_eq!(p.may_vote(&access(CommunityRole::NonMember), false, false, now()), Err(Denied::MembersOnly));
        assert_eq!(p.may_vote(&access(CommunityRole::Pending), false, false, now()), Err(Denied::MembersOnly));
        assert_eq!(p.may_vote(&access(CommunityRole::Banned), false, false, now()), Err(Denied::Banned));
        assert_eq!(p.may_vote(&access(CommunityRole::Anonymous), false, false, now()), Err(Denied::SignInRequired));
        assert_eq!(p.may_vote(&access(CommunityRole::Member), false, true, now()), Err(Denied::Deleted));
    }

    #[test]
    fn no_vote_after_close() {
        let p = poll(PollKind::Multiple);
        let later = now() + Duration::hours(2);
        assert!(p.is_closed(later) && !p.is_closed(now()));
        assert_eq!(p.may_vote(&access(CommunityRole::Member), false, false, later), Err(Denied::PollClosed));
        let open_ended = Poll { closes_at: None, ..p };
        assert!(!open_ended.is_closed(later + Duration::days(1000)));
    }

    #[test]
    fn single_choice_takes_one_option() {
        let p = poll(PollKind::Single);
        assert_eq!(p.choices(&[1]).unwrap(), vec![1]);
        assert_eq!(p.choices(&[1, 1]).unwrap(), vec![1], "repeats collapse");
        assert_eq!(p.choices(&[0, 2]).unwrap_err().field, "choices");
        assert!(p.choices(&[]).is_err());
        assert!(p.choices(&[3]).unwrap_err().message.contains("no such option"));
    }

    #[test]
    fn multiple_choice_takes_several() {
        let p = poll(PollKind::Multiple);
        assert_eq!(p.choices(&[2, 0, 2]).unwrap(), vec![0, 2]);
        assert!(p.choices(&[0, 9]).is_err());
    }

    #[test]
    fn remote_repeats_are_ignored() {
        let single = poll(PollKind::Single);
        assert_eq!(single.remote_vote(&[], 1), RemoteVote::Count);
        assert_eq!(single.remote_vote(&[1], 1), RemoteVote::Duplicate);
        assert_eq!(single.remote_vote(&[1], 2), RemoteVote::Duplicate, "no second choice");
        let multi = poll(PollKind::Multiple);
        assert_eq!(multi.remote_vote(&[1], 2), RemoteVote::Count);
        assert_eq!(multi.remote_vote(&[1, 2], 2), RemoteVote::Duplicate);
    }

    #[test]
    fn hidden_results_show_once_closed() {
        let p = Poll { hide_results: true, ..poll(PollKind::Single) };
        assert!(!p.results_visible(now()));
        assert!(p.results_visible(now() + Duration::hours(2)));
        assert!(poll(PollKind::Single).results_visible(now()));
        assert!(!Poll { closes_at: None, ..p }.results_visible(now()), "hidden for good without a close");
    }
}
