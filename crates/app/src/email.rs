//! Outgoing email: the port the server installs when SMTP is configured, the durable queue
//! use cases write to, and the worker that sends due messages with backoff.
//!
//! The app decides what to send (and in which language); the adapter behind [`Mailer`] only
//! hands a finished message to the SMTP server. Messages are queued in the database in the
//! use case's transaction, so an SMTP outage loses nothing; each is leased before sending
//! and marked sent after, so a restart resends only a message cut mid-flight.

use std::time::Duration;

use chrono::Utc;
use guildhall_store::email::{self as store, NewMessage};

use crate::{AppContext, Result, Viewer};
use guildhall_domain::Denied;

/// How long a worker holds a message while sending it; past this, another may take it.
pub const LEASE: Duration = Duration::from_secs(120);
/// Attempts before a message is given up on (spread over about three hours by [`backoff`]).
pub const MAX_ATTEMPTS: i32 = 12;
/// How often the worker looks for due messages when nothing wakes it.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Messages sent per round.
const BATCH: u64 = 20;

/// A finished message, ready to hand to the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain text part.
    pub text: String,
    /// HTML part.
    pub html: String,
    /// One-click unsubscribe URL (`List-Unsubscribe`, RFC 8058): notification and digest
    /// mail only, never account mail such as password reset.
    pub unsubscribe_url: Option<String>,
}

/// The port through which queued messages leave: implemented over SMTP by the server.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one message; the error (for the admin to read) when the server refused it or
    /// could not be reached.
    async fn send(&self, message: &OutgoingEmail) -> std::result::Result<(), String>;
}

/// How long to wait after the `attempts`-th failed attempt: 5 s doubling, at most 4 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 30) as u32 - 1;
    Duration::from_secs(5u64.saturating_mul(1u64 << exp.min(20))).min(Duration::from_secs(4 * 3600))
}

/// Queues a message in `db` (the caller's transaction) and is sent by the worker after it
/// commits; call [`wake`] after the commit.
pub async fn enqueue<C: guildhall_store::ConnectionTrait>(db: &C, message: OutgoingEmail) -> Result<i64> {
    let m = NewMessage {
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        unsubscribe_url: message.unsubscribe_url,
    };
    Ok(store::enqueue(db, m, Utc::now()).await?)
}

/// Wakes the email worker after new messages were committed.
pub fn wake(ctx: &AppContext) {
    ctx.email_wakeup().notify_one();
}

/// Sends the messages due now; returns how many were sent. Does nothing when email is off.
pub async fn deliver_due(ctx: &AppContext) -> Result<usize> {
    let Some(mailer) = ctx.mailer() else { return Ok(0) };
    let now = Utc::now();
    let lease = chrono::Duration::from_std(LEASE).unwrap_or_else(|_| chrono::Duration::seconds(120));
    let due = store::lease_due(ctx.db(), now, now + lease, BATCH).await?;
    let mut sent = 0;
    for m in due {
        let attempts = m.attempts + 1;
        let message = OutgoingEmail {
            to: m.to_address,
            subject: m.subject,
            text: m.text_body,
            html: m.html_body,
            unsubscribe_url: m.unsubscribe_url,
        };
        match mailer.send(&message).await {
            Ok(()) => {
                store::mark_sent(ctx.db(), m.id, attempts, Utc::now()).await?;
                tracing::info!(message = m.id, attempts, "email sent");
                sent += 1;
            }
            Err(error) => {
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| {
                    Utc::now() + chrono::Duration::from_std(backoff(attempts)).unwrap_or(chrono::Duration::hours(4))
                });
                tracing::warn!(message = m.id, attempts, %error, given_up = retry_at.is_none(), "email not sent");
                store::mark_failed(ctx.db(), m.id, attempts, &error, retry_at).await?;
            }
        }
    }
    Ok(sent)
}

/// Runs the email worker until the task is aborted: a round whenever a message is queued,
/// and every [`POLL_INTERVAL`] for retries.
pub async fn run_worker(ctx: AppContext) {
    loop {
        match deliver_due(&ctx).await {
            // A full batch: more may be due at once.
            Ok(n) if n as u64 >= BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "email worker round failed"),
        }
        let _ = tokio::time::timeout(POLL_INTERVAL, ctx.email_wakeup().notified()).await;
    }
}

/// How long a sent message (and an expired reset link) is kept, for the admin's counts and
/// for support questions, before [`purge`] deletes it. Failed messages stay until looked at.
pub const KEEP_SENT: chrono::Duration = chrono::Duration::days(30);

/// Deletes sent messages and expired reset links older than [`KEEP_SENT`] as of `now`.
pub async fn purge(ctx: &AppContext, now: chrono::DateTime<Utc>) -> Result<usize> {
    Ok(store::purge_before(ctx.db(), now - KEEP_SENT).await? as usize)
}

/// The queue as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct QueueStatus {
    /// Whether email is on (an SMTP server is configured).
    pub enabled: bool,
    /// Messages waiting to be sent (including those being retried).
    pub queued: u64,
    /// Messages the SMTP server accepted.
    pub sent: u64,
    /// Messages given up on after their last attempt.
    pub failed: u64,
    /// The most recent error of a failed attempt, if any.
    pub last_error: Option<String>,
}

/// The email queue's counts and last error (admins only).
pub async fn queue_status(ctx: &AppContext, viewer: &Viewer) -> Result<QueueStatus> {
    if !viewer.is_admin {
        return Err(Denied::AdminsOnly.into());
    }
    let db = ctx.db();
    Ok(QueueStatus {
        enabled: ctx.email_enabled(),
        queued: store::count_with_status(db, store::QUEUED).await?,
        sent: store::count_with_status(db, store::SENT).await?,
        failed: store::count_with_status(db, store::FAILED).await?,
        last_error: store::last_error(db).await?.and_then(|m| m.last_error),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(5), Duration::from_secs(80));
        assert_eq!(backoff(MAX_ATTEMPTS - 1), Duration::from_secs(5 * 1024), "the last wait, under three hours");
        assert_eq!(backoff(13), Duration::from_secs(4 * 3600));
        assert_eq!(backoff(1000), Duration::from_secs(4 * 3600));
        assert_eq!(backoff(0), Duration::from_secs(5), "never zero: a failing server is not hammered");
    }
}
