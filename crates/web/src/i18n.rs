//! English and French: the Fluent messages embedded at compile time, choosing a language
//! for a request, and localised dates.
//!
//! The messages live in `locales/{en,fr}/main.ftl`. Templates call [`Lang::t`] and friends;
//! a missing message shows its id, and a test checks both files have the same ids.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::http::HeaderMap;
use chrono::{DateTime, Datelike, Timelike, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    // Constant data compiled into the binary, not application state.
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en");
static FR: LanguageIdentifier = langid!("fr");

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

/// A number usable as a Fluent argument (plurals need numbers, not text).
pub trait Num {
    /// The value as a float.
    fn as_f64(&self) -> f64;
}

macro_rules! num {
    ($($t:ty),*) => { $(impl Num for $t { fn as_f64(&self) -> f64 { *self as f64 } })* };
}
num!(u64, i64, i32, u32, usize);

impl<T: Num> Num for &T {
    fn as_f64(&self) -> f64 {
        (*self).as_f64()
    }
}

impl Lang {
    /// Both languages, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The BCP 47 code used in `lang` attributes, cookies and the account setting.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's name in itself ("English", "Français").
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// The other language (for the switch in the header).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }

    /// Parses `en`, `fr`, `en-CA`, `fr-ca` and the like.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }

    fn lookup(self, id: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue<'_>>>) -> String {
        LOCALES.try_lookup_complete(self.id(), id, args).unwrap_or_else(|| {
            tracing::warn!(id, lang = self.code(), "missing translation");
            id.to_owned()
        })
    }

    /// The message `id`.
    pub fn t(&self, id: &str) -> String {
        self.lookup(id, None)
    }

    /// The message `id` with one text argument.
    pub fn ts(&self, id: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        let mut args = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(value.to_string()));
        self.lookup(id, Some(&args))
    }

    /// The message `id` with one number argument (for plurals).
    pub fn tn(&self, id: &str, name: &'static str, n: impl Num) -> String {
        let mut args = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(n.as_f64()));
        self.lookup(id, Some(&args))
    }

    /// The message `id` with two text arguments.
    pub fn t2(
        &self,
        id: &str,
        a: &'static str,
        av: impl std::fmt::Display,
        b: &'static str,
        bv: impl std::fmt::Display,
    ) -> String {
        let mut args = HashMap::new();
        args.insert(Cow::Borrowed(a), FluentValue::from(av.to_string()));
        args.insert(Cow::Borrowed(b), FluentValue::from(bv.to_string()));
        self.lookup(id, Some(&args))
    }

    /// The message `id` with any number of text arguments.
    pub fn tm(&self, id: &str, named: &[(&'static str, &str)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
            named.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string()))).collect();
        self.lookup(id, Some(&args))
    }

    /// A date and time in this language, in UTC: "23 November 2026, 18:05 UTC" or
    /// "23 novembre 2026, 18 h 05 UTC".
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        match self {
            Lang::En => format!("{}, {:02}:{:02} UTC", self.date(at), at.hour(), at.minute()),
            Lang::Fr => format!("{}, {} h {:02} UTC", self.date(at), at.hour(), at.minute()),
        }
    }

    /// A date in this language: "23 November 2026" or "23 novembre 2026" ("1er" in French).
    pub fn date(&self, at: &DateTime<Utc>) -> String {
        self.date_of(at)
    }

    /// A wall-clock date and time in time zone `tz` (an IANA name; UTC when unknown), without
    /// the zone's name: "1 December 2026, 18:30" or "1er décembre 2026, 18 h 30".
    pub fn datetime_in(&self, at: &DateTime<Utc>, tz: &str) -> String {
        let tz: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
        let local = at.with_timezone(&tz);
        match self {
            Lang::En => format!("{}, {:02}:{:02}", self.date_of(&local), local.hour(), local.minute()),
            Lang::Fr => format!("{}, {} h {:02}", self.date_of(&local), local.hour(), local.minute()),
        }
    }

    fn date_of(&self, at: &impl Datelike) -> String {
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const FR_MONTHS: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        let m = at.month0() as usize;
        match self {
            Lang::En => format!("{} {} {}", at.day(), EN_MONTHS[m], at.year()),
            Lang::Fr if at.day() == 1 => format!("1er {} {}", FR_MONTHS[m], at.year()),
            Lang::Fr => format!("{} {} {}", at.day(), FR_MONTHS[m], at.year()),
        }
    }

    /// The machine-readable form for `<time datetime>`.
    pub fn iso(&self, at: &DateTime<Utc>) -> String {
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// The first of our languages the browser asks for in `Accept-Language`, by weight.
pub fn from_accept_language(headers: &HeaderMap) -> Option<Lang> {
    let raw = headers.get(axum::http::header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, usize, Lang)> = None;
    for (i, part) in raw.split(',').enumerate() {
        let mut bits = part.split(';');
        let Some(lang) = bits.next().and_then(Lang::parse) else { continue };
        let q =
            bits.filter_map(|b| b.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        // Higher weight wins; on a tie, the earlier entry.
        if best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && i < bi)) {
            best = Some((q, i, lang));
        }
    }
    best.map(|(_, _, l)| l)
}

/// Chooses the page language: the account's setting, then the switch's cookie, then the
/// browser's `Accept-Language`, then English.
pub fn choose(account: Option<&str>, cookie: Option<&str>, headers: &HeaderMap) -> Lang {
    account
        .and_then(Lang::parse)
        .or_else(|| cookie.and_then(Lang::parse))
        .or_else(|| from_accept_language(headers))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use chrono::TimeZone;

    fn accept(v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static(v));
        h
    }

    #[test]
    fn chooses_account_then_cookie_then_browser() {
        let fr_browser = accept("fr-CA,fr;q=0.9,en;q=0.8");
        assert_eq!(choose(None, None, &fr_browser), Lang::Fr);
        assert_eq!(choose(None, Some("en"), &fr_browser), Lang::En);
        assert_eq!(choose(Some("fr"), Some("en"), &HeaderMap::new()), Lang::Fr);
        assert_eq!(choose(None, Some("xx"), &HeaderMap::new()), Lang::En);
        assert_eq!(choose(None, None, &accept("de, fr;q=0.5, en;q=0.7")), Lang::En);
        assert_eq!(choose(None, None, &accept("de, en;q=0, fr;q=0.1")), Lang::Fr);
    }

    #[test]
    fn translates_with_plurals_and_no_isolation_marks() {
        assert_eq!(Lang::En.tn("member-count", "count", 1u64), "1 member");
        assert_eq!(Lang::En.tn("member-count", "count", 2u64), "2 members");
        assert_eq!(Lang::Fr.tn("member-count", "count", 1u64), "1 membre");
        assert_eq!(Lang::Fr.tn("member-count", "count", 3u64), "3 membres");
        assert!(!Lang::Fr.ts("signed-in-as", "name", "ada").contains('\u{2068}'));
    }

    #[test]
    fn dates_are_localised() {
        let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 5, 0).unwrap();
        assert_eq!(Lang::En.datetime(&at), "1 November 2026, 09:05 UTC");
        assert_eq!(Lang::Fr.datetime(&at), "1er novembre 2026, 9 h 05 UTC");
        assert_eq!(Lang::Fr.iso(&at), "2026-11-01T09:05:00Z");
        assert_eq!(Lang::En.datetime_in(&at, "America/Toronto"), "1 November 2026, 04:05");
        assert_eq!(Lang::Fr.datetime_in(&at, "Europe/Paris"), "1er novembre 2026, 10 h 05");
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let ids = |src: &str| -> Vec<String> {
            let mut v: Vec<String> = src
                .lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .collect();
            v.sort();
            v
        };
        let en = ids(include_str!("../locales/en/main.ftl"));
        let fr = ids(include_str!("../locales/fr/main.ftl"));
        let missing_fr: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
        let missing_en: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
        assert!(missing_fr.is_empty() && missing_en.is_empty(), "fr lacks {missing_fr:?}; en lacks {missing_en:?}");
    }
}
