//! The kinds of viewer every leak test checks (as `federation-tests`' leak matrix has them,
//! for one instance): in a private community, its moderator and a member read; an outsider,
//! an anonymous reader, a pending member and a banned member get nothing.

#![allow(dead_code)]

use serde_json::json;

use crate::common::TestApp;

/// Tokens of each kind of viewer of the private community `vault`.
pub struct Vault {
    /// Moderator (created it).
    pub moderator: String,
    /// Approved member.
    pub member: String,
    /// Asked to join, not yet accepted.
    pub pending: String,
    /// Was a member, now banned.
    pub banned: String,
    /// Signed in, never asked.
    pub outsider: String,
}

impl Vault {
    /// Those who must see nothing (with `None`, the anonymous reader, added by callers).
    pub fn shut_out(&self) -> [(&'static str, &str); 3] {
        [("outsider", &self.outsider), ("pending", &self.pending), ("banned", &self.banned)]
    }
}

/// Builds `vault` (private) with one viewer of each kind.
pub async fn vault(app: &TestApp) -> Vault {
    let moderator = app.user("vmod").await;
    app.community(&moderator, "vault", "private").await;
    let member = app.member("vmember", "vault", &moderator).await;
    let banned = app.member("vbanned", "vault", &moderator).await;
    let pending = app.user("vpending").await;
    let r = app.join(&pending, "vault").await;
    assert_eq!(r.body["status"], "requested", "{}", r.body);
    let outsider = app.user("voutsider").await;
    Vault { moderator, member, pending, banned, outsider }
}

/// Bans `vbanned` from `vault` (after the test let them act as a member).
pub async fn ban(app: &TestApp, v: &Vault) {
    let r = app
        .post(
            "/api/guildhall/v1/communities/vault/bans",
            Some(&v.moderator),
            json!({"username": "vbanned", "reason": "leak test"}),
        )
        .await;
    assert!(r.status.is_success(), "ban: {} {}", r.status, r.body);
}

/// The Mastodon account id of a local community (a group account).
pub async fn group_id(app: &TestApp, name: &str) -> String {
    let c = guildhall_app::communities::find(&app.ctx, name).await.expect("db").expect("community");
    guildhall_mastodon::ids::AccountId::Group(c.id).to_string()
}

/// The Mastodon account id of a local person.
pub async fn person_id(app: &TestApp, name: &str) -> String {
    let a = guildhall_app::accounts::find_handle(&app.ctx, name).await.expect("db").expect("account");
    guildhall_mastodon::ids::AccountId::Person(a.id).to_string()
}

/// A discussion's Mastodon status id.
pub fn status_id(discussion: i64) -> String {
    guildhall_mastodon::ids::StatusId::Discussion(discussion).to_string()
}
