//! Events over ActivityPub, in Mobilizon's shape (FEP-8a8e): the `Event` object, its
//! `Create`/`Update`/`Delete` announced by the community, and RSVPs as `Join`/`Leave`
//! answered by `Accept`/`Reject`.

pub mod inbound;
pub mod object;
pub mod outgoing;
pub(crate) mod replies;
pub mod serve;

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use url::Url;

use crate::Error;
use crate::plan::Planned;
use crate::urls::Urls;

/// The activities an event intent becomes.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    intent: &Outgoing,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    outgoing::plan(ctx, urls, intent, as_of).await
}

/// The followers collection an event intent's activities are narrowed to when the event is
/// private (private community or members-only event).
pub(crate) async fn private_audience(ctx: &AppContext, urls: &Urls, intent: &Outgoing) -> Result<Option<Url>, Error> {
    let event_id = match intent {
        Outgoing::EventCreated { event_id }
        | Outgoing::EventUpdated { event_id }
        | Outgoing::EventDeleted { event_id, .. }
        | Outgoing::EventLeave { event_id, .. }
        | Outgoing::EventJoinRefused { event_id, .. } => *event_id,
        Outgoing::EventJoin { participant_id } | Outgoing::EventRsvpAnswered { participant_id } => {
            match guildhall_app::lookup::participant(ctx, *participant_id).await? {
                Some(p) => p.event_id,
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    };
    event_audience(ctx, urls, event_id).await
}

/// The followers collection activities about event `event_id` (its RSVPs, votes) are narrowed
/// to when the event is private.
pub(crate) async fn event_audience(ctx: &AppContext, urls: &Urls, event_id: i64) -> Result<Option<Url>, Error> {
    let Some(e) = guildhall_app::lookup::event(ctx, event_id).await? else { return Ok(None) };
    let c = crate::plan::community(ctx, e.community_id).await?;
    Ok(crate::addressing::is_private(&c, e.members_only).then(|| crate::addressing::followers_of(&c, urls)))
}

#[cfg(test)]
mod tests;
