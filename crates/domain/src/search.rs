//! Search text, decided once for both databases: how words are folded and stemmed for the
//! index and for a query, which kinds of thing are searched, and how a snippet is cut.
//!
//! Stemming happens here, not in the database: SQLite's FTS5 has no French stemmer, and doing
//! it in one place means SQLite and PostgreSQL find exactly the same documents. Each word is
//! indexed under its English and its French stem, so bilingual content is found in either
//! language without knowing which one a post is in.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 300;
/// Words of a query beyond this many are ignored.
pub const MAX_QUERY_TERMS: usize = 12;
/// Characters of a document's text kept for snippets; its terms cover all of it.
pub const MAX_SNIPPET_SOURCE: usize = 20_000;

/// What a search result is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    /// A discussion's opening post.
    Discussion,
    /// A reply in a discussion.
    Reply,
    /// A wiki page (its current revision).
    Wiki,
    /// An event.
    Event,
    /// A discussion that carries a poll.
    Poll,
    /// A community.
    Community,
    /// A guild.
    Guild,
    /// A person (name, department, skills, bio).
    Person,
}

impl SearchKind {
    /// Every kind, in the order filters list them.
    pub const ALL: [SearchKind; 8] = [
        SearchKind::Discussion,
        SearchKind::Reply,
        SearchKind::Wiki,
        SearchKind::Event,
        SearchKind::Poll,
        SearchKind::Community,
        SearchKind::Guild,
        SearchKind::Person,
    ];

    /// The stable name, as stored and as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Discussion => "discussion",
            SearchKind::Reply => "reply",
            SearchKind::Wiki => "wiki",
            SearchKind::Event => "event",
            SearchKind::Poll => "poll",
            SearchKind::Community => "community",
            SearchKind::Guild => "guild",
            SearchKind::Person => "person",
        }
    }

    /// The kind named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// How far one viewer's search reaches into one community's content: exactly what reading
/// it allows, from the same [`crate::Access`], so search never shows a title reading would not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    /// Content that is not members-only is found.
    pub open: bool,
    /// Members-only content is found too.
    pub members_only: bool,
    /// Posts by authors on limited instances are found (the community's list shows them).
    pub limited_authors: bool,
}

impl Reach {
    /// What `access` lets the viewer find.
    pub fn of(access: crate::Access) -> Reach {
        Reach {
            open: access.for_discussion(false).can_read_content(),
            members_only: access.for_discussion(true).can_read_content(),
            limited_authors: access.discussion_listing().limited_authors,
        }
    }
}

/// Lower case without accents: "Équipe" becomes "equipe".
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// The folded words of `text`: runs of letters and digits. Everything else (quotes, `*`,
/// operators of either database's query language) separates words and is never passed on.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(64).collect())
        .collect()
}

fn stemmers() -> (Stemmer, Stemmer) {
    (Stemmer::create(Algorithm::English), Stemmer::create(Algorithm::French))
}

/// The stems a word is indexed under: its English and French stems (one when they agree).
fn stems_of(word: &str, (en, fr): &(Stemmer, Stemmer)) -> Vec<String> {
    let a = en.stem(word).into_owned();
    let b = fr.stem(word).into_owned();
    if a == b { vec![a] } else { vec![a, b] }
}

/// The index terms of `text`, space-separated: every word under each of its stems.
pub fn index_terms(text: &str) -> String {
    let s = stemmers();
    let mut out = String::new();
    for w in words(text) {
        for stem in stems_of(&w, &s) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&stem);
        }
    }
    out
}

/// One word of a query: found when any of its stems is; `prefix` for the last word, so
/// "intro" finds "introductions" while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// The word as typed, folded.
    pub word: String,
    /// Its stems (English and French), any of which matches.
    pub stems: Vec<String>,
    /// Also match words that start with `word`.
    pub prefix: bool,
}

/// The terms of a query, at most [`MAX_QUERY_TERMS`], duplicates removed. Empty when the
/// query has no words (only punctuation, or nothing).
pub fn query_terms(query: &str) -> Vec<QueryTerm> {
    let s = stemmers();
    let mut seen = Vec::new();
    let mut out: Vec<QueryTerm> = Vec::new();
    for w in words(query) {
        if seen.contains(&w) {
            continue;
        }
        seen.push(w.clone());
        out.push(QueryTerm { stems: stems_of(&w, &s), word: w, prefix: false });
        if out.len() == MAX_QUERY_TERMS {
            break;
        }
    }
    // Prefix only a word of 3+ letters: "a*" would match half the index.
    if let Some(last) = out.last_mut() {
        last.prefix = !query.ends_with(|c: char| !c.is_alphanumeric()) && last.word.chars().count() >= 3;
    }
    out
}

/// The language a text is most likely in, from common words: `"en"`, `"fr"`, or `None` when
/// it is too short or too mixed to say.
pub fn guess_language(text: &str) -> Option<&'static str> {
    const EN: &[&str] = &[
        "the", "and", "of", "to", "is", "in", "that", "for", "with", "on", "are", "this", "we", "our", "it", "be",
        "from", "how", "what",
    ];
    const FR: &[&str] = &[
        "le", "la", "les", "et", "des", "du", "est", "une", "un", "pour", "dans", "que", "qui", "nous", "sur", "avec",
        "au", "aux", "ce", "pas",
    ];
    let (mut en, mut fr) = (0u32, 0u32);
    for w in words(text).iter().take(400) {
        en += u32::from(EN.contains(&w.as_str()));
        fr += u32::from(FR.contains(&w.as_str()));
    }
    if en + fr < 2 {
        return None;
    }
    if en >= fr * 2 {
        Some("en")
    } else if fr >= en * 2 {
        Some("fr")
    } else {
        None
    }
}

/// A piece of a snippet: text, marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Segment {
    /// The text (plain, never markup).
    pub text: String,
    /// Whether this piece matched a query word.
    pub hit: bool,
}

/// Whether a word of a document matches a query term.
fn matches(word: &str, terms: &[QueryTerm], s: &(Stemmer, Stemmer)) -> bool {
    let folded = fold(word);
    if folded.is_empty() {
        return false;
    }
    terms.iter().any(|t| {
        (t.prefix && folded.starts_with(&t.word)) || stems_of(&folded, s).iter().any(|st| t.stems.contains(st))
    })
}

/// Up to `max_chars` of `text` around its first match, cut at word boundaries, with matching
/// words marked. Without a match, the start of the text.
pub fn snippet(text: &str, terms: &[QueryTerm], max_chars: usize) -> Vec<Segment> {
    let s = stemmers();
    // Split into words and the gaps between them, keeping every character.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        let word = c.is_alphanumeric();
        match pieces.last_mut() {
            Some((p, w)) if *w == word && !(c == ' ' && p.ends_with(' ')) => p.push(c),
            Some((p, false)) if c == ' ' && p.ends_with(' ') => {}
            _ => pieces.push((c.to_string(), word)),
        }
    }
    let hits: Vec<bool> = pieces.iter().map(|(p, w)| *w && matches(p, terms, &s)).collect();
    let first = hits.iter().position(|h| *h).unwrap_or(0);
    // Start a little before the first match, on a piece boundary.
    let mut start = first;
    let mut before = 0;
    while start > 0 && before + pieces[start - 1].0.chars().count() <= max_chars / 4 {
        start -= 1;
        before += pieces[start].0.chars().count();
    }
    let mut out: Vec<Segment> = Vec::new();
    let mut used = 0;
    if start > 0 {
        out.push(Segment { text: "…".into(), hit: false });
    }
    let mut end = start;
    for (i, (p, _)) in pieces.iter().enumerate().skip(start) {
        let n = p.chars().count();
        if used + n > max_chars && used > 0 {
            break;
        }
        end = i + 1;
        used += n;
        match out.last_mut() {
            Some(seg) if !seg.hit && !hits[i] && seg.text != "…" => seg.text.push_str(p),
            _ => out.push(Segment { text: p.clone(), hit: hits[i] }),
        }
    }
    if end < pieces.len() {
        out.push(Segment { text: "…".into(), hit: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_is_what_reading_allows() {
        use crate::{Access, CommunityRole, Visibility};
        for visibility in Visibility::ALL {
            for role in CommunityRole::ALL {
                for instance_admin in [false, true] {
                    let a = Access { visibility, role, instance_admin };
                    let r = Reach::of(a);
                    assert_eq!(r.open, a.for_discussion(false).can_read_content());
                    assert_eq!(r.members_only, a.for_discussion(true).can_read_content());
                    assert!(!r.members_only || r.open, "{a:?}");
                    if visibility == Visibility::Private && !role.is_member() && !instance_admin {
                        assert!(!r.open, "{a:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn accents_fold_and_case_folds() {
        assert_eq!(fold("Équipe DÉCISION"), "equipe decision");
        assert_eq!(words("l'équipe, \"NEAR\" a*b -c"), vec!["l", "equipe", "near", "a", "b", "c"]);
    }

    #[test]
    fn french_and_english_stems_meet() {
        let doc = index_terms("Les équipes numériques");
        for q in ["equipe", "équipe", "numérique", "Numeriques"] {
            let t = query_terms(q);
            assert!(t[0].stems.iter().any(|s| doc.split(' ').any(|d| d == s)), "{q} in {doc}");
        }
        let doc = index_terms("Onboarding new developers");
        let t = query_terms("developer onboard");
        assert!(t.iter().all(|t| t.stems.iter().any(|s| doc.split(' ').any(|d| d == s))), "{doc}");
    }

    #[test]
    fn query_syntax_is_only_words() {
        for q in ["\"", "*", "NEAR(a b)", "a & b | !c", "':*", "", "   ", "((("] {
            for t in query_terms(q) {
                assert!(t.word.chars().all(char::is_alphanumeric), "{q:?}");
                assert!(t.stems.iter().all(|s| s.chars().all(char::is_alphanumeric)), "{q:?}");
            }
        }
        assert!(query_terms("*** ''").is_empty());
        let long = "word ".repeat(1000);
        assert_eq!(query_terms(&long).len(), 1);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_terms(&many).len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing() {
        let t = query_terms("intro");
        assert!(t[0].prefix);
        assert!(!query_terms("intro ")[0].prefix);
        assert!(!query_terms("in")[0].prefix);
    }

    #[test]
    fn languages_are_guessed_from_common_words() {
        assert_eq!(guess_language("How we moved the payroll system to the cloud"), Some("en"));
        assert_eq!(guess_language("Comment nous avons migré la paie vers le nuage"), Some("fr"));
        assert_eq!(guess_language("Cloud"), None);
    }

    #[test]
    fn snippets_mark_matches_and_cut_around_the_first() {
        let text = format!("{} the équipe met on Tuesday {}", "filler ".repeat(100), "tail ".repeat(100));
        let seg = snippet(&text, &query_terms("equipe"), 80);
        assert!(seg.iter().any(|s| s.hit && s.text == "équipe"), "{seg:?}");
        assert_eq!(seg.first().map(|s| s.text.as_str()), Some("…"));
        assert_eq!(seg.last().map(|s| s.text.as_str()), Some("…"));
        let total: usize = seg.iter().map(|s| s.text.chars().count()).sum();
        assert!(total <= 84, "{total}");
        let seg = snippet("nothing here", &query_terms("absent"), 80);
        assert_eq!(seg, vec![Segment { text: "nothing here".into(), hit: false }]);
    }
}
