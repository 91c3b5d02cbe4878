//! The delivery queue as the delivery worker reads and updates it: due deliveries, leases,
//! outcomes, the stored activities they carry, and each remote instance's health.

use chrono::{DateTime, Utc};
use guildhall_store::entities::{delivery, remote_instance};
use guildhall_store::federation as store;

use crate::{AppContext, Result};

pub use guildhall_store::entities::delivery::DeliveryStatus;
pub use guildhall_store::federation::Sender;

/// Pending deliveries due at `now`, oldest first, at most `limit`.
pub async fn due(ctx: &AppContext, now: DateTime<Utc>, limit: u64) -> Result<Vec<delivery::Model>> {
    Ok(store::due_deliveries(ctx.db(), now, limit).await?)
}

/// When the next pending delivery is due, if any.
pub async fn next_due_at(ctx: &AppContext) -> Result<Option<DateTime<Utc>>> {
    Ok(store::next_due_at(ctx.db()).await?)
}

/// Leases a due delivery to this worker until `until`; false if another worker has it.
pub async fn lease(ctx: &AppContext, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<bool> {
    Ok(store::lease_delivery(ctx.db(), id, now, until).await?)
}

/// Ends a delivery as `status` (`done`, or `failed` with the reason).
pub async fn finish(
    ctx: &AppContext,
    id: i64,
    status: DeliveryStatus,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    Ok(store::finish_delivery(ctx.db(), id, status, error, now).await?)
}

/// Records a failed attempt and when to try again.
pub async fn retry(ctx: &AppContext, id: i64, attempts: i32, next: DateTime<Utc>, error: String) -> Result<()> {
    Ok(store::retry_delivery(ctx.db(), id, attempts, next, error).await?)
}

/// One remote instance's delivery health, if it was ever sent to.
pub async fn instance_health(ctx: &AppContext, domain: &str) -> Result<Option<remote_instance::Model>> {
    Ok(store::instance_health(ctx.db(), domain).await?)
}

/// Saves a remote instance's delivery health.
pub async fn save_instance_health(ctx: &AppContext, row: remote_instance::Model) -> Result<()> {
    Ok(store::save_instance_health(ctx.db(), row).await?)
}
