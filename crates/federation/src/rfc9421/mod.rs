//! Verification of RFC 9421 HTTP Message Signatures on incoming requests.
//!
//! Fedify (Ghost, Hollo, ...) signs with RFC 9421 first (`Signature-Input`,
//! `Signature`, `Content-Digest`) and only falls back to draft-cavage after a
//! 401, so an inbox that cannot verify these must answer 401, not 2xx.
//!
//! # Why a direct implementation over `rsa` 0.9 and not the `httpsig` crate
//!
//! * `rsa` 0.9 / `sha2` 0.10 are already in the tree through
//!   activitypub_federation. `httpsig` 0.0.x builds RSA on `rsa` 0.10-rc /
//!   `sha2` 0.11, a second RustCrypto generation, and is a pre-1.0
//!   single-maintainer crate (see CRATES.md).
//! * The verifier side needed here is small: an RFC 8941 dictionary parser,
//!   the signature base of RFC 9421 section 2.5 for a handful of derived
//!   components, RFC 9530 `Content-Digest`, and RSA verification. Owning it
//!   lets us control exactly which URL is used for `@target-uri` behind a
//!   reverse proxy, and keeps the function pure (no I/O, no clock).
//!
//! # Flow
//!
//! 1. [`is_rfc9421`] decides between this module and draft-cavage.
//! 2. [`parse`] picks the signature, enforces coverage and freshness, and
//!    returns the `keyid` so the caller can fetch the actor's key.
//! 3. [`verify`] checks `Content-Digest` against the body, rebuilds the
//!    signature base and checks the RSA signature.
//!
//! # Deliberate limits
//!
//! * Algorithms: `rsa-v1_5-sha256`, `rsa-pss-sha512`. With `alg` absent the
//!   algorithm comes from the key material; an RSA key is tried as RSASSA
//!   PKCS#1 v1.5 SHA-256 first and then as RSASSA-PSS SHA-512 (the RFC's own
//!   Appendix B examples use PSS without `alg`). Both are sound schemes over the
//!   same key, so accepting either does not weaken it in any practical sense.
//! * Component parameters (`;sf`, `;key`, `;bs`, `;req`, `;tr`) are rejected;
//!   the only one accepted is `;name` on `@query-param`.
//! * The `@signature-params` line uses the member value exactly as it appears
//!   in `Signature-Input` (every known signer serializes it canonically, which
//!   is what RFC 9421 signs).
//! * `created` is required.
use axum::http::HeaderMap;
use rsa::RsaPublicKey;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256, Sha512};

/// Components needed to verify one request.
pub struct SignedRequest<'a> {
    /// The request method, e.g. `POST`.
    pub method: &'a str,
    /// Full URL as received: `scheme://authority/path?query`. Behind a reverse
    /// proxy this must be the *public* URL the sender used.
    pub target_uri: &'a url::Url,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// The first verifiable signature's key id and covered parameters, before the key is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSignature {
    pub label: String,
    pub key_id: String,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub alg: Option<String>,
    /// Covered component names in order, e.g. `"@method"`, `"@target-uri"`, `"content-digest"`.
    pub components: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SigError {
    #[error("request has no RFC 9421 signature (Signature-Input and Signature)")]
    Missing,
    #[error("malformed RFC 9421 signature: {0}")]
    Malformed(String),
    #[error("signature does not cover {0}")]
    NotCovered(&'static str),
    #[error("signature is expired, too old or too far in the future")]
    Expired,
    #[error("Content-Digest is missing, unsupported or does not match the body")]
    Digest,
    #[error("signature verification failed")]
    BadSignature,
    #[error("unsupported signature algorithm {0}")]
    UnsupportedAlgorithm(String),
    #[error("unusable public key: {0}")]
    Key(String),
}

/// How far in the future `created` may be (clock skew).
const MAX_FUTURE_SKEW_SECS: i64 = 60;
/// Smallest RSA modulus accepted.
const MIN_RSA_BITS: usize = 1024;
const SUPPORTED_ALGS: [&str; 2] = ["rsa-v1_5-sha256", "rsa-pss-sha512"];

/// Is this request signed with RFC 9421 (has Signature-Input and Signature headers)?
pub fn is_rfc9421(headers: &HeaderMap) -> bool {
    headers.contains_key("signature-input") && headers.contains_key("signature")
}

/// Parses Signature-Input/Signature, picks the first acceptable signature,
/// checks coverage (`@method`; `@target-uri` or `@authority` + `@path`;
/// `content-digest` when there is a body) and freshness (`created` within
/// `max_age_secs` of `now`, at most 60 s ahead; `expires` not passed).
///
/// With several signatures, the first one (in `Signature-Input` order) that
/// passes these checks is returned; if none does, the first one's error.
pub fn parse(req: &SignedRequest, now: i64, max_age_secs: i64) -> Result<ParsedSignature, SigError> {
    let (inputs, sigs) = signature_dictionaries(req.headers)?;
    let mut first_err = None;
    for member in &inputs {
        match accept_member(req, member, &sigs, now, max_age_secs) {
            Ok(p) => return Ok(p),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| SigError::Malformed("empty Signature-Input".into())))
}

fn accept_member(
    req: &SignedRequest,
    member: &Member<'_>,
    sigs: &[Member<'_>],
    now: i64,
    max_age_secs: i64,
) -> Result<ParsedSignature, SigError> {
    let input = SigInput::from_member(member)?;
    signature_bytes(sigs, &input.label)?;
    check_coverage(&input, !req.body.is_empty())?;
    if let Some(alg) = &input.alg
        && !SUPPORTED_ALGS.contains(&alg.as_str())
    {
        return Err(SigError::UnsupportedAlgorithm(alg.clone()));
    }
    let created = input.created.ok_or_else(|| SigError::Malformed("missing created parameter".into()))?;
    if created > now.saturating_add(MAX_FUTURE_SKEW_SECS) || now.saturating_sub(created) > max_age_secs {
        return Err(SigError::Expired);
    }
    if input.expires.is_some_and(|e| e <= now) {
        return Err(SigError::Expired);
    }
    Ok(input.to_parsed())
}

/// Verifies Content-Digest against the body, rebuilds the signature base
/// (RFC 9421 section 2.5) and checks the signature with the public key PEM
/// (SPKI "BEGIN PUBLIC KEY" or PKCS#1 "BEGIN RSA PUBLIC KEY").
///
/// The signature named by `sig.label` is re-read from the headers (the
/// fields of `sig` are not trusted) and its coverage is checked again; time
/// checks are [`parse`]'s job.
pub fn verify(req: &SignedRequest, sig: &ParsedSignature, public_key_pem: &str) -> Result<(), SigError> {
    let (inputs, sigs) = signature_dictionaries(req.headers)?;
    let member = inputs
        .iter()
        .find(|m| m.key == sig.label)
        .ok_or_else(|| SigError::Malformed(format!("no Signature-Input member {}", sig.label)))?;
    let input = SigInput::from_member(member)?;
    if input.key_id != sig.key_id {
        return Err(SigError::Malformed("keyid differs from the parsed signature".into()));
    }
    check_coverage(&input, !req.body.is_empty())?;
    if !req.body.is_empty() || req.headers.contains_key("content-digest") {
        check_content_digest(req.headers, req.body)?;
    }
    let signature = signature_bytes(&sigs, &input.label)?;
    verify_input(req, &input, &signature, public_key_pem)
}

/// Signature base + cryptographic check, without any policy (coverage, time, digest).
fn verify_input(req: &SignedRequest, input: &SigInput, signature: &[u8], public_key_pem: &str) -> Result<(), SigError> {
    let key = parse_public_key(public_key_pem)?;
    let base = signature_base(req, input)?;
    let ok = match input.alg.as_deref() {
        Some("rsa-v1_5-sha256") => verify_pkcs1_sha256(&key, &base, signature),
        Some("rsa-pss-sha512") => verify_pss_sha512(&key, &base, signature),
        None => verify_pkcs1_sha256(&key, &base, signature) || verify_pss_sha512(&key, &base, signature),
        Some(other) => return Err(SigError::UnsupportedAlgorithm(other.to_string())),
    };
    if ok { Ok(()) } else { Err(SigError::BadSignature) }
}

pub(crate) fn verify_pkcs1_sha256(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig) else { return false };
    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone()).verify(msg, &sig).is_ok()
}

fn verify_pss_sha512(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = rsa::pss::Signature::try_from(sig) else { return false };
    // RFC 9421 section 3.3.1: MGF1 with SHA-512 and a 64-byte salt.
    rsa::pss::VerifyingKey::<Sha512>::new(key.clone()).verify(msg, &sig).is_ok()
}

pub(crate) fn parse_public_key(pem: &str) -> Result<RsaPublicKey, SigError> {
    let pem = pem.trim();
    let key = if pem.contains("-----BEGIN RSA PUBLIC KEY-----") {
        RsaPublicKey::from_pkcs1_pem(pem).map_err(|e| SigError::Key(e.to_string()))?
    } else if pem.contains("-----BEGIN PUBLIC KEY-----") {
        RsaPublicKey::from_public_key_pem(pem).map_err(|e| SigError::Key(e.to_string()))?
    } else {
        return Err(SigError::Key("expected a BEGIN PUBLIC KEY or BEGIN RSA PUBLIC KEY PEM".into()));
    };
    if key.n().bits() < MIN_RSA_BITS {
        return Err(SigError::Key(format!("RSA key shorter than {MIN_RSA_BITS} bits")));
    }
    Ok(key)
}

// ---------------------------------------------------------------------------
// Signature-Input / Signature
// ---------------------------------------------------------------------------

/// One covered component: its name and (only for `@query-param`) the `name` parameter.
#[derive(Debug, Clone, PartialEq)]
struct Component {
    name: String,
    query_name: Option<String>,
}

impl Component {
    /// The component identifier as it appears in the signature base.
    fn identifier(&self) -> String {
        let mut s = serialize_sf_string(&self.name);
        if let Some(q) = &self.query_name {
            s.push_str(";name=");
            s.push_str(&serialize_sf_string(q));
        }
        s
    }
}

#[derive(Debug)]
struct SigInput {
    label: String,
    components: Vec<Component>,
    created: Option<i64>,
    expires: Option<i64>,
    key_id: String,
    alg: Option<String>,
    /// The member value exactly as received: the `@signature-params` value.
    raw: String,
}

impl SigInput {
    fn from_member(m: &Member<'_>) -> Result<Self, SigError> {
        let malformed = |what: &str| SigError::Malformed(format!("{}: {what}", m.key));
        let Value::Inner(items) = &m.value else {
            return Err(malformed("Signature-Input member is not an inner list"));
        };
        let mut components: Vec<Component> = Vec::with_capacity(items.len());
        for item in items {
            let Bare::Str(name) = &item.bare else {
                return Err(malformed("component identifier is not a string"));
            };
            if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(malformed("component name must be non-empty lowercase"));
            }
            let mut query_name = None;
            for (k, v) in &item.params {
                match (name.as_str(), k.as_str(), v) {
                    ("@query-param", "name", Bare::Str(q)) => query_name = Some(q.clone()),
                    _ => return Err(SigError::Malformed(format!("unsupported component parameter {name};{k}"))),
                }
            }
            if name == "@query-param" && query_name.is_none() {
                return Err(malformed("@query-param without name"));
            }
            let c = Component { name: name.clone(), query_name };
            if components.contains(&c) {
                return Err(malformed("component listed twice"));
            }
            components.push(c);
        }
        let (mut created, mut expires, mut key_id, mut alg) = (None, None, None, None);
        for (k, v) in &m.params {
            match (k.as_str(), v) {
                ("created", Bare::Int(i)) => created = Some(*i),
                ("expires", Bare::Int(i)) => expires = Some(*i),
                ("keyid", Bare::Str(s)) => key_id = Some(s.clone()),
                ("alg", Bare::Str(s)) => alg = Some(s.clone()),
                ("created" | "expires", _) => {
                    return Err(SigError::Malformed(format!("{}: parameter {k} must be an integer", m.key)));
                }
                ("keyid" | "alg" | "nonce" | "tag", _) if !matches!(v, Bare::Str(_)) => {
                    return Err(SigError::Malformed(format!("{}: parameter {k} must be a string", m.key)));
                }
                _ => {}
            }
        }
        let key_id = key_id.ok_or_else(|| malformed("missing keyid"))?;
        Ok(SigInput { label: m.key.clone(), components, created, expires, key_id, alg, raw: m.raw.to_string() })
    }

    fn covers(&self, name: &str) -> bool {
        self.components.iter().any(|c| c.name == name)
    }

    fn to_parsed(&self) -> ParsedSignature {
        ParsedSignature {
            label: self.label.clone(),
            key_id: self.key_id.clone(),
            created: self.created,
            expires: self.expires,
            alg: self.alg.clone(),
            components: self.components.iter().map(|c| c.name.clone()).collect(),
        }
    }
}

fn check_coverage(input: &SigInput, has_body: bool) -> Result<(), SigError> {
    if !input.covers("@method") {
        return Err(SigError::NotCovered("@method"));
    }
    let path = input.covers("@path") || input.covers("@request-target");
    if !(input.covers("@target-uri") || (input.covers("@authority") && path)) {
        return Err(SigError::NotCovered("@target-uri"));
    }
    if has_body && !input.covers("content-digest") {
        return Err(SigError::NotCovered("content-digest"));
    }
    Ok(())
}

type Dicts<'a> = (Vec<Member<'a>>, Vec<Member<'a>>);

/// The Signature-Input and Signature dictionaries (owned).
fn signature_dictionaries(headers: &HeaderMap) -> Result<Dicts<'static>, SigError> {
    let input = combined_field(headers, "signature-input")?.ok_or(SigError::Missing)?;
    let sig = combined_field(headers, "signature")?.ok_or(SigError::Missing)?;
    let inputs = parse_dictionary(&input).map_err(|e| SigError::Malformed(format!("Signature-Input: {e}")))?;
    let sigs = parse_dictionary(&sig).map_err(|e| SigError::Malformed(format!("Signature: {e}")))?;
    Ok((inputs.into_iter().map(Member::into_owned).collect(), sigs.into_iter().map(Member::into_owned).collect()))
}

fn signature_bytes(sigs: &[Member<'_>], label: &str) -> Result<Vec<u8>, SigError> {
    let m = sigs
        .iter()
        .find(|m| m.key == label)
        .ok_or_else(|| SigError::Malformed(format!("no Signature member {label}")))?;
    match &m.value {
        Value::Item(Item { bare: Bare::Bytes(b), .. }) if !b.is_empty() => Ok(b.clone()),
        _ => Err(SigError::Malformed(format!("Signature member {label} is not a byte sequence"))),
    }
}

/// All field lines of `name`, each trimmed, joined with ", " (RFC 9421 section 2.1).
fn combined_field(headers: &HeaderMap, name: &str) -> Result<Option<String>, SigError> {
    let mut out: Option<String> = None;
    for v in headers.get_all(name) {
        let s = v
            .to_str()
            .map_err(|_| SigError::Malformed(format!("header {name} is not visible ASCII")))?
            .trim_matches([' ', '\t']);
        match &mut out {
            None => out = Some(s.to_string()),
            Some(o) => {
                o.push_str(", ");
                o.push_str(s);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Signature base (RFC 9421 section 2.5)
// ---------------------------------------------------------------------------

fn signature_base(req: &SignedRequest, input: &SigInput) -> Result<Vec<u8>, SigError> {
    let mut base = String::new();
    for c in &input.components {
        let value = component_value(req, c)?;
        base.push_str(&c.identifier());
        base.push_str(": ");
        base.push_str(&value);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&input.raw);
    Ok(base.into_bytes())
}

fn component_value(req: &SignedRequest, c: &Component) -> Result<String, SigError> {
    let url = req.target_uri;
    let v = match c.name.as_str() {
        "@method" => req.method.to_string(),
        "@target-uri" => url[..url::Position::AfterQuery].to_string(),
        "@authority" => authority(url)?,
        "@scheme" => url.scheme().to_ascii_lowercase(),
        "@request-target" => url[url::Position::BeforePath..url::Position::AfterQuery].to_string(),
        "@path" => {
            let p = url.path();
            if p.is_empty() { "/".to_string() } else { p.to_string() }
        }
        "@query" => format!("?{}", url.query().unwrap_or("")),
        "@query-param" => query_param(url, c.query_name.as_deref().unwrap_or_default())?,
        derived if derived.starts_with('@') => {
            return Err(SigError::Malformed(format!("unsupported derived component {derived}")));
        }
        field => combined_field(req.headers, field)?
            .ok_or_else(|| SigError::Malformed(format!("covered header {field} is absent")))?,
    };
    if v.contains(['\n', '\r']) {
        return Err(SigError::Malformed(format!("component {} contains a newline", c.name)));
    }
    Ok(v)
}

fn authority(url: &url::Url) -> Result<String, SigError> {
    let host = url.host_str().ok_or_else(|| SigError::Malformed("target URI has no host".into()))?;
    // `url` lowercases hosts and drops the scheme's default port.
    Ok(match url.port() {
        Some(p) => format!("{}:{p}", host.to_ascii_lowercase()),
        None => host.to_ascii_lowercase(),
    })
}

/// `@query-param;name=...` (RFC 9421 section 2.2.8): names and values are
/// form-decoded, then re-encoded with the application/x-www-form-urlencoded
/// percent-encode set (spaces as %20).
fn query_param(url: &url::Url, name: &str) -> Result<String, SigError> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    let mut found = url.query_pairs().filter(|(k, _)| enc(k) == name).map(|(_, v)| enc(&v));
    let first = found.next().ok_or_else(|| SigError::Malformed(format!("query parameter {name} is absent")))?;
    if found.next().is_some() {
        return Err(SigError::Malformed(format!("query parameter {name} occurs more than once")));
    }
    Ok(first)
}

// ---------------------------------------------------------------------------
// Content-Digest (RFC 9530)
// ---------------------------------------------------------------------------

/// Every sha-256 / sha-512 member must match the body, and at least one must be present.
fn check_content_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), SigError> {
    let raw = combined_field(headers, "content-digest")?.ok_or(SigError::Digest)?;
    let dict = parse_dictionary(&raw).map_err(|e| SigError::Malformed(format!("Content-Digest: {e}")))?;
    let mut checked = false;
    for m in &dict {
        let expected: Vec<u8> = match m.key.as_str() {
            "sha-256" => Sha256::digest(body).to_vec(),
            "sha-512" => Sha512::digest(body).to_vec(),
            _ => continue,
        };
        let Value::Item(Item { bare: Bare::Bytes(got), .. }) = &m.value else {
            return Err(SigError::Malformed(format!("Content-Digest {} is not a byte sequence", m.key)));
        };
        if *got != expected {
            return Err(SigError::Digest);
        }
        checked = true;
    }
    if checked { Ok(()) } else { Err(SigError::Digest) }
}

#[cfg(test)]
pub(crate) mod fuzz;
mod structured;
#[cfg(test)]
pub(crate) mod tests;

use structured::*;
