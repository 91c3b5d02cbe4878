//! Inbound activity fixtures (`federation-tests/fixtures/{software}/{name}.json`) in the shapes
//! other fediverse servers send, with `{{PLACEHOLDER}}`s filled in by the test.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::peer::Software;

/// The fixtures directory.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Names (without `.json`) of the fixtures of `software`, sorted.
pub fn names(software: Software) -> Vec<String> {
    let path = dir().join(software.slug());
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()))
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Values substituted for `{{NAME}}` placeholders.
pub type Vars = BTreeMap<&'static str, String>;

/// The values most fixtures need for `actor` acting in the community at `community_url`:
/// `ACTOR`, `BASE` (its server), `COMMUNITY`, and fresh `ID` and `ID2`.
pub fn member_vars(actor: &crate::peer::FakeActor, community_url: &str) -> Vars {
    Vars::from([
        ("ACTOR", actor.id().to_owned()),
        ("BASE", actor.peer().base_url()),
        ("COMMUNITY", community_url.to_owned()),
        ("ID", crate::random_hex(16)),
        ("ID2", crate::random_hex(16)),
    ])
}

/// Loads `fixtures/{software}/{name}.json`, replaces every `{{KEY}}` by `vars[KEY]` and parses
/// the result. Panics when a placeholder has no value or the result is not JSON.
pub fn load(software: Software, name: &str, vars: &Vars) -> Value {
    let path = dir().join(software.slug()).join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let filled = substitute(&text, vars);
    serde_json::from_str(&filled).unwrap_or_else(|e| panic!("{} is not JSON after substitution: {e}", path.display()))
}

/// Replaces `{{KEY}}` placeholders; panics on an unknown one.
pub fn substitute(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").unwrap_or_else(|| panic!("unclosed placeholder in {text}"));
        let key = &after[..end];
        let value = vars.get(key).unwrap_or_else(|| panic!("no value for placeholder {{{{{key}}}}}"));
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled() {
        let mut vars = Vars::new();
        vars.insert("ACTOR", "http://a/u/x".into());
        assert_eq!(substitute(r#"{"actor":"{{ACTOR}}"}"#, &vars), r#"{"actor":"http://a/u/x"}"#);
    }

    #[test]
    #[should_panic(expected = "no value for placeholder")]
    fn unknown_placeholders_panic() {
        substitute("{{NOPE}}", &Vars::new());
    }

    #[test]
    fn every_fixture_parses_with_test_values() {
        let keys = [
            "ACTOR",
            "ACTOR_NAME",
            "BASE",
            "PEER_HOST",
            "COMMUNITY",
            "COMMUNITY_NAME",
            "INSTANCE_HOST",
            "DISCUSSION",
            "DISCUSSION_AUTHOR",
            "DISCUSSION_AUTHOR_NAME",
            "ID",
            "ID2",
            "FOLLOW",
            "PAGE",
            "NOTE",
            "NOW",
            "END",
            "OPTION",
        ];
        let vars: Vars = keys.iter().map(|k| (*k, format!("http://localhost:1/{}", k.to_lowercase()))).collect();
        for software in Software::ALL {
            for name in names(software) {
                let v = load(software, &name, &vars);
                assert!(v["type"].is_string() && v["id"].is_string() && v["actor"].is_string(), "{name}: {v}");
            }
        }
    }
}
