//! Property-based fuzzing of the inbox's activity parsing (docs/fuzzing.md): arbitrary JSON
//! and mutated vendor fixtures (`federation-tests/fixtures/`) never panic, and whatever
//! parses keeps the id and actor it was sent with, also after serialising it again (which is
//! what is relayed when the activity's raw JSON is not at hand).

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

/// Keys the activity structs read, so that generated objects reach past the first field.
const KEYS: &[&str] = &[
    "id",
    "actor",
    "type",
    "object",
    "target",
    "to",
    "cc",
    "audience",
    "content",
    "name",
    "summary",
    "inReplyTo",
    "attributedTo",
    "published",
    "updated",
    "tag",
    "href",
    "url",
    "@context",
    "startTime",
    "endTime",
    "oneOf",
    "anyOf",
    "source",
    "mediaType",
    "result",
    "origin",
    "instrument",
    "sensitive",
    "attachment",
    "preferredUsername",
];
const TYPES: &[&str] = &[
    "Accept",
    "Add",
    "Announce",
    "Create",
    "Delete",
    "Dislike",
    "Flag",
    "Follow",
    "Ignore",
    "Invite",
    "Join",
    "Leave",
    "Like",
    "Offer",
    "Reject",
    "Remove",
    "Undo",
    "Update",
    "Note",
    "Page",
    "Article",
    "Question",
    "Event",
    "Group",
    "Person",
    "Tombstone",
    "Image",
    "Mention",
    "Hashtag",
    "Block",
    "Move",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(TYPES).prop_map(Value::from),
        prop::sample::select(vec![
            "https://peer.example/users/ada",
            "https://peer.example/activities/1",
            "https://guild.example/c/garden",
            "https://guild.example/d/1",
            "https://www.w3.org/ns/activitystreams#Public",
            "http://[::1]:8080/x",
            "https://peer.example:0/",
            "2026-12-07T12:00:00Z",
            "",
        ])
        .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

/// JSON documents shaped like activities: objects keyed by the vocabulary above.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>())),
        ]
    })
}

/// Every inbound fixture, placeholders filled with plausible values.
fn fixtures() -> &'static [Value] {
    static F: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../federation-tests/fixtures");
        let mut out = Vec::new();
        for dir in std::fs::read_dir(&root).expect("fixtures directory").flatten() {
            for file in std::fs::read_dir(dir.path()).into_iter().flatten().flatten() {
                if file.path().extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(file.path()).expect("readable fixture");
                    out.push(serde_json::from_str(&fill(&text)).expect("fixture parses once filled"));
                }
            }
        }
        assert!(out.len() > 50, "fixtures not found under {}", root.display());
        out
    })
}

/// Replaces each `{{KEY}}` with a value of the right shape.
fn fill(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let key = &rest[start + 2..start + len];
        out.push_str(match key {
            "ACTOR" | "DISCUSSION_AUTHOR" | "EVENT_ORGANISER" | "PARTICIPANT" => "https://peer.example/users/ada",
            "BASE" => "https://peer.example",
            "COMMUNITY" | "GROUP" => "https://guild.example/c/garden",
            "DISCUSSION" | "EVENT" => "https://guild.example/d/1",
            "FOLLOW" | "PAGE" | "NOTE" | "JOIN" => "https://peer.example/objects/7",
            "PEER_HOST" => "peer.example",
            "INSTANCE_HOST" => "guild.example",
            "NOW" | "END" => "2026-12-07T12:00:00Z",
            _ => "x1",
        });
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Replaces the node `path` leads to (each step an index, modulo the width there) with `by`,
/// or removes it from its object when `by` is `None`.
fn mutate(v: &mut Value, path: &[usize], by: Option<Value>) {
    let (step, rest) = match path.split_first() {
        Some(p) => p,
        None => {
            *v = by.unwrap_or(Value::Null);
            return;
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step % map.len()).cloned().unwrap_or_default();
            match (rest.is_empty(), by) {
                (true, None) => {
                    map.remove(&key);
                }
                (_, by) => mutate(map.get_mut(&key).expect("key exists"), rest, by),
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let n = items.len();
            mutate(&mut items[step % n], rest, by)
        }
        _ => *v = by.unwrap_or(Value::Null),
    }
}

/// Parses `v`; if it parses, its id and actor are the ones sent, and survive serialisation.
fn check(v: &Value) -> Result<(), TestCaseError> {
    let Ok(a) = serde_json::from_value::<InboxActivity>(v.clone()) else { return Ok(()) };
    let sent = |k: &str| v.get(k).and_then(crate::wire::object_id);
    prop_assert_eq!(Some(a.activity_id().clone()), sent("id"), "id of {}", v);
    prop_assert_eq!(Some(a.activity_actor().clone()), sent("actor"), "actor of {}", v);
    let again: InboxActivity = serde_json::to_value(&a)
        .and_then(serde_json::from_value)
        .map_err(|e| TestCaseError::fail(format!("{v} does not parse again once serialised: {e}")))?;
    prop_assert_eq!(std::mem::discriminant(&again), std::mem::discriminant(&a));
    prop_assert_eq!(again.activity_id(), a.activity_id());
    prop_assert_eq!(again.activity_actor(), a.activity_actor());
    Ok(())
}

#[test]
fn every_fixture_parses_and_round_trips() {
    for f in fixtures() {
        serde_json::from_value::<InboxActivity>(f.clone()).unwrap_or_else(|e| panic!("{f}: {e}"));
        check(f).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn an_array_is_not_an_activity() {
    // Found by `arbitrary_json_never_panics`: serde read `[id, actor]` as an `Other` activity
    // (struct fields by position), e.g. the object of a relaying Announce.
    let a = r#"["https://peer.example/activities/1", "https://peer.example/users/ada", null]"#;
    assert!(serde_json::from_str::<InboxActivity>(a).is_err());
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(v in json(), bytes in any::<Vec<u8>>()) {
        check(&v)?;
        let _ = serde_json::from_slice::<activitypub_federation::protocol::context::WithContext<InboxActivity>>(&bytes);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((prop::collection::vec(any::<usize>(), 0..5), prop::option::weighted(0.8, json())), 1..4),
    ) {
        let mut v = which.get(fixtures()).clone();
        for (path, by) in edits {
            mutate(&mut v, &path, by);
        }
        check(&v)?;
    }
}
