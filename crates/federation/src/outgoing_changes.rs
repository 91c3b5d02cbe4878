//! Votes, edits, deletions and moderation by local people, as activities: sent to a remote
//! community's inbox, or relayed by a local community to its followers (FEP-1b12).

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_store::discussions;
use guildhall_store::entities::{community, discussion};
use guildhall_store::federation::Sender;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::activities::announce::announce;
use crate::activities::follow::UndoOf;
use crate::activities::update_delete::{SentDelete, SentUpdate};
use crate::activities::vote::SentVote;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::{discussion_id, note_of, page_of};
use crate::plan::{Planned, account, community, inbox_of_community, new_id, with_context};
use crate::urls::Urls;

async fn discussion_and_community(ctx: &AppContext, id: i64) -> Result<(discussion::Model, community::Model), Error> {
    let d = discussions::find_by_id(ctx.db(), id).await?.ok_or(Error::NotFound)?;
    let c = community(ctx, d.community_id).await?;
    Ok((d, c))
}

/// Where a person's activity in community `c` goes: the remote community's inbox, or the
/// local community's followers as an Announce.
async fn route(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person_id: i64,
    activity: Value,
    kind: &'static str,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let a = account(ctx, person_id).await?;
    if !a.domain.is_empty() {
        return Ok(vec![]);
    }
    let actor = actor_id_of_account(&a, urls);
    let id = Url::parse(activity.get("id").and_then(|i| i.as_str()).unwrap_or_default())?;
    let own = |inboxes| Planned {
        id: id.clone(),
        kind,
        actor: actor.clone(),
        json: activity.clone(),
        sender: Sender::Account(a.id),
        inboxes,
    };
    if !c.domain.is_empty() {
        return Ok(vec![own(inbox_of_community(c).into_iter().collect())]);
    }
    let inboxes = guildhall_store::federation::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
    let relayed = announce(ctx, urls, c, activity.clone(), inboxes)?;
    Ok(vec![own(vec![]), relayed])
}

/// Plans the activities for one change intent.
pub async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    intent: &Outgoing,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    match intent {
        Outgoing::VoteCast { vote_id } => {
            let v = guildhall_app::votes::find(ctx, *vote_id).await?;
            let (object, c) = vote_target(ctx, urls, v.discussion_id, v.reply_id).await?;
            let vote = SentVote::new(
                v.ap_id.clone().unwrap_or_else(|| ctx.instance().new_activity_id()),
                v.value,
                actor_id_of_account(&account(ctx, v.account_id).await?, urls),
                object,
                actor_id_of_community(&c, urls),
            );
            route(ctx, urls, &c, v.account_id, with_context(vote)?, "Like", as_of).await
        }
        Outgoing::VoteUndone { account_id, discussion_id, reply_id, vote_ap_id, value } => {
            let (object, c) = vote_target(ctx, urls, *discussion_id, *reply_id).await?;
            let actor = actor_id_of_account(&account(ctx, *account_id).await?, urls);
            let vote = SentVote::embedded(vote_ap_id.clone(), *value, actor.clone(), object);
            let undo = UndoOf::new(new_id(ctx)?, actor, vote, actor_id_of_community(&c, urls));
            route(ctx, urls, &c, *account_id, with_context(undo)?, "Undo", as_of).await
        }
        Outgoing::DiscussionUpdated { discussion_id } => {
            let (d, c) = discussion_and_community(ctx, *discussion_id).await?;
            if d.ap_id.is_some() {
                return Ok(vec![]);
            }
            let page = page_of(ctx, &d).await?;
            let is_poll = page.kind == crate::polls::question::PageKind::Question;
            let update = update_json(ctx, &actor_id_of_account(&account(ctx, d.author_id).await?, urls), page)?;
            let mut plans = route(ctx, urls, &c, d.author_id, update, "Update", as_of).await?;
            // Mastodon refreshes a poll only from its author's own Update, not from an
            // Announce of it: the author's Update goes to the followers too.
            if is_poll && c.domain.is_empty() {
                let followers = guildhall_store::federation::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
                if let Some(own) =
                    plans.iter_mut().find(|p| matches!(p.sender, Sender::Account(_)) && p.inboxes.is_empty())
                {
                    own.inboxes = followers;
                }
            }
            Ok(plans)
        }
        Outgoing::ReplyUpdated { reply_id } => {
            let r = discussions::find_reply(ctx.db(), *reply_id).await?.ok_or(Error::NotFound)?;
            let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
            if r.ap_id.is_some() {
                return Ok(vec![]);
            }
            let update = update_json(
                ctx,
                &actor_id_of_account(&account(ctx, r.author_id).await?, urls),
                note_of(ctx, &r).await?,
            )?;
            route(ctx, urls, &c, r.author_id, update, "Update", as_of).await
        }
        Outgoing::DiscussionDeleted { discussion_id, by_account_id } => {
            let (d, c) = discussion_and_community(ctx, *discussion_id).await?;
            let delete = delete_json(ctx, urls, *by_account_id, discussion_id_of(&d, urls), &c).await?;
            route(ctx, urls, &c, *by_account_id, delete, "Delete", as_of).await
        }
        Outgoing::ReplyDeleted { reply_id, by_account_id } => {
            let r = discussions::find_reply(ctx.db(), *reply_id).await?.ok_or(Error::NotFound)?;
            let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
            let delete = delete_json(ctx, urls, *by_account_id, crate::objects::reply_id(&r, urls), &c).await?;
            route(ctx, urls, &c, *by_account_id, delete, "Delete", as_of).await
        }
        Outgoing::DiscussionModerated { discussion_id, by_account_id, pinned, locked } => {
            let (d, c) = discussion_and_community(ctx, *discussion_id).await?;
            if !c.domain.is_empty() {
                return Ok(vec![]);
            }
            // The community itself states pin and lock: it is the authority for both.
            let group = actor_id_of_community(&c, urls);
            let update = SentUpdate::new(new_id(ctx)?, group.clone(), page_of(ctx, &d).await?);
            let inboxes = guildhall_store::federation::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
            let mut plans = vec![Planned {
                id: update.id.clone(),
                kind: "Update",
                actor: group.clone(),
                json: with_context(update)?,
                sender: Sender::Community(c.id),
                inboxes,
            }];
            // Lemmy's shapes: the moderator's Lock/Undo{Lock} and Add/Remove to `featured`.
            if let Ok(moderator) = account(ctx, *by_account_id).await {
                let actor = actor_id_of_account(&moderator, urls);
                let object = discussion_id_of(&d, urls);
                let base = |kind: ModerationKind| {
                    Ok::<_, Error>(SentModeration::new(
                        new_id(ctx)?,
                        kind,
                        actor.clone(),
                        object.clone(),
                        group.clone(),
                    ))
                };
                let mut lemmy = Vec::new();
                if let Some(on) = locked {
                    let lock = base(ModerationKind::Lock)?;
                    lemmy.push(if *on {
                        with_context(lock)?
                    } else {
                        with_context(UndoOf::new(new_id(ctx)?, actor.clone(), lock, group.clone()))?
                    });
                }
                if let Some(on) = pinned {
                    let mut add = base(if *on { ModerationKind::Add } else { ModerationKind::Remove })?;
                    add.target = Some(format!("{group}/featured"));
                    lemmy.push(with_context(add)?);
                }
                for activity in lemmy {
                    plans.extend(route(ctx, urls, &c, moderator.id, activity, "Moderation", as_of).await?);
                }
            }
            Ok(plans)
        }
        Outgoing::Banned { membership_id, by_account_id } => {
            let Some(m) = guildhall_store::federation::find_membership_by_id(ctx.db(), *membership_id).await? else {
                return Ok(vec![]);
            };
            let (c, person) = (community(ctx, m.community_id).await?, account(ctx, m.account_id).await?);
            let block =
                block_json(ctx, urls, &c, &person, *by_account_id, m.ban_reason.as_deref(), m.ban_expires_at).await?;
            ban_plans(ctx, urls, &c, &person, *by_account_id, with_context(block)?, "Block", as_of).await
        }
        Outgoing::Unbanned { community_id, account_id, by_account_id } => {
            let (c, person) = (community(ctx, *community_id).await?, account(ctx, *account_id).await?);
            let block = block_json(ctx, urls, &c, &person, *by_account_id, None, None).await?;
            let undo = UndoOf::new(new_id(ctx)?, block.actor.clone(), block, actor_id_of_community(&c, urls));
            ban_plans(ctx, urls, &c, &person, *by_account_id, with_context(undo)?, "Undo", as_of).await
        }
        _ => Ok(vec![]),
    }
}

async fn block_json(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &guildhall_store::entities::account::Model,
    by: i64,
    reason: Option<&str>,
    expires: Option<DateTime<Utc>>,
) -> Result<SentBlock, Error> {
    let moderator = account(ctx, by).await?;
    let group = actor_id_of_community(c, urls);
    Ok(SentBlock {
        id: new_id(ctx)?,
        kind: BlockKind::Block,
        actor: actor_id_of_account(&moderator, urls),
        object: actor_id_of_account(person, urls),
        target: group.clone(),
        to: vec![crate::wire::public()],
        cc: vec![group.clone()],
        audience: group,
        remove_data: false,
        summary: reason.map(str::to_owned),
        expires,
    })
}

/// A ban is announced to the community's followers and sent to the banned person's server.
#[allow(clippy::too_many_arguments)]
async fn ban_plans(
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &guildhall_store::entities::account::Model,
    by: i64,
    activity: Value,
    kind: &'static str,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let mut plans = route(ctx, urls, c, by, activity, kind, as_of).await?;
    if let (Some(inbox), false) =
        (person.shared_inbox_url.clone().or(person.inbox_url.clone()), person.domain.is_empty())
        && let Some(announce) = plans.iter_mut().find(|p| p.kind == "Announce")
        && !announce.inboxes.iter().any(|(i, _)| *i == inbox)
    {
        announce.inboxes.push((inbox, person.domain.clone()));
    }
    Ok(plans)
}

fn discussion_id_of(d: &discussion::Model, urls: &Urls) -> Url {
    discussion_id(d, urls)
}

async fn vote_target(
    ctx: &AppContext,
    urls: &Urls,
    discussion: Option<i64>,
    reply: Option<i64>,
) -> Result<(Url, community::Model), Error> {
    match (discussion, reply) {
        (Some(id), _) => {
            let (d, c) = discussion_and_community(ctx, id).await?;
            Ok((discussion_id(&d, urls), c))
        }
        (_, Some(id)) => {
            let r = discussions::find_reply(ctx.db(), id).await?.ok_or(Error::NotFound)?;
            let (_, c) = discussion_and_community(ctx, r.discussion_id).await?;
            Ok((crate::objects::reply_id(&r, urls), c))
        }
        _ => Err(Error::NotFound),
    }
}

fn update_json<T: Serialize>(ctx: &AppContext, actor: &Url, object: T) -> Result<Value, Error> {
    with_context(SentUpdate::new(new_id(ctx)?, actor.clone(), object))
}

async fn delete_json(
    ctx: &AppContext,
    urls: &Urls,
    by: i64,
    object: Url,
    c: &community::Model,
) -> Result<Value, Error> {
    let actor = actor_id_of_account(&account(ctx, by).await?, urls);
    with_context(SentDelete::new(new_id(ctx)?, actor, object, actor_id_of_community(c, urls)))
}

/// Lemmy's moderation of a post: `Lock`, and `Add`/`Remove` to the community's `featured`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum ModerationKind {
    /// Comments closed.
    Lock,
    /// Pinned (target: `featured`).
    Add,
    /// Unpinned (target: `featured`).
    Remove,
}

/// A moderator's `Lock`/`Add`/`Remove` of a discussion, as Lemmy sends it: to the public,
/// `cc` and `audience` the community, `target` last (the `featured` collection).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentModeration {
    /// Activity id.
    pub id: Url,
    /// What was done.
    #[serde(rename = "type")]
    pub kind: ModerationKind,
    /// The moderator.
    pub actor: Url,
    /// The discussion.
    pub object: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    pub audience: Url,
    /// `Add`/`Remove`: the community's `featured` collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

impl SentModeration {
    /// `actor`'s `kind` of `object` in `community` (no target).
    pub fn new(id: Url, kind: ModerationKind, actor: Url, object: Url, community: Url) -> Self {
        SentModeration {
            id,
            kind,
            actor,
            object,
            to: vec![crate::wire::public()],
            cc: vec![community.clone()],
            audience: community,
            target: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum BlockKind {
    Block,
}

/// A ban from a community, as Lemmy sends it: `Block` of the person with the community as
/// `target`; `summary` (the reason) and `expires` only when there are.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentBlock {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: BlockKind,
    /// The moderator.
    pub actor: Url,
    /// The person banned.
    pub object: Url,
    /// The community.
    pub target: Url,
    /// The public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    pub audience: Url,
    /// Lemmy: whether the person's content goes too (never: we keep it).
    pub remove_data: bool,
    /// The reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// When the ban ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests;
