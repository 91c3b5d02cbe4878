//! Small helpers shared by this crate's endpoint tests.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, header};
use guildhall_mastodon::ids::{AccountId, StatusId};
use serde_json::Value;

use crate::common::{Resp, TestApp};

/// A discussion's Mastodon status id.
pub fn d(id: i64) -> String {
    StatusId::Discussion(id).to_string()
}

/// A reply's Mastodon status id.
pub fn r(id: i64) -> String {
    StatusId::Reply(id).to_string()
}

/// A community's Mastodon account id.
pub fn g(id: i64) -> String {
    AccountId::Group(id).to_string()
}

/// A person's Mastodon account id.
pub fn p(id: i64) -> String {
    AccountId::Person(id).to_string()
}

/// The account id of `token`'s owner.
pub async fn me(app: &TestApp, token: &str) -> i64 {
    app.get("/api/guildhall/v1/accounts/me", Some(token)).await.body["id"].as_i64().expect("id")
}

/// The ids of a list of statuses.
pub fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// A form-encoded request, as most Mastodon apps send.
pub async fn form(app: &TestApp, method: Method, path: &str, token: &str, body: &str, key: Option<&str>) -> Resp {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    app.send(req.body(Body::from(body.to_string())).expect("request")).await
}

/// The URL named `rel` in a `Link` header, as a path with query.
pub fn link(resp: &Resp, rel: &str) -> Option<String> {
    let h = resp.headers.get("link")?.to_str().ok()?;
    h.split(", ").find(|p| p.ends_with(&format!("rel=\"{rel}\""))).map(|p| {
        let url = p.split('>').next().unwrap().trim_start_matches('<');
        let path = url.splitn(4, '/').nth(3).unwrap_or("");
        format!("/{path}")
    })
}

/// A discussion arriving from `author`'s server into the remote community `c` (through the
/// use case the inbox calls), tagged `#tag` if given; returns its id.
pub async fn remote_discussion(
    app: &TestApp,
    author: &guildhall_app::entities::account::Model,
    c: &guildhall_app::entities::community::Model,
    title: &str,
    tag: Option<&str>,
) -> i64 {
    let mut post = crate::common::incoming(author, title, false);
    if let Some(t) = tag {
        post.extras.tags.push(guildhall_domain::extras::Tag {
            kind: guildhall_domain::extras::TagKind::Hashtag,
            name: format!("#{t}"),
            href: format!("http://remote.example/tags/{t}"),
        });
    }
    guildhall_app::inbound::receive_discussion(&app.ctx, c, author, post, guildhall_app::receipt::Arrival::Relayed)
        .await
        .expect("remote discussion")
        .expect("new")
        .id
}
