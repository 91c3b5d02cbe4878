//! Property-based fuzzing of the RFC 8941 / RFC 9421 parsers and verifier (docs/fuzzing.md):
//! nothing panics on arbitrary headers, and no single-byte change to a valid signed request
//! verifies.

use super::tests::{FEDIFY_COMPONENTS, Fixture, NOW, RSA_PUBLIC_PKCS1, fedify_like, req};
use super::*;
use axum::http::HeaderValue;
use base64::Engine as _;
use proptest::prelude::*;

/// `bytes` with the byte at `at` (modulo the length) replaced by `by` (or, if equal, by its
/// complement), so that it always differs from the original in exactly one byte.
pub(crate) fn flip(bytes: &[u8], at: usize, by: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        return out;
    }
    let i = at % out.len();
    out[i] = if out[i] == by { !by } else { by };
    out
}

/// Text made of structured-field syntax (keys, strings, byte sequences, inner lists,
/// parameters) and stray characters, so that generated headers reach every parser branch.
pub(crate) fn sf_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "sig1",
            "=",
            "(",
            ")",
            ";",
            ",",
            " ",
            "\t",
            "\"",
            "\\",
            ":",
            "?0",
            "?1",
            "?",
            "created=",
            "expires=",
            "keyid=",
            "alg=",
            "name=",
            "\"@method\"",
            "\"@target-uri\"",
            "\"@query-param\"",
            "\"content-digest\"",
            "sha-256=",
            "*",
        ])
        .prop_map(str::to_owned),
        "-?[0-9]{1,18}(\\.[0-9]{0,4})?",
        "[a-z*][a-z0-9_.*-]{0,6}",
        ":[A-Za-z0-9+/=]{0,12}:",
        "\"([ -~]|\\\\[\"\\\\x]){0,8}\"",
        "[!-~]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..24).prop_map(|v| v.concat())
}

/// Headers of the fixture request with Signature-Input and Signature replaced, if both are
/// valid header values.
fn with_signature_headers(f: &Fixture, input: &[u8], sig: &[u8]) -> Option<HeaderMap> {
    let mut h = f.headers.clone();
    h.insert("signature-input", HeaderValue::from_bytes(input).ok()?);
    h.insert("signature", HeaderValue::from_bytes(sig).ok()?);
    Some(h)
}

/// Whether `parse` then `verify` accept the request with the fixture's key.
fn accepted(method: &str, url: &url::Url, h: &HeaderMap, body: &[u8]) -> bool {
    let r = req(method, url, h, body);
    parse(&r, NOW, 300).is_ok_and(|p| verify(&r, &p, RSA_PUBLIC_PKCS1).is_ok())
}

/// The fixture, signed once for the whole run (RSA signing is the slow part).
fn signed() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(|| fedify_like(FEDIFY_COMPONENTS, NOW - 10, ""))
}

#[test]
fn the_unchanged_fixture_verifies() {
    let f = signed();
    assert!(accepted("POST", &f.url, &f.headers, &f.body));
}

proptest! {
    #[test]
    fn dictionary_parser_never_panics_and_raw_values_reparse(s in prop_oneof![sf_text(), any::<String>()]) {
        if let Ok(members) = parse_dictionary(&s) {
            for m in members {
                // What `@signature-params` signs is `raw`: read again, it must mean the same.
                if m.raw.is_empty() || m.raw.starts_with(';') {
                    continue;
                }
                let text = format!("{}={}", m.key, m.raw);
                let again = parse_dictionary(&text).map_err(|e| TestCaseError::fail(format!("{:?} does not reparse: {e}", m.raw)))?;
                prop_assert_eq!(again.len(), 1);
                prop_assert_eq!(&again[0].value, &m.value);
                prop_assert_eq!(&again[0].params, &m.params);
            }
        }
    }

    #[test]
    fn parse_and_verify_never_panic(input in sf_text(), sig in sf_text(), digest in sf_text(), bytes in any::<Vec<u8>>()) {
        let f = signed();
        for (input, sig) in [(input.as_bytes(), sig.as_bytes()), (&bytes[..], sig.as_bytes()), (input.as_bytes(), &bytes[..])] {
            let Some(mut h) = with_signature_headers(f, input, sig) else { continue };
            if let Ok(d) = HeaderValue::from_str(&digest) {
                h.insert("content-digest", d);
            }
            let r = req("POST", &f.url, &h, &f.body);
            let _ = is_rfc9421(&h);
            if let Ok(p) = parse(&r, NOW, 300) {
                let _ = verify(&r, &p, RSA_PUBLIC_PKCS1);
            }
        }
    }

    #[test]
    fn no_single_byte_change_verifies(target in 0..9usize, at in any::<usize>(), by in any::<u8>()) {
        let f = signed();
        let (mut method, mut url, mut h, mut body) = ("POST".to_string(), f.url.clone(), f.headers.clone(), f.body.clone());
        match target {
            // The signature's bytes themselves (decoded, changed, encoded again).
            0 => {
                let sig = h["signature"].to_str().unwrap_or_default();
                let b64 = sig.trim_start_matches("sig1=:").trim_end_matches(':');
                let raw = base64::engine::general_purpose::STANDARD.decode(b64).unwrap_or_default();
                let changed = base64::engine::general_purpose::STANDARD.encode(flip(&raw, at, by));
                h.insert("signature", HeaderValue::from_str(&format!("sig1=:{changed}:")).unwrap_or(HeaderValue::from_static("x")));
            }
            // The raw Signature and Signature-Input fields, and every covered header.
            1..=5 => {
                let name = ["signature", "signature-input", "host", "date", "content-digest"][target - 1];
                let changed = flip(h[name].as_bytes(), at, by);
                let Ok(v) = HeaderValue::from_bytes(&changed) else { return Ok(()) };
                h.insert(name, v);
            }
            // The body: Content-Digest must catch it.
            6 => body = flip(&body, at, by),
            7 => method = String::from_utf8_lossy(&flip(method.as_bytes(), at, by)).into_owned(),
            _ => {
                let changed = String::from_utf8_lossy(&flip(url.as_str().as_bytes(), at, by)).into_owned();
                let Ok(u) = url::Url::parse(&changed) else { return Ok(()) };
                // A change the URL parser undoes (e.g. the host's case) names the same resource.
                prop_assume!(u != url);
                url = u;
            }
        }
        prop_assert!(!accepted(&method, &url, &h, &body), "a changed request verified");
    }
}
