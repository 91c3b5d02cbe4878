//! Reminders a day and an hour before an event starts, for the people on this server going to
//! it (local events, and other servers' events they RSVP'd to). A scheduled job: it reads
//! what is due from the database and records each reminder in the transaction that writes
//! its notification, keyed on the start time, so no run or process sends one twice and a
//! moved event reminds again for its new time.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use guildhall_domain::reminder::{self as rules, Reminder};
use guildhall_store::reminders as store;

use crate::{AppContext, Result};

/// Sends the reminders due at `now`; returns how many people were told.
pub async fn run_due(ctx: &AppContext, now: DateTime<Utc>) -> Result<usize> {
    // One query for the events in the window, one for everyone going, one for what was sent.
    let events: Vec<_> = store::starting_between(ctx.db(), now, now + rules::window())
        .await?
        .into_iter()
        .filter_map(|e| rules::due(e.status, e.starts_at, now).map(|which| (e, which)))
        .collect();
    if events.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = events.iter().map(|(e, _)| e.id).collect();
    let mut going: HashMap<i64, Vec<i64>> = HashMap::new();
    for (event_id, account_id) in store::local_going(ctx.db(), &ids).await? {
        going.entry(event_id).or_default().push(account_id);
    }
    let sent: HashSet<(i64, i64, String, DateTime<Utc>)> = store::sent(ctx.db(), &ids)
        .await?
        .into_iter()
        .map(|r| (r.event_id, r.account_id, r.which, r.starts_at))
        .collect();
    let mut communities = HashMap::new();
    let mut told = 0;
    for (e, which) in events {
        let waiting: Vec<i64> = going
            .remove(&e.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !sent.contains(&(e.id, *a, which.as_str().to_owned(), e.starts_at)))
            .collect();
        if waiting.is_empty() {
            continue;
        }
        let c = match communities.get(&e.community_id) {
            Some(c) => c,
            None => match guildhall_store::communities::find_by_id(ctx.db(), e.community_id).await? {
                Some(c) => communities.entry(e.community_id).or_insert(c),
                None => continue,
            },
        };
        told += remind(ctx, c, &e, which, &waiting, now).await?;
    }
    Ok(told)
}

/// Records and sends one event's reminder to those of `waiting` no other run reminded yet.
async fn remind(
    ctx: &AppContext,
    c: &guildhall_store::entities::community::Model,
    e: &guildhall_store::entities::event::Model,
    which: Reminder,
    waiting: &[i64],
    now: DateTime<Utc>,
) -> Result<usize> {
    let txn = crate::receipt::begin_write(ctx).await?;
    let mut first = Vec::with_capacity(waiting.len());
    for account_id in waiting {
        // Recorded even for someone who may no longer read it: they are not asked again.
        if store::record(&txn, e.id, *account_id, which.as_str(), e.starts_at, now).await? {
            first.push(*account_id);
        }
    }
    let notified = crate::notifying::event_reminder(&txn, c, e, which, &first).await?;
    txn.commit().await?;
    crate::live::notified(ctx, &notified);
    if !notified.is_empty() {
        tracing::info!(event = e.id, reminder = which.as_str(), told = notified.len(), "event reminder sent");
    }
    Ok(notified.len())
}
