//! `GET /directory`: the published directory as an ActivityStreams `OrderedCollection` of
//! `OrderedCollectionPage`s (50 items a page), the same entries as `/api/guildhall/v1/directory`.
//! Communities and guilds are `Group` objects (their actor ids); approved external
//! communities of practice are `Link` objects (`href` is their own address). Extra fields
//! (`guildhallKind`, `visibility`, `memberCount`, `active30d`, `lifecycle`, `guildFocus`,
//! `organisation`, `government`, `contact`, `links`) follow the plain-name style of
//! `guildFocus` on guild actors. A browser asking for HTML is sent to the map page.

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::config::Data;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use guildhall_app::AppContext;
use guildhall_app::directory::{self, DirectoryEntry};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Error;

/// `?page=`.
#[derive(Debug, Deserialize)]
pub struct DirectoryQuery {
    page: Option<String>,
}

fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    accept.contains("text/html") && !accept.contains("activity+json") && !accept.contains("ld+json")
}

/// `Link`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum LinkType {
    /// The only value.
    Link,
}

/// `Group`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum GroupType {
    /// The only value.
    Group,
}

/// What a directory entry is on the wire: an external community's `Link`, or a `Group`
/// (`id` first, then `type`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ItemHead {
    /// An approved external community of practice.
    Link {
        /// Entry id.
        id: String,
        #[serde(rename = "type")]
        kind: LinkType,
        /// Its own address.
        href: String,
        /// Its name.
        name: String,
    },
    /// A community or guild.
    Group {
        /// Actor id.
        id: String,
        #[serde(rename = "type")]
        kind: GroupType,
        /// Short name.
        #[serde(rename = "preferredUsername")]
        preferred_username: String,
        /// Title.
        name: String,
        /// Web page.
        url: String,
    },
}

/// A topic tag.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type")]
pub enum Tag {
    /// `#topic`.
    Hashtag {
        /// With its `#`.
        name: String,
    },
}

/// One directory entry as an ActivityStreams object: the `Link`/`Group` fields (`id` first),
/// then ours.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryItem {
    /// `id`, `type` and the kind's own fields.
    #[serde(flatten)]
    pub head: ItemHead,
    /// Summary (Markdown).
    pub summary: String,
    /// Topic tags.
    pub tag: Vec<Tag>,
    /// `community`, `guild` or `external`.
    pub guildhall_kind: String,
    /// `public`, `approval` or `private`.
    pub visibility: String,
    /// Active members.
    pub member_count: u64,
    /// Recent activity.
    #[serde(rename = "active30d")]
    pub active_30d: u64,
    /// Lifecycle.
    pub lifecycle: String,
    /// A guild's focus.
    pub guild_focus: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// How to reach it.
    pub contact: String,
    /// Linked guilds or members.
    pub links: Vec<String>,
}

/// One entry as an ActivityStreams object.
pub fn item(e: &DirectoryEntry) -> DirectoryItem {
    let head = if e.kind == "external" {
        ItemHead::Link { id: e.id.clone(), kind: LinkType::Link, href: e.url.clone(), name: e.name.clone() }
    } else {
        ItemHead::Group {
            id: e.id.clone(),
            kind: GroupType::Group,
            preferred_username: e.name.clone(),
            name: e.title.clone(),
            url: e.url.clone(),
        }
    };
    DirectoryItem {
        head,
        summary: e.summary.clone(),
        tag: e.tags.iter().map(|t| Tag::Hashtag { name: format!("#{t}") }).collect(),
        guildhall_kind: e.kind.clone(),
        visibility: e.visibility.clone(),
        member_count: e.member_count,
        active_30d: e.active_30d,
        lifecycle: e.lifecycle.clone(),
        guild_focus: e.guild_focus.clone(),
        organisation: e.organisation.clone(),
        government: e.government.clone(),
        contact: e.contact.clone(),
        links: e.links.clone(),
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum CollectionType {
    OrderedCollection,
}

/// `GET /directory`: the collection, its first page named.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryCollection {
    /// `@context`.
    #[serde(rename = "@context")]
    pub context: String,
    /// Its id.
    pub id: String,
    #[serde(rename = "type")]
    kind: CollectionType,
    /// Entries in all.
    pub total_items: u64,
    /// Page 1.
    pub first: String,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum PageType {
    OrderedCollectionPage,
}

/// `GET /directory?page=N`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryPage {
    /// `@context`.
    #[serde(rename = "@context")]
    pub context: String,
    /// Its id.
    pub id: String,
    #[serde(rename = "type")]
    kind: PageType,
    /// The collection.
    pub part_of: String,
    /// Entries in all.
    pub total_items: u64,
    /// This page's entries.
    pub ordered_items: Vec<DirectoryItem>,
    /// The next page, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The previous page, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// `GET /directory` (the collection) and `GET /directory?page=N` (one page).
pub async fn serve(
    Query(q): Query<DirectoryQuery>,
    headers: HeaderMap,
    data: Data<AppContext>,
) -> Result<Response, Error> {
    if wants_html(&headers) {
        return Ok(Redirect::to("/map").into_response());
    }
    let ctx = data.app_data();
    let id = format!("{}/directory", ctx.instance().base_url());
    let number = match q.page.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) if n >= 1 => Some(n),
        Some(_) => return Ok((StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_page"}))).into_response()),
    };
    let Some(page) = directory::page(ctx, number.unwrap_or(1)).await? else {
        let body = json!({"error": "directory_unlisted", "message": "this instance does not publish a directory"});
        return Ok((StatusCode::NOT_FOUND, axum::Json(body)).into_response());
    };
    let Some(n) = number else {
        return Ok(FederationJson(DirectoryCollection {
            context: crate::wire::AS_CONTEXT.into(),
            id: id.to_string(),
            kind: CollectionType::OrderedCollection,
            total_items: page.total,
            first: format!("{id}?page=1"),
        })
        .into_response());
    };
    let body = DirectoryPage {
        context: crate::wire::AS_CONTEXT.into(),
        id: format!("{id}?page={n}"),
        kind: PageType::OrderedCollectionPage,
        part_of: id.to_string(),
        total_items: page.total,
        ordered_items: page.entries.iter().map(item).collect(),
        next: page.next.is_some().then(|| format!("{id}?page={}", n + 1)),
        prev: (n > 1).then(|| format!("{id}?page={}", n - 1)),
    };
    Ok(FederationJson(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: &str) -> DirectoryEntry {
        DirectoryEntry {
            id: "https://a.example/c/ux".into(),
            kind: kind.into(),
            name: "ux".into(),
            title: "UX".into(),
            summary: "Forms".into(),
            url: "https://a.example/communities/ux".into(),
            tags: vec!["design".into()],
            visibility: "private".into(),
            member_count: 0,
            active_30d: 0,
            lifecycle: "active".into(),
            guild_focus: String::new(),
            organisation: "Dept".into(),
            government: "Canada".into(),
            contact: String::new(),
            links: vec!["https://b.example/c/guild".into()],
        }
    }

    #[test]
    fn communities_are_groups_and_externals_links() {
        let g = serde_json::to_value(item(&entry("community"))).unwrap();
        assert_eq!(
            (g["type"].as_str(), g["preferredUsername"].as_str(), g["name"].as_str()),
            (Some("Group"), Some("ux"), Some("UX"))
        );
        assert_eq!(g["tag"][0], json!({"type": "Hashtag", "name": "#design"}));
        assert_eq!((g["memberCount"].as_u64(), g["visibility"].as_str()), (Some(0), Some("private")));
        assert_eq!(g["links"], json!(["https://b.example/c/guild"]));
        let l = serde_json::to_value(item(&entry("external"))).unwrap();
        assert_eq!((l["type"].as_str(), l["href"].as_str()), (Some("Link"), Some("https://a.example/communities/ux")));
        assert_eq!(l["guildhallKind"], "external");
    }

    /// What `item` wrote by hand before the struct.
    fn golden(e: &DirectoryEntry) -> serde_json::Value {
        let tags: Vec<serde_json::Value> =
            e.tags.iter().map(|t| json!({"type": "Hashtag", "name": format!("#{t}")})).collect();
        let mut v = if e.kind == "external" {
            json!({"id": e.id, "type": "Link", "href": e.url, "name": e.name})
        } else {
            json!({"id": e.id, "type": "Group", "preferredUsername": e.name, "name": e.title, "url": e.url})
        };
        let extra = json!({
            "summary": e.summary,
            "tag": tags,
            "guildhallKind": e.kind,
            "visibility": e.visibility,
            "memberCount": e.member_count,
            "active30d": e.active_30d,
            "lifecycle": e.lifecycle,
            "guildFocus": e.guild_focus,
            "organisation": e.organisation,
            "government": e.government,
            "contact": e.contact,
            "links": e.links,
        });
        if let (Some(obj), serde_json::Value::Object(more)) = (v.as_object_mut(), extra) {
            obj.extend(more);
        }
        v
    }

    #[test]
    fn entries_and_pages_are_written_as_before() {
        for kind in ["community", "guild", "external"] {
            let e = entry(kind);
            assert_eq!(serde_json::to_string(&item(&e)).unwrap(), golden(&e).to_string());
        }
        let id = "https://a.example/directory";
        let collection = DirectoryCollection {
            context: crate::wire::AS_CONTEXT.into(),
            id: id.into(),
            kind: CollectionType::OrderedCollection,
            total_items: 3,
            first: format!("{id}?page=1"),
        };
        let golden_collection = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id,
            "type": "OrderedCollection",
            "totalItems": 3u64,
            "first": format!("{id}?page=1"),
        });
        assert_eq!(serde_json::to_string(&collection).unwrap(), golden_collection.to_string());
        for (n, next) in [(1u64, true), (2, false)] {
            let entries = [entry("community"), entry("external")];
            let mut body = json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{id}?page={n}"),
                "type": "OrderedCollectionPage",
                "partOf": id,
                "totalItems": 3u64,
                "orderedItems": entries.iter().map(golden).collect::<Vec<_>>(),
            });
            if next {
                body["next"] = json!(format!("{id}?page={}", n + 1));
            }
            if n > 1 {
                body["prev"] = json!(format!("{id}?page={}", n - 1));
            }
            let page = DirectoryPage {
                context: crate::wire::AS_CONTEXT.into(),
                id: format!("{id}?page={n}"),
                kind: PageType::OrderedCollectionPage,
                part_of: id.into(),
                total_items: 3,
                ordered_items: entries.iter().map(item).collect(),
                next: next.then(|| format!("{id}?page={}", n + 1)),
                prev: (n > 1).then(|| format!("{id}?page={}", n - 1)),
            };
            assert_eq!(serde_json::to_string(&page).unwrap(), body.to_string());
        }
    }

    #[test]
    fn browsers_are_sent_to_the_map() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, "text/html,application/xhtml+xml".parse().unwrap());
        assert!(wants_html(&h));
        h.insert(header::ACCEPT, "application/activity+json, text/html;q=0.1".parse().unwrap());
        assert!(!wants_html(&h));
        assert!(!wants_html(&HeaderMap::new()));
    }
}
