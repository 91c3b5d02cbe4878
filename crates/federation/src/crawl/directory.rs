//! Reading one directory page: the published JSON shape, checked and bounded entry by entry.
//! Entries that claim to be another instance's community or guild are dropped (each instance
//! speaks only for itself); their hosts are still discovered.

use std::collections::BTreeSet;

use guildhall_app::map_crawl::{InstanceMeta, NewEntry};
use serde::Deserialize;
use serde_json::Value;

use super::rules::{clip, host_of};

/// Most links kept per entry.
pub const MAX_LINKS: usize = 100;
/// Most tags kept per entry.
pub const MAX_TAGS: usize = 20;
/// Longest URL kept.
const MAX_URL: usize = 2048;

/// A directory page as published (entries are read one by one, so one bad entry does not
/// spoil the page).
#[derive(Debug, Deserialize)]
pub struct RawPage {
    /// The instance describing itself.
    #[serde(default)]
    pub instance: Value,
    /// The entries.
    pub entries: Vec<Value>,
    /// The next page, if any.
    #[serde(default)]
    pub next: Option<String>,
}

/// A page, checked.
#[derive(Debug, Default)]
pub struct Page {
    /// What the instance says about itself.
    pub meta: InstanceMeta,
    /// Entries to store (at most the room left under the cap).
    pub entries: Vec<NewEntry>,
    /// Other hosts named by ids and links.
    pub hosts: BTreeSet<String>,
    /// The `next` link as given.
    pub next: Option<String>,
    /// Entries dropped (malformed, another instance's, or over the cap).
    pub dropped: usize,
}

/// Parses a page body; `Err` names what is wrong with it.
pub fn parse(body: &[u8], domain: &str, room: usize) -> Result<Page, String> {
    let raw: RawPage = serde_json::from_slice(body).map_err(|e| format!("malformed directory JSON: {e}"))?;
    let mut page = Page { meta: meta(&raw.instance), next: raw.next, ..Default::default() };
    for value in &raw.entries {
        match entry(value, domain) {
            Some((e, hosts)) => {
                page.hosts.extend(hosts.into_iter().filter(|h| h != domain));
                match e {
                    Some(e) if page.entries.len() < room => page.entries.push(e),
                    _ => page.dropped += 1,
                }
            }
            None => page.dropped += 1,
        }
    }
    Ok(page)
}

fn text(v: &Value, key: &str, max: usize) -> String {
    v.get(key).and_then(Value::as_str).map(|s| clip(s.trim(), max)).unwrap_or_default()
}

fn count(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0).max(0)
}

fn meta(v: &Value) -> InstanceMeta {
    let software = [text(v, "software", 60), text(v, "version", 40)].join(" ").trim().to_owned();
    InstanceMeta {
        name: text(v, "name", 200),
        organisation: text(v, "organisation", 200),
        government: text(v, "government", 200),
        software,
    }
}

fn http_url(raw: &str) -> Option<String> {
    (raw.len() <= MAX_URL && host_of(raw).is_some()).then(|| raw.to_owned())
}

/// Reads one entry: the entry to store (`None` when it is another instance's) and the hosts
/// it names; `None` when it is malformed.
fn entry(v: &Value, domain: &str) -> Option<(Option<NewEntry>, Vec<String>)> {
    let id = v.get("id")?.as_str()?.trim();
    if id.is_empty() || id.len() > MAX_URL {
        return None;
    }
    let kind = v.get("kind")?.as_str()?;
    if !matches!(kind, "community" | "guild" | "external") {
        return None;
    }
    let links: Vec<String> = v
        .get("links")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).filter_map(http_url).take(MAX_LINKS).collect())
        .unwrap_or_default();
    let mut hosts: Vec<String> = links.iter().filter_map(|l| host_of(l)).collect();
    let id_host = host_of(id);
    let ap_id = match (&id_host, kind) {
        (Some(h), _) if h == domain => id.to_owned(),
        // Another instance's community or guild: that instance publishes it itself.
        (Some(h), "community" | "guild") => {
            hosts.push(h.clone());
            return Some((None, hosts));
        }
        (Some(_), _) => id.to_owned(),
        // An external entry with an opaque id: scoped to the instance that publishes it.
        (None, "external") => format!("external:{domain}:{}", clip(id, 200)),
        (None, _) => return None,
    };
    let tags = v
        .get("tags")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(|t| clip(t.trim(), 64)).take(MAX_TAGS).collect())
        .unwrap_or_default();
    let url = v.get("url").and_then(Value::as_str).and_then(http_url).unwrap_or_default();
    let lifecycle = Some(text(v, "lifecycle", 20)).filter(|s| !s.is_empty()).unwrap_or_else(|| "active".into());
    let e = NewEntry {
        ap_id,
        kind: kind.to_owned(),
        name: text(v, "name", 200),
        title: text(v, "title", 300),
        summary: text(v, "summary", 2000),
        url,
        tags,
        visibility: text(v, "visibility", 20),
        member_count: count(v, "member_count"),
        active_30d: count(v, "active_30d"),
        lifecycle,
        guild_focus: text(v, "guild_focus", 200),
        organisation: text(v, "organisation", 200),
        government: text(v, "government", 200),
        contact: text(v, "contact", 500),
        links,
    };
    Some((Some(e), hosts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Vec<u8> {
        v.to_string().into_bytes()
    }

    #[test]
    fn a_page_is_read_checked_and_bounded() {
        let long = "x".repeat(5000);
        let page = json!({
            "instance": {"domain": "a.example", "name": "Dept A", "organisation": "Dept", "government": "CA", "software": "guildhall", "version": "0.1.0"},
            "entries": [
                {"id": "https://a.example/c/ux", "kind": "community", "name": "ux", "title": "UX", "summary": long,
                 "url": "https://a.example/communities/ux", "tags": ["ux", 3, "design"], "visibility": "public",
                 "member_count": 12, "active_30d": -4, "links": ["https://b.example/g/design", "javascript:alert(1)", 7]},
                {"id": "https://c.example/c/stolen", "kind": "community", "name": "stolen"},
                {"id": "slack-42", "kind": "external", "name": "Slack group", "url": "https://slack.example/x"},
                {"id": "https://a.example/c/odd", "kind": "planet"},
                {"kind": "community"},
                "not an object",
            ],
            "page": 1, "total": 6, "next": "https://a.example/api/guildhall/v1/directory?page=2"
        });
        let p = parse(&body(page), "a.example", 100).unwrap();
        assert_eq!(p.meta.name, "Dept A");
        assert_eq!(p.meta.software, "guildhall 0.1.0");
        assert_eq!(p.entries.len(), 2);
        let ux = &p.entries[0];
        assert_eq!(ux.summary.chars().count(), 2000);
        assert_eq!(ux.tags, vec!["ux", "design"]);
        assert_eq!(ux.active_30d, 0);
        assert_eq!(ux.links, vec!["https://b.example/g/design"]);
        assert_eq!(p.entries[1].ap_id, "external:a.example:slack-42");
        assert_eq!(p.hosts.iter().cloned().collect::<Vec<_>>(), vec!["b.example", "c.example"]);
        assert_eq!(p.dropped, 4);
        assert_eq!(p.next.as_deref(), Some("https://a.example/api/guildhall/v1/directory?page=2"));
    }

    #[test]
    fn the_room_left_caps_entries() {
        let entries: Vec<Value> =
            (0..10).map(|i| json!({"id": format!("https://a.example/c/c{i}"), "kind": "community"})).collect();
        let p = parse(&body(json!({"entries": entries, "next": null})), "a.example", 3).unwrap();
        assert_eq!((p.entries.len(), p.dropped), (3, 7));
    }

    #[test]
    fn malformed_pages_are_errors() {
        for bad in [&b"{\"entries\": ["[..], b"[]", b"{}", b"{\"entries\": [], \"next\": 5}", b"\xff\xfe"] {
            let err = parse(bad, "a.example", 10).unwrap_err();
            assert!(err.starts_with("malformed directory JSON"), "{err}");
        }
    }
}
