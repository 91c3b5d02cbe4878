//! Up and down votes on discussions, replies and events (Lemmy's Like/Dislike).

use chrono::Utc;
use guildhall_domain::Invalid;
use guildhall_store::votes as store;
pub use guildhall_store::votes::Target;

use crate::outbox::{self, Outgoing};
use crate::views::VoteView;
use crate::{AppContext, Error, Result, Viewer};

/// What to vote on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// A discussion.
    Discussion(i64),
    /// A reply.
    Reply(i64),
    /// An event.
    Event(i64),
}

/// Sets the viewer's vote: 1 (up), -1 (down) or 0 (withdraw).
pub async fn vote(ctx: &AppContext, viewer: &Viewer, on: On, value: i16) -> Result<VoteView> {
    if !(-1..=1).contains(&value) {
        return Err(Invalid::new("value", "must be 1, -1 or 0").into());
    }
    let (target, deleted, access) = match on {
        On::Discussion(id) => {
            let (d, l) = crate::discussions::load_discussion(ctx, Some(viewer), id).await?;
            (Target::Discussion(d.id), d.deleted_at.is_some(), l.access)
        }
        On::Reply(id) => {
            let (r, _, l) = crate::discussions::load_reply(ctx, viewer, id).await?;
            (Target::Reply(r.id), r.deleted_at.is_some(), l.access)
        }
        // Read as the event's content (members-only events as private content), voted on as
        // a post.
        On::Event(id) => {
            let (e, l) = crate::events::load_event(ctx, Some(viewer), id).await?;
            (Target::Event(e.id), e.deleted_at.is_some(), l.access)
        }
    };
    access.vote(deleted)?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let previous = store::find(&txn, viewer.account_id, target).await?;
    let mut told = Vec::new();
    if value == 0 {
        if let Some(v) = store::remove(&txn, viewer.account_id, target).await? {
            let (discussion_id, reply_id, event_id) = target.columns();
            let intent = Outgoing::VoteUndone {
                account_id: viewer.account_id,
                discussion_id,
                reply_id,
                event_id,
                vote_ap_id: v.ap_id.unwrap_or_default(),
                value: v.value,
            };
            outbox::record(&txn, &intent).await?;
        }
    } else if previous.as_ref().map(|p| p.value) != Some(value) {
        let v = store::set(&txn, viewer.account_id, target, value, Some(ctx.instance().new_activity_id()), Utc::now())
            .await?;
        outbox::record(&txn, &Outgoing::VoteCast { vote_id: v.id }).await?;
        if value > 0 {
            told = crate::notifying::upvoted(&txn, viewer.account_id, target).await?;
        }
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    let (up, down) = store::tallies(ctx.db(), &[target]).await?.get(&target).copied().unwrap_or_default();
    Ok(VoteView { my_vote: value, score: up - down, upvotes: up, downvotes: down })
}

/// Finds a vote by id (for federation).
pub async fn find(ctx: &AppContext, id: i64) -> Result<guildhall_store::entities::vote::Model> {
    store::find_by_id(ctx.db(), id).await?.ok_or(Error::NotFound("vote"))
}
