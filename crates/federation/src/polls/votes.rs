//! Poll votes on the wire, in Mastodon's shape: a `Create` of a `Note` whose `name` is the
//! chosen option and whose `inReplyTo` is the `Question`, addressed to the poll's author
//! (one Note per chosen option).

use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Sender;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::actors::{DbPerson, actor_id_of_account};
use crate::objects::{DbDiscussion, Note, discussion_id};
use crate::plan::{Planned, account, new_id, with_context};
use crate::urls::Urls;
use activitypub_federation::traits::Object;

/// Whether a `Note` is a poll vote: it names an option, answers something and says nothing.
pub fn is_vote(note: &Note) -> bool {
    note.in_reply_to.is_some()
        && note.name.as_deref().is_some_and(|n| !n.trim().is_empty())
        && crate::wire::strip_html(&note.content).trim().is_empty()
}

/// Counts a vote on one of our polls; votes on other servers' polls, or on things we do not
/// hold, are theirs to count and are ignored here.
pub async fn receive_vote(note: Note, data: &Data<AppContext>) -> Result<(), Error> {
    let Some(question) = note.in_reply_to.clone() else { return Ok(()) };
    if !crate::urls::is_local(data, &question) {
        tracing::debug!(vote = %note.id.inner(), "vote on a poll that is not ours; ignored");
        return Ok(());
    }
    let Some(d) = DbDiscussion::read_from_id(question, data).await? else {
        return Err(Error::NotFound);
    };
    let voter: DbPerson = note.attributed_to.dereference(data).await?;
    let name = note.name.clone().unwrap_or_default();
    guildhall_app::polls::receive_vote(data.app_data(), &d.model, &voter.model, &name, note.id.inner().as_str())
        .await?;
    Ok(())
}

/// A local member's votes in another server's poll: one `Create{Note}` per choice, to the
/// poll's author (as Mastodon sends them).
pub(crate) async fn plan_votes(
    ctx: &AppContext,
    urls: &Urls,
    discussion: i64,
    account_id: i64,
    _as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Some(d) = guildhall_app::lookup::discussion(ctx, discussion).await? else { return Ok(vec![]) };
    let (voter, author) = (account(ctx, account_id).await?, account(ctx, d.author_id).await?);
    if !voter.domain.is_empty() || author.domain.is_empty() {
        return Ok(vec![]);
    }
    let Some(inbox) = author.inbox_url.clone() else { return Ok(vec![]) };
    let actor = actor_id_of_account(&voter, urls);
    let to = actor_id_of_account(&author, urls);
    let question = discussion_id(&d, urls);
    let mut plans = Vec::new();
    for (name, vote_id) in guildhall_app::polls::our_votes(ctx, d.id, account_id).await? {
        let id = new_id(ctx)?;
        let create = SentPollVote::new(id.clone(), actor.clone(), to.clone(), vote_id, name, question.clone());
        plans.push(Planned {
            id: Url::parse(id.as_str())?,
            kind: "Create",
            actor: actor.clone(),
            json: with_context(create)?,
            sender: Sender::Account(voter.id),
            inboxes: vec![(inbox.clone(), author.domain.clone())],
        });
    }
    Ok(plans)
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum CreateKind {
    Create,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum NoteKind {
    Note,
}

/// A vote in a poll, as Mastodon sends it: a `Note` naming the option, answering the
/// `Question`, to the poll's author.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VoteNote {
    /// The vote's id.
    pub id: String,
    #[serde(rename = "type")]
    kind: NoteKind,
    /// The option chosen.
    pub name: String,
    /// The voter.
    pub attributed_to: Url,
    /// The poll's author.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The `Question`.
    pub in_reply_to: Url,
}

/// The `Create` of one [`VoteNote`], to the poll's author.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentPollVote {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: CreateKind,
    /// The voter.
    pub actor: Url,
    /// The poll's author.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The vote.
    pub object: VoteNote,
}

impl SentPollVote {
    /// `actor`'s vote `vote_id` for option `name` of `question`, to its author `to`.
    pub fn new(id: Url, actor: Url, to: Url, vote_id: String, name: String, question: Url) -> Self {
        let object = VoteNote {
            id: vote_id,
            kind: NoteKind::Note,
            name,
            attributed_to: actor.clone(),
            to: vec![to.clone()],
            in_reply_to: question,
        };
        SentPollVote { id, kind: CreateKind::Create, actor, to: vec![to], object }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::testing::round_trip_all;
    use crate::wire::with_context;

    #[test]
    fn a_poll_vote_is_written_as_before() {
        let u = |s: &str| Url::parse(s).unwrap();
        let (id, actor, to, question) = (
            u("https://a.example/activities/1"),
            u("https://a.example/u/ann"),
            u("https://b.example/users/bob"),
            u("https://b.example/q/1"),
        );
        // What `plan_votes` wrote by hand.
        let golden = json!({
            "id": id,
            "type": "Create",
            "actor": actor,
            "to": [to],
            "object": {
                "id": "https://a.example/votes/1",
                "type": "Note",
                "name": "Yes",
                "attributedTo": actor,
                "to": [to],
                "inReplyTo": question,
            },
        });
        let sent = SentPollVote::new(id, actor, to, "https://a.example/votes/1".into(), "Yes".into(), question);
        assert_eq!(with_context(sent).unwrap().to_string(), with_context(golden).unwrap().to_string());
    }

    #[test]
    fn mastodons_poll_vote_round_trips() {
        assert_eq!(round_trip_all::<SentPollVote>("vote", &[]), 1);
    }
}
