//! Each peer is sent what its software accepts. NodeInfo says which software an instance runs
//! (`nodeinfo::learn`, when one of its actors is first stored, then daily); [`fit`] then gives
//! each planned activity's inboxes the shape their software takes:
//!
//! - Lemmy refuses a plain `Announce` of an object (`CannotReceivePage`, so the extra
//!   announce Mastodon needs is not sent to it), an `Update` of a post signed by the community
//!   (it takes `Lock` and `Add`/`Remove` to `featured`, which we send too), and `Question`
//!   (it has no polls: it gets the poll as a `Page` listing the options, with a link to vote).
//! - Everything else is sent to every peer.

use std::collections::HashSet;

use guildhall_app::AppContext;
use guildhall_app::outbox::Sender;
use serde_json::Value;

use crate::Error;
use crate::plan::{Planned, new_id};

/// Object types that are posts (a discussion, reply, poll or event) on the wire.
const POST_TYPES: &[&str] = &["Page", "Note", "Article", "Question", "Event", "Video"];

/// Peer software whose inbox takes shapes of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// Lemmy (NodeInfo `lemmy`).
    Lemmy,
    /// Everything else: sent every shape.
    Other,
}

impl Peer {
    /// The peer for NodeInfo's `software.name`.
    pub fn from_software(name: &str) -> Peer {
        if name.eq_ignore_ascii_case("lemmy") { Peer::Lemmy } else { Peer::Other }
    }
}

/// What to do with one planned activity for a peer.
#[derive(Debug, PartialEq)]
pub(crate) enum Fit {
    /// Send it as it is.
    Send,
    /// Do not send it: the peer refuses this shape (and gets what it needs in another).
    Skip,
    /// Send this shape instead (under a new activity id).
    Instead(Value),
}

/// What a Lemmy instance should get in place of `activity`, sent by `sender`.
pub(crate) fn for_lemmy(activity: &Value, sender: Sender) -> Fit {
    let kind = activity.get("type").and_then(Value::as_str).unwrap_or_default();
    let object = activity.get("object");
    let object_kind = object.and_then(|o| o.get("type")).and_then(Value::as_str).unwrap_or_default();
    let is_post = POST_TYPES.contains(&object_kind);
    if kind == "Announce" && is_post {
        return Fit::Skip;
    }
    if kind == "Update" && is_post && matches!(sender, Sender::Community(_)) {
        return Fit::Skip;
    }
    match question_as_page(activity) {
        Some(page) => Fit::Instead(page),
        None => Fit::Send,
    }
}

/// `activity` with the `Question` it carries (directly, or inside an announced `Create` or
/// `Update`) made a `Page` whose text lists the options and links to where to vote.
fn question_as_page(activity: &Value) -> Option<Value> {
    let mut out = activity.clone();
    let mut at = &mut out;
    for _ in 0..3 {
        let kind = at.get("type").and_then(Value::as_str).unwrap_or_default();
        if kind == "Question" {
            page_from_question(at);
            return Some(out);
        }
        at = at.get_mut("object").filter(|o| o.is_object())?;
    }
    None
}

/// Turns a `Question` object into a `Page` in place.
fn page_from_question(q: &mut Value) {
    let Some(obj) = q.as_object_mut() else { return };
    let options: Vec<String> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| obj.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|o| o.get("name").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let link = obj.get("url").or_else(|| obj.get("id")).and_then(Value::as_str).unwrap_or_default().to_owned();
    for k in ["oneOf", "anyOf", "endTime", "closed", "votersCount"] {
        obj.remove(k);
    }
    obj.insert("type".into(), "Page".into());
    let html_items: String = options.iter().map(|o| format!("<li>{}</li>", escape(o))).collect();
    let html = format!("<p>Poll:</p><ul>{html_items}</ul><p>Vote at <a href=\"{0}\">{0}</a></p>", escape(&link));
    let content = obj.get("content").and_then(Value::as_str).unwrap_or_default();
    let content = format!("{content}{html}");
    obj.insert("content".into(), content.into());
    let md_items: String = options.iter().map(|o| format!("- {o}\n")).collect();
    if let Some(source) = obj.get_mut("source").and_then(Value::as_object_mut) {
        let text = source.get("content").and_then(Value::as_str).unwrap_or_default();
        let text = format!("{text}\n\nPoll:\n\n{md_items}\nVote at <{link}>");
        source.insert("content".into(), text.into());
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Gives each plan's inboxes the shape their software accepts: inboxes of Lemmy instances
/// are taken off a shape Lemmy refuses, and get a new activity in its place when there is one.
pub(crate) async fn fit(ctx: &AppContext, plans: Vec<Planned>) -> Result<Vec<Planned>, Error> {
    let domains: Vec<String> = plans
        .iter()
        .flat_map(|p| p.inboxes.iter().map(|(_, d)| d.clone()))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let software = guildhall_app::federation::peers::software_of(ctx, &domains).await?;
    let lemmy: HashSet<&String> =
        software.iter().filter(|(_, s)| Peer::from_software(s) == Peer::Lemmy).map(|(d, _)| d).collect();
    if lemmy.is_empty() {
        return Ok(plans);
    }
    let mut out = Vec::with_capacity(plans.len());
    for mut plan in plans {
        let (to_lemmy, others): (Vec<_>, Vec<_>) = plan.inboxes.drain(..).partition(|(_, d)| lemmy.contains(d));
        let fit = if to_lemmy.is_empty() { Fit::Send } else { for_lemmy(&plan.json, plan.sender) };
        match fit {
            Fit::Send => {
                plan.inboxes = others.into_iter().chain(to_lemmy).collect();
                out.push(plan);
            }
            Fit::Skip => {
                plan.inboxes = others;
                out.push(plan);
            }
            Fit::Instead(mut json) => {
                let id = new_id(ctx)?;
                if let Some(o) = json.as_object_mut() {
                    o.insert("id".into(), id.as_str().into());
                }
                let instead = Planned {
                    id,
                    kind: plan.kind,
                    actor: plan.actor.clone(),
                    json,
                    sender: plan.sender,
                    inboxes: to_lemmy,
                };
                plan.inboxes = others;
                out.push(plan);
                out.push(instead);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(raw: &str) -> Value {
        serde_json::from_str(raw).unwrap()
    }

    #[test]
    fn lemmy_is_not_sent_plain_announces_of_posts() {
        let plain = v(r#"{"type":"Announce","object":{"type":"Page","id":"https://a.example/d/1"}}"#);
        assert_eq!(for_lemmy(&plain, Sender::Community(1)), Fit::Skip);
        let event = v(r#"{"type":"Announce","object":{"type":"Event","id":"https://a.example/e/1"}}"#);
        assert_eq!(for_lemmy(&event, Sender::Community(1)), Fit::Skip);
        let wrapped = v(r#"{"type":"Announce","object":{"type":"Create","object":{"type":"Page"}}}"#);
        assert_eq!(for_lemmy(&wrapped, Sender::Community(1)), Fit::Send);
        let by_id = v(r#"{"type":"Announce","object":"https://a.example/d/1"}"#);
        assert_eq!(for_lemmy(&by_id, Sender::Community(1)), Fit::Send);
    }

    #[test]
    fn lemmy_is_not_sent_a_communitys_update_of_a_post_but_an_authors() {
        let update = v(r#"{"type":"Update","object":{"type":"Page","id":"https://a.example/d/1"}}"#);
        assert_eq!(for_lemmy(&update, Sender::Community(1)), Fit::Skip);
        assert_eq!(for_lemmy(&update, Sender::Account(1)), Fit::Send);
        let group = v(r#"{"type":"Update","object":{"type":"Group","id":"https://a.example/c/x"}}"#);
        assert_eq!(for_lemmy(&group, Sender::Community(1)), Fit::Send);
    }

    #[test]
    fn lemmy_gets_a_poll_as_a_page_listing_its_options() {
        let poll = v(r#"{"type":"Announce","object":{"type":"Create","object":{
            "type":"Question","id":"https://a.example/d/7","name":"Lunch?",
            "content":"<p>Pick one</p>","source":{"content":"Pick one","mediaType":"text/markdown"},
            "oneOf":[{"type":"Note","name":"Soup <hot>"},{"type":"Note","name":"Salad"}],
            "endTime":"2026-12-31T00:00:00Z","votersCount":3}}}"#);
        let Fit::Instead(page) = for_lemmy(&poll, Sender::Community(1)) else { panic!("expected a Page") };
        let o = &page["object"]["object"];
        assert_eq!(o["type"], "Page");
        assert!(o.get("oneOf").is_none() && o.get("endTime").is_none() && o.get("votersCount").is_none());
        let html = o["content"].as_str().unwrap();
        assert!(html.starts_with("<p>Pick one</p>"));
        assert!(html.contains("<li>Soup &lt;hot&gt;</li><li>Salad</li>"), "{html}");
        assert!(html.contains("href=\"https://a.example/d/7\""));
        let md = o["source"]["content"].as_str().unwrap();
        assert!(md.contains("- Soup <hot>\n- Salad\n") && md.ends_with("Vote at <https://a.example/d/7>"), "{md}");
        // The author's own Update of a poll (new counts) goes as a Page too.
        let update = v(r#"{"type":"Update","object":{"type":"Question","id":"https://a.example/d/7","anyOf":[]}}"#);
        assert!(matches!(for_lemmy(&update, Sender::Account(2)), Fit::Instead(_)));
    }

    #[test]
    fn software_names() {
        assert_eq!(Peer::from_software("lemmy"), Peer::Lemmy);
        assert_eq!(Peer::from_software("Lemmy"), Peer::Lemmy);
        assert_eq!(Peer::from_software("mastodon"), Peer::Other);
        assert_eq!(Peer::from_software(""), Peer::Other);
    }
}
