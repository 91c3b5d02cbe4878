//! How an incoming activity ended, for the admin page's counts: applied, deliberately ignored
//! (answered 202, documented in docs/federation.md) or refused (4xx). Handlers deep in an
//! activity's `receive` say "ignored, because…" with [`ignored`]; the inbox scopes a slot
//! around each POST ([`scoped`]) and records what ended that way per instance and type.

use std::sync::{Arc, Mutex};

tokio::task_local! {
    static IGNORED: Arc<Mutex<Option<String>>>;
}

/// Notes that the activity being received is deliberately not acted on, and why. Outside an
/// inbox POST (a relayed or fetched activity handled elsewhere) it only logs.
pub fn ignored(reason: impl Into<String>) {
    let reason = reason.into();
    tracing::debug!(reason, "activity ignored");
    let _ = IGNORED.try_with(|slot| {
        if let Ok(mut s) = slot.lock() {
            // The first reason is the one that stopped it.
            s.get_or_insert(reason);
        }
    });
}

/// Runs `receive` and returns its result with the reason it was ignored, if it was.
pub async fn scoped<F: std::future::Future>(receive: F) -> (F::Output, Option<String>) {
    let slot = Arc::new(Mutex::new(None));
    let out = IGNORED.scope(slot.clone(), receive).await;
    let reason = slot.lock().map(|mut s| s.take()).unwrap_or(None);
    (out, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_reason_is_kept_and_nothing_leaks_outside_the_scope() {
        let ((), reason) = scoped(async {
            ignored("first");
            ignored("second");
        })
        .await;
        assert_eq!(reason.as_deref(), Some("first"));
        let ((), reason) = scoped(async {}).await;
        assert_eq!(reason, None);
        ignored("outside"); // no slot: must not panic
    }
}
