//! `GET /directory`: the published directory as an ActivityStreams `OrderedCollection` of
//! `OrderedCollectionPage`s (50 items a page), the same entries as `/api/v1/directory`.
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
use serde::Deserialize;
use serde_json::{Value, json};

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

/// One entry as an ActivityStreams object.
pub fn item(e: &DirectoryEntry) -> Value {
    let tags: Vec<Value> = e.tags.iter().map(|t| json!({"type": "Hashtag", "name": format!("#{t}")})).collect();
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
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
    }
    v
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
        return Ok(FederationJson(json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id,
            "type": "OrderedCollection",
            "totalItems": page.total,
            "first": format!("{id}?page=1"),
        }))
        .into_response());
    };
    let mut body = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{id}?page={n}"),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "totalItems": page.total,
        "orderedItems": page.entries.iter().map(item).collect::<Vec<_>>(),
    });
    if page.next.is_some() {
        body["next"] = json!(format!("{id}?page={}", n + 1));
    }
    if n > 1 {
        body["prev"] = json!(format!("{id}?page={}", n - 1));
    }
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
        let g = item(&entry("community"));
        assert_eq!(
            (g["type"].as_str(), g["preferredUsername"].as_str(), g["name"].as_str()),
            (Some("Group"), Some("ux"), Some("UX"))
        );
        assert_eq!(g["tag"][0], json!({"type": "Hashtag", "name": "#design"}));
        assert_eq!((g["memberCount"].as_u64(), g["visibility"].as_str()), (Some(0), Some("private")));
        assert_eq!(g["links"], json!(["https://b.example/c/guild"]));
        let l = item(&entry("external"));
        assert_eq!((l["type"].as_str(), l["href"].as_str()), (Some("Link"), Some("https://a.example/communities/ux")));
        assert_eq!(l["guildhallKind"], "external");
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
