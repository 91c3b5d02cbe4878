//! Property-based fuzzing of the draft-cavage precheck and signature check (docs/fuzzing.md):
//! nothing panics on arbitrary `Signature` and `Date` headers, and no single-byte change to
//! the signature or to what it covers verifies.

use std::time::SystemTime;

use axum::http::{HeaderValue, Method, Uri};
use base64::Engine as _;
use proptest::prelude::*;
use rsa::signature::{SignatureEncoding, Signer};
use sha2::{Digest, Sha256};

use super::*;
use crate::rfc9421::fuzz::flip;
use crate::rfc9421::tests::{RSA_PUBLIC_PKCS1, private_key};
use crate::signed_fetch::check;

const HOST: &str = "guild.example";
const PATH: &str = "/c/garden/inbox";
const KEY_ID: &str = "https://remote.example/users/bob#main-key";
const COVERED: &str = "(request-target) host date digest";

fn actor() -> Url {
    Url::parse("https://remote.example/users/bob").expect("static")
}

/// `Signature` header text: parameters of the right names with arbitrary values, separators
/// and stray characters.
fn signature_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[ -~]{0,12}",
        Just(KEY_ID.to_owned()),
        Just(COVERED.to_owned()),
        Just("(request-target) (created) host digest".to_owned()),
        "-?[0-9]{1,20}",
        any::<String>(),
    ];
    let param = (
        prop::sample::select(vec![
            "keyId",
            "headers",
            "created",
            "expires",
            "algorithm",
            "signature",
            "KEYID",
            "x",
            "",
        ]),
        prop::sample::select(vec!["=", "=\"", " = ", ""]),
        value,
        prop::sample::select(vec!["\"", "", "\"\""]),
    )
        .prop_map(|(k, eq, v, close)| format!("{k}{eq}{v}{close}"));
    prop::collection::vec(param, 0..7).prop_map(|v| v.join(","))
}

/// The headers of a POST of `body` to `PATH`, signed now with the test key.
fn signed_headers(body: &[u8]) -> HeaderMap {
    let date = httpdate::fmt_http_date(SystemTime::now());
    let digest = format!("SHA-256={}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body)));
    let signing_string = format!("(request-target): post {PATH}\nhost: {HOST}\ndate: {date}\ndigest: {digest}");
    let key = rsa::pkcs1v15::SigningKey::<Sha256>::new(private_key());
    let sig = base64::engine::general_purpose::STANDARD.encode(key.sign(signing_string.as_bytes()).to_bytes());
    let mut h = HeaderMap::new();
    h.insert("host", HeaderValue::from_static(HOST));
    h.insert("date", HeaderValue::from_str(&date).expect("an HTTP date"));
    h.insert("digest", HeaderValue::from_str(&digest).expect("base64"));
    let value = format!(r#"keyId="{KEY_ID}",algorithm="rsa-sha256",headers="{COVERED}",signature="{sig}""#);
    h.insert("signature", HeaderValue::from_str(&value).expect("ASCII"));
    h
}

/// Whether the precheck and the signature check both accept the request.
fn accepted(uri: &Uri, h: &HeaderMap) -> bool {
    precheck(h, Some(Some(&actor())), Utc::now()).is_ok()
        && check(&Method::POST, uri, h, RSA_PUBLIC_PKCS1, HOST).unwrap_or(false)
}

/// The fixture, signed once per run (RSA signing is the slow part; dates stay in the window).
fn fixture() -> &'static HeaderMap {
    static H: std::sync::OnceLock<HeaderMap> = std::sync::OnceLock::new();
    H.get_or_init(|| signed_headers(br#"{"type":"Follow"}"#))
}

#[test]
fn the_unchanged_fixture_verifies() {
    assert!(accepted(&Uri::from_static(PATH), fixture()));
}

#[test]
fn a_host_that_is_not_ascii_is_not_taken_for_ours() {
    // Found by `no_single_byte_change_verifies`: an unreadable Host was skipped, then
    // replaced by our own host, so the signature verified.
    let mut h = fixture().clone();
    h.insert("host", HeaderValue::from_bytes(b"\x80uild.example").expect("obs-text is a valid header value"));
    assert!(!accepted(&Uri::from_static(PATH), &h));
    h.remove("host");
    assert!(accepted(&Uri::from_static(PATH), &h), "an absent Host is still read as ours");
}

proptest! {
    #[test]
    fn precheck_and_check_never_panic(sig in signature_text(), date in prop_oneof!["[ -~]{0,40}", any::<String>()], raw in any::<Vec<u8>>()) {
        let uri = Uri::from_static(PATH);
        for value in [sig.as_bytes(), &raw[..]] {
            let Ok(v) = HeaderValue::from_bytes(value) else { continue };
            let mut h = fixture().clone();
            h.insert("signature", v);
            if let Ok(d) = HeaderValue::from_str(&date) {
                h.insert("date", d);
            }
            for actor in [None, Some(None), Some(Some(&actor()))] {
                let _ = precheck(&h, actor, Utc::now());
                let _ = precheck_signature(&h, actor, Utc::now(), false);
            }
            let _ = check(&Method::POST, &uri, &h, RSA_PUBLIC_PKCS1, HOST);
        }
    }

    #[test]
    fn no_single_byte_change_verifies(target in 0..5usize, at in any::<usize>(), by in any::<u8>()) {
        let mut h = fixture().clone();
        let mut uri = Uri::from_static(PATH);
        match target {
            // The signature's bytes (decoded, changed, encoded again).
            0 => {
                let value = h["signature"].to_str().unwrap_or_default().to_owned();
                let (head, b64) = value.rsplit_once("signature=\"").unwrap_or_default();
                let raw = base64::engine::general_purpose::STANDARD.decode(b64.trim_end_matches('"')).unwrap_or_default();
                let changed = base64::engine::general_purpose::STANDARD.encode(flip(&raw, at, by));
                let Ok(v) = HeaderValue::from_str(&format!("{head}signature=\"{changed}\"")) else { return Ok(()) };
                h.insert("signature", v);
            }
            // Every covered header.
            1..=3 => {
                let name = ["host", "date", "digest"][target - 1];
                let Ok(v) = HeaderValue::from_bytes(&flip(h[name].as_bytes(), at, by)) else { return Ok(()) };
                h.insert(name, v);
            }
            // The request target.
            _ => {
                let Ok(u) = Uri::try_from(flip(PATH.as_bytes(), at, by)) else { return Ok(()) };
                uri = u;
            }
        }
        prop_assert!(!accepted(&uri, &h), "a changed request verified");
    }
}
