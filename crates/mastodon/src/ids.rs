//! Mastodon ids are strings; Guildhall keeps discussions, replies and events, members and
//! communities in separate tables. One number per thing keeps ids opaque, numeric (some
//! clients compare them by length, then as text) and stable: the row id times four plus a
//! kind tag.

use std::fmt;

/// What a status id points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusId {
    /// A discussion (its first post).
    Discussion(i64),
    /// A reply in a discussion.
    Reply(i64),
    /// An event.
    Event(i64),
}

/// What an account id points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountId {
    /// A person (local or remote).
    Person(i64),
    /// A community or guild (a Mastodon group account), local or remote.
    Group(i64),
}

fn encode(row: i64, tag: i64) -> String {
    (row.saturating_mul(4) + tag).to_string()
}

fn decode(s: &str) -> Option<(i64, i64)> {
    let n: i64 = s.trim().parse().ok()?;
    (n > 0).then_some((n / 4, n % 4))
}

impl StatusId {
    /// Parses a status id from a path or query; `None` when it names nothing Guildhall has.
    pub fn parse(s: &str) -> Option<Self> {
        match decode(s)? {
            (row, 0) if row > 0 => Some(StatusId::Discussion(row)),
            (row, 1) if row > 0 => Some(StatusId::Reply(row)),
            (row, 2) if row > 0 => Some(StatusId::Event(row)),
            _ => None,
        }
    }
}

impl fmt::Display for StatusId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match *self {
            StatusId::Discussion(r) => encode(r, 0),
            StatusId::Reply(r) => encode(r, 1),
            StatusId::Event(r) => encode(r, 2),
        };
        f.write_str(&s)
    }
}

impl AccountId {
    /// Parses an account id; `None` when it names nothing Guildhall has.
    pub fn parse(s: &str) -> Option<Self> {
        match decode(s)? {
            (row, 0) if row > 0 => Some(AccountId::Person(row)),
            (row, 1) if row > 0 => Some(AccountId::Group(row)),
            _ => None,
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match *self {
            AccountId::Person(r) => encode(r, 0),
            AccountId::Group(r) => encode(r, 1),
        };
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_do_not_collide() {
        for row in [1, 2, 7, 1_000_000_007] {
            for id in [StatusId::Discussion(row), StatusId::Reply(row), StatusId::Event(row)] {
                assert_eq!(StatusId::parse(&id.to_string()), Some(id));
            }
            for id in [AccountId::Person(row), AccountId::Group(row)] {
                assert_eq!(AccountId::parse(&id.to_string()), Some(id));
            }
        }
        assert_ne!(StatusId::Discussion(3).to_string(), StatusId::Reply(3).to_string());
    }

    #[test]
    fn junk_names_nothing() {
        for s in ["", "0", "-4", "3", "abc", "4.0", "99999999999999999999999", "1 2"] {
            assert_eq!(StatusId::parse(s), None, "{s}");
        }
        assert_eq!(AccountId::parse("2"), None);
        assert_eq!(AccountId::parse("3"), None);
    }
}
