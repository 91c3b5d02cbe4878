//! Links that confirm an email address, and the confirmed state of accounts' addresses.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set};

use crate::Result;
use crate::entities::{account, email_confirmation};

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewConfirmation {
    /// Whose address.
    pub account_id: i64,
    /// The address it confirms.
    pub email: String,
    /// `signup` or `change`.
    pub purpose: &'static str,
    /// Hash of the emailed token.
    pub token_hash: String,
    /// Hash of the old address's token (a change only).
    pub cancel_token_hash: Option<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Stores a link.
pub async fn insert<C: ConnectionTrait>(db: &C, new: NewConfirmation, now: DateTime<Utc>) -> Result<()> {
    let row = email_confirmation::ActiveModel {
        account_id: Set(new.account_id),
        email: Set(new.email),
        purpose: Set(new.purpose.to_owned()),
        token_hash: Set(new.token_hash),
        cancel_token_hash: Set(new.cancel_token_hash),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
        cancelled_at: Set(None),
        ..Default::default()
    };
    email_confirmation::Entity::insert(row).exec(db).await?;
    Ok(())
}

/// How many links were sent to `email` since `since`.
pub async fn sent_since<C: ConnectionTrait>(db: &C, email: &str, since: DateTime<Utc>) -> Result<u64> {
    Ok(email_confirmation::Entity::find()
        .filter(email_confirmation::Column::Email.eq(email))
        .filter(email_confirmation::Column::CreatedAt.gt(since))
        .count(db)
        .await?)
}

/// The link with this token hash, whatever its state.
pub async fn find<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<Option<email_confirmation::Model>> {
    Ok(email_confirmation::Entity::find().filter(email_confirmation::Column::TokenHash.eq(token_hash)).one(db).await?)
}

/// The change whose old-address token has this hash.
pub async fn find_by_cancel<C: ConnectionTrait>(
    db: &C,
    cancel_token_hash: &str,
) -> Result<Option<email_confirmation::Model>> {
    Ok(email_confirmation::Entity::find()
        .filter(email_confirmation::Column::CancelTokenHash.eq(cancel_token_hash))
        .one(db)
        .await?)
}

/// The newest change of address of `account_id` that is still open at `now`.
pub async fn open_change<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<email_confirmation::Model>> {
    Ok(email_confirmation::Entity::find()
        .filter(email_confirmation::Column::AccountId.eq(account_id))
        .filter(email_confirmation::Column::Purpose.eq("change"))
        .filter(email_confirmation::Column::UsedAt.is_null())
        .filter(email_confirmation::Column::CancelledAt.is_null())
        .filter(email_confirmation::Column::ExpiresAt.gt(now))
        .order_by_desc(email_confirmation::Column::Id)
        .one(db)
        .await?)
}

/// Marks link `id` used; false when it already was, or was called off (another request won).
pub async fn consume<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool> {
    let done = email_confirmation::Entity::update_many()
        .col_expr(email_confirmation::Column::UsedAt, Expr::value(now))
        .filter(email_confirmation::Column::Id.eq(id))
        .filter(email_confirmation::Column::UsedAt.is_null())
        .filter(email_confirmation::Column::CancelledAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Calls off every open change of address of `account_id` (a newer one replaces them, or
/// the old address refused); returns how many.
pub async fn cancel_open_changes<C: ConnectionTrait>(db: &C, account_id: i64, now: DateTime<Utc>) -> Result<u64> {
    Ok(email_confirmation::Entity::update_many()
        .col_expr(email_confirmation::Column::CancelledAt, Expr::value(now))
        .filter(email_confirmation::Column::AccountId.eq(account_id))
        .filter(email_confirmation::Column::Purpose.eq("change"))
        .filter(email_confirmation::Column::UsedAt.is_null())
        .filter(email_confirmation::Column::CancelledAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Records `email` as `account_id`'s confirmed address (at sign-up: the same address; for a
/// change: the new one).
pub async fn set_confirmed<C: ConnectionTrait>(db: &C, account_id: i64, email: &str, now: DateTime<Utc>) -> Result<()> {
    account::Entity::update_many()
        .col_expr(account::Column::Email, Expr::value(email))
        .col_expr(account::Column::EmailConfirmedAt, Expr::value(now))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "email"))?;
    Ok(())
}

/// The local account whose address is `email` and not yet confirmed, if any.
pub async fn unconfirmed_by_email<C: ConnectionTrait>(db: &C, email: &str) -> Result<Option<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .filter(account::Column::Domain.eq(""))
        .filter(account::Column::EmailConfirmedAt.is_null())
        .one(db)
        .await?)
}

/// Deletes links that expired before `before`; returns how many.
pub async fn purge_before<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64> {
    Ok(email_confirmation::Entity::delete_many()
        .filter(email_confirmation::Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
