//! The draft-cavage signature precheck shared by the inbox (POST) and signed fetches (GET).
//! activitypub_federation verifies the signature itself; this insists on what it leaves
//! optional: the signature must cover `(request-target)`, `host`, `digest` (POSTs) and a date
//! (`date` or `(created)`) within the allowed window, and the key must belong to the actor's
//! own server (SECURITY.md §3). A leaf: it imports nothing else of this crate but `urls`.

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use url::Url;

use crate::urls::same_origin;

/// How far a signature's date may lie in the past or (clock skew) in the future.
pub(crate) const DATE_WINDOW: chrono::Duration = chrono::Duration::hours(1);

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
mod fuzz;
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
    fn accepts_created_instead_of_date() {
        let sig = format!(
            r#"keyId="https://a.example/users/x#main-key",headers="(request-target) (created) host digest",created="{}",signature="abc""#,
            now().timestamp() - 60
        );
        assert_eq!(precheck(&headers(&sig, None), Some(Some(&body_actor())), now()), Ok(()));
    }
}
