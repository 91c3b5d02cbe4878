//! How what we send and receive is addressed: the public collection's spellings, a
//! community's followers collection, and [`narrow`], which readdresses private content to the
//! followers (applied to every stored activity by the outbox expansion, see `audience`).

use guildhall_app::entities::community;
use serde_json::Value;
use url::Url;

use crate::actors::actor_id_of_community;
use crate::urls::Urls;
use crate::wire::PUBLIC;

/// Spellings of the public collection (ActivityStreams allows the compact forms).
pub(crate) const PUBLIC_FORMS: [&str; 3] = [PUBLIC, "as:Public", "Public"];

/// Whether content in `c` (in a members-only discussion or not) must stay among members.
pub fn is_private(c: &community::Model, members_only: bool) -> bool {
    guildhall_domain::visibility::members_only_content(c.visibility, members_only)
}

/// The followers collection of a community (local or remote).
pub fn followers_of(c: &community::Model, urls: &Urls) -> Url {
    c.followers_url
        .as_deref()
        .filter(|_| !c.domain.is_empty())
        .and_then(|f| Url::parse(f).ok())
        .unwrap_or_else(|| urls.sub(&actor_id_of_community(c, urls), "followers"))
}

/// Whether `v` is addressed to the public (`to`, `cc` or `audience`).
pub fn addressed_to_public(v: &Value) -> bool {
    ["to", "cc"].iter().any(|f| match v.get(*f) {
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s))),
        Some(Value::String(s)) => PUBLIC_FORMS.contains(&s.as_str()),
        _ => false,
    })
}

/// Replaces the public collection with `followers` in `to`/`cc`, in the activity and in the
/// activities and objects it embeds.
pub fn narrow(v: &mut Value, followers: &Url) {
    fn walk(v: &mut Value, followers: &str, depth: usize) {
        let Some(map) = v.as_object_mut() else { return };
        for field in ["to", "cc", "bto", "bcc"] {
            let Some(entry) = map.get_mut(field) else { continue };
            let mut list: Vec<Value> = match entry.take() {
                Value::Array(a) => a,
                Value::Null => vec![],
                other => vec![other],
            };
            let had_public = list.iter().any(|x| x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s)));
            list.retain(|x| !x.as_str().is_some_and(|s| PUBLIC_FORMS.contains(&s)));
            if had_public && !list.iter().any(|x| x.as_str() == Some(followers)) {
                list.push(Value::String(followers.to_owned()));
            }
            *entry = Value::Array(list);
        }
        if depth < 4
            && let Some(object) = map.get_mut("object")
        {
            walk(object, followers, depth + 1);
        }
    }
    walk(v, followers.as_str(), 0);
}

/// Whether `to`/`cc` include the public collection (else the post is for members only).
pub(crate) fn is_public(to: &[Url], cc: &[Url]) -> bool {
    to.iter().chain(cc).any(|u| PUBLIC_FORMS.contains(&u.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn narrowing_removes_every_public_address() {
        let f = Url::parse("https://a.example/c/x/followers").unwrap();
        let mut v = json!({
            "type": "Announce", "to": [PUBLIC], "cc": ["https://a.example/c/x/followers"],
            "object": {"type": "Create", "to": ["https://a.example/c/x", "as:Public"], "cc": [],
                       "object": {"type": "Page", "to": "Public", "cc": ["https://a.example/c/x"]}}
        });
        narrow(&mut v, &f);
        assert!(!v.to_string().contains("Public"), "{v}");
        assert_eq!(v["cc"], json!(["https://a.example/c/x/followers"]), "not added twice");
        assert_eq!(v["to"], json!(["https://a.example/c/x/followers"]));
        assert_eq!(v["object"]["object"]["to"], json!(["https://a.example/c/x/followers"]));
        assert!(!addressed_to_public(&v) && !addressed_to_public(&v["object"]));
        assert!(addressed_to_public(&json!({"cc": PUBLIC})));
    }

    #[test]
    fn non_public_lists_are_left_alone() {
        let f = Url::parse("https://a.example/c/x/followers").unwrap();
        let mut v = json!({"type": "Follow", "to": ["https://b.example/c/y"]});
        narrow(&mut v, &f);
        assert_eq!(v["to"], json!(["https://b.example/c/y"]));
    }
}
