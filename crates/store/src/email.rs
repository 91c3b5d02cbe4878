//! The outgoing email queue and password reset tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Result;
use crate::entities::{email_message, password_reset};

/// A message waiting to be sent.
pub const QUEUED: &str = "queued";
/// A message the SMTP server accepted.
pub const SENT: &str = "sent";
/// A message given up on after its last attempt.
pub const FAILED: &str = "failed";

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain text part.
    pub text: String,
    /// HTML part.
    pub html: String,
    /// One-click unsubscribe URL, for notification and digest mail.
    pub unsubscribe_url: Option<String>,
}

/// Queues a message, due now.
pub async fn enqueue<C: ConnectionTrait>(db: &C, m: NewMessage, now: DateTime<Utc>) -> Result<i64> {
    let row = email_message::ActiveModel {
        to_address: Set(m.to),
        subject: Set(m.subject),
        text_body: Set(m.text),
        html_body: Set(m.html),
        status: Set(QUEUED.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        leased_until: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        unsubscribe_url: Set(m.unsubscribe_url),
        ..Default::default()
    };
    Ok(email_message::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// Leases up to `limit` due messages until `lease_until`, returning those this call won.
/// A message whose lease ran out (a worker stopped mid-send) is due again.
pub async fn lease_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<email_message::Model>> {
    let candidates = email_message::Entity::find()
        .filter(email_message::Column::Status.eq(QUEUED))
        .filter(email_message::Column::NextAttemptAt.lte(now))
        .filter(email_message::Column::LeasedUntil.is_null().or(email_message::Column::LeasedUntil.lte(now)))
        .order_by_asc(email_message::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut won = Vec::with_capacity(candidates.len());
    for m in candidates {
        // Conditional on the lease seen, so two workers never both win the same message.
        let claimed = email_message::Entity::update_many()
            .col_expr(email_message::Column::LeasedUntil, Expr::value(lease_until))
            .filter(email_message::Column::Id.eq(m.id))
            .filter(email_message::Column::Status.eq(QUEUED))
            .filter(match m.leased_until {
                Some(t) => email_message::Column::LeasedUntil.eq(t),
                None => email_message::Column::LeasedUntil.is_null(),
            })
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if claimed {
            won.push(email_message::Model { leased_until: Some(lease_until), ..m });
        }
    }
    Ok(won)
}

/// Records that the SMTP server accepted message `id`.
pub async fn mark_sent<C: ConnectionTrait>(db: &C, id: i64, attempts: i32, now: DateTime<Utc>) -> Result<()> {
    email_message::Entity::update_many()
        .col_expr(email_message::Column::Status, Expr::value(SENT))
        .col_expr(email_message::Column::Attempts, Expr::value(attempts))
        .col_expr(email_message::Column::SentAt, Expr::value(now))
        .col_expr(email_message::Column::LeasedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(email_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: due again at `retry_at`, or given up on when `None`.
pub async fn mark_failed<C: ConnectionTrait>(
    db: &C,
    id: i64,
    attempts: i32,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut update = email_message::Entity::update_many()
        .col_expr(email_message::Column::Attempts, Expr::value(attempts))
        .col_expr(email_message::Column::LastError, Expr::value(error))
        .col_expr(email_message::Column::LeasedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    update = match retry_at {
        Some(at) => update.col_expr(email_message::Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(email_message::Column::Status, Expr::value(FAILED)),
    };
    update.filter(email_message::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

/// How many messages are in `status`.
pub async fn count_with_status<C: ConnectionTrait>(db: &C, status: &str) -> Result<u64> {
    Ok(email_message::Entity::find().filter(email_message::Column::Status.eq(status)).count(db).await?)
}

/// The most recently failed attempt's error, with the message it concerned.
pub async fn last_error<C: ConnectionTrait>(db: &C) -> Result<Option<email_message::Model>> {
    Ok(email_message::Entity::find()
        .filter(email_message::Column::LastError.is_not_null())
        .order_by_desc(email_message::Column::NextAttemptAt)
        .one(db)
        .await?)
}

/// Deletes messages sent before `before` (their bodies hold reset links and post titles that
/// need not outlive delivery) and reset links that expired before it; returns how many rows.
pub async fn purge_before<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64> {
    let sent = email_message::Entity::delete_many()
        .filter(email_message::Column::Status.eq(SENT))
        .filter(email_message::Column::SentAt.lt(before))
        .exec(db)
        .await?
        .rows_affected;
    let resets = password_reset::Entity::delete_many()
        .filter(password_reset::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected;
    Ok(sent + resets)
}

/// Stores a reset token's hash for `account_id`.
pub async fn insert_reset<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    email: &str,
    token_hash: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    let row = password_reset::ActiveModel {
        account_id: Set(account_id),
        email: Set(email.to_owned()),
        token_hash: Set(token_hash),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    };
    password_reset::Entity::insert(row).exec(db).await?;
    Ok(())
}

/// How many reset links were sent to `email` since `since`.
pub async fn resets_since<C: ConnectionTrait>(db: &C, email: &str, since: DateTime<Utc>) -> Result<u64> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::Email.eq(email))
        .filter(password_reset::Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

/// The reset with this token hash, used or not.
pub async fn find_reset<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<Option<password_reset::Model>> {
    Ok(password_reset::Entity::find().filter(password_reset::Column::TokenHash.eq(token_hash)).one(db).await?)
}

/// Marks reset `id` used; false when it already was (another request won).
pub async fn consume_reset<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let done = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The active local account using `email`, if any.
pub async fn account_by_email<C: ConnectionTrait>(
    db: &C,
    email: &str,
) -> Result<Option<crate::entities::account::Model>> {
    use crate::entities::account;
    Ok(account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .filter(account::Column::Domain.eq(""))
        .one(db)
        .await?)
}
