//! Another instance's answer to a network search, as received: parsed into loose shapes,
//! then checked and cleaned before anything of it is shown. A peer is not trusted: an answer
//! that breaks a rule is dropped whole (the caller lists the peer as `bad_answer`).

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::search::{HitCommunity, SearchHit, SearchKind, Segment};

/// Most results accepted from one instance.
pub const MAX_RESULTS: usize = 20;
/// Characters kept of a title.
pub const TITLE_CHARS: usize = 200;
/// Characters kept of a snippet (all its pieces together).
pub const SNIPPET_CHARS: usize = 400;
/// Characters kept of a name, handle or department.
pub const NAME_CHARS: usize = 120;
/// Any string longer than this (before cleaning) makes the whole answer absurd.
const ABSURD_CHARS: usize = 10_000;
/// Snippet pieces beyond this make the answer absurd.
const MAX_SEGMENTS: usize = 100;
/// The longest accepted result address.
const MAX_URL_CHARS: usize = 2_000;

/// The answer's JSON shape (see docs/federation.md, "Network search").
#[derive(Debug, Deserialize)]
struct Answer {
    instance: String,
    #[serde(default)]
    department: Option<String>,
    results: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
struct Hit {
    kind: String,
    object_id: i64,
    title: String,
    #[serde(default)]
    snippet: Vec<Piece>,
    url: String,
    #[serde(default)]
    community: Option<Community>,
    #[serde(default)]
    author: Option<String>,
    published_at: DateTime<Utc>,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Piece {
    text: String,
    #[serde(default)]
    hit: bool,
}

#[derive(Debug, Deserialize)]
struct Community {
    handle: String,
    title: String,
}

/// A checked answer: its department (if it said) and its results, in its order.
#[derive(Debug)]
pub struct Checked {
    /// The department the instance names, cleaned.
    pub department: Option<String>,
    /// Its results, cleaned, `instance` set to the instance asked.
    pub hits: Vec<SearchHit>,
}

/// Checks `body`, the answer of `domain` asked over `scheme`: JSON of the right shape, about
/// `domain` itself, at most [`MAX_RESULTS`] results, each a known kind with an address on
/// `scheme://domain/`, no absurd string. `Err` says what was wrong (for the log).
pub fn check(body: &[u8], scheme: &str, domain: &str) -> Result<Checked, String> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| format!("not the answer's JSON shape: {e}"))?;
    if !answer.instance.eq_ignore_ascii_case(domain) {
        return Err(format!("answered as {:?}", clip(&answer.instance, NAME_CHARS)));
    }
    if answer.results.len() > MAX_RESULTS {
        return Err(format!("{} results (at most {MAX_RESULTS})", answer.results.len()));
    }
    let prefix = format!("{scheme}://{}/", domain.to_ascii_lowercase());
    let department = answer.department.as_deref().map(|d| short(d, NAME_CHARS)).transpose()?.flatten();
    let hits = answer.results.into_iter().map(|h| hit(h, &prefix, domain)).collect::<Result<Vec<_>, _>>()?;
    Ok(Checked { department, hits })
}

fn hit(h: Hit, prefix: &str, domain: &str) -> Result<SearchHit, String> {
    let kind = SearchKind::parse(&h.kind).ok_or_else(|| format!("unknown kind {:?}", clip(&h.kind, 20)))?;
    let url_ok = h.url.len() <= MAX_URL_CHARS
        && h.url.to_ascii_lowercase().starts_with(prefix)
        && !h.url.chars().any(|c| c.is_control() || c.is_whitespace())
        && url::Url::parse(&h.url).is_ok();
    if !url_ok {
        return Err(format!("result address {:?} is not on {prefix}", clip(&h.url, 100)));
    }
    if h.snippet.len() > MAX_SEGMENTS {
        return Err(format!("{} snippet pieces", h.snippet.len()));
    }
    let title = short(&h.title, TITLE_CHARS)?.unwrap_or_default();
    let mut snippet = Vec::with_capacity(h.snippet.len());
    let mut left = SNIPPET_CHARS;
    for p in h.snippet {
        if left == 0 {
            break;
        }
        let Some(text) = short(&p.text, left)? else { continue };
        left = left.saturating_sub(text.chars().count());
        snippet.push(Segment { text, hit: p.hit });
    }
    let community = match h.community {
        Some(c) => match (short(&c.handle, NAME_CHARS)?, short(&c.title, NAME_CHARS)?) {
            (Some(handle), title) => Some(HitCommunity { handle, title: title.unwrap_or_default() }),
            (None, _) => None,
        },
        None => None,
    };
    let author = h.author.as_deref().map(|a| short(a, NAME_CHARS)).transpose()?.flatten();
    let language = h.language.filter(|l| l == "en" || l == "fr");
    Ok(SearchHit {
        kind,
        object_id: h.object_id,
        title,
        snippet,
        url: h.url,
        community,
        instance: domain.to_owned(),
        author,
        published_at: h.published_at,
        language,
    })
}

/// `s` without control characters, runs of white space made one space, at most `max`
/// characters; `None` when nothing is left; `Err` when `s` is absurdly long.
pub fn short(s: &str, max: usize) -> Result<Option<String>, String> {
    if s.chars().count() > ABSURD_CHARS {
        return Err(format!("a string of {} characters", s.chars().count()));
    }
    let cleaned = clean(s);
    let cleaned = clip(&cleaned, max);
    Ok((!cleaned.is_empty()).then_some(cleaned))
}

/// `s` without control characters (and bidirectional overrides), white space made single
/// spaces, trimmed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}' | '\u{feff}') {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// At most `max` characters of `s`, an ellipsis marking a cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn result(url: &str) -> Value {
        json!({"kind": "discussion", "object_id": 7, "title": "Budget\u{0007} talk", "url": url,
               "snippet": [{"text": "the \u{202e}budget", "hit": false}, {"text": "plan", "hit": true}],
               "community": {"handle": "finance", "title": "Finance"}, "instance": "elsewhere.example",
               "author": "ann", "published_at": "2026-12-01T10:00:00Z", "language": "en"})
    }

    fn answer(results: Vec<Value>) -> Vec<u8> {
        json!({"instance": "b.example", "department": "Dept\nB", "results": results, "has_more": false})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_good_answer_is_cleaned_and_labelled_with_the_instance_asked() {
        let c = check(&answer(vec![result("https://b.example/c/finance/d/7")]), "https", "b.example").unwrap();
        assert_eq!(c.department.as_deref(), Some("Dept B"));
        let h = &c.hits[0];
        assert_eq!(h.title, "Budget talk");
        assert_eq!(h.snippet[0].text, "the budget");
        assert_eq!(h.instance, "b.example", "the answer does not say where its results live");
        assert_eq!(h.kind, SearchKind::Discussion);
    }

    #[test]
    fn results_elsewhere_or_over_http_or_too_many_or_absurd_are_refused() {
        for url in ["http://b.example/d/1", "https://evil.example/d/1", "https://b.example.evil/d/1", "javascript:x"] {
            assert!(check(&answer(vec![result(url)]), "https", "b.example").is_err(), "{url}");
        }
        let many = (0..21).map(|_| result("https://b.example/d/1")).collect();
        assert!(check(&answer(many), "https", "b.example").is_err());
        let mut long = result("https://b.example/d/1");
        long["title"] = json!("x".repeat(20_000));
        assert!(check(&answer(vec![long]), "https", "b.example").is_err());
        assert!(check(b"<html>", "https", "b.example").is_err());
        assert!(check(&answer(vec![]), "https", "c.example").is_err(), "answered for another instance");
        let mut kind = result("https://b.example/d/1");
        kind["kind"] = json!("payload");
        assert!(check(&answer(vec![kind]), "https", "b.example").is_err());
    }

    #[test]
    fn long_titles_and_snippets_are_cut() {
        let mut r = result("https://b.example/d/1");
        r["title"] = json!("t".repeat(500));
        r["snippet"] = json!([{"text": "s".repeat(300), "hit": false}, {"text": "u".repeat(300), "hit": true}]);
        let c = check(&answer(vec![r]), "https", "b.example").unwrap();
        assert_eq!(c.hits[0].title.chars().count(), TITLE_CHARS);
        let total: usize = c.hits[0].snippet.iter().map(|s| s.text.chars().count()).sum();
        assert!(total <= SNIPPET_CHARS, "{total}");
    }
}
