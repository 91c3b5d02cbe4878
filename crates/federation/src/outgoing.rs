//! Turns outbox intents into activities and per-inbox deliveries, in one transaction per
//! intent (claim, store the activities, queue the deliveries), so several workers or
//! processes never expand an intent twice and a crash never loses one.

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_store::discussions;
use guildhall_store::federation::{self as fed, NewDelivery, Sender};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::activities::announce::announce;
use crate::activities::create::Post;
use crate::activities::{Accept, Create, Follow, Reject, Undo};
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::{note_of, page_of};
use crate::plan::{
    Planned, account, community, inbox_of_account, inbox_of_community, new_id, with_context, with_guild_inboxes,
};
use crate::urls::{Urls, authority};

/// The activities an intent becomes (empty when there is nobody to tell).
async fn plan(ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
    let urls = Urls::new(ctx);
    match intent {
        Outgoing::Follow { membership_id } => {
            let Some(m) = fed::find_membership_by_id(ctx.db(), *membership_id).await? else { return Ok(vec![]) };
            let (a, c) = (account(ctx, m.account_id).await?, community(ctx, m.community_id).await?);
            let Some(follow_id) = m.follow_ap_id.as_deref() else { return Ok(vec![]) };
            let follow =
                Follow::new(Url::parse(follow_id)?, actor_id_of_account(&a, &urls), actor_id_of_community(&c, &urls));
            Ok(vec![Planned {
                id: follow.id.clone(),
                kind: "Follow",
                actor: actor_id_of_account(&a, &urls),
                json: with_context(follow)?,
                sender: Sender::Account(a.id),
                inboxes: inbox_of_community(&c).into_iter().collect(),
            }])
        }
        Outgoing::Unfollow { account_id, community_id, follow_ap_id } => {
            let (a, c) = (account(ctx, *account_id).await?, community(ctx, *community_id).await?);
            let follow = Follow::new(
                Url::parse(follow_ap_id)?,
                actor_id_of_account(&a, &urls),
                actor_id_of_community(&c, &urls),
            );
            let undo = Undo::of_follow(new_id(ctx)?, follow)?;
            Ok(vec![Planned {
                id: undo.id.clone(),
                kind: "Undo",
                actor: actor_id_of_account(&a, &urls),
                json: with_context(undo)?,
                sender: Sender::Account(a.id),
                inboxes: inbox_of_community(&c).into_iter().collect(),
            }])
        }
        Outgoing::AcceptFollow { membership_id } => {
            let Some(m) = fed::find_membership_by_id(ctx.db(), *membership_id).await? else { return Ok(vec![]) };
            let (a, c) = (account(ctx, m.account_id).await?, community(ctx, m.community_id).await?);
            let Some(follow_id) = m.follow_ap_id.as_deref() else { return Ok(vec![]) };
            let group = actor_id_of_community(&c, &urls);
            let follow = Follow::new(Url::parse(follow_id)?, actor_id_of_account(&a, &urls), group.clone());
            let accept = Accept::new(new_id(ctx)?, group.clone(), follow)?;
            Ok(vec![Planned {
                id: accept.id.clone(),
                kind: "Accept",
                actor: group,
                json: with_context(accept)?,
                sender: Sender::Community(c.id),
                inboxes: inbox_of_account(&a).into_iter().collect(),
            }])
        }
        Outgoing::RejectFollow { community_id, account_id, follow_ap_id } => {
            let (a, c) = (account(ctx, *account_id).await?, community(ctx, *community_id).await?);
            let group = actor_id_of_community(&c, &urls);
            let follow = Follow::new(Url::parse(follow_ap_id)?, actor_id_of_account(&a, &urls), group.clone());
            let reject = Reject::new(new_id(ctx)?, group.clone(), follow)?;
            Ok(vec![Planned {
                id: reject.id.clone(),
                kind: "Reject",
                actor: group,
                json: with_context(reject)?,
                sender: Sender::Community(c.id),
                inboxes: inbox_of_account(&a).into_iter().collect(),
            }])
        }
        Outgoing::DiscussionCreated { discussion_id } => {
            let Some(d) = discussions::find_by_id(ctx.db(), *discussion_id).await? else { return Ok(vec![]) };
            let page = page_of(ctx, &d).await?;
            let object = serde_json::to_value(&page)?;
            post_created(ctx, &urls, d.author_id, d.community_id, Post::Page(page), object, as_of).await
        }
        Outgoing::ReplyCreated { reply_id } => {
            let Some(r) = discussions::find_reply(ctx.db(), *reply_id).await? else { return Ok(vec![]) };
            let d = discussions::find_by_id(ctx.db(), r.discussion_id).await?.ok_or(Error::NotFound)?;
            let note = note_of(ctx, &r).await?;
            let object = serde_json::to_value(&note)?;
            post_created(ctx, &urls, r.author_id, d.community_id, Post::Note(note), object, as_of).await
        }
        Outgoing::VoteCast { .. }
        | Outgoing::VoteUndone { .. }
        | Outgoing::DiscussionUpdated { .. }
        | Outgoing::ReplyUpdated { .. }
        | Outgoing::DiscussionDeleted { .. }
        | Outgoing::ReplyDeleted { .. }
        | Outgoing::DiscussionModerated { .. }
        | Outgoing::Banned { .. }
        | Outgoing::Unbanned { .. } => crate::outgoing_changes::plan(ctx, &urls, intent, as_of).await,
        Outgoing::EventCreated { .. }
        | Outgoing::EventUpdated { .. }
        | Outgoing::EventDeleted { .. }
        | Outgoing::EventJoin { .. }
        | Outgoing::EventLeave { .. }
        | Outgoing::EventRsvpAnswered { .. }
        | Outgoing::EventJoinRefused { .. } => crate::events::plan(ctx, &urls, intent, as_of).await,
        Outgoing::GuildOffer { .. }
        | Outgoing::GuildInvite { .. }
        | Outgoing::GuildAccept { .. }
        | Outgoing::GuildReject { .. }
        | Outgoing::GuildRemove { .. }
        | Outgoing::GuildAdd { .. }
        | Outgoing::GuildRelay { .. } => crate::guilds::plan(ctx, &urls, intent, as_of).await,
        Outgoing::WikiRevised { page_id } => crate::wiki::plan(ctx, &urls, *page_id, as_of).await,
        Outgoing::WikiEditProposed { .. } => crate::wiki::plan_edit(ctx, &urls, intent).await,
        Outgoing::PollVoted { discussion_id, account_id } => {
            crate::polls::votes::plan_votes(ctx, &urls, *discussion_id, *account_id, as_of).await
        }
        Outgoing::Relay { community_id, activity_id } => {
            let c = community(ctx, *community_id).await?;
            let Some(received) = fed::find_activity(ctx.db(), *activity_id).await? else { return Ok(vec![]) };
            let inner: Value = serde_json::from_str(&received.json)?;
            let origin = Url::parse(&received.actor).map(|u| authority(&u)).unwrap_or_default();
            let mut inboxes = fed::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
            if let Some(object) = inner.get("object") {
                with_guild_inboxes(ctx, &c, object, &mut inboxes, as_of).await?;
            }
            // The author's server already has the post.
            inboxes.retain(|(_, domain)| *domain != origin);
            if inboxes.is_empty() {
                return Ok(vec![]);
            }
            // Mastodon shows boosts of objects, not Announces of activities: a new post is
            // also announced as itself.
            let plain = match (inner.get("type").and_then(|t| t.as_str()), inner.get("object")) {
                (Some("Create"), Some(object)) if object.is_object() => {
                    Some(announce(ctx, &urls, &c, object.clone(), inboxes.clone())?)
                }
                _ => None,
            };
            let mut plans = vec![announce(ctx, &urls, &c, inner, inboxes)?];
            plans.extend(plain);
            Ok(plans)
        }
        Outgoing::WikiEditRefused { .. } => crate::wiki::plan_refusal(ctx, &urls, intent).await,
    }
}

/// A local member's new post: to a local community's followers (as the community's
/// Announce, FEP-1b12), or to a remote community's inbox (as the author's Create).
async fn post_created(
    ctx: &AppContext,
    urls: &Urls,
    author_id: i64,
    community_id: i64,
    post: Post,
    object: Value,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (a, c) = (account(ctx, author_id).await?, community(ctx, community_id).await?);
    if !a.domain.is_empty() {
        return Ok(vec![]);
    }
    let author = actor_id_of_account(&a, urls);
    let group = actor_id_of_community(&c, urls);
    let create = Create::new(new_id(ctx)?, author.clone(), post, group);
    let create_json = with_context(&create)?;
    let create_plan = |inboxes| Planned {
        id: create.id.clone(),
        kind: "Create",
        actor: author.clone(),
        json: create_json.clone(),
        sender: Sender::Account(a.id),
        inboxes,
    };
    if !c.domain.is_empty() {
        return Ok(vec![create_plan(inbox_of_community(&c).into_iter().collect())]);
    }
    // Approved members' servers only (pending members get nothing); private content is
    // addressed to the followers collection by `expand`.
    let mut inboxes = fed::remote_follower_inboxes(ctx.db(), c.id, as_of).await?;
    with_guild_inboxes(ctx, &c, &object, &mut inboxes, as_of).await?;
    if inboxes.is_empty() {
        return Ok(vec![create_plan(vec![])]);
    }
    // Announce{Create} for FEP-1b12 software, and a plain Announce of the object for Mastodon.
    let wrapped = announce(ctx, urls, &c, create_json.clone(), inboxes.clone())?;
    let plain = announce(ctx, urls, &c, object, inboxes)?;
    Ok(vec![create_plan(vec![]), wrapped, plain])
}

/// [`plan`], with a private community's (or members-only discussion's) activities addressed to
/// its followers instead of the public.
async fn plan_addressed(ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
    let mut plans = plan(ctx, intent, as_of).await?;
    if !plans.is_empty()
        && let Some(followers) = crate::audience::private_audience(ctx, &Urls::new(ctx), intent).await?
    {
        for p in &mut plans {
            crate::addressing::narrow(&mut p.json, &followers);
        }
    }
    Ok(plans)
}

/// After this many failed rounds, a failure thought transient is given up as permanent (and
/// shown to admins), so a persistent fault is not retried silently forever.
pub const MAX_PLAN_ATTEMPTS: i32 = 20;

/// Turns one intent into activities: [`plan_addressed`] in production; tests inject faults.
#[async_trait::async_trait]
pub(crate) trait Planner: Sync {
    /// The activities `intent` becomes, as of when it was recorded.
    async fn plan(&self, ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error>;
}

struct Addressed;

#[async_trait::async_trait]
impl Planner for Addressed {
    async fn plan(&self, ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
        plan_addressed(ctx, intent, as_of).await
    }
}

/// Expands every pending intent; returns how many deliveries were queued.
pub async fn expand(ctx: &AppContext) -> Result<usize, Error> {
    expand_with(ctx, &Addressed).await
}

/// [`expand`] with a given planner. An intent that cannot be planned is never dropped: after a
/// transient failure it stays pending for the next round; after a permanent one it is marked
/// processed with its reason, which admins see.
pub(crate) async fn expand_with(ctx: &AppContext, planner: &dyn Planner) -> Result<usize, Error> {
    let mut queued = 0;
    let mut after = 0;
    loop {
        let batch = guildhall_app::outbox::pending_after(ctx, after, 100).await?;
        if batch.is_empty() {
            return Ok(queued);
        }
        for row in batch {
            after = row.id;
            let planned = match serde_json::from_str::<Outgoing>(&row.intent) {
                Ok(intent) => planner.plan(ctx, &intent, row.created_at).await,
                Err(e) => Err(Error::Internal(format!("unreadable outbox intent: {e}"))),
            };
            let plans = match planned {
                Ok(plans) => plans,
                Err(e) => {
                    record_failure(ctx, row.id, row.attempts, &e).await?;
                    continue;
                }
            };
            let now = Utc::now();
            let txn = guildhall_store::begin_write(ctx.db()).await?;
            if !fed::claim_outbox(&txn, row.id, now).await? {
                continue;
            }
            for p in plans {
                let Some(stored) =
                    fed::insert_activity(&txn, p.id.as_str(), p.kind, p.actor.as_str(), true, p.json.to_string(), now)
                        .await?
                else {
                    continue;
                };
                queued += p.inboxes.len();
                let rows = p
                    .inboxes
                    .into_iter()
                    .map(|(inbox, domain)| NewDelivery { activity_id: stored.id, sender: p.sender, inbox, domain })
                    .collect();
                fed::insert_deliveries(&txn, rows, now).await?;
            }
            txn.commit().await?;
        }
    }
}

async fn record_failure(ctx: &AppContext, id: i64, attempts: i32, e: &Error) -> Result<(), Error> {
    let permanent = !e.is_transient() || attempts + 1 >= MAX_PLAN_ATTEMPTS;
    let reason = e.to_string();
    guildhall_app::outbox::record_failure(ctx, id, &reason, permanent).await?;
    if permanent {
        tracing::error!(outbox = id, error = %reason, attempts = attempts + 1, "cannot federate intent; given up and shown to admins");
    } else {
        tracing::warn!(outbox = id, error = %reason, attempts = attempts + 1, "cannot federate intent yet; retried next round");
    }
    Ok(())
}

#[cfg(test)]
#[path = "outgoing_tests.rs"]
mod tests;
