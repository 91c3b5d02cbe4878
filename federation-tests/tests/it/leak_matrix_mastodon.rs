//! Rows of the privacy leak matrix (`leak_matrix.rs`) for the Mastodon client API (and the
//! notification lists, which it shares with Guildhall's API and pages): every read path a
//! Mastodon app uses, for every viewer kind, with the viewer's Guildhall token (which the
//! client API accepts with all scopes). Ids are Mastodon's: a discussion's status id is its row
//! id × 4, a reply's × 4 + 1, a community's or person's account id from `accounts/lookup`.
//! Streaming is covered by `crates/mastodon/tests/it/m_leaks.rs` (a long-lived response does not
//! fit a matrix cell).

use std::collections::HashMap;

use federation_tests::matrix::Kind::{Content, Public};
use federation_tests::matrix::Mark::*;
use federation_tests::matrix::Refusal::{NotFound, SignIn};
use federation_tests::matrix::Surface::{Remote, Rest, Web};
use federation_tests::matrix::{Row, row};
use federation_tests::{Client, Value};

/// The private community through the Mastodon client API, on alpha and on the remote viewers'
/// own instances.
#[rustfmt::skip]
pub static PRIVATE_ROWS: &[Row] = &[
    row(Rest, "/api/v1/statuses/{m_d}", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/v1/statuses/{m_r}", Content(Reply), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/v1/statuses/{m_d}/context", Content(Reply), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/v1/statuses/{m_r}/context", Content(Discussion), NotFound, "RRRRAAA|-------"),
    // Who voted is never listed: an empty list for readers, 404 for the rest.
    row(Rest, "/api/v1/statuses/{m_d}/favourited_by", Public, NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/v1/statuses/{m_r}/reblogged_by", Public, NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/v1/accounts/{m_vault}", Content(Welcome), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/v1/accounts/{m_vault}/statuses", Content(Discussion), NotFound, "HHHHAAA|-------"),
    // A person's posts list only communities the viewer belongs to (the admin reads a private
    // community's posts one by one, not through a person's list).
    row(Rest, "/api/v1/accounts/{m_member}/statuses", Content(Reply), NotFound, "HHHHAAE|-------"),
    row(Rest, "/api/v1/accounts/lookup?acct={vault}", Content(Welcome), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/v1/timelines/public", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/v1/timelines/public?local=true", Content(Reply), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/v1/timelines/home", Content(Discussion), SignIn, "REEEAAE|-------"),
    row(Rest, "/api/v1/timelines/home", Content(Reply), SignIn, "REEEAAE|-------"),
    // Pasting a post's address into an app's search box.
    row(Rest, "/api/v2/search?q={d_url}&resolve=true&type=statuses", Content(Discussion), SignIn, "?EEEAAA|-------"),
    row(Rest, "/api/v2/search?q={r_url}&resolve=true", Content(Reply), SignIn, "?EEEAAA|-------"),
    // Searching a private post's words (the full-text index, issue 18; the setup waits until
    // the member finds them): never a status for anyone who is not a member, anonymous
    // included. The admin finds them, as they read the posts one by one.
    row(Rest, "/api/v2/search?q={q_d}&type=statuses", Content(Discussion), SignIn, "EEEEAAA|-------"),
    row(Rest, "/api/v2/search?q={q_r}", Content(Reply), SignIn, "EEEEAAA|-------"),
    row(Rest, "/api/v2/search?q={q_d}+{q_r}", Content(Discussion), SignIn, "EEEE???|-------"),
    // The moderator is told of the member's reply to their discussion (issue 17): the reply
    // in Mastodon's list, the discussion's title in Guildhall's list and page. The member
    // watches the vault (setup in leak_matrix.rs) and is told of the new discussion (its title
    // and body), not of the reply. Nobody else: the banned watcher neither.
    row(Rest, "/api/v1/notifications?types[]=mention", Content(Reply), SignIn, "REEEEAE|-------"),
    row(Rest, "/api/v1/notifications?types[]=status", Content(Discussion), SignIn, "REEEAEE|-------"),
    row(Rest, "/api/guildhall/v1/notifications", Content(Discussion), SignIn, "REEEAAE|-------"),
    row(Web, "/notifications", Content(Discussion), SignIn, "?EEEAAE|-------"),
    row(Rest, "/api/v1/bookmarks", Content(Discussion), SignIn, "REEEEEE|-------"),
    row(Rest, "/api/v1/favourites", Content(Discussion), SignIn, "REEEEEE|-------"),
    row(Remote, "/api/v1/statuses/{m_home_d}", Content(Discussion), NotFound, "-------|RRRRRAR"),
    row(Remote, "/api/v1/statuses/{m_home_d}/context", Content(Reply), NotFound, "-------|RRRRRAR"),
    row(Remote, "/api/v1/timelines/home", Content(Discussion), SignIn, "-------|REEEEAE"),
    row(Remote, "/api/v1/timelines/public", Content(Discussion), NotFound, "-------|EEEEEEE"),
];

/// The public control community through the Mastodon client API: readable by everyone.
#[rustfmt::skip]
pub static PUBLIC_ROWS: &[Row] = &[
    row(Rest, "/api/v1/statuses/{m_pd}", Content(PublicDiscussion), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/v1/statuses/{m_pd}/context", Content(PublicReply), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/v1/timelines/public", Content(PublicDiscussion), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/v1/accounts/{m_commons}", Public, NotFound, "AAAAAAA|-------"),
    row(Remote, "/api/v1/statuses/{m_home_pd}", Content(PublicDiscussion), NotFound, "-------|AAAAAAA"),
];

/// Mastodon status id of a discussion (`kind` 0) or reply (1) with Guildhall id `id`.
pub fn status_id(id: &str, kind: i64) -> String {
    id.parse::<i64>().map_or_else(|_| "0".into(), |n| (n * 4 + kind).to_string())
}

/// The Mastodon account id of `acct` as `client` sees it (`"0"` if it is not found).
pub async fn account_id(client: &Client, acct: &str) -> String {
    let (_, a) = client.get(&format!("/api/v1/accounts/lookup?acct={acct}")).await;
    a["id"].as_str().unwrap_or("0").to_owned()
}

/// The placeholders the rows above use on alpha.
pub async fn vars(
    admin: &Client,
    base: &str,
    ids: &HashMap<&'static str, String>,
    q_d: &str,
    q_r: &str,
) -> Vec<(&'static str, String)> {
    let at = |k: &str| ids.get(k).cloned().unwrap_or_default();
    let encoded = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    vec![
        ("m_d", status_id(&at("d"), 0)),
        ("m_r", status_id(&at("r"), 1)),
        ("m_pd", status_id(&at("pd"), 0)),
        ("m_vault", account_id(admin, &at("vault")).await),
        ("m_commons", account_id(admin, &at("commons")).await),
        ("m_member", account_id(admin, &at("member")).await),
        ("d_url", encoded(&format!("{base}/d/{}", at("d")))),
        ("r_url", encoded(&format!("{base}/r/{}", at("r")))),
        ("q_d", q_d.to_owned()),
        ("q_r", q_r.to_owned()),
    ]
}

/// The placeholders for a remote viewer's own instance: its copies of the discussions.
pub fn home_vars(home_d: &str, home_pd: &Value) -> Vec<(&'static str, String)> {
    let pd =
        home_pd["id"].as_i64().map(|n| n.to_string()).unwrap_or_else(|| home_pd["id"].as_str().unwrap_or("0").into());
    vec![("m_home_d", status_id(home_d, 0)), ("m_home_pd", status_id(&pd, 0))]
}

/// Waits until the search index has the private discussion and reply: the member finds both
/// by their words through `/api/v2/search` (the server indexes within a second or so).
pub async fn wait_indexed(member: &Client, q_d: &str, q_r: &str) {
    for q in [q_d, q_r] {
        federation_tests::poll_until(
            std::time::Duration::from_secs(30),
            "the private posts in the search index",
            || async {
                let (status, body) = member.get(&format!("/api/v2/search?q={q}&type=statuses")).await;
                (status.is_success() && body["statuses"].as_array().is_some_and(|l| !l.is_empty())).then_some(())
            },
        )
        .await;
    }
}
