//! Turns outbox intents into activities and per-inbox deliveries, in one transaction per
//! intent (claim, store the activities, queue the deliveries), so several workers or
//! processes never expand an intent twice and a crash never loses one.

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::{Outgoing, PlannedActivity};

use crate::Error;
use crate::activities::{announce, block, create, follow, moderation, update_delete, vote};
use crate::plan::Planned;
use crate::urls::Urls;

/// The activities an intent becomes (empty when there is nobody to tell): each kind is built
/// by its activity's module.
async fn plan(ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
    let urls = &Urls::new(ctx);
    match intent {
        Outgoing::Follow { membership_id } => follow::plan_follow(ctx, urls, *membership_id).await,
        Outgoing::Unfollow { account_id, community_id, follow_ap_id } => {
            follow::plan_unfollow(ctx, urls, *account_id, *community_id, follow_ap_id).await
        }
        Outgoing::AcceptFollow { membership_id } => follow::plan_accept(ctx, urls, *membership_id).await,
        Outgoing::RejectFollow { community_id, account_id, follow_ap_id } => {
            follow::plan_reject(ctx, urls, *community_id, *account_id, follow_ap_id).await
        }
        Outgoing::DiscussionCreated { discussion_id } => {
            create::plan_discussion(ctx, urls, *discussion_id, as_of).await
        }
        Outgoing::ReplyCreated { reply_id } => create::plan_reply(ctx, urls, *reply_id, as_of).await,
        Outgoing::VoteCast { vote_id } => vote::plan_cast(ctx, urls, *vote_id, as_of).await,
        Outgoing::VoteUndone { account_id, discussion_id, reply_id, event_id, vote_ap_id, value } => {
            let target = guildhall_app::votes::Target::from_columns(*discussion_id, *reply_id, *event_id)
                .ok_or(crate::Error::NotFound)?;
            vote::plan_undo(ctx, urls, *account_id, target, vote_ap_id, *value, as_of).await
        }
        Outgoing::DiscussionUpdated { discussion_id } => {
            update_delete::plan_discussion_update(ctx, urls, *discussion_id, as_of).await
        }
        Outgoing::ReplyUpdated { reply_id } => update_delete::plan_reply_update(ctx, urls, *reply_id, as_of).await,
        Outgoing::DiscussionDeleted { discussion_id, by_account_id } => {
            update_delete::plan_discussion_delete(ctx, urls, *discussion_id, *by_account_id, as_of).await
        }
        Outgoing::ReplyDeleted { reply_id, by_account_id } => {
            update_delete::plan_reply_delete(ctx, urls, *reply_id, *by_account_id, as_of).await
        }
        Outgoing::DiscussionModerated { discussion_id, by_account_id, pinned, locked } => {
            moderation::plan(ctx, urls, *discussion_id, *by_account_id, *pinned, *locked, as_of).await
        }
        Outgoing::Banned { membership_id, by_account_id } => {
            block::plan_ban(ctx, urls, *membership_id, *by_account_id, as_of).await
        }
        Outgoing::Unbanned { community_id, account_id, by_account_id } => {
            block::plan_unban(ctx, urls, *community_id, *account_id, *by_account_id, as_of).await
        }
        Outgoing::EventCreated { .. }
        | Outgoing::EventUpdated { .. }
        | Outgoing::EventDeleted { .. }
        | Outgoing::EventJoin { .. }
        | Outgoing::EventLeave { .. }
        | Outgoing::EventRsvpAnswered { .. }
        | Outgoing::EventJoinRefused { .. } => crate::events::plan(ctx, urls, intent, as_of).await,
        Outgoing::GuildOffer { .. }
        | Outgoing::GuildInvite { .. }
        | Outgoing::GuildAccept { .. }
        | Outgoing::GuildReject { .. }
        | Outgoing::GuildRemove { .. }
        | Outgoing::GuildAdd { .. }
        | Outgoing::GuildRelay { .. } => crate::guilds::plan(ctx, urls, intent, as_of).await,
        Outgoing::WikiRevised { page_id } => crate::wiki::plan(ctx, urls, *page_id, as_of).await,
        Outgoing::WikiEditProposed { .. } => crate::wiki::plan_edit(ctx, urls, intent).await,
        Outgoing::WikiEditRefused { .. } => crate::wiki::plan_refusal(ctx, urls, intent).await,
        Outgoing::PollVoted { discussion_id, account_id } => {
            crate::polls::votes::plan_votes(ctx, urls, *discussion_id, *account_id, as_of).await
        }
        Outgoing::Relay { community_id, activity_id } => {
            announce::plan_relay(ctx, urls, *community_id, *activity_id, as_of).await
        }
    }
}

/// [`plan`], with a private community's (or members-only discussion's) activities addressed to
/// its followers instead of the public, and each peer given the shapes its software takes.
async fn plan_addressed(ctx: &AppContext, intent: &Outgoing, as_of: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
    let mut plans = plan(ctx, intent, as_of).await?;
    if !plans.is_empty()
        && let Some(followers) = crate::audience::private_audience(ctx, &Urls::new(ctx), intent).await?
    {
        for p in &mut plans {
            crate::addressing::narrow(&mut p.json, &followers);
        }
    }
    crate::peers::fit(ctx, plans).await
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
            let plans = plans
                .into_iter()
                .map(|p| PlannedActivity {
                    ap_id: p.id.to_string(),
                    kind: p.kind,
                    actor: p.actor.to_string(),
                    json: p.json.to_string(),
                    sender: p.sender,
                    inboxes: p.inboxes,
                })
                .collect();
            queued += guildhall_app::outbox::commit_plan(ctx, row.id, plans).await?.unwrap_or(0);
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
