//! Mastodon's pagination: `max_id`, `since_id`, `min_id` and `limit` in the query, and a
//! `Link` header naming the next (older) and previous (newer) pages by the ids at the ends
//! of this one. Generic over what the ids are: any list endpoint renders its page and says
//! which ids are first and last.

use axum::Json;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// The default page size.
pub const DEFAULT_LIMIT: u64 = 20;
/// The largest page size (Mastodon's for statuses).
pub const MAX_LIMIT: u64 = 40;

/// The paging parameters of a list request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PageQuery {
    /// Only items older than this id.
    pub max_id: Option<String>,
    /// Only items newer than this id (the newest ones).
    pub since_id: Option<String>,
    /// Only items newer than this id (the ones right after it).
    pub min_id: Option<String>,
    /// Page size as sent (kept as text: junk falls back to the default, as Mastodon does).
    pub limit: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl PageQuery {
    /// The page size: `limit` clamped to 1..=`max`, 20 when absent or not a number.
    pub fn limit_up_to(&self, max: u64) -> u64 {
        present(&self.limit).and_then(|l| l.parse::<u64>().ok()).unwrap_or(DEFAULT_LIMIT).clamp(1, max)
    }

    /// The page size for statuses (at most 40).
    pub fn limit(&self) -> u64 {
        self.limit_up_to(MAX_LIMIT)
    }

    /// `max_id`, if given.
    pub fn max_id(&self) -> Option<&str> {
        present(&self.max_id)
    }

    /// `since_id`, if given.
    pub fn since_id(&self) -> Option<&str> {
        present(&self.since_id)
    }

    /// `min_id`, if given.
    pub fn min_id(&self) -> Option<&str> {
        present(&self.min_id)
    }
}

/// One page of a list, newest first, ready to answer with its `Link` header.
pub struct Paged<T> {
    items: Vec<T>,
    link: Option<HeaderValue>,
}

/// The URL of this request with the paging cursors replaced by `key=id`.
fn page_url(base_url: &str, uri: &Uri, key: &str, id: &str) -> String {
    let kept = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .filter(|(k, _)| !matches!(k.as_ref(), "max_id" | "since_id" | "min_id"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect::<Vec<_>>();
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).append_pair(key, id).finish();
    format!("{base_url}{}?{query}", uri.path())
}

/// The `Link` header for a page whose ends are `first` (newest) and `last` (oldest): `next`
/// asks for older items (when `older` may exist), `prev` for newer ones.
pub fn link_header(base_url: &str, uri: &Uri, first: &str, last: &str, older: bool) -> Option<HeaderValue> {
    let prev = format!("<{}>; rel=\"prev\"", page_url(base_url, uri, "min_id", first));
    let value =
        if older { format!("<{}>; rel=\"next\", {prev}", page_url(base_url, uri, "max_id", last)) } else { prev };
    HeaderValue::from_str(&value).ok()
}

impl<T> Paged<T> {
    /// A page of `items` (newest first) whose ids `id_of` gives; `older`: whether items older
    /// than the last one may exist. An empty page has no `Link` header, as on Mastodon.
    pub fn new(items: Vec<T>, base_url: &str, uri: &Uri, older: bool, id_of: impl Fn(&T) -> String) -> Self {
        let link = match (items.first(), items.last()) {
            (Some(first), Some(last)) => link_header(base_url, uri, &id_of(first), &id_of(last), older),
            _ => None,
        };
        Paged { items, link }
    }

    /// A page whose cursors are not the items' own ids (bookmarks and favourites page by the
    /// save's row): `first` and `last` are the cursors at its ends, `None` when it is empty.
    pub fn by_cursors(items: Vec<T>, base_url: &str, uri: &Uri, first: Option<i64>, last: Option<i64>) -> Self {
        let link = match (first, last) {
            (Some(first), Some(last)) => link_header(base_url, uri, &first.to_string(), &last.to_string(), true),
            _ => None,
        };
        Paged { items, link }
    }

    /// A page that is always empty (lists Guildhall does not expose).
    pub fn empty() -> Self {
        Paged { items: Vec::new(), link: None }
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let mut res = Json(self.items).into_response();
        if let Some(link) = self.link {
            res.headers_mut().insert(header::LINK, link);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(limit: Option<&str>) -> PageQuery {
        PageQuery { limit: limit.map(str::to_string), ..Default::default() }
    }

    #[test]
    fn limits_default_and_clamp() {
        assert_eq!(q(None).limit(), 20);
        assert_eq!(q(Some("5")).limit(), 5);
        assert_eq!(q(Some("400")).limit(), 40);
        assert_eq!(q(Some("0")).limit(), 1);
        assert_eq!(q(Some("-3")).limit(), 20);
        assert_eq!(q(Some("lots")).limit(), 20);
        assert_eq!(q(Some("80")).limit_up_to(80), 80);
    }

    #[test]
    fn links_keep_other_parameters_and_replace_cursors() {
        let uri: Uri = "/api/v1/timelines/public?local=true&max_id=99&limit=2".parse().unwrap();
        let h = link_header("https://g.example", &uri, "12", "8", true).unwrap();
        assert_eq!(
            h.to_str().unwrap(),
            "<https://g.example/api/v1/timelines/public?local=true&limit=2&max_id=8>; rel=\"next\", \
             <https://g.example/api/v1/timelines/public?local=true&limit=2&min_id=12>; rel=\"prev\""
        );
        let h = link_header("https://g.example", &uri, "12", "8", false).unwrap();
        assert!(!h.to_str().unwrap().contains("next"));
    }

    #[test]
    fn empty_pages_have_no_link() {
        let uri: Uri = "/x".parse().unwrap();
        let p: Paged<String> = Paged::new(vec![], "https://g.example", &uri, true, |s| s.clone());
        assert!(p.link.is_none());
        let p = Paged::new(vec!["4".to_string()], "https://g.example", &uri, true, |s| s.clone());
        assert!(p.link.is_some());
    }
}
