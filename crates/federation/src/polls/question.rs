//! A discussion with a poll as a `Question`: its kind, options and counts, as served and read.
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::discussion;
use guildhall_app::polls::RemotePoll;
use serde::{Deserialize, Serialize};

use crate::Error;

/// The object type of a discussion: `Page`, or `Question` when it carries a poll; `Article`
/// as Ghost, WordPress and other blogs send a post (read only: we serve `Page`).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum PageKind {
    /// A discussion.
    Page,
    /// A discussion with a poll.
    Question,
    /// A blog post, taken as a discussion.
    Article,
}

/// `replies` of a poll option: its count.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptionReplies {
    #[serde(rename = "type", default = "collection")]
    kind: String,
    /// Votes for the option.
    #[serde(default)]
    pub total_items: i64,
}

fn collection() -> String {
    "Collection".into()
}

fn note() -> String {
    "Note".into()
}

/// One option of a `Question`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct QuestionOption {
    #[serde(rename = "type", default = "note")]
    kind: String,
    /// The option's text.
    pub name: String,
    /// Its count (left out while results are hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<OptionReplies>,
}

/// The poll fields of a `Question` (all absent on a plain `Page`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionFields {
    /// Single choice options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<QuestionOption>>,
    /// Multiple choice options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<Vec<QuestionOption>>,
    /// When voting ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<Utc>>,
    /// When voting ended (Mastodon sends a time; `true` is accepted too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<serde_json::Value>,
    /// How many people voted (left out while results are hidden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voters_count: Option<i64>,
}

impl QuestionFields {
    /// The poll another server described, if these fields describe one.
    pub fn remote_poll(&self) -> Option<RemotePoll> {
        let (multiple, options) = match (&self.one_of, &self.any_of) {
            (Some(o), _) if !o.is_empty() => (false, o),
            (_, Some(o)) if !o.is_empty() => (true, o),
            _ => return None,
        };
        let closed_at = match &self.closed {
            Some(serde_json::Value::String(s)) => DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc)),
            Some(serde_json::Value::Bool(true)) => Some(self.end_time.unwrap_or_else(Utc::now)),
            _ => None,
        };
        Some(RemotePoll {
            multiple,
            options: options
                .iter()
                .map(|o| (o.name.clone(), o.replies.as_ref().map(|r| r.total_items).unwrap_or(0)))
                .collect(),
            closes_at: closed_at.or(self.end_time),
            voters_count: self.voters_count.unwrap_or(0),
            hide_results: options.iter().all(|o| o.replies.is_none()) && self.voters_count.is_none(),
        })
    }
}

/// The type and poll fields of a discussion's object.
pub async fn question_fields(ctx: &AppContext, d: &discussion::Model) -> Result<(PageKind, QuestionFields), Error> {
    let Some(l) = guildhall_app::lookup::poll_of(ctx, d.id).await? else {
        return Ok((PageKind::Page, QuestionFields::default()));
    };
    let rules = guildhall_app::polls::rules_of(&l);
    let now = Utc::now();
    // Hidden results stay hidden on the wire too: no counts until the poll closes.
    let visible = rules.results_visible(now) && d.deleted_at.is_none();
    let (counts, voters) = guildhall_app::polls::tally(ctx, d, &l).await?;
    let options: Vec<QuestionOption> = l
        .options
        .iter()
        .zip(counts)
        .map(|(o, n)| QuestionOption {
            kind: note(),
            name: o.name.clone(),
            replies: visible.then(|| OptionReplies { kind: collection(), total_items: n }),
        })
        .collect();
    let closed = rules.is_closed(now).then(|| serde_json::Value::String(format_time(l.poll.closes_at)));
    let (one_of, any_of) = if l.poll.multiple { (None, Some(options)) } else { (Some(options), None) };
    Ok((
        PageKind::Question,
        QuestionFields { one_of, any_of, end_time: l.poll.closes_at, closed, voters_count: visible.then_some(voters) },
    ))
}

fn format_time(t: Option<DateTime<Utc>>) -> String {
    t.unwrap_or_else(Utc::now).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A title for a `Question` without `name` (Mastodon's): its first line of text.
pub fn title_of(html: &str) -> String {
    let text = crate::wire::strip_html(html);
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(poll)").chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mastodon_question_fields_read_as_a_poll() {
        let q: QuestionFields = serde_json::from_value(json!({
            "endTime": "2026-11-24T10:00:00Z",
            "votersCount": 3,
            "anyOf": [
                {"type": "Note", "name": "Rust", "replies": {"type": "Collection", "totalItems": 2}},
                {"type": "Note", "name": "Go", "replies": {"type": "Collection", "totalItems": 1}}
            ]
        }))
        .unwrap();
        let p = q.remote_poll().unwrap();
        assert!(p.multiple);
        assert_eq!(p.options, vec![("Rust".into(), 2), ("Go".into(), 1)]);
        assert_eq!(p.voters_count, 3);
        assert!(p.closes_at.is_some());
        assert!(QuestionFields::default().remote_poll().is_none());
    }

    #[test]
    fn hidden_counts_are_left_out() {
        let q = QuestionFields {
            one_of: Some(vec![QuestionOption { kind: note(), name: "A".into(), replies: None }]),
            ..Default::default()
        };
        let v = serde_json::to_value(&q).unwrap();
        assert_eq!(v, json!({"oneOf": [{"type": "Note", "name": "A"}]}));
    }
}
