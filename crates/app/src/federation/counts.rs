//! Honest counts both ways: what this instance ignored or refused of what other instances
//! sent, what they refused or failed to take of what it sent (per activity type), and which
//! of their inboxes are gone. Admins read them with each instance's health.

use std::collections::BTreeMap;

use chrono::Utc;
use guildhall_store::entities::delivery::DeliveryStatus;
use guildhall_store::federation_counts as store;

use crate::{AppContext, Result};

pub use guildhall_store::federation_counts::InboundOutcome;

/// Counts an incoming activity that was ignored (`202`) or refused (`4xx`).
pub async fn record_inbound(ctx: &AppContext, outcome: InboundOutcome<'_>) -> Result<()> {
    Ok(store::record_inbound(ctx.db(), outcome, Utc::now()).await?)
}

/// An inbox answered `410 Gone`: nothing more is delivered to it (pending deliveries end as
/// refused, new ones are not queued).
pub async fn mark_inbox_gone(ctx: &AppContext, inbox: &str, domain: &str) -> Result<()> {
    tracing::warn!(inbox, domain, "inbox is gone (410): no more deliveries to it");
    Ok(store::mark_inbox_gone(ctx.db(), inbox, domain, Utc::now()).await?)
}

/// Incoming activities of one type from one instance that ended the same way.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct IncomingCountView {
    /// The activity's `type`.
    pub kind: String,
    /// `ignored` (answered 202: a type or shape deliberately not acted on) or `refused` (4xx).
    pub outcome: String,
    /// How many.
    pub count: u64,
    /// The last status answered.
    pub last_status: u16,
    /// The last reason given.
    pub last_reason: String,
    /// When the last one came.
    pub last_at: chrono::DateTime<Utc>,
}

/// Deliveries of one activity type to one instance, by how they stand.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct OutgoingCountView {
    /// The activity's `type`.
    pub kind: String,
    /// Accepted (2xx).
    pub delivered: u64,
    /// Refused (4xx other than 408/429, including 410 Gone): never retried.
    pub refused: u64,
    /// Given up after days of failures (5xx, 429, timeouts), or blocked by our policy.
    pub failed: u64,
    /// Waiting, including retries.
    pub pending: u64,
    /// Of those waiting, how many have failed at least once (429, 5xx, no answer).
    pub retrying: u64,
}

/// What admins see per instance besides the queue: counts per type both ways, gone inboxes.
#[derive(Debug, Clone, Default)]
pub struct InstanceCounts {
    /// Incoming, ignored or refused, per type.
    pub incoming: Vec<IncomingCountView>,
    /// Outgoing per type.
    pub outgoing: Vec<OutgoingCountView>,
    /// Inboxes that answered 410.
    pub gone_inboxes: Vec<String>,
    /// When the next retry of a failed delivery is due (never sooner than `Retry-After`).
    pub next_retry_at: Option<chrono::DateTime<Utc>>,
}

/// Every instance's counts, by domain.
pub async fn by_instance(ctx: &AppContext) -> Result<BTreeMap<String, InstanceCounts>> {
    let mut out: BTreeMap<String, InstanceCounts> = BTreeMap::new();
    for c in store::inbound_counts(ctx.db()).await? {
        out.entry(c.domain).or_default().incoming.push(IncomingCountView {
            kind: c.kind,
            outcome: c.outcome,
            count: c.count.max(0) as u64,
            last_status: u16::try_from(c.last_status).unwrap_or_default(),
            last_reason: c.last_reason,
            last_at: c.last_at,
        });
    }
    for k in store::deliveries_by_kind(ctx.db()).await? {
        let list = &mut out.entry(k.domain).or_default().outgoing;
        let pos = match list.iter().position(|o| o.kind == k.kind) {
            Some(p) => p,
            None => {
                list.push(OutgoingCountView { kind: k.kind.clone(), ..Default::default() });
                list.len() - 1
            }
        };
        let row = &mut list[pos];
        let n = k.n.max(0) as u64;
        match k.status {
            DeliveryStatus::Done => row.delivered += n,
            DeliveryStatus::Refused => row.refused += n,
            DeliveryStatus::Failed => row.failed += n,
            DeliveryStatus::Pending => {
                row.pending += n;
                row.retrying += k.retried.max(0) as u64;
            }
        }
    }
    for (domain, at) in store::next_retries(ctx.db()).await? {
        out.entry(domain).or_default().next_retry_at = Some(at);
    }
    for g in store::gone_inboxes(ctx.db()).await? {
        out.entry(g.domain).or_default().gone_inboxes.push(g.inbox);
    }
    Ok(out)
}
