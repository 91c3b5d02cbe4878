//! The inbox: every actor's inbox and the shared inbox take the same signed POSTs.
//!
//! Before activitypub_federation verifies the draft-cavage signature, a precheck insists on
//! what it leaves optional: the signature must cover `(request-target)`, `host`, `digest` and
//! a date (`date` or `(created)`) within the allowed window, and the key must belong to the
//! actor's own server (SECURITY.md §3). A signature that fails against the stored key of its
//! actor has the actor refetched once (rate-limited, see `key_refetch`) for rotated keys.

use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::Activity;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use either::Either;
use guildhall_app::AppContext;
use guildhall_app::federation::counts;
use url::Url;

use crate::activities::InboxActivity;
use crate::actors::{DbGroup, DbPerson};
use crate::cavage::{DATE_WINDOW, precheck};
use crate::key_refetch::verified_actor;
use crate::signed_fetch::check;
use crate::urls::{authority, same_origin};
use crate::{Error, MAX_INBOX_BYTES, rfc9421};

/// Verifies (precheck, digest, signature, origin) and handles one activity; 202 when applied
/// or deliberately ignored. Ignored and refused activities are counted per instance and type.
pub async fn post_inbox(data: Data<AppContext>, req: Request) -> Result<Response, Error> {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_INBOX_BYTES)
        .await
        .map_err(|_| Error::BadRequest("the request body is too large or unreadable".into()))?;
    // Parsed once here for every check below (the library parses the activity itself later).
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    let tally = Tally::of(parsed.as_ref());
    let (result, ignored) = crate::tally::scoped(handle(&data, parts, bytes, parsed)).await;
    tally.record(data.app_data(), Tally::outcome(&result, ignored)).await;
    result
}

async fn handle(
    data: &Data<AppContext>,
    parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    parsed: Option<serde_json::Value>,
) -> Result<Response, Error> {
    let actor_field = parsed.as_ref().and_then(|v| v.get("actor"));
    let actor = actor_field.and_then(crate::wire::object_id);
    if let Some(keyword) = parsed.as_ref().and_then(json_ld_keyword) {
        // Expansion tricks have forged authorship elsewhere (Mastodon CVE-2022-24307 and
        // later); we read activities as plain JSON, so refuse documents that rely on them.
        return Err(Error::BadRequest(format!("JSON-LD keyword {keyword} is not accepted")));
    }
    // The instance's federation policy, by the actor's host (the signing key must be on the
    // same host, which the signature checks below enforce).
    if let Some(actor) = &actor
        && !guildhall_app::admin::federation_policy(data.app_data()).await?.allows(&crate::urls::authority(actor))
    {
        tracing::info!(actor = %actor, "activity from an instance this one does not federate with");
        return Err(Error::InstanceBlocked);
    }
    if rfc9421::is_rfc9421(&parts.headers) {
        return receive_rfc9421(data, &parts, &bytes).await;
    }
    if let Err(reason) = precheck(&parts.headers, actor_field.map(|_| actor.as_ref()), Utc::now()) {
        tracing::info!(reason, "inbox request refused before signature verification");
        return Err(Error::SignatureInvalid(reason.into()));
    }
    // Read here first so that an activity we cannot read is answered 400 (not 401), and an
    // actor we cannot fetch 401 with its own reason, before the library repeats both.
    let activity = parse(&bytes)?;
    let started = Utc::now();
    if fetch_actor(data, &activity).await?.is_none() {
        return Ok(StatusCode::ACCEPTED.into_response());
    }
    if let Some(actor) = &actor {
        // The library verifies against the stored key; if that key no longer verifies (a
        // rotation), refetch the actor first (once per interval). Its failures are left to
        // the library's own verification below, which answers for them as before.
        let host = &data.app_data().instance().domain;
        let verifies = |pem: &str| check(&parts.method, &parts.uri, &parts.headers, pem, host).unwrap_or(false);
        if let Err(e) = verified_actor(data, actor, started, verifies).await {
            tracing::debug!(actor = %actor, error = %e, "actor not fetched before signature verification");
        }
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    let activity = match ActivityData::from_request(req, &()).await {
        Ok(a) => a,
        Err(resp) => return Ok(resp),
    };
    let receive = receive_activity::<WithContext<InboxActivity>, Either<DbPerson, DbGroup>, AppContext>(activity, data);
    match parsed {
        Some(raw) => crate::activities::as_received(raw, receive).await?,
        None => receive.await?,
    }
    Ok(StatusCode::ACCEPTED.into_response())
}

/// The activity as the inbox reads it; a failure is `400 unreadable_activity` with serde's
/// (or our) reason.
fn parse(bytes: &[u8]) -> Result<WithContext<InboxActivity>, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Unreadable(format!("the activity cannot be read: {e}")))
}

/// The sending actor, fetched (or read from storage): `401 actor_unavailable` if it cannot be
/// fetched or read, since its key cannot be checked. `None` when the actor is gone and the
/// activity is its own deletion (Mastodon sends those to every inbox it knows): nothing to
/// verify or do, acknowledged and ignored.
async fn fetch_actor(
    data: &Data<AppContext>,
    activity: &WithContext<InboxActivity>,
) -> Result<Option<Either<DbPerson, DbGroup>>, Error> {
    use activitypub_federation::error::Error as P;
    let actor_url = activity.actor().clone();
    match ObjectId::<Either<DbPerson, DbGroup>>::from(actor_url.clone()).dereference(data).await {
        Ok(a) => Ok(Some(a)),
        Err(Error::Protocol(P::ObjectDeleted(_))) if activity.inner().deletes(&actor_url) => {
            crate::tally::ignored("the deletion of an actor this instance does not know, now gone");
            Ok(None)
        }
        Err(e) if e.is_transient() && matches!(e, Error::App(_)) => Err(e),
        Err(e) => Err(Error::ActorUnavailable(e.to_string())),
    }
}

/// Activity types counted under their own name: ActivityStreams' and common extensions.
const KNOWN_TYPES: &[&str] = &[
    "Accept",
    "Add",
    "Announce",
    "Arrive",
    "Block",
    "Create",
    "Delete",
    "Dislike",
    "EmojiReact",
    "Flag",
    "Follow",
    "Ignore",
    "Invite",
    "Join",
    "Leave",
    "Like",
    "Listen",
    "Move",
    "Offer",
    "Question",
    "Read",
    "Reject",
    "Remove",
    "TentativeAccept",
    "TentativeReject",
    "Travel",
    "Undo",
    "Update",
    "View",
];

/// The sender's instance and the activity's type, read before anything is checked, so that
/// what was ignored or refused is counted (by the instance the activity names as its actor's).
struct Tally {
    domain: Option<String>,
    kind: String,
}

impl Tally {
    fn of(parsed: Option<&serde_json::Value>) -> Self {
        let domain = parsed.and_then(|v| v.get("actor")).and_then(crate::wire::object_id).map(|a| authority(&a));
        let kind = match parsed.and_then(|v| v.get("type")).and_then(|t| t.as_str()) {
            // Counted before the signature is checked: a type outside the vocabulary is
            // "(other)", so made-up types cannot add rows (the reason still names it).
            Some(k) if KNOWN_TYPES.contains(&k) => k,
            Some(_) => "(other)",
            None => "(unreadable)",
        };
        Tally { domain, kind: kind.to_owned() }
    }

    /// What to count of how a POST ended: `(outcome, status, reason)`; nothing for an
    /// activity applied, or a failure of ours (5xx).
    fn outcome(result: &Result<Response, Error>, ignored: Option<String>) -> Option<(&'static str, u16, String)> {
        match (result, ignored) {
            (Ok(r), Some(reason)) if r.status() == StatusCode::ACCEPTED => Some(("ignored", 202, reason)),
            (Ok(r), _) if r.status().is_client_error() => Some(("refused", r.status().as_u16(), String::new())),
            (Err(e), _) if e.status().is_client_error() => Some(("refused", e.status().as_u16(), e.to_string())),
            _ => None,
        }
    }

    async fn record(&self, ctx: &AppContext, outcome: Option<(&'static str, u16, String)>) {
        let (Some(domain), Some((outcome, status, reason))) = (&self.domain, outcome) else { return };
        let o = counts::InboundOutcome { domain, kind: &self.kind, outcome, status, reason: &reason };
        if let Err(e) = counts::record_inbound(ctx, o).await {
            tracing::error!(error = %e, domain, "cannot count an ignored or refused activity");
        }
    }
}

fn unauthorized(reason: &str) -> Response {
    Error::SignatureInvalid(reason.into()).into_response()
}

/// RFC 9421 (HTTP Message Signatures, as Fedify sends first): verified here against the
/// actor's key; any signature failure answers 401 so the sender can retry with draft-cavage.
async fn receive_rfc9421(
    data: &Data<AppContext>,
    parts: &axum::http::request::Parts,
    body: &[u8],
) -> Result<Response, Error> {
    let activity = parse(body)?;
    // The signed target is the public URL the sender used, not our bind address.
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let target = Url::parse(&format!("{}{path}", data.app_data().instance().base_url()))?;
    let req =
        rfc9421::SignedRequest { method: parts.method.as_str(), target_uri: &target, headers: &parts.headers, body };
    let parsed = match rfc9421::parse(&req, Utc::now().timestamp(), DATE_WINDOW.num_seconds()) {
        Ok(p) => p,
        Err(e) => return Ok(unauthorized(&e.to_string())),
    };
    let actor_url = activity.actor().clone();
    match Url::parse(&parsed.key_id) {
        Ok(k) if same_origin(&k, &actor_url) => {}
        _ => return Ok(unauthorized("the signing key is not on the actor's server")),
    }
    let started = Utc::now();
    if fetch_actor(data, &activity).await?.is_none() {
        return Ok(StatusCode::ACCEPTED.into_response());
    }
    // A key that no longer verifies may have been rotated: the actor is refetched once. The
    // last reason a key did not verify is the one answered.
    let reason = std::sync::Mutex::new(None);
    let verifies = |pem: &str| match rfc9421::verify(&req, &parsed, pem) {
        Ok(()) => true,
        Err(e) => {
            *reason.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
            false
        }
    };
    match verified_actor(data, &actor_url, started, verifies).await {
        Ok(Some(_)) => {}
        Ok(None) => {
            let reason = reason.into_inner().unwrap_or_else(|p| p.into_inner());
            return Ok(unauthorized(reason.as_deref().unwrap_or("the signature does not match the actor's key")));
        }
        Err(e) => return Err(Error::ActorUnavailable(e.to_string())),
    }
    activity.verify(data).await?;
    match serde_json::from_slice(body) {
        Ok(raw) => crate::activities::as_received(raw, activity.receive(data)).await?,
        Err(_) => activity.receive(data).await?,
    }
    Ok(StatusCode::ACCEPTED.into_response())
}

/// The first JSON-LD keyword that changes a document's shape (`@graph`, `@reverse`,
/// `@included`), anywhere in the document.
fn json_ld_keyword(v: &serde_json::Value) -> Option<&'static str> {
    fn walk(v: &serde_json::Value, depth: usize) -> Option<&'static str> {
        if depth > 64 {
            return None;
        }
        match v {
            serde_json::Value::Object(map) => {
                for k in ["@graph", "@reverse", "@included"] {
                    if map.contains_key(k) {
                        return Some(k);
                    }
                }
                map.values().find_map(|x| walk(x, depth + 1))
            }
            serde_json::Value::Array(items) => items.iter().find_map(|x| walk(x, depth + 1)),
            _ => None,
        }
    }
    walk(v, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_types_are_bounded_to_the_vocabulary() {
        let tally = |raw: &str| Tally::of(Some(&serde_json::from_str(raw).unwrap()));
        let t = tally(r#"{"type":"EmojiReact","actor":"https://m.example/users/a"}"#);
        assert_eq!((t.domain.as_deref(), t.kind.as_str()), (Some("m.example"), "EmojiReact"));
        assert_eq!(tally(r#"{"type":"Zx81","actor":"https://m.example/users/a"}"#).kind, "(other)");
        assert_eq!(tally(r#"{"type":["Like"]}"#).kind, "(unreadable)");
        assert_eq!(tally(r#"{"type":"Like"}"#).domain, None);
    }

    #[test]
    fn json_ld_shape_changers_are_found() {
        let keyword = |raw: &str| json_ld_keyword(&serde_json::from_str(raw).unwrap());
        assert_eq!(keyword(r#"{"type":"Create","object":{"@graph":[]}}"#), Some("@graph"));
        assert_eq!(keyword(r#"{"a":[{"@reverse":{}}]}"#), Some("@reverse"));
        assert_eq!(keyword(r#"{"@context":"https://www.w3.org/ns/activitystreams","type":"Like"}"#), None);
    }
}
