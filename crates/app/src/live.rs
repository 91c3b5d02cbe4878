//! Live events for streaming clients: after a post is saved (here or received from another
//! server) its id is published on one broadcast channel, and so are the accounts that were
//! just notified. Events carry ids only; each
//! subscriber loads what it announces through the access rules for its own viewer, so a
//! post never reaches a stream whose reader may not read it.

use tokio::sync::broadcast;

use crate::AppContext;
use crate::posts::PostRef;

/// How many events a slow subscriber may fall behind before it misses some.
pub const CAPACITY: usize = 1024;

/// Something that happened, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    /// A discussion or reply was saved.
    Posted(PostRef),
    /// This account has new notifications.
    Notified(i64),
}

/// A new channel (one per running instance).
pub fn channel() -> broadcast::Sender<LiveEvent> {
    broadcast::channel(CAPACITY).0
}

/// Publishes an event; nobody listening is fine.
pub fn publish(ctx: &AppContext, event: LiveEvent) {
    let _ = ctx.live().send(event);
}

/// Tells these accounts' streams that they have new notifications (after the commit).
pub fn notified(ctx: &AppContext, accounts: &[i64]) {
    for a in accounts {
        publish(ctx, LiveEvent::Notified(*a));
    }
}
