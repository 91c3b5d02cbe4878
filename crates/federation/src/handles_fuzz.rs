//! Property-based fuzzing of WebFinger handles (docs/fuzzing.md): the `name@host` a user
//! pastes into search ([`split_handle`]) and the `acct:` resources our WebFinger answers
//! ([`parse_resource`]) never panic, and what they accept means what it says.

use proptest::prelude::*;
use url::Url;

use crate::resolve::split_handle;
use crate::urls::Urls;
use crate::wellknown::parse_resource;

const DOMAIN: &str = "guild.example:8080";

/// Text made of handle syntax and URL delimiters.
fn handle_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec![
            "!",
            "@",
            "acct:",
            "ada",
            "Ada",
            "x.y",
            "_",
            "-",
            ":",
            "8080",
            "/",
            "\\",
            "?",
            "#",
            "%",
            "%40",
            " ",
            "\t",
            "\n",
            "é",
            "guild.example",
            "GUILD.example",
            "localhost",
            "[::1]",
            "127.0.0.1",
            "&",
            "=",
            ".",
            "http://",
            "/u/",
            "/c/",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9]{1,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(atom, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn split_handle_accepts_only_what_webfinger_reads_the_same(q in prop_oneof![handle_text(), any::<String>()]) {
        let Ok((handle, name, host)) = split_handle(&q) else { return Ok(()) };
        prop_assert!(!name.is_empty());
        prop_assert_eq!(format!("{name}@{host}"), handle);
        // What activitypub_federation does with the handle: split at the first `@`, then
        // format the WebFinger URL. It must ask `host`, about exactly this handle.
        let (_, lib_host) = handle.split_once('@').unwrap_or_default();
        prop_assert_eq!(lib_host, host);
        let named = Url::parse(&format!("https://{host}/")).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let asked = Url::parse(&format!("https://{host}/.well-known/webfinger?resource=acct:{handle}"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!((asked.host_str(), asked.port()), (named.host_str(), named.port()));
        prop_assert_eq!(asked.path(), "/.well-known/webfinger");
        prop_assert!(asked.fragment().is_none() && asked.username().is_empty());
        let resource: Vec<_> = asked.query_pairs().collect();
        prop_assert_eq!(resource.len(), 1);
        prop_assert_eq!(resource[0].1.as_ref(), format!("acct:{handle}"));
    }

    #[test]
    fn ordinary_handles_are_accepted(prefix in "[!@]?", name in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", host in "[a-z0-9-]{1,10}(\\.[a-z]{2,6}){1,2}(:[1-9][0-9]{0,3})?") {
        let q = format!("{prefix}{name}@{host}");
        let parts = split_handle(&q).map(|(_, n, h)| (n.to_owned(), h.to_owned())).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parts, (name, host));
    }

    #[test]
    fn webfinger_resources_name_only_our_accounts(r in prop_oneof![handle_text(), any::<String>()]) {
        let urls = Urls::for_base(&format!("http://{DOMAIN}"));
        let Ok(Some(name)) = parse_resource(&r, DOMAIN, &urls) else { return Ok(()) };
        prop_assert_eq!(name.to_ascii_lowercase(), name.clone());
        if let Some(acct) = r.strip_prefix("acct:") {
            prop_assert!(!name.is_empty() && !name.contains(['@', '/', '?', '#', ' ', ':']), "{name:?}");
            let host = acct.rsplit_once('@').map(|(_, h)| h).unwrap_or_default();
            prop_assert!(host.eq_ignore_ascii_case(DOMAIN), "{r:?} is not ours");
        } else {
            let url = Url::parse(&r).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(crate::urls::same_origin(&url, &urls.person("x")), "{r:?} is not ours");
        }
    }

    #[test]
    fn our_acct_resources_are_found(name in "[a-zA-Z0-9_-]{1,20}", upper in any::<bool>()) {
        let domain = if upper { DOMAIN.to_ascii_uppercase() } else { DOMAIN.to_owned() };
        let urls = Urls::for_base(&format!("http://{DOMAIN}"));
        prop_assert_eq!(parse_resource(&format!("acct:{name}@{domain}"), DOMAIN, &urls), Ok(Some(name.to_ascii_lowercase())));
    }
}
