//! `/search`: one box and its filters, this instance's results the visitor may read and, when
//! asked, the other instances' public results in a section of their own.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::network_search::{self, NetworkResults};
use guildhall_app::search::{self, SearchHit, SearchKind, Segment};
use guildhall_app::search_request::{DEFAULT_LIMIT, SearchRequest};
use guildhall_app::{AppContext, Error};
use guildhall_domain::{Invalid, InvalidCode};

use super::{OrPage, PageError, render};
use crate::forms::{Errors, invalid_message};
use crate::i18n::Lang;
use crate::visit::{Chrome, Visit, encode};

/// `GET /search`.
#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    pub c: Chrome,
    /// The form as sent, shown again as it was.
    pub form: SearchRequest,
    /// The kinds ticked (valid ones).
    pub kinds: Vec<SearchKind>,
    /// Whether "search the network" is ticked.
    pub network_asked: bool,
    /// Whether a search ran (words were given and every value was valid).
    pub searched: bool,
    pub hits: Vec<SearchHit>,
    pub offset: u64,
    pub limit: u64,
    pub has_more: bool,
    pub network: Option<NetworkResults>,
    /// The words, when they look like the address of something on another server (a handle or
    /// a URL): offered to open, as the directory's follow box does.
    pub address: Option<String>,
    pub errors: Errors,
}

impl SearchPage {
    /// Every kind, for the filter's checkboxes.
    fn all_kinds(&self) -> &'static [SearchKind] {
        &SearchKind::ALL
    }

    /// Whether `k` is ticked.
    fn ticked(&self, k: &SearchKind) -> bool {
        self.kinds.contains(k)
    }

    /// A result's kind, in the page language.
    fn kind_label(&self, k: &SearchKind) -> String {
        self.c.t(&format!("search-kind-{}", k.as_str()))
    }

    /// A snippet as HTML: every piece escaped, matches in `<mark>`.
    fn snippet_html(&self, hit: &SearchHit) -> String {
        snippet_html(&hit.snippet)
    }

    /// The address of the results from `offset` on, with the same words and filters.
    fn page_link(&self, offset: u64) -> String {
        let f = &self.form;
        let mut url = format!("/search?q={}", encode(&f.q));
        for k in &self.kinds {
            url.push_str(&format!("&kind={}", k.as_str()));
        }
        for (key, value) in [
            ("community", &f.community),
            ("guild", &f.guild),
            ("instance", &f.instance),
            ("since", &f.since),
            ("until", &f.until),
            ("language", &f.language),
        ] {
            if !value.trim().is_empty() {
                url.push_str(&format!("&{key}={}", encode(value.trim())));
            }
        }
        if self.network_asked {
            url.push_str("&network=true");
        }
        if self.limit != DEFAULT_LIMIT {
            url.push_str(&format!("&limit={}", self.limit));
        }
        url.push_str(&format!("&offset={offset}"));
        url
    }

    /// Where the previous page starts.
    fn previous_offset(&self) -> u64 {
        self.offset.saturating_sub(self.limit)
    }

    /// The instances that did not answer, named in one line.
    fn skipped_line(&self, n: &NetworkResults) -> String {
        let names: Vec<&str> = n.skipped.iter().map(|s| s.instance.as_str()).collect();
        self.c.ts("search-network-skipped", "instances", names.join(", "))
    }
}

/// HTML for snippet pieces: each piece's text escaped, matching pieces inside `<mark>`.
pub(crate) fn snippet_html(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        if s.hit {
            out.push_str("<mark>");
        }
        out.push_str(&guildhall_app::mail::escape(&s.text));
        if s.hit {
            out.push_str("</mark>");
        }
    }
    out
}

/// A refused value as a message next to its field, in the page language. Paging values have
/// no field of their own: their message goes with the search box.
fn invalid_errors(lang: Lang, i: &Invalid) -> Errors {
    let (field, message) = match (i.field, i.code) {
        ("kind", _) => ("kind", lang.t("search-error-kind")),
        (f @ ("since" | "until"), InvalidCode::EndsBeforeStart) => (f, lang.t("search-error-until-before-since")),
        (f @ ("since" | "until"), _) => (f, lang.t("search-error-date")),
        ("language", _) => ("language", lang.t("search-error-language")),
        ("network", _) => ("network", lang.t("search-error-network")),
        ("offset" | "limit", _) => ("q", lang.t("search-error-page")),
        (f @ ("q" | "community" | "guild" | "instance"), _) => (f, invalid_message(lang, i)),
        _ => ("q", invalid_message(lang, i)),
    };
    Errors::one(field, message)
}

/// `GET /search`: the form, and results when words were given.
pub(crate) async fn search(
    State(ctx): State<AppContext>,
    v: Visit,
    pairs: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let pairs = pairs.map(|Query(p)| p).unwrap_or_default();
    let form = SearchRequest::from_pairs(pairs);
    let mut page = SearchPage {
        c: v.chrome(),
        kinds: form.kind_set().unwrap_or_default(),
        network_asked: matches!(form.network.trim(), "true" | "1" | "on"),
        form,
        searched: false,
        hits: Vec::new(),
        offset: 0,
        limit: DEFAULT_LIMIT,
        has_more: false,
        network: None,
        address: None,
        errors: Errors::default(),
    };
    let parsed = match page.form.parse() {
        Ok(p) => p,
        Err(i) => {
            page.errors = invalid_errors(v.lang, &i);
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
    };
    page.limit = parsed.query.limit;
    page.offset = parsed.query.offset;
    if parsed.query.text.is_empty() {
        return Ok(render(StatusCode::OK, &page));
    }
    page.address = looks_like_address(&parsed.query.text).then(|| parsed.query.text.trim().to_owned());
    match search::find(&ctx, v.viewer(), &parsed.query).await {
        Ok(found) => {
            page.hits = found.hits;
            page.offset = found.offset;
            page.has_more = found.has_more;
            page.searched = true;
        }
        Err(Error::Invalid(i)) => {
            page.errors = invalid_errors(v.lang, &i);
            return Ok(render(StatusCode::BAD_REQUEST, &page));
        }
        Err(e) => return Err(e).or_page(&v),
    }
    if parsed.network {
        page.network = Some(network_search::ask(&ctx, &parsed.query).await.or_page(&v)?);
    }
    Ok(render(StatusCode::OK, &page))
}

/// Whether `q` is a handle (`name@host`, `@name@host`, `!name@host`) or a web address.
fn looks_like_address(q: &str) -> bool {
    let q = q.trim();
    if q.starts_with("https://") || q.starts_with("http://") {
        return !q.contains(char::is_whitespace);
    }
    let h = q.trim_start_matches(['@', '!']);
    matches!(h.split_once('@'), Some((name, host)) if !name.is_empty() && !host.is_empty()
        && !h.contains(char::is_whitespace) && (host.contains('.') || host.contains(':')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_urls_are_addresses_and_words_are_not() {
        for a in
            ["ops@beta.example", "@ops@beta.example", "!ops@localhost:8080", "https://beta.example/communities/ops"]
        {
            assert!(looks_like_address(a), "{a}");
        }
        for w in ["procurement", "a@b", "email me at x@y.z please", "https://a b", "@ops"] {
            assert!(!looks_like_address(w), "{w}");
        }
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        let seg = |text: &str, hit| Segment { text: text.into(), hit };
        let html = snippet_html(&[seg("a <script>&\"'", false), seg("<b>", true), seg(" end", false)]);
        assert_eq!(html, "a &lt;script&gt;&amp;&quot;&#39;<mark>&lt;b&gt;</mark> end");
    }

    fn hit(kind: SearchKind, id: i64, title: &str) -> SearchHit {
        SearchHit {
            kind,
            object_id: id,
            title: title.into(),
            snippet: vec![Segment { text: "before ".into(), hit: false }, Segment { text: "<i>x".into(), hit: true }],
            url: format!("/discussions/{id}"),
            community: Some(guildhall_app::search::HitCommunity { handle: "ux".into(), title: "UX & co".into() }),
            instance: "here.example".into(),
            author: None,
            published_at: chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("a time"),
            language: None,
        }
    }

    /// The page as the engine's results make it (the HTTP tests need the real index).
    #[test]
    fn results_and_the_network_section_render() {
        use guildhall_app::network_search::{RemoteHit, Skipped};
        let form = SearchRequest { q: "x".into(), kinds: vec!["reply".into()], ..Default::default() };
        let remote = hit(SearchKind::Wiki, 9, "Far <away>");
        let network = NetworkResults {
            hits: vec![RemoteHit { instance: "far.example".into(), department: Some("Dept A".into()), hit: remote }],
            skipped: vec![
                Skipped { instance: "slow.example".into(), reason: "timeout".into() },
                Skipped { instance: "down.example".into(), reason: "unreachable".into() },
            ],
        };
        let page = SearchPage {
            c: Chrome::bare(Lang::En),
            kinds: form.kind_set().expect("kinds"),
            form,
            network_asked: true,
            searched: true,
            hits: vec![hit(SearchKind::Reply, 1, "A <b>title</b>"), hit(SearchKind::Discussion, 2, "Second")],
            offset: 20,
            limit: 20,
            has_more: true,
            network: Some(network),
            address: None,
            errors: Errors::default(),
        };
        let html = page.render().expect("renders");
        assert!(html.contains("<h3><a href=\"/discussions/1\">A &#60;b&#62;title&#60;/b&#62;</a></h3>"), "{html}");
        assert!(html.contains("before <mark>&lt;i&gt;x</mark>"), "{html}");
        assert!(html.contains("<p class=\"caption\">Reply</p>") && html.contains("UX &#38; co (ux) · here.example"));
        assert!(html.contains("start=\"21\"") && html.contains("rel=\"prev\"") && html.contains("rel=\"next\""));
        assert!(html.contains("/search?q=x&#38;kind=reply&#38;network=true&#38;offset=40"), "{html}");
        assert!(html.contains(">From other instances</h2>"), "{html}");
        assert!(html.contains("Wiki page · far.example — Dept A"), "{html}");
        assert!(html.contains("Far &#60;away&#62;"), "{html}");
        assert!(html.contains("Did not answer in time: slow.example, down.example"), "{html}");
    }

    #[test]
    fn refused_values_point_at_their_field() {
        let field = |f, code| invalid_errors(Lang::Fr, &Invalid::coded(f, code, "x")).list[0].field.clone();
        assert_eq!(field("kind", InvalidCode::Other), "kind");
        assert_eq!(field("until", InvalidCode::EndsBeforeStart), "until");
        assert_eq!(field("offset", InvalidCode::Other), "q");
        let e = invalid_errors(Lang::Fr, &Invalid::coded("since", InvalidCode::DateTime, "x"));
        assert_eq!(e.get("since"), Some(Lang::Fr.t("search-error-date").as_str()));
    }
}
