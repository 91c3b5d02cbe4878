//! A search as it arrives (the API's query string, the web page's form) read into a
//! [`SearchQuery`]: one set of rules, so the API and the page refuse the same values, each
//! naming the parameter at fault.

use chrono::{Datelike, NaiveDate};
use guildhall_domain::search::{MAX_QUERY_CHARS, SearchKind};
use guildhall_domain::{Invalid, InvalidCode};

use crate::search::SearchQuery;

/// Results per page when none is asked for.
pub const DEFAULT_LIMIT: u64 = 20;
/// Most results per page.
pub const MAX_LIMIT: u64 = 50;
/// The deepest offset accepted: further than that, a narrower search serves better.
pub const MAX_OFFSET: u64 = 10_000;
/// The longest community, guild or instance name accepted as a filter.
const MAX_NAME_CHARS: usize = 255;

/// A search as typed: every value as sent, empty when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// The words.
    pub q: String,
    /// Each `kind` value sent (the parameter repeats; a value may also be a comma list).
    pub kinds: Vec<String>,
    /// `community`.
    pub community: String,
    /// `guild`.
    pub guild: String,
    /// `instance`.
    pub instance: String,
    /// `since` (YYYY-MM-DD).
    pub since: String,
    /// `until` (YYYY-MM-DD).
    pub until: String,
    /// `language` (`en` or `fr`).
    pub language: String,
    /// `offset`.
    pub offset: String,
    /// `limit`.
    pub limit: String,
    /// `network` (`true`, `false`; a checkbox's `on`).
    pub network: String,
}

/// A search read and checked: the query, and whether to ask the other instances too.
#[derive(Debug, Clone)]
pub struct ParsedSearch {
    /// What to find here.
    pub query: SearchQuery,
    /// Whether to ask the network as well.
    pub network: bool,
}

impl SearchRequest {
    /// From the `key=value` pairs of a query string, repeated `kind`s kept; a later value of
    /// another key replaces an earlier one, unknown keys are ignored.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> SearchRequest {
        let mut r = SearchRequest::default();
        for (k, v) in pairs {
            match k.as_str() {
                "q" => r.q = v,
                "kind" => r.kinds.push(v),
                "community" => r.community = v,
                "guild" => r.guild = v,
                "instance" => r.instance = v,
                "since" => r.since = v,
                "until" => r.until = v,
                "language" => r.language = v,
                "offset" => r.offset = v,
                "limit" => r.limit = v,
                "network" => r.network = v,
                _ => {}
            }
        }
        r
    }

    /// The kinds asked for, each once, in the order of [`SearchKind::ALL`].
    pub fn kind_set(&self) -> Result<Vec<SearchKind>, Invalid> {
        let mut kinds = Vec::new();
        for name in self.kinds.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
            let kind = SearchKind::parse(name).ok_or_else(|| {
                let all: Vec<&str> = SearchKind::ALL.iter().map(|k| k.as_str()).collect();
                Invalid::new("kind", format!("must be one of {}", all.join(", ")))
            })?;
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
        kinds.sort();
        Ok(kinds)
    }

    /// The checked search, or the first value that breaks a rule.
    pub fn parse(&self) -> Result<ParsedSearch, Invalid> {
        // Control characters (NUL among them, which PostgreSQL refuses) separate words anyway.
        let text: String = self.q.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let text = text.trim().to_owned();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(Invalid::coded(
                "q",
                InvalidCode::TooLong { max: MAX_QUERY_CHARS },
                format!("must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let kinds = self.kind_set()?;
        let community = name("community", &self.community)?;
        let guild = name("guild", &self.guild)?;
        let instance = name("instance", &self.instance)?.map(|i| i.to_lowercase());
        let since = date("since", &self.since)?;
        let until = date("until", &self.until)?;
        if let (Some(s), Some(u)) = (since, until)
            && u < s
        {
            return Err(Invalid::coded("until", InvalidCode::EndsBeforeStart, "must not be before since"));
        }
        let language = match self.language.trim() {
            "" => None,
            l @ ("en" | "fr") => Some(l.to_owned()),
            _ => return Err(Invalid::new("language", "must be en or fr")),
        };
        let limit = number("limit", &self.limit, DEFAULT_LIMIT, 1, MAX_LIMIT)?;
        let offset = number("offset", &self.offset, 0, 0, MAX_OFFSET)?;
        let network = match self.network.trim() {
            "" | "false" | "0" | "off" => false,
            "true" | "1" | "on" => true,
            _ => return Err(Invalid::new("network", "must be true or false")),
        };
        let query = SearchQuery { text, kinds, community, guild, instance, since, until, language, offset, limit };
        Ok(ParsedSearch { query, network })
    }
}

/// A community, guild or instance name: one line, not too long; empty is no filter.
fn name(field: &'static str, value: &str) -> Result<Option<String>, Invalid> {
    let value = value.trim();
    if value.chars().any(char::is_control) {
        return Err(Invalid::coded(field, InvalidCode::SingleLine, "must be one line of text"));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        let message = format!("must be at most {MAX_NAME_CHARS} characters");
        return Err(Invalid::coded(field, InvalidCode::TooLong { max: MAX_NAME_CHARS }, message));
    }
    Ok((!value.is_empty()).then(|| value.trim_start_matches('@').to_owned()))
}

/// A day as `YYYY-MM-DD` between the years 1900 and 9999; empty is no filter.
fn date(field: &'static str, value: &str) -> Result<Option<NaiveDate>, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || Invalid::coded(field, InvalidCode::DateTime, "must be a date as YYYY-MM-DD");
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    if value.len() != 10 || !(1900..=9999).contains(&day.year()) {
        return Err(bad());
    }
    Ok(Some(day))
}

/// A whole number from `min` to `max`; `default` when empty.
fn number(field: &'static str, value: &str, default: u64, min: u64, max: u64) -> Result<u64, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(default);
    }
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Invalid::new(field, format!("must be a whole number from {min} to {max}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(pairs: &[(&str, &str)]) -> SearchRequest {
        SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn a_full_search_is_read() {
        let p = req(&[
            ("q", " budget\u{0}plan "),
            ("kind", "reply,discussion"),
            ("kind", "discussion"),
            ("kind", "wiki"),
            ("community", "@ux@b.example"),
            ("instance", "B.example"),
            ("since", "2026-01-02"),
            ("until", "2026-01-02"),
            ("language", "fr"),
            ("offset", "40"),
            ("limit", "50"),
            ("network", "on"),
            ("other", "ignored"),
        ])
        .parse()
        .expect("valid");
        let q = p.query;
        assert_eq!(q.text, "budget plan");
        assert_eq!(q.kinds, [SearchKind::Discussion, SearchKind::Reply, SearchKind::Wiki]);
        assert_eq!(q.community.as_deref(), Some("ux@b.example"));
        assert_eq!(q.instance.as_deref(), Some("b.example"));
        assert_eq!(q.since, NaiveDate::from_ymd_opt(2026, 1, 2));
        assert_eq!((q.language.as_deref(), q.offset, q.limit, p.network), (Some("fr"), 40, 50, true));
    }

    #[test]
    fn defaults_for_what_is_not_sent() {
        let p = req(&[("kind", ""), ("language", ""), ("since", "")]).parse().expect("valid");
        assert_eq!((p.query.text.as_str(), p.query.limit, p.query.offset, p.network), ("", DEFAULT_LIMIT, 0, false));
        assert!(p.query.kinds.is_empty() && p.query.since.is_none() && p.query.community.is_none());
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let field = |pairs: &[(&str, &str)]| req(pairs).parse().expect_err("invalid").field;
        assert_eq!(field(&[("kind", "discussion,bogus")]), "kind");
        assert_eq!(field(&[("since", "2026-13-01")]), "since");
        assert_eq!(field(&[("since", "02/01/2026")]), "since");
        assert_eq!(field(&[("until", "0001-01-01")]), "until");
        assert_eq!(field(&[("since", "2026-02-02"), ("until", "2026-02-01")]), "until");
        assert_eq!(field(&[("language", "de")]), "language");
        assert_eq!(field(&[("limit", "0")]), "limit");
        assert_eq!(field(&[("limit", "51")]), "limit");
        assert_eq!(field(&[("limit", "-1")]), "limit");
        assert_eq!(field(&[("offset", "99999999999999999999")]), "offset");
        assert_eq!(field(&[("network", "maybe")]), "network");
        assert_eq!(field(&[("guild", "a\nb")]), "guild");
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        let e = req(&[("q", long.as_str())]).parse().expect_err("too long");
        assert_eq!((e.field, e.code), ("q", InvalidCode::TooLong { max: MAX_QUERY_CHARS }));
        assert!(req(&[("q", &"é".repeat(MAX_QUERY_CHARS))]).parse().is_ok(), "characters, not bytes");
    }
}
