//! Property-based fuzzing of [`safe_next`] (docs/fuzzing.md): for any input, the redirect
//! target is the input unchanged or `/`, a valid `Location` header, and a browser resolving
//! it (the WHATWG URL parser, as the `url` crate implements it) stays on this site.

use axum::http::HeaderValue;
use proptest::prelude::*;
use url::Url;

use super::safe_next;

/// Text made of what browsers treat specially in a URL, and ordinary path pieces.
fn next_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "/",
            "//",
            "\\",
            "\t",
            "\n",
            "\r",
            "\u{b}",
            "\u{c}",
            "\u{0}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "\u{3000}",
            " ",
            ".",
            "..",
            ":",
            "%",
            "%2f",
            "%5C",
            "%09",
            "?",
            "#",
            "@",
            "evil.example",
            "https:",
            "javascript:",
            "é",
            "\u{ff0f}",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..10).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn the_redirect_never_leaves_the_site(next in prop_oneof![next_text(), any::<String>()]) {
        let out = safe_next(&next);
        prop_assert!(out == next || out == "/", "{next:?} was rewritten to {out:?}");
        let header = HeaderValue::from_str(&out).map_err(|e| TestCaseError::fail(format!("{out:?}: {e}")))?;
        // A browser takes the header value (without surrounding whitespace) and resolves it.
        let location = header.to_str().unwrap_or_default().trim_matches([' ', '\t']);
        let base = Url::parse("https://guildhall.example/").expect("static");
        let target = base.join(location).map_err(|e| TestCaseError::fail(format!("{out:?}: {e}")))?;
        prop_assert_eq!(target.origin(), base.origin(), "{:?} leads to {}", next, target);
    }

    #[test]
    fn ordinary_paths_are_kept(path in "(/[a-z0-9._~-]{1,8}){1,4}(\\?[a-z]=[a-z0-9%]{0,6})?(#[a-z0-9-]{0,8})?") {
        prop_assert_eq!(safe_next(&path), path);
    }
}
