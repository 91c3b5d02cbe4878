//! Shared wire helpers for the activities we send and the objects we serve: the JSON-LD
//! context, addressing and ids. A leaf: it imports nothing else of this crate, so every
//! activity module can use it without import cycles.

use activitypub_federation::protocol::context::WithContext;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use url::Url;

/// The public collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The ActivityStreams context, as `@context` of most of what we send.
pub const AS_CONTEXT: &str = "https://www.w3.org/ns/activitystreams";

/// The security vocabulary: `publicKey`, `publicKeyPem`, `owner`.
pub const SECURITY_CONTEXT: &str = "https://w3id.org/security/v1";

/// The `@context` of the actor documents we serve. JSON-LD readers (Fedify, and so Ghost and
/// Hollo) see an actor's `publicKey` only when the security vocabulary is in its context; with
/// the ActivityStreams context alone they find no key and refuse every signature.
pub fn actor_context() -> Value {
    Value::Array(vec![Value::String(AS_CONTEXT.to_owned()), Value::String(SECURITY_CONTEXT.to_owned())])
}

/// The public collection as a URL.
pub fn public() -> Url {
    Url::parse(PUBLIC).expect("static URL")
}

/// The id of an embedded object or a bare URL.
pub fn object_id(v: &serde_json::Value) -> Option<Url> {
    match v {
        serde_json::Value::String(s) => Url::parse(s).ok(),
        serde_json::Value::Object(o) => o.get("id").and_then(|i| i.as_str()).and_then(|s| Url::parse(s).ok()),
        _ => None,
    }
}

/// Text of simple HTML, with paragraph and line breaks as newlines.
pub fn strip_html(html: &str) -> String {
    let spaced = html.replace("</p>", "\n").replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n");
    let mut out = String::with_capacity(spaced.len());
    let mut in_tag = false;
    for c in spaced.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// An `Undo` we send of a vote, a lock or a ban: to the public, `cc` and `audience` the
/// community, the undone activity embedded.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct UndoOf<O> {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: activitypub_federation::kinds::activity::UndoType,
    /// Who undoes.
    pub actor: Url,
    /// What is undone.
    pub object: O,
    /// The public.
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    pub audience: Url,
}

impl<O> UndoOf<O> {
    /// `actor` undoes `object` in `community`.
    pub fn new(id: Url, actor: Url, object: O, community: Url) -> Self {
        UndoOf {
            id,
            kind: activitypub_federation::kinds::activity::UndoType::Undo,
            actor,
            object,
            to: vec![public()],
            cc: vec![community.clone()],
            audience: community,
        }
    }
}

/// Markdown source kept beside the HTML content.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The Markdown.
    pub content: String,
    /// `text/markdown`.
    pub media_type: String,
}

impl Source {
    /// Markdown `content`.
    pub fn markdown(content: impl Into<String>) -> Self {
        Source { content: content.into(), media_type: "text/markdown".into() }
    }
}

/// `activity` with the ActivityStreams `@context` first, as stored and sent.
pub fn with_context<T: Serialize>(activity: T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(WithContext::new_default(activity))
}

/// `activity` with a given `@context` first (event activities use Mobilizon's terms).
pub fn with_context_of<T: Serialize>(context: Value, activity: T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(WithContext::new(activity, context))
}

/// `to`/`cc` as sent: always a list; read from one id or a list (ActivityStreams allows both).
pub fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Url>, D::Error> {
    deserialize_one_or_many(d)
}

/// An `OrderedCollection` we serve: its count, and its items when listed.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct OrderedCollection<T> {
    /// `@context`.
    #[serde(rename = "@context")]
    pub context: String,
    /// Collection id.
    pub id: String,
    #[serde(rename = "type")]
    kind: OrderedCollectionType,
    /// How many items there are.
    pub total_items: u64,
    /// The items (left out where only the count is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered_items: Option<Vec<T>>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum OrderedCollectionType {
    OrderedCollection,
}

impl<T> OrderedCollection<T> {
    /// A collection of `items` (`totalItems` is their number).
    pub fn of(id: String, items: Vec<T>) -> Self {
        OrderedCollection {
            context: AS_CONTEXT.into(),
            id,
            kind: OrderedCollectionType::OrderedCollection,
            total_items: items.len() as u64,
            ordered_items: Some(items),
        }
    }

    /// A collection shown by its count only.
    pub fn count_only(id: String, total_items: u64) -> Self {
        OrderedCollection {
            context: AS_CONTEXT.into(),
            id,
            kind: OrderedCollectionType::OrderedCollection,
            total_items,
            ordered_items: None,
        }
    }
}

/// Test helpers: vendor fixtures and the round-trip check every wire struct passes.
#[cfg(test)]
pub(crate) mod testing {
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use serde_json::Value;
    use url::Url;

    /// A URL from a literal.
    pub fn u(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    /// `federation-tests/fixtures/<vendor>/<name>.json`, if that vendor has it.
    pub fn fixture(vendor: &str, name: &str) -> Option<Value> {
        let path = format!("{}/../../federation-tests/fixtures/{vendor}/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).ok()?;
        Some(serde_json::from_str(&fill(&text)).expect("fixture is JSON"))
    }

    /// Fills a fixture's `{{PLACEHOLDERS}}` with sample values of the right kind.
    fn fill(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let Some(len) = rest[start..].find("}}") else { break };
            let name = &rest[start + 2..start + len];
            out.push_str(&match name {
                "ID" | "EVENT_UUID" => "42".to_owned(),
                "NOW" | "END" => "2030-01-01T10:00:00Z".to_owned(),
                "BASE" => "https://peer.example".to_owned(),
                "INSTANCE_HOST" => "us.example".to_owned(),
                "PEER_HOST" => "peer.example".to_owned(),
                "OPTION" => "Yes".to_owned(),
                n if n.ends_with("_NAME") => n.trim_end_matches("_NAME").to_ascii_lowercase(),
                n => format!("https://peer.example/{}", n.to_ascii_lowercase()),
            });
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        out
    }

    /// Every vendor's fixture `name`, with the vendor.
    pub fn fixtures(name: &str) -> Vec<(String, Value)> {
        let dir = format!("{}/../../federation-tests/fixtures", env!("CARGO_MANIFEST_DIR"));
        let mut vendors: Vec<String> = std::fs::read_dir(dir)
            .expect("fixtures directory")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        vendors.sort();
        vendors.into_iter().filter_map(|v| fixture(&v, name).map(|f| (v, f))).collect()
    }

    /// Whether `ours` says what `theirs` said, for every field `ours` has (one id and a list
    /// of one are the same); names the first difference.
    fn kept(ours: &Value, theirs: &Value, at: &str) -> Result<(), String> {
        match (ours, theirs) {
            (Value::Array(a), t) if a.len() == 1 && !t.is_array() => kept(&a[0], t, at),
            (o, Value::Array(t)) if t.len() == 1 && !o.is_array() => kept(o, &t[0], at),
            (Value::Array(a), Value::Array(t)) if a.len() == t.len() => {
                a.iter().zip(t).enumerate().try_for_each(|(i, (a, t))| kept(a, t, &format!("{at}[{i}]")))
            }
            (Value::Object(o), Value::Object(t)) => o.iter().try_for_each(|(k, v)| match t.get(k) {
                Some(tv) => kept(v, tv, &format!("{at}.{k}")),
                None => Ok(()),
            }),
            (o, t) if o == t => Ok(()),
            // The same instant written with other precision (`.000000Z`).
            (Value::String(o), Value::String(t))
                if chrono::DateTime::parse_from_rfc3339(o)
                    .ok()
                    .is_some_and(|o| chrono::DateTime::parse_from_rfc3339(t).ok() == Some(o)) =>
            {
                Ok(())
            }
            (o, t) => Err(format!("{at}: wrote {o}, fixture has {t}")),
        }
    }

    /// Parses `json` as `T`, serialises it and parses that again: both parses must be equal,
    /// and every field `T` writes must say what the fixture said (one id and a list of one
    /// are the same). Returns the fixture's fields `T` leaves out, or what went wrong.
    pub fn round_trip<T: DeserializeOwned + Serialize>(json: &Value) -> Result<Vec<String>, String> {
        let first: T = serde_json::from_value(json.clone()).map_err(|e| format!("does not parse: {e}"))?;
        let written = serde_json::to_value(&first).map_err(|e| e.to_string())?;
        let second: T = serde_json::from_value(written.clone()).map_err(|e| format!("own output: {e}"))?;
        // Compared as written: equal output means equal values for every field kept.
        let again = serde_json::to_value(&second).map_err(|e| e.to_string())?;
        if written != again {
            return Err(format!("parse -> serialise -> parse changed it: {written} vs {again}"));
        }
        let (Value::Object(ours), Value::Object(theirs)) = (&written, json) else {
            return Err("not an object".into());
        };
        kept(&written, json, "").map_err(|d| format!("not kept as sent: {d}"))?;
        Ok(theirs.keys().filter(|k| !ours.contains_key(*k)).cloned().collect())
    }

    /// Round-trips every vendor's fixture `name` through `T`. The vendors in `unrepresentable`
    /// (findings, each with its reason in the caller) must fail, and only they; returns how
    /// many fixtures passed.
    pub fn round_trip_all<T: DeserializeOwned + Serialize>(name: &str, unrepresentable: &[&str]) -> usize {
        let all = fixtures(name);
        assert!(!all.is_empty(), "no vendor has {name}");
        let mut passed = 0;
        for (vendor, f) in &all {
            match (round_trip::<T>(f), unrepresentable.contains(&vendor.as_str())) {
                (Ok(_), false) => passed += 1,
                (Ok(_), true) => panic!("{vendor}/{name} now round-trips: drop it from the findings"),
                (Err(e), false) => panic!("{vendor}/{name}: {e}"),
                (Err(_), true) => {}
            }
        }
        passed
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn collections_are_written_as_before() {
        // What `serve` and `guilds` wrote by hand.
        let golden = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "https://a.example/c/ux/followers",
            "type": "OrderedCollection",
            "totalItems": 7u64,
        });
        let ours = OrderedCollection::<String>::count_only("https://a.example/c/ux/followers".into(), 7);
        assert_eq!(serde_json::to_string(&ours).unwrap(), golden.to_string());
        let items = vec!["https://a.example/u/ann".to_owned(), "https://a.example/u/bob".to_owned()];
        let golden = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": "https://a.example/c/ux/moderators",
            "type": "OrderedCollection",
            "totalItems": items.len(),
            "orderedItems": items,
        });
        let ours = OrderedCollection::of("https://a.example/c/ux/moderators".into(), items);
        assert_eq!(serde_json::to_string(&ours).unwrap(), golden.to_string());
        let empty = OrderedCollection::<String>::of("https://a.example/c/ux/outbox".into(), vec![]);
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"@context":"https://www.w3.org/ns/activitystreams","id":"https://a.example/c/ux/outbox","type":"OrderedCollection","totalItems":0,"orderedItems":[]}"#
        );
    }
}
