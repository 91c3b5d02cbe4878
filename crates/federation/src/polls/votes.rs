//! Poll votes on the wire, in Mastodon's shape: a `Create` of a `Note` whose `name` is the
//! chosen option and whose `inReplyTo` is the `Question`, addressed to the poll's author
//! (one Note per chosen option).

use activitypub_federation::config::Data;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use serde_json::json;
use url::Url;

use crate::Error;
use crate::actors::{DbPerson, actor_id_of_account};
use crate::objects::{DbDiscussion, Note, discussion_id};
use crate::outgoing::{Planned, account, new_id, with_context};
use crate::urls::Urls;
use activitypub_federation::traits::Object;

/// Whether a `Note` is a poll vote: it names an option, answers something and says nothing.
pub fn is_vote(note: &Note) -> bool {
    note.in_reply_to.is_some()
        && note.name.as_deref().is_some_and(|n| !n.trim().is_empty())
        && crate::activities::create::strip_html(&note.content).trim().is_empty()
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
    let Some(d) = guildhall_store::discussions::find_by_id(ctx.db(), discussion).await? else { return Ok(vec![]) };
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
        let create = json!({
            "id": id,
            "type": "Create",
            "actor": actor,
            "to": [to],
            "object": {
                "id": vote_id,
                "type": "Note",
                "name": name,
                "attributedTo": actor,
                "to": [to],
                "inReplyTo": question,
            },
        });
        plans.push(Planned {
            id: Url::parse(id.as_str())?,
            kind: "Create",
            actor: actor.clone(),
            json: with_context(create)?,
            sender_kind: "account",
            sender_id: voter.id,
            inboxes: vec![(inbox.clone(), author.domain.clone())],
        });
    }
    Ok(plans)
}
