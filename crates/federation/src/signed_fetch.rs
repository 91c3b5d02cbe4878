//! Signed GETs: who is asking for a private community's content.
//!
//! activitypub_federation verifies signed requests only for actix-web, so axum handlers get
//! it here: draft-cavage signatures (what Mastodon, Lemmy and Guildhall send for fetches),
//! checked with http-signature-normalization (the parser the library itself uses). A GET has
//! no body, so no Digest is required. The signature must cover `(request-target)` and `host`
//! and be dated within the inbox's window, which also bounds replays. Keys are fetched from the
//! signer's server (our fetch is itself signed by our instance actor) and cached.

use std::collections::BTreeMap;
use std::sync::Arc;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, Uri};
use base64::Engine;
use chrono::Utc;
use guildhall_app::entities::community;
use guildhall_app::{AppContext, RemoteKey};
use guildhall_domain::{FetchSigner, private_fetch_allowed};
use serde_json::Value;
use url::Url;

use crate::cavage::{DATE_WINDOW, precheck_signature};
use crate::rfc9421::{parse_public_key, verify_pkcs1_sha256};
use crate::urls::{authority, same_origin};

/// A verified signer of a GET.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The actor whose key signed.
    pub actor: Url,
    /// Its server (`host[:port]`).
    pub domain: String,
    /// What kind of actor it is.
    pub kind: FetchSigner,
}

/// Why a signed GET was not accepted (logged; the client only ever sees 404).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(String);

fn refused(reason: impl Into<String>) -> Refused {
    Refused(reason.into())
}

/// The verified signer, `None` for an unsigned request, `Err` for a bad signature.
pub async fn signer(
    data: &Data<AppContext>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Option<Signer>, Refused> {
    if !headers.contains_key("signature") {
        return Ok(None);
    }
    let key_id = precheck_signature(headers, None, Utc::now(), false).map_err(refused)?;
    let domain = authority(&key_id);
    let policy = guildhall_app::admin::federation_policy(data.app_data()).await.map_err(|e| refused(e.to_string()))?;
    if !policy.allows(&domain) {
        return Err(refused("the instance is not federated with"));
    }
    let cache = data.app_data().remote_keys();
    let cached = cache.get(key_id.as_str()).await;
    let key = match &cached {
        Some(k) => k.clone(),
        None => fetch_key(data, &key_id).await?,
    };
    let ok = check(method, uri, headers, &key.pem, &data.app_data().instance().domain)?;
    let key = match (ok, cached.is_some()) {
        (true, _) => key,
        // The key may have been rotated since we cached it: fetch it once more (at most once
        // per interval for each key, as for the inbox's signatures).
        (false, true) if data.app_data().claim_key_refetch(key_id.as_str()).await => {
            let fresh = fetch_key(data, &key_id).await?;
            if !check(method, uri, headers, &fresh.pem, &data.app_data().instance().domain)? {
                return Err(refused("the signature does not match the key"));
            }
            fresh
        }
        (false, _) => return Err(refused("the signature does not match the key")),
    };
    cache.insert(key_id.to_string(), key.clone()).await;
    let actor = Url::parse(&key.owner).map_err(|_| refused("the key owner is not a URL"))?;
    Ok(Some(Signer { domain: authority(&actor), actor, kind: FetchSigner::from_type(&key.kind) }))
}

/// Verifies the draft-cavage signature over the request with `pem`.
pub(crate) fn check(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    pem: &str,
    our_host: &str,
) -> Result<bool, Refused> {
    let mut map = BTreeMap::new();
    for (name, value) in headers {
        if let Ok(v) = value.to_str() {
            map.insert(name.as_str().to_owned(), v.to_owned());
        }
    }
    // HTTP/2 and some proxies drop Host; the signer signed ours. Only when there is none: a
    // Host that is not visible ASCII must not be read as ours (found by cavage::fuzz).
    if !headers.contains_key(axum::http::header::HOST) {
        map.insert("host".to_owned(), our_host.to_owned());
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let config = http_signature_normalization::Config::new()
        .set_expiration(DATE_WINDOW.to_std().unwrap_or(std::time::Duration::from_secs(3600)));
    let unverified =
        config.begin_verify(method.as_str(), path, map).map_err(|e| refused(format!("unreadable signature: {e}")))?;
    let key = parse_public_key(pem).map_err(|e| refused(e.to_string()))?;
    Ok(unverified.verify(|signature, signing_string| {
        base64::engine::general_purpose::STANDARD
            .decode(signature)
            .is_ok_and(|sig| verify_pkcs1_sha256(&key, signing_string.as_bytes(), &sig))
    }))
}

/// Fetches the key (or the actor document holding it) and its owner.
async fn fetch_key(data: &Data<AppContext>, key_id: &Url) -> Result<Arc<RemoteKey>, Refused> {
    let fetch = |url: Url| async move {
        fetch_object_http::<AppContext, Value>(&url, data)
            .await
            .map(|r| r.object)
            .map_err(|e| refused(format!("the key {url} could not be fetched: {e}")))
    };
    let mut doc_url = key_id.clone();
    doc_url.set_fragment(None);
    let mut doc = fetch(doc_url).await?;
    // GoToSocial-style key ids name a key document; its owner holds the type.
    if doc.get("publicKey").is_none()
        && let Some(owner) = doc.get("owner").and_then(|o| o.as_str()).and_then(|o| Url::parse(o).ok())
    {
        if !same_origin(&owner, key_id) {
            return Err(refused("the key's owner is on another server"));
        }
        doc = fetch(owner).await?;
    }
    let owner = doc.get("id").and_then(|i| i.as_str()).and_then(|i| Url::parse(i).ok());
    let owner =
        owner.filter(|o| same_origin(o, key_id)).ok_or_else(|| refused("the key's owner is not on its server"))?;
    let keys = match doc.get("publicKey") {
        Some(Value::Array(a)) => a.clone(),
        Some(k) => vec![k.clone()],
        None => vec![],
    };
    let pem = keys
        .iter()
        .find(|k| k.get("id").and_then(|i| i.as_str()) == Some(key_id.as_str()))
        .filter(|k| k.get("owner").and_then(|o| o.as_str()).is_none_or(|o| o == owner.as_str()))
        .and_then(|k| k.get("publicKeyPem").and_then(|p| p.as_str()))
        .ok_or_else(|| refused("the actor does not publish that key"))?;
    let kind = match doc.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().find_map(|t| t.as_str()).unwrap_or_default().to_owned(),
        _ => String::new(),
    };
    Ok(Arc::new(RemoteKey { owner: owner.to_string(), kind, pem: pem.to_owned() }))
}

/// Whether the request may read a private community's content: a signed GET by a member, or
/// by the instance actor of a server with a member (for a remote community, also its own
/// server). Refusals are logged with the domain.
pub async fn may_read_private(
    data: &Data<AppContext>,
    community: &community::Model,
    parts: &Parts,
) -> Result<bool, crate::Error> {
    let signer = match signer(data, &parts.method, &parts.uri, &parts.headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return Ok(false),
        Err(reason) => {
            tracing::info!(path = %parts.uri, %reason, "signed fetch refused");
            return Ok(false);
        }
    };
    let grants = guildhall_app::federation::grants::private_fetch_grants(
        data.app_data(),
        community.id,
        signer.actor.as_str(),
        &signer.domain,
    )
    .await?;
    let home = !community.domain.is_empty() && community.domain == signer.domain;
    let policy = guildhall_app::admin::federation_policy(data.app_data()).await?;
    let allowed = private_fetch_allowed(
        signer.kind,
        policy.allows(&signer.domain),
        grants.is_member,
        grants.server_has_member || home,
    );
    if !allowed {
        tracing::info!(actor = %signer.actor, domain = %signer.domain, path = %parts.uri, "private content not served to a non-member");
    }
    Ok(allowed)
}
