//! Votes, edits, deletions and moderation by local people, as activities: sent to a remote
//! community's inbox, or relayed by a local community to its followers (FEP-1b12).

use activitypub_federation::kinds::activity::{DeleteType, UndoType, UpdateType};
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_store::discussions;
use guildhall_store::entities::{community, discussion};
use serde_json::{Value, json};
use url::Url;

use crate::Error;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::{discussion_id, note_of, page_of};
use crate::outgoing::{Planned, account, announce, community, inbox_of_community, new_id, with_context};
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
        sender_kind: "account",
        sender_id: a.id,
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
            let vote = json!({
                "id": v.ap_id.clone().unwrap_or_else(|| ctx.instance().new_activity_id()),
                "type": if v.value > 0 { "Like" } else { "Dislike" },
                "actor": actor_id_of_account(&account(ctx, v.account_id).await?, urls),
                "object": object,
                "to": [crate::objects::PUBLIC],
                "cc": [actor_id_of_community(&c, urls)],
                "audience": actor_id_of_community(&c, urls),
            });
            route(ctx, urls, &c, v.account_id, with_context(vote)?, "Like", as_of).await
        }
        Outgoing::VoteUndone { account_id, discussion_id, reply_id, vote_ap_id, value } => {
            let (object, c) = vote_target(ctx, urls, *discussion_id, *reply_id).await?;
            let actor = actor_id_of_account(&account(ctx, *account_id).await?, urls);
            let undo = json!({
                "id": new_id(ctx)?,
                "type": UndoType::Undo,
                "actor": actor,
                "object": {
                    "id": vote_ap_id,
                    "type": if *value > 0 { "Like" } else { "Dislike" },
                    "actor": actor,
                    "object": object,
                },
                "to": [crate::objects::PUBLIC],
                "cc": [actor_id_of_community(&c, urls)],
                "audience": actor_id_of_community(&c, urls),
            });
            route(ctx, urls, &c, *account_id, with_context(undo)?, "Undo", as_of).await
        }
        Outgoing::DiscussionUpdated { discussion_id } => {
            let (d, c) = discussion_and_community(ctx, *discussion_id).await?;
            if d.ap_id.is_some() {
                return Ok(vec![]);
            }
            let update = update_json(
                ctx,
                &actor_id_of_account(&account(ctx, d.author_id).await?, urls),
                page_of(ctx, &d).await?,
            )?;
            let is_poll = update.pointer("/object/type").and_then(Value::as_str) == Some("Question");
            let mut plans = route(ctx, urls, &c, d.author_id, update, "Update", as_of).await?;
            // Mastodon refreshes a poll only from its author's own Update, not from an
            // Announce of it: the author's Update goes to the followers too.
            if is_poll && c.domain.is_empty() {
                let followers = guildhall_store::federation::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
                if let Some(own) = plans.iter_mut().find(|p| p.sender_kind == "account" && p.inboxes.is_empty()) {
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
            let update = update_json(ctx, &group, page_of(ctx, &d).await?)?;
            let inboxes = guildhall_store::federation::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
            let mut plans = vec![Planned {
                id: Url::parse(update["id"].as_str().unwrap_or_default())?,
                kind: "Update",
                actor: group.clone(),
                json: update,
                sender_kind: "community",
                sender_id: c.id,
                inboxes,
            }];
            // Lemmy's shapes: the moderator's Lock/Undo{Lock} and Add/Remove to `featured`.
            if let Ok(moderator) = account(ctx, *by_account_id).await {
                let actor = actor_id_of_account(&moderator, urls);
                let object = discussion_id_of(&d, urls);
                let base = |kind: &str| {
                    Ok::<_, Error>(json!({
                        "id": new_id(ctx)?,
                        "type": kind,
                        "actor": actor,
                        "object": object,
                        "to": [crate::objects::PUBLIC],
                        "cc": [group],
                        "audience": group,
                    }))
                };
                let mut lemmy = Vec::new();
                if let Some(on) = locked {
                    let lock = base("Lock")?;
                    lemmy.push(if *on {
                        lock
                    } else {
                        json!({"id": new_id(ctx)?, "type": "Undo", "actor": actor, "object": lock,
                               "to": [crate::objects::PUBLIC], "cc": [group], "audience": group})
                    });
                }
                if let Some(on) = pinned {
                    let mut add = base(if *on { "Add" } else { "Remove" })?;
                    add["target"] = json!(format!("{group}/featured"));
                    lemmy.push(add);
                }
                for activity in lemmy {
                    plans.extend(
                        route(ctx, urls, &c, moderator.id, with_context(activity)?, "Moderation", as_of).await?,
                    );
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
            ban_plans(ctx, urls, &c, &person, *by_account_id, block, "Block", as_of).await
        }
        Outgoing::Unbanned { community_id, account_id, by_account_id } => {
            let (c, person) = (community(ctx, *community_id).await?, account(ctx, *account_id).await?);
            let block = block_json(ctx, urls, &c, &person, *by_account_id, None, None).await?;
            let undo = json!({
                "id": new_id(ctx)?,
                "type": "Undo",
                "actor": block["actor"],
                "object": block,
                "to": [crate::objects::PUBLIC],
                "cc": [actor_id_of_community(&c, urls)],
                "audience": actor_id_of_community(&c, urls),
            });
            ban_plans(ctx, urls, &c, &person, *by_account_id, undo, "Undo", as_of).await
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
) -> Result<Value, Error> {
    let moderator = account(ctx, by).await?;
    let group = actor_id_of_community(c, urls);
    let mut block = json!({
        "id": new_id(ctx)?,
        "type": "Block",
        "actor": actor_id_of_account(&moderator, urls),
        "object": actor_id_of_account(person, urls),
        "target": group,
        "to": [crate::objects::PUBLIC],
        "cc": [group],
        "audience": group,
        "removeData": false,
    });
    if let Some(r) = reason {
        block["summary"] = json!(r);
    }
    if let Some(e) = expires {
        block["expires"] = json!(e);
    }
    Ok(block)
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
    let mut plans = route(ctx, urls, c, by, with_context(activity)?, kind, as_of).await?;
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

fn update_json<T: serde::Serialize>(ctx: &AppContext, actor: &Url, object: T) -> Result<Value, Error> {
    with_context(json!({
        "id": new_id(ctx)?,
        "type": UpdateType::Update,
        "actor": actor,
        "object": object,
        "to": [crate::objects::PUBLIC],
    }))
}

async fn delete_json(
    ctx: &AppContext,
    urls: &Urls,
    by: i64,
    object: Url,
    c: &community::Model,
) -> Result<Value, Error> {
    let actor = actor_id_of_account(&account(ctx, by).await?, urls);
    with_context(json!({
        "id": new_id(ctx)?,
        "type": DeleteType::Delete,
        "actor": actor,
        "object": object,
        "to": [crate::objects::PUBLIC],
        "cc": [actor_id_of_community(c, urls)],
        "audience": actor_id_of_community(c, urls),
    }))
}
