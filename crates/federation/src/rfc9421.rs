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
use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
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

fn verify_pkcs1_sha256(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = rsa::pkcs1v15::Signature::try_from(sig) else { return false };
    rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.clone()).verify(msg, &sig).is_ok()
}

fn verify_pss_sha512(key: &RsaPublicKey, msg: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = rsa::pss::Signature::try_from(sig) else { return false };
    // RFC 9421 section 3.3.1: MGF1 with SHA-512 and a 64-byte salt.
    rsa::pss::VerifyingKey::<Sha512>::new(key.clone()).verify(msg, &sig).is_ok()
}

fn parse_public_key(pem: &str) -> Result<RsaPublicKey, SigError> {
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

// ---------------------------------------------------------------------------
// RFC 8941 structured fields: just enough for dictionaries
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Bare {
    Int(i64),
    /// Kept as text; never needed numerically here.
    Dec(String),
    Str(String),
    Token(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

type Params = Vec<(String, Bare)>;

#[derive(Debug, Clone, PartialEq)]
struct Item {
    bare: Bare,
    params: Params,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Item(Item),
    Inner(Vec<Item>),
}

#[derive(Debug, Clone)]
struct Member<'s> {
    key: String,
    value: Value,
    /// Parameters of the member (for an inner list: the list's parameters).
    params: Params,
    /// The member value (inner list or item, with its parameters) as written.
    raw: std::borrow::Cow<'s, str>,
}

impl Member<'_> {
    fn into_owned(self) -> Member<'static> {
        Member { key: self.key, value: self.value, params: self.params, raw: self.raw.into_owned().into() }
    }
}

fn serialize_sf_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

struct SfParser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

/// RFC 8941 section 4.2.2. A repeated key overwrites the earlier value in place.
fn parse_dictionary(input: &str) -> Result<Vec<Member<'_>>, String> {
    let s = input.trim_matches(' ');
    let mut p = SfParser { s, b: s.as_bytes(), i: 0 };
    let mut out: Vec<Member<'_>> = Vec::new();
    while p.i < p.b.len() {
        let key = p.key()?;
        let start;
        let (value, params) = if p.peek() == Some(b'=') {
            p.i += 1;
            start = p.i;
            p.item_or_inner_list()?
        } else {
            start = p.i;
            let params = p.params()?;
            (Value::Item(Item { bare: Bare::Bool(true), params: params.clone() }), params)
        };
        let member = Member { key, value, params, raw: p.s[start..p.i].into() };
        match out.iter_mut().find(|m| m.key == member.key) {
            Some(existing) => *existing = member,
            None => out.push(member),
        }
        p.skip_ows();
        if p.i == p.b.len() {
            break;
        }
        if p.peek() != Some(b',') {
            return Err(format!("expected ',' at {}", p.i));
        }
        p.i += 1;
        p.skip_ows();
        if p.i == p.b.len() {
            return Err("trailing comma".into());
        }
    }
    Ok(out)
}

impl SfParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_sp(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    fn key(&mut self) -> Result<String, String> {
        let start = self.i;
        match self.peek() {
            Some(c) if c.is_ascii_lowercase() || c == b'*' => self.i += 1,
            _ => return Err(format!("expected a key at {start}")),
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c)) {
            self.i += 1;
        }
        Ok(self.s[start..self.i].to_string())
    }

    /// Returns the value and the parameters attached to it (item or inner list).
    fn item_or_inner_list(&mut self) -> Result<(Value, Params), String> {
        if self.peek() == Some(b'(') {
            self.i += 1;
            let mut items = Vec::new();
            loop {
                self.skip_sp();
                match self.peek() {
                    Some(b')') => {
                        self.i += 1;
                        break;
                    }
                    None => return Err("unterminated inner list".into()),
                    _ => {}
                }
                let bare = self.bare()?;
                let params = self.params()?;
                items.push(Item { bare, params });
                if !matches!(self.peek(), Some(b' ' | b')')) {
                    return Err(format!("expected ' ' or ')' at {}", self.i));
                }
            }
            let params = self.params()?;
            Ok((Value::Inner(items), params))
        } else {
            let bare = self.bare()?;
            let params = self.params()?;
            Ok((Value::Item(Item { bare, params: params.clone() }), params))
        }
    }

    fn params(&mut self) -> Result<Params, String> {
        let mut out: Params = Vec::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip_sp();
            let key = self.key()?;
            let value = if self.peek() == Some(b'=') {
                self.i += 1;
                self.bare()?
            } else {
                Bare::Bool(true)
            };
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(existing) => existing.1 = value,
                None => out.push((key, value)),
            }
        }
        Ok(out)
    }

    fn bare(&mut self) -> Result<Bare, String> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'"') => self.string(),
            Some(b':') => self.bytes(),
            Some(b'?') => match self.b.get(self.i + 1) {
                Some(b'0') => {
                    self.i += 2;
                    Ok(Bare::Bool(false))
                }
                Some(b'1') => {
                    self.i += 2;
                    Ok(Bare::Bool(true))
                }
                _ => Err(format!("bad boolean at {}", self.i)),
            },
            Some(c) if c.is_ascii_alphabetic() || c == b'*' => {
                let start = self.i;
                self.i += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c)) {
                    self.i += 1;
                }
                Ok(Bare::Token(self.s[start..self.i].to_string()))
            }
            _ => Err(format!("expected a value at {}", self.i)),
        }
    }

    fn number(&mut self) -> Result<Bare, String> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let digits_start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let int_digits = self.i - digits_start;
        if int_digits == 0 {
            return Err(format!("expected a digit at {}", self.i));
        }
        if self.peek() != Some(b'.') {
            if int_digits > 15 {
                return Err("integer too long".into());
            }
            return self.s[start..self.i].parse().map(Bare::Int).map_err(|e| e.to_string());
        }
        self.i += 1;
        let frac_start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        let frac = self.i - frac_start;
        if int_digits > 12 || frac == 0 || frac > 3 {
            return Err("bad decimal".into());
        }
        Ok(Bare::Dec(self.s[start..self.i].to_string()))
    }

    fn string(&mut self) -> Result<Bare, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("unterminated string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(Bare::Str(out));
                }
                Some(b'\\') => {
                    match self.b.get(self.i + 1) {
                        Some(&c @ (b'"' | b'\\')) => out.push(c as char),
                        _ => return Err("bad escape in string".into()),
                    }
                    self.i += 2;
                }
                Some(c @ 0x20..=0x7e) => {
                    out.push(c as char);
                    self.i += 1;
                }
                Some(_) => return Err("invalid character in string".into()),
            }
        }
    }

    fn bytes(&mut self) -> Result<Bare, String> {
        self.i += 1;
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || b"+/=".contains(&c)) {
            self.i += 1;
        }
        if self.peek() != Some(b':') {
            return Err("unterminated byte sequence".into());
        }
        let b64 = &self.s[start..self.i];
        self.i += 1;
        // RFC 8941 section 4.2.7: parsers SHOULD NOT fail on missing padding.
        const LENIENT: GeneralPurpose = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        LENIENT.decode(b64).map(Bare::Bytes).map_err(|e| format!("bad base64: {e}"))
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderName, HeaderValue};
    use rsa::RsaPrivateKey;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::signature::{SignatureEncoding, Signer};

    // RFC 9421 Appendix B.1.1 test-key-rsa.
    const RSA_PUBLIC_PKCS1: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsPBRrw
WEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsdJKFq
MGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75jfZg
kne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKIlE0P
uKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZSFlQ
PSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQAB
-----END RSA PUBLIC KEY-----";

    const RSA_PRIVATE_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEqAIBAAKCAQEAhAKYdtoeoy8zcAcR874L8cnZxKzAGwd7v36APp7Pv6Q2jdsP
BRrwWEBnez6d0UDKDwGbc6nxfEXAy5mbhgajzrw3MOEt8uA5txSKobBpKDeBLOsd
JKFqMGmXCQvEG7YemcxDTRPxAleIAgYYRjTSd/QBwVW9OwNFhekro3RtlinV0a75
jfZgkne/YiktSvLG34lw2zqXBDTC5NHROUqGTlML4PlNZS5Ri2U4aCNx2rUPRcKI
lE0PuKxI4T+HIaFpv8+rdV6eUgOrB2xeI1dSFFn/nnv5OoZJEIB+VmuKn3DCUcCZ
SFlQPSXSfBDiUGhwOw76WuSSsf1D4b/vLoJ10wIDAQABAoIBAG/JZuSWdoVHbi56
vjgCgkjg3lkO1KrO3nrdm6nrgA9P9qaPjxuKoWaKO1cBQlE1pSWp/cKncYgD5WxE
CpAnRUXG2pG4zdkzCYzAh1i+c34L6oZoHsirK6oNcEnHveydfzJL5934egm6p8DW
+m1RQ70yUt4uRc0YSor+q1LGJvGQHReF0WmJBZHrhz5e63Pq7lE0gIwuBqL8SMaA
yRXtK+JGxZpImTq+NHvEWWCu09SCq0r838ceQI55SvzmTkwqtC+8AT2zFviMZkKR
Qo6SPsrqItxZWRty2izawTF0Bf5S2VAx7O+6t3wBsQ1sLptoSgX3QblELY5asI0J
YFz7LJECgYkAsqeUJmqXE3LP8tYoIjMIAKiTm9o6psPlc8CrLI9CH0UbuaA2JCOM
cCNq8SyYbTqgnWlB9ZfcAm/cFpA8tYci9m5vYK8HNxQr+8FS3Qo8N9RJ8d0U5Csw
DzMYfRghAfUGwmlWj5hp1pQzAuhwbOXFtxKHVsMPhz1IBtF9Y8jvgqgYHLbmyiu1
mwJ5AL0pYF0G7x81prlARURwHo0Yf52kEw1dxpx+JXER7hQRWQki5/NsUEtv+8RT
qn2m6qte5DXLyn83b1qRscSdnCCwKtKWUug5q2ZbwVOCJCtmRwmnP131lWRYfj67
B/xJ1ZA6X3GEf4sNReNAtaucPEelgR2nsN0gKQKBiGoqHWbK1qYvBxX2X3kbPDkv
9C+celgZd2PW7aGYLCHq7nPbmfDV0yHcWjOhXZ8jRMjmANVR/eLQ2EfsRLdW69bn
f3ZD7JS1fwGnO3exGmHO3HZG+6AvberKYVYNHahNFEw5TsAcQWDLRpkGybBcxqZo
81YCqlqidwfeO5YtlO7etx1xLyqa2NsCeG9A86UjG+aeNnXEIDk1PDK+EuiThIUa
/2IxKzJKWl1BKr2d4xAfR0ZnEYuRrbeDQYgTImOlfW6/GuYIxKYgEKCFHFqJATAG
IxHrq1PDOiSwXd2GmVVYyEmhZnbcp8CxaEMQoevxAta0ssMK3w6UsDtvUvYvF22m
qQKBiD5GwESzsFPy3Ga0MvZpn3D6EJQLgsnrtUPZx+z2Ep2x0xc5orneB5fGyF1P
WtP+fG5Q6Dpdz3LRfm+KwBCWFKQjg7uTxcjerhBWEYPmEMKYwTJF5PBG9/ddvHLQ
EQeNC8fHGg4UXU8mhHnSBt3EA10qQJfRDs15M38eG2cYwB1PZpDHScDnDA0=
-----END RSA PRIVATE KEY-----";

    // RFC 9421 Appendix B.1.2 test-key-rsa-pss (public part).
    const RSA_PSS_PUBLIC_SPKI: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----";

    // RFC 9421 Appendix B.2 test request.
    const BODY: &[u8] = br#"{"hello": "world"}"#;
    const DIGEST_512: &str =
        "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
    const B_CREATED: i64 = 1618884473;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn b2_headers(extra: &[(&str, &str)]) -> HeaderMap {
        let mut pairs = vec![
            ("host", "example.com"),
            ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("content-type", "application/json"),
            ("content-digest", DIGEST_512),
            ("content-length", "18"),
        ];
        pairs.extend_from_slice(extra);
        headers(&pairs)
    }

    fn b2_url() -> url::Url {
        url::Url::parse("https://example.com/foo?param=Value&Pet=dog").unwrap()
    }

    fn req<'a>(method: &'a str, url: &'a url::Url, h: &'a HeaderMap, body: &'a [u8]) -> SignedRequest<'a> {
        SignedRequest { method, target_uri: url, headers: h, body }
    }

    /// The SigInput and signature bytes of member `label`, with no policy applied.
    fn member(h: &HeaderMap, label: &str) -> (SigInput, Vec<u8>) {
        let (inputs, sigs) = signature_dictionaries(h).unwrap();
        let m = inputs.iter().find(|m| m.key == label).unwrap();
        (SigInput::from_member(m).unwrap(), signature_bytes(&sigs, label).unwrap())
    }

    fn base_of(r: &SignedRequest, label: &str) -> String {
        let (input, _) = member(r.headers, label);
        String::from_utf8(signature_base(r, &input).unwrap()).unwrap()
    }

    fn private_key() -> RsaPrivateKey {
        RsaPrivateKey::from_pkcs1_pem(RSA_PRIVATE_PKCS1).unwrap()
    }

    fn spki_pem() -> String {
        private_key().to_public_key().to_public_key_pem(LineEnding::LF).unwrap()
    }

    fn sign_v15(base: &str) -> String {
        let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(private_key());
        base64::engine::general_purpose::STANDARD.encode(sk.sign(base.as_bytes()).to_bytes())
    }

    fn sha256_digest(body: &[u8]) -> String {
        format!("sha-256=:{}:", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body)))
    }

    // --- RFC 9421 Appendix B.2 published vectors (rsa-pss-sha512, test-key-rsa-pss) ---

    const B21_INPUT: &str = r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#;
    const B21_SIG: &str = "sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:";
    const B22_INPUT: &str = r#"sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#;
    const B22_SIG: &str = "sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:";
    const B23_INPUT: &str = r#"sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#;
    const B23_SIG: &str = "sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:";

    #[test]
    fn rfc_b21_minimal_base_and_published_signature() {
        let url = b2_url();
        let h = b2_headers(&[("signature-input", B21_INPUT), ("signature", B21_SIG)]);
        let r = req("POST", &url, &h, BODY);
        assert_eq!(
            base_of(&r, "sig-b21"),
            r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
        );
        let (input, sig) = member(&h, "sig-b21");
        verify_input(&r, &input, &sig, RSA_PSS_PUBLIC_SPKI).unwrap();
        // It covers nothing, so policy refuses it.
        assert!(matches!(parse(&r, B_CREATED, 300), Err(SigError::NotCovered("@method"))));
    }

    #[test]
    fn rfc_b22_selective_base_and_published_signature() {
        let url = b2_url();
        let h = b2_headers(&[("signature-input", B22_INPUT), ("signature", B22_SIG)]);
        let r = req("POST", &url, &h, BODY);
        let expected = [
            r#""@authority": example.com"#,
            &format!(r#""content-digest": {DIGEST_512}"#),
            r#""@query-param";name="Pet": dog"#,
            r#""@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example""#,
        ]
        .join("\n");
        assert_eq!(base_of(&r, "sig-b22"), expected);
        let (input, sig) = member(&h, "sig-b22");
        verify_input(&r, &input, &sig, RSA_PSS_PUBLIC_SPKI).unwrap();
        assert!(matches!(verify_input(&r, &input, &sig, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
        assert!(matches!(parse(&r, B_CREATED, 300), Err(SigError::NotCovered("@method"))));
    }

    #[test]
    fn rfc_b23_full_coverage_passes_parse_and_verify() {
        let url = b2_url();
        let h = b2_headers(&[("signature-input", B23_INPUT), ("signature", B23_SIG)]);
        let r = req("POST", &url, &h, BODY);
        let expected = [
            r#""date": Tue, 20 Apr 2021 02:07:55 GMT"#,
            r#""@method": POST"#,
            r#""@path": /foo"#,
            r#""@query": ?param=Value&Pet=dog"#,
            r#""@authority": example.com"#,
            r#""content-type": application/json"#,
            &format!(r#""content-digest": {DIGEST_512}"#),
            r#""content-length": 18"#,
            r#""@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss""#,
        ]
        .join("\n");
        assert_eq!(base_of(&r, "sig-b23"), expected);
        let p = parse(&r, B_CREATED + 5, 300).unwrap();
        assert_eq!(
            p,
            ParsedSignature {
                label: "sig-b23".into(),
                key_id: "test-key-rsa-pss".into(),
                created: Some(B_CREATED),
                expires: None,
                alg: None,
                components: [
                    "date",
                    "@method",
                    "@path",
                    "@query",
                    "@authority",
                    "content-type",
                    "content-digest",
                    "content-length"
                ]
                .map(String::from)
                .to_vec(),
            }
        );
        verify(&r, &p, RSA_PSS_PUBLIC_SPKI).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
    }

    // --- RFC 9421 section 4.3: a published rsa-v1_5-sha256 signature with test-key-rsa ---

    const PROXY_INPUT: &str = r#"proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540"#;
    const PROXY_SIG: &str = "proxy_sig=:S6ZzPXSdAMOPjN/6KXfXWNO/f7V6cHm7BXYUh3YD/fRad4BCaRZxP+JH+8XY1I6+8Cy+CM5g92iHgxtRPz+MjniOaYmdkDcnL9cCpXJleXsOckpURl49GwiyUpZ10KHgOEe11sx3G2gxI8S0jnxQB+Pu68U9vVcasqOWAEObtNKKZd8tSFu7LB5YAv0RAGhB8tmpv7sFnIm9y+7X5kXQfi8NMaZaA8i2ZHwpBdg7a6CMfwnnrtflzvZdXAsD3LH2TwevU+/PBPv0B6NMNk93wUs/vfJvye+YuI87HU38lZHowtznbLVdp770I6VHR6WfgS9ddzirrswsE1w5o0LV/g==:";

    fn proxy_request_headers(input: &str, sig: &str) -> HeaderMap {
        headers(&[
            ("host", "origin.host.internal.example"),
            ("date", "Tue, 20 Apr 2021 02:07:56 GMT"),
            ("content-type", "application/json"),
            ("content-length", "18"),
            ("forwarded", "for=192.0.2.123;host=example.com;proto=https"),
            ("content-digest", DIGEST_512),
            ("signature-input", input),
            ("signature", sig),
        ])
    }

    #[test]
    fn rfc_section_4_3_published_rsa_v1_5_sha256_signature() {
        let url = url::Url::parse("https://origin.host.internal.example/foo?param=Value&Pet=dog").unwrap();
        let h = proxy_request_headers(PROXY_INPUT, PROXY_SIG);
        let r = req("POST", &url, &h, BODY);
        let p = parse(&r, 1618884500, 300).unwrap();
        assert_eq!(p.label, "proxy_sig");
        assert_eq!(p.key_id, "test-key-rsa");
        assert_eq!(p.alg.as_deref(), Some("rsa-v1_5-sha256"));
        assert_eq!(p.expires, Some(1618884540));
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
        verify(&r, &p, &spki_pem()).unwrap();
        // Signing the rebuilt base reproduces the published (deterministic) signature.
        let base = base_of(&r, "proxy_sig");
        assert_eq!(format!("proxy_sig=:{}:", sign_v15(&base)), PROXY_SIG);
        // expires reached.
        assert!(matches!(parse(&r, 1618884540, 300), Err(SigError::Expired)));
        // The same signature seen at another authority (a proxy rewrote it) fails.
        let other = url::Url::parse("https://example.com/foo?param=Value&Pet=dog").unwrap();
        let r2 = req("POST", &other, &h, BODY);
        assert!(matches!(verify(&r2, &p, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
    }

    #[test]
    fn first_acceptable_signature_is_picked() {
        // Section 4.3's header pair: sig1 (ecdsa, no alg) then proxy_sig.
        let input = format!(
            r#"sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256", {}"#,
            PROXY_INPUT
        );
        let sig = format!(
            "sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:, {PROXY_SIG}"
        );
        let url = url::Url::parse("https://origin.host.internal.example/foo?param=Value&Pet=dog").unwrap();
        let h = proxy_request_headers(&input, &sig);
        let r = req("POST", &url, &h, BODY);
        assert_eq!(parse(&r, 1618884500, 300).unwrap().label, "sig1");
        // If the first is unacceptable (here: too old), the next one is used.
        assert_eq!(parse(&r, 1618884500, 22).unwrap().label, "proxy_sig");
        // Split across two field lines, same result.
        let mut h2 = proxy_request_headers(&input, &sig);
        h2.remove("signature-input");
        let (a, b) = input.split_once(", proxy_sig").unwrap();
        h2.append("signature-input", HeaderValue::from_str(a).unwrap());
        h2.append("signature-input", HeaderValue::from_str(&format!("proxy_sig{b}")).unwrap());
        let r2 = req("POST", &url, &h2, BODY);
        let p = parse(&r2, 1618884500, 22).unwrap();
        assert_eq!(p.label, "proxy_sig");
        verify(&r2, &p, RSA_PUBLIC_PKCS1).unwrap();
    }

    // --- Our own Fedify-shaped vectors, rsa-v1_5-sha256 with test-key-rsa ---

    const INBOX: &str = "https://guild.example/users/alice/inbox";
    const KEY_ID: &str = "https://remote.example/users/bob#main-key";
    const NOW: i64 = 1_750_000_000;
    const ACTIVITY: &[u8] = br#"{"@context":"https://www.w3.org/ns/activitystreams","type":"Follow","actor":"https://remote.example/users/bob","object":"https://guild.example/users/alice"}"#;

    struct Fixture {
        url: url::Url,
        headers: HeaderMap,
        body: Vec<u8>,
        base: String,
    }

    /// Signs like Fedify: `@method @target-uri @authority host date content-digest`.
    fn fedify_like(components: &str, created: i64, extra_params: &str) -> Fixture {
        let url = url::Url::parse(INBOX).unwrap();
        let body = ACTIVITY.to_vec();
        let digest = sha256_digest(&body);
        let mut h = headers(&[
            ("host", "guild.example"),
            ("date", "Sun, 15 Jun 2025 15:06:40 GMT"),
            ("content-type", "application/activity+json"),
            ("content-digest", &digest),
        ]);
        let params =
            format!(r#"({components});alg="rsa-v1_5-sha256";keyid="{KEY_ID}";created={created}{extra_params}"#);
        h.insert("signature-input", HeaderValue::from_str(&format!("sig1={params}")).unwrap());
        h.insert("signature", HeaderValue::from_static("sig1=:AAAA:"));
        let base = {
            let r = req("POST", &url, &h, &body);
            base_of(&r, "sig1")
        };
        let sig = sign_v15(&base);
        h.insert("signature", HeaderValue::from_str(&format!("sig1=:{sig}:")).unwrap());
        Fixture { url, headers: h, body, base }
    }

    const FEDIFY_COMPONENTS: &str = r#""@method" "@target-uri" "@authority" "host" "date" "content-digest""#;

    fn fixture() -> Fixture {
        fedify_like(FEDIFY_COMPONENTS, NOW - 10, "")
    }

    #[test]
    fn fedify_like_request_verifies_with_spki_and_pkcs1_keys() {
        let f = fixture();
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(is_rfc9421(&f.headers));
        let expected = [
            "\"@method\": POST".to_string(),
            format!("\"@target-uri\": {INBOX}"),
            "\"@authority\": guild.example".to_string(),
            "\"host\": guild.example".to_string(),
            "\"date\": Sun, 15 Jun 2025 15:06:40 GMT".to_string(),
            format!("\"content-digest\": {}", sha256_digest(ACTIVITY)),
            format!(
                r#""@signature-params": ({FEDIFY_COMPONENTS});alg="rsa-v1_5-sha256";keyid="{KEY_ID}";created={}"#,
                NOW - 10
            ),
        ]
        .join("\n");
        assert_eq!(f.base, expected);
        let p = parse(&r, NOW, 300).unwrap();
        assert_eq!(p.key_id, KEY_ID);
        assert_eq!(p.created, Some(NOW - 10));
        assert_eq!(p.components[..2], ["@method".to_string(), "@target-uri".to_string()]);
        verify(&r, &p, &spki_pem()).unwrap();
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
        // CRLF PEM with surrounding whitespace, as some servers publish it.
        verify(&r, &p, &format!("\n{}\n", spki_pem().replace('\n', "\r\n"))).unwrap();
    }

    #[test]
    fn alg_absent_means_pkcs1_v1_5_sha256() {
        let url = url::Url::parse(INBOX).unwrap();
        let h0 = headers(&[("host", "guild.example")]);
        let input = format!(r#"sig1=("@method" "@target-uri");keyid="k";created={NOW}"#);
        let mut h = h0.clone();
        h.insert("signature-input", HeaderValue::from_str(&input).unwrap());
        h.insert("signature", HeaderValue::from_static("sig1=:AAAA:"));
        let base = base_of(&req("GET", &url, &h, b""), "sig1");
        assert_eq!(
            base,
            format!(
                "\"@method\": GET\n\"@target-uri\": {INBOX}\n\"@signature-params\": (\"@method\" \"@target-uri\");keyid=\"k\";created={NOW}"
            )
        );
        h.insert("signature", HeaderValue::from_str(&format!("sig1=:{}:", sign_v15(&base))).unwrap());
        let r = req("GET", &url, &h, b"");
        let p = parse(&r, NOW, 60).unwrap();
        assert_eq!(p.alg, None);
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
    }

    #[test]
    fn tampered_body_fails_digest() {
        let f = fixture();
        let mut body = f.body.clone();
        body[10] ^= 1;
        let r = req("POST", &f.url, &f.headers, &body);
        let p = parse(&r, NOW, 300).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::Digest)));
    }

    #[test]
    fn tampered_covered_header_fails_signature() {
        let mut f = fixture();
        f.headers.insert("date", HeaderValue::from_static("Sun, 15 Jun 2025 15:06:41 GMT"));
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
    }

    #[test]
    fn tampered_digest_and_body_together_fail_signature() {
        let mut f = fixture();
        let body = b"{\"type\":\"Delete\"}".to_vec();
        f.headers.insert("content-digest", HeaderValue::from_str(&sha256_digest(&body)).unwrap());
        let r = req("POST", &f.url, &f.headers, &body);
        let p = parse(&r, NOW, 300).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
    }

    #[test]
    fn uncovered_header_may_change() {
        let mut f = fixture();
        f.headers.insert("content-type", HeaderValue::from_static("application/ld+json"));
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
    }

    #[test]
    fn wrong_target_uri_fails() {
        // What an app behind a proxy would see if it used its bind address.
        let f = fixture();
        let internal = url::Url::parse("http://127.0.0.1:3000/users/alice/inbox").unwrap();
        let r = req("POST", &internal, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::BadSignature)));
    }

    #[test]
    fn post_without_content_digest_coverage_is_refused() {
        let f = fedify_like(r#""@method" "@target-uri" "date""#, NOW, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::NotCovered("content-digest"))));
        let p = ParsedSignature {
            label: "sig1".into(),
            key_id: KEY_ID.into(),
            created: Some(NOW),
            expires: None,
            alg: Some("rsa-v1_5-sha256".into()),
            components: vec![],
        };
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::NotCovered("content-digest"))));
    }

    #[test]
    fn method_and_target_must_be_covered() {
        let f = fedify_like(r#""@target-uri" "content-digest""#, NOW, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::NotCovered("@method"))));
        let f = fedify_like(r#""@method" "@authority" "content-digest""#, NOW, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::NotCovered("@target-uri"))));
        let f = fedify_like(r#""@method" "@path" "@authority" "content-digest""#, NOW, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
    }

    #[test]
    fn time_window() {
        let f = fedify_like(FEDIFY_COMPONENTS, NOW - 301, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::Expired)));
        assert!(parse(&r, NOW, 301).is_ok());
        let f = fedify_like(FEDIFY_COMPONENTS, NOW + 61, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::Expired)));
        let f = fedify_like(FEDIFY_COMPONENTS, NOW + 60, "");
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(parse(&r, NOW, 300).is_ok());
        let f = fedify_like(FEDIFY_COMPONENTS, NOW - 10, &format!(";expires={}", NOW - 1));
        let r = req("POST", &f.url, &f.headers, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::Expired)));
        let f = fedify_like(FEDIFY_COMPONENTS, NOW - 10, &format!(";expires={}", NOW + 100));
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        assert_eq!(p.expires, Some(NOW + 100));
        verify(&r, &p, RSA_PUBLIC_PKCS1).unwrap();
    }

    #[test]
    fn missing_created_is_malformed() {
        let url = url::Url::parse(INBOX).unwrap();
        let h = headers(&[
            ("signature-input", r#"sig1=("@method" "@target-uri");keyid="k""#),
            ("signature", "sig1=:AAAA:"),
        ]);
        assert!(matches!(parse(&req("GET", &url, &h, b""), NOW, 300), Err(SigError::Malformed(_))));
    }

    #[test]
    fn wrong_key_fails() {
        let f = fixture();
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        assert!(matches!(verify(&r, &p, RSA_PSS_PUBLIC_SPKI), Err(SigError::BadSignature)));
        assert!(matches!(verify(&r, &p, "not a pem"), Err(SigError::Key(_))));
        assert!(matches!(
            verify(&r, &p, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
            Err(SigError::Key(_))
        ));
    }

    #[test]
    fn verify_rereads_headers_and_checks_keyid() {
        let f = fixture();
        let r = req("POST", &f.url, &f.headers, &f.body);
        let mut p = parse(&r, NOW, 300).unwrap();
        p.key_id = "https://evil.example/actor#key".into();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::Malformed(_))));
        let mut p = parse(&r, NOW, 300).unwrap();
        p.label = "sig2".into();
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::Malformed(_))));
    }

    #[test]
    fn unsupported_algorithm() {
        let f = fedify_like(FEDIFY_COMPONENTS, NOW, "");
        let mut h = f.headers.clone();
        let input = h["signature-input"].to_str().unwrap().replace("rsa-v1_5-sha256", "hmac-sha256");
        h.insert("signature-input", HeaderValue::from_str(&input).unwrap());
        let r = req("POST", &f.url, &h, &f.body);
        assert!(matches!(parse(&r, NOW, 300), Err(SigError::UnsupportedAlgorithm(a)) if a == "hmac-sha256"));
    }

    #[test]
    fn missing_and_malformed_headers() {
        let url = url::Url::parse(INBOX).unwrap();
        let only_input = headers(&[("signature-input", r#"sig1=("@method");created=1;keyid="k""#)]);
        assert!(!is_rfc9421(&only_input));
        assert!(matches!(parse(&req("POST", &url, &only_input, b""), NOW, 300), Err(SigError::Missing)));
        assert!(matches!(parse(&req("POST", &url, &HeaderMap::new(), b""), NOW, 300), Err(SigError::Missing)));

        let f = fixture();
        let good_input = f.headers["signature-input"].to_str().unwrap().to_string();
        let good_sig = f.headers["signature"].to_str().unwrap().to_string();
        let cases: Vec<(String, String)> = vec![
            ("sig1=garbage(".into(), good_sig.clone()),
            (format!("{good_input},"), good_sig.clone()),
            (good_input.replace(['(', ')'], ""), good_sig.clone()),
            (good_input.replace("\"@method\"", "@method"), good_sig.clone()),
            (good_input.replace("\"@method\"", "\"@Method\""), good_sig.clone()),
            (good_input.replace("\"host\"", "\"host\";sf"), good_sig.clone()),
            (good_input.replace("\"host\"", "\"@method\""), good_sig.clone()),
            (good_input.replace(&format!("keyid=\"{KEY_ID}\";"), ""), good_sig.clone()),
            (good_input.replace("created=", "created=\"1\";x="), good_sig.clone()),
            (good_input.clone(), "sig1=\"not bytes\"".into()),
            (good_input.clone(), "sig1=:!!!:".into()),
            (good_input.clone(), "other=:AAAA:".into()),
            (good_input.replace("sig1=", "Sig1="), good_sig.clone()),
        ];
        for (input, sig) in cases {
            let mut h = f.headers.clone();
            h.insert("signature-input", HeaderValue::from_str(&input).unwrap());
            h.insert("signature", HeaderValue::from_str(&sig).unwrap());
            let res = parse(&req("POST", &f.url, &h, &f.body), NOW, 300);
            assert!(matches!(res, Err(SigError::Malformed(_))), "{input} / {sig}: {res:?}");
        }
    }

    #[test]
    fn content_digest_variants() {
        let body = b"hello";
        let d256 = sha256_digest(body);
        let d512 = format!("sha-512=:{}:", base64::engine::general_purpose::STANDARD.encode(Sha512::digest(body)));
        let ok = |v: &str| check_content_digest(&headers(&[("content-digest", v)]), body);
        ok(&d256).unwrap();
        ok(&d512).unwrap();
        ok(&format!("{d256}, {d512}")).unwrap();
        ok(&format!("md5=:AAAA:, {d256}")).unwrap();
        assert!(matches!(ok(&format!("{d256}, sha-512=:AAAA:")), Err(SigError::Digest)));
        assert!(matches!(ok("md5=:AAAA:"), Err(SigError::Digest)));
        assert!(matches!(ok("sha-256=\"x\""), Err(SigError::Malformed(_))));
        assert!(matches!(check_content_digest(&HeaderMap::new(), body), Err(SigError::Digest)));
        // The RFC's test body and digest agree.
        check_content_digest(&headers(&[("content-digest", DIGEST_512)]), BODY).unwrap();
    }

    #[test]
    fn body_without_content_digest_header_fails() {
        let mut f = fixture();
        f.headers.remove("content-digest");
        let r = req("POST", &f.url, &f.headers, &f.body);
        let p = parse(&r, NOW, 300).unwrap();
        // content-digest is covered but absent: digest check fails first.
        assert!(matches!(verify(&r, &p, RSA_PUBLIC_PKCS1), Err(SigError::Digest)));
    }

    #[test]
    fn derived_components_and_multi_value_fields() {
        let url = url::Url::parse("https://Guild.Example:8443/a%20b/inbox?x=1&y=two%20words#frag").unwrap();
        let mut h = headers(&[("x-multi", "one"), ("x-multi", " two "), ("x-empty", "")]);
        h.insert(
            "signature-input",
            HeaderValue::from_static(
                r#"s=("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query" "@query-param";name="y" "x-multi" "x-empty");created=1;keyid="k""#,
            ),
        );
        h.insert("signature", HeaderValue::from_static("s=:AAAA:"));
        let r = req("PUT", &url, &h, b"");
        let expected = [
            r#""@method": PUT"#,
            r#""@target-uri": https://guild.example:8443/a%20b/inbox?x=1&y=two%20words"#,
            r#""@authority": guild.example:8443"#,
            r#""@scheme": https"#,
            r#""@request-target": /a%20b/inbox?x=1&y=two%20words"#,
            r#""@path": /a%20b/inbox"#,
            r#""@query": ?x=1&y=two%20words"#,
            r#""@query-param";name="y": two%20words"#,
            r#""x-multi": one, two"#,
            r#""x-empty": "#,
            r#""@signature-params": ("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query" "@query-param";name="y" "x-multi" "x-empty");created=1;keyid="k""#,
        ]
        .join("\n");
        assert_eq!(base_of(&r, "s"), expected);

        // Default port dropped, empty query is "?".
        let url = url::Url::parse("https://guild.example:443/inbox").unwrap();
        let h = headers(&[
            ("signature-input", r#"s=("@authority" "@query" "@request-target");created=1;keyid="k""#),
            ("signature", "s=:AAAA:"),
        ]);
        let r = req("POST", &url, &h, b"");
        assert_eq!(
            base_of(&r, "s"),
            "\"@authority\": guild.example\n\"@query\": ?\n\"@request-target\": /inbox\n\"@signature-params\": (\"@authority\" \"@query\" \"@request-target\");created=1;keyid=\"k\""
        );

        // Covered but absent header; unsupported derived component.
        for comp in [r#""x-absent""#, r#""@status""#, r#""@query-param";name="zzz""#] {
            let input = format!(r#"s=({comp});created=1;keyid="k""#);
            let h = headers(&[("signature-input", &input), ("signature", "s=:AAAA:")]);
            let r = req("POST", &url, &h, b"");
            let (si, _) = member(&h, "s");
            assert!(matches!(signature_base(&r, &si), Err(SigError::Malformed(_))), "{comp}");
        }
    }

    #[test]
    fn structured_field_dictionary_parser() {
        let d = parse_dictionary(r#"a=1,  b=("x" "y";p=?0);q=tok/en;r=-1.5 ,c, d=:aGk:;e="s\"\\", a=2"#).unwrap();
        let keys: Vec<_> = d.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d"]);
        assert_eq!(d[0].value, Value::Item(Item { bare: Bare::Int(2), params: vec![] }));
        assert_eq!(d[1].raw, r#"("x" "y";p=?0);q=tok/en;r=-1.5"#);
        let Value::Inner(items) = &d[1].value else { panic!() };
        assert_eq!(items[1].params, vec![("p".to_string(), Bare::Bool(false))]);
        assert_eq!(d[1].params[0], ("q".to_string(), Bare::Token("tok/en".into())));
        assert_eq!(d[1].params[1], ("r".to_string(), Bare::Dec("-1.5".into())));
        assert_eq!(d[2].value, Value::Item(Item { bare: Bare::Bool(true), params: vec![] }));
        assert_eq!(
            d[3].value,
            Value::Item(Item {
                bare: Bare::Bytes(b"hi".to_vec()),
                params: vec![("e".into(), Bare::Str("s\"\\".into()))]
            })
        );
        assert!(parse_dictionary("").unwrap().is_empty());
        for bad in
            ["a=1,", "A=1", "a=(1 2", "a=\"x", "a=:ab", "a=1 b=2", "a=1234567890123456", "a=\"\\x\"", "a=?2", "a=(1;)"]
        {
            assert!(parse_dictionary(bad).is_err(), "{bad}");
        }
    }
}
