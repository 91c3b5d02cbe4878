//! The inbox: every actor's inbox and the shared inbox take the same signed POSTs.
//!
//! Before activitypub_federation verifies the draft-cavage signature, a precheck insists on
//! what it leaves optional: the signature must cover `(request-target)`, `host`, `digest` and
//! a date (`date` or `(created)`) within the allowed window, and the key must belong to the
//! actor's own server (SECURITY.md §3).

use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::traits::{Activity, Actor};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use either::Either;
use guildhall_app::AppContext;
use url::Url;

use crate::activities::InboxActivity;
use crate::actors::{DbGroup, DbPerson};
use crate::urls::same_origin;
use crate::{Error, MAX_INBOX_BYTES, rfc9421};

/// How far a signature's date may lie in the past or (clock skew) in the future.
pub(crate) const DATE_WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Verifies (precheck, digest, signature, origin) and handles one activity; 202 when accepted.
pub async fn post_inbox(data: Data<AppContext>, req: Request) -> Result<Response, Error> {
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_INBOX_BYTES)
        .await
        .map_err(|_| Error::BadRequest("the request body is too large or unreadable".into()))?;
    // Parsed once here for every check below (the library parses the activity itself later).
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    let actor_field = parsed.as_ref().and_then(|v| v.get("actor"));
    let actor = actor_field.and_then(crate::activities::object_id);
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
        return receive_rfc9421(&data, &parts, &bytes).await;
    }
    if let Err(reason) = precheck(&parts.headers, actor_field.map(|_| actor.as_ref()), Utc::now()) {
        tracing::info!(reason, "inbox request refused before signature verification");
        return Err(Error::SignatureInvalid(reason.into()));
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    let activity = match ActivityData::from_request(req, &()).await {
        Ok(a) => a,
        Err(resp) => return Ok(resp),
    };
    receive_activity::<WithContext<InboxActivity>, Either<DbPerson, DbGroup>, AppContext>(activity, &data).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

fn unauthorized(reason: &str) -> Response {
    Error::SignatureInvalid(reason.into()).into_response()
}

/// RFC 9421 (HTTP Message Signatures, as Fedify sends first): verified here against the
/// actor's key; any failure answers 401 so the sender can retry with draft-cavage.
async fn receive_rfc9421(
    data: &Data<AppContext>,
    parts: &axum::http::request::Parts,
    body: &[u8],
) -> Result<Response, Error> {
    let activity: WithContext<InboxActivity> = serde_json::from_slice(body)?;
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
    let actor = match ObjectId::<Either<DbPerson, DbGroup>>::from(actor_url).dereference(data).await {
        Ok(a) => a,
        Err(e) => return Ok(unauthorized(&format!("the actor could not be fetched: {e}"))),
    };
    if let Err(e) = rfc9421::verify(&req, &parsed, actor.public_key_pem()) {
        return Ok(unauthorized(&e.to_string()));
    }
    activity.verify(data).await?;
    activity.receive(data).await?;
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

/// The parameters of a draft-cavage `Signature` header.
fn signature_params(headers: &HeaderMap) -> Option<Vec<(String, String)>> {
    let raw = headers.get("signature")?.to_str().ok()?;
    let mut out = Vec::new();
    for part in raw.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        out.push((k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()));
    }
    Some(out)
}

/// Checks what the signature covers and when it was made; `Err` names the problem. `actor` is
/// the body's `actor` when it has that field (`Some(None)`: present but not a URL).
pub fn precheck(headers: &HeaderMap, actor: Option<Option<&Url>>, now: DateTime<Utc>) -> Result<(), &'static str> {
    precheck_signature(headers, actor, now, true).map(|_| ())
}

/// [`precheck`] for POSTs (`with_body`: the digest must be covered) and GETs (no body, so no
/// digest: Mastodon sends none); returns the key id.
pub(crate) fn precheck_signature(
    headers: &HeaderMap,
    actor: Option<Option<&Url>>,
    now: DateTime<Utc>,
    with_body: bool,
) -> Result<Url, &'static str> {
    let params = signature_params(headers).ok_or("missing or malformed Signature header")?;
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let covered: Vec<String> =
        get("headers").unwrap_or("date").split_whitespace().map(str::to_ascii_lowercase).collect();
    let needed: &[&str] =
        if with_body { &["(request-target)", "host", "digest"] } else { &["(request-target)", "host"] };
    for &needed in needed {
        if !covered.iter().any(|c| c == needed) {
            return Err(match needed {
                "host" => "the signature must cover the host header",
                "digest" => "the signature must cover the digest header",
                _ => "the signature must cover (request-target)",
            });
        }
    }
    let signed_at = if covered.iter().any(|c| c == "date") {
        let date = headers.get("date").and_then(|d| d.to_str().ok()).ok_or("the signed date header is missing")?;
        let t = httpdate::parse_http_date(date).map_err(|_| "the date header is not an HTTP date")?;
        DateTime::<Utc>::from(t)
    } else if covered.iter().any(|c| c == "(created)") {
        let created: i64 = get("created").and_then(|c| c.parse().ok()).ok_or("the (created) parameter is missing")?;
        DateTime::from_timestamp(created, 0).ok_or("the (created) parameter is out of range")?
    } else {
        return Err("the signature must cover a date or (created)");
    };
    if signed_at > now + DATE_WINDOW || signed_at < now - DATE_WINDOW {
        return Err("the signature date is outside the allowed window");
    }
    // The key must live on the actor's own server.
    let key_id = get("keyid").and_then(|k| Url::parse(k).ok()).ok_or("keyId is not a URL")?;
    if let Some(actor) = actor {
        let actor = actor.ok_or("the activity has no actor")?;
        if !same_origin(&key_id, actor) {
            return Err("the signing key is not on the actor's server");
        }
    }
    Ok(key_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(sig: &str, date: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("signature", HeaderValue::from_str(sig).unwrap());
        if let Some(d) = date {
            h.insert("date", HeaderValue::from_str(d).unwrap());
        }
        h
    }

    /// The `actor` of the test activity `{"actor":"https://a.example/users/x"}`.
    fn body_actor() -> Url {
        Url::parse("https://a.example/users/x").unwrap()
    }
    const GOOD: &str = r#"keyId="https://a.example/users/x#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="abc""#;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc2822("Mon, 23 Nov 2026 15:00:00 +0000").unwrap().into()
    }

    #[test]
    fn accepts_a_complete_recent_signature() {
        assert_eq!(
            precheck(&headers(GOOD, Some("Mon, 23 Nov 2026 14:30:00 GMT")), Some(Some(&body_actor())), now()),
            Ok(())
        );
    }

    #[test]
    fn refuses_what_the_library_would_let_through() {
        let old = Some("Mon, 23 Nov 2026 13:30:00 GMT");
        let future = Some("Mon, 23 Nov 2026 17:00:00 GMT");
        let ok_date = Some("Mon, 23 Nov 2026 15:00:00 GMT");
        assert!(precheck(&headers(GOOD, old), Some(Some(&body_actor())), now()).is_err(), "stale");
        assert!(precheck(&headers(GOOD, future), Some(Some(&body_actor())), now()).is_err(), "future");
        assert!(precheck(&headers(GOOD, None), Some(Some(&body_actor())), now()).is_err(), "date missing");
        let no_host = GOOD.replace(" host", "");
        assert!(precheck(&headers(&no_host, ok_date), Some(Some(&body_actor())), now()).is_err(), "host");
        let no_digest = GOOD.replace(" digest", "");
        assert!(precheck(&headers(&no_digest, ok_date), Some(Some(&body_actor())), now()).is_err(), "digest");
        let no_date = GOOD.replace(" date", "");
        assert!(precheck(&headers(&no_date, ok_date), Some(Some(&body_actor())), now()).is_err(), "no date covered");
        let other_key = GOOD.replace("a.example", "b.example");
        assert!(precheck(&headers(&other_key, ok_date), Some(Some(&body_actor())), now()).is_err(), "key elsewhere");
        assert!(precheck(&HeaderMap::new(), Some(Some(&body_actor())), now()).is_err(), "unsigned");
    }

    #[test]
    fn json_ld_shape_changers_are_found() {
        let keyword = |raw: &str| json_ld_keyword(&serde_json::from_str(raw).unwrap());
        assert_eq!(keyword(r#"{"type":"Create","object":{"@graph":[]}}"#), Some("@graph"));
        assert_eq!(keyword(r#"{"a":[{"@reverse":{}}]}"#), Some("@reverse"));
        assert_eq!(keyword(r#"{"@context":"https://www.w3.org/ns/activitystreams","type":"Like"}"#), None);
    }

    #[test]
    fn accepts_created_instead_of_date() {
        let sig = format!(
            r#"keyId="https://a.example/users/x#main-key",headers="(request-target) (created) host digest",created="{}",signature="abc""#,
            now().timestamp() - 60
        );
        assert_eq!(precheck(&headers(&sig, None), Some(Some(&body_actor())), now()), Ok(()));
    }
}
