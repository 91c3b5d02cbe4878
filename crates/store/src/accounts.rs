//! Accounts, the shared name space, sessions and invites.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

use crate::entities::{account, actor_name, invite, session};
use crate::{Page, Paged, Result, conflict_on_unique};
use guildhall_domain::AccountStatus;

/// Claims `name` in the instance-wide name space shared by users and communities.
pub async fn claim_name<C: ConnectionTrait>(db: &C, name: &str, kind: &str) -> Result<()> {
    actor_name::ActiveModel { name: Set(name.to_owned()), kind: Set(kind.to_owned()) }
        .insert(db)
        .await
        .map_err(|e| conflict_on_unique(e, "name"))?;
    Ok(())
}

/// Releases a claimed name (when a pending account is rejected).
pub async fn release_name<C: ConnectionTrait>(db: &C, name: &str) -> Result<()> {
    actor_name::Entity::delete_by_id(name.to_owned()).exec(db).await?;
    Ok(())
}

/// Fields of a new account.
pub struct NewAccount {
    /// Normalised username (already claimed).
    pub username: String,
    /// Email address, if any.
    pub email: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Display name.
    pub display_name: String,
    /// Instance admin?
    pub is_admin: bool,
    /// `active` or `pending`.
    pub status: AccountStatus,
    /// Why they want to join (approval mode).
    pub registration_reason: Option<String>,
    /// When the address was confirmed: now for accounts an admin creates, none at sign-up.
    pub email_confirmed_at: Option<DateTime<Utc>>,
}

/// Inserts an account.
pub async fn insert_account<C: ConnectionTrait>(db: &C, new: NewAccount, now: DateTime<Utc>) -> Result<account::Model> {
    let model = account::ActiveModel {
        username: Set(new.username),
        domain: Set(String::new()),
        email: Set(new.email),
        password_hash: Set(new.password_hash),
        display_name: Set(new.display_name),
        bio: Set(String::new()),
        department: Set(String::new()),
        tags: Set("[]".into()),
        is_admin: Set(new.is_admin),
        status: Set(new.status),
        registration_reason: Set(new.registration_reason),
        email_confirmed_at: Set(new.email_confirmed_at),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    model.insert(db).await.map_err(|e| conflict_on_unique(e, "username or email"))
}

/// Finds a local account by its (normalised) username.
pub async fn find_by_username<C: ConnectionTrait>(db: &C, username: &str) -> Result<Option<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .filter(account::Column::Domain.eq(""))
        .one(db)
        .await?)
}

/// Finds an account by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<account::Model>> {
    Ok(account::Entity::find_by_id(id).one(db).await?)
}

/// Loads several accounts at once (authors of a page of posts), keyed by id.
pub async fn find_many<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, account::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = account::Entity::find().filter(account::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// Whether an email address is already used by an account.
pub async fn email_taken<C: ConnectionTrait>(db: &C, email: &str) -> Result<bool> {
    Ok(account::Entity::find().filter(account::Column::Email.eq(email)).count(db).await? > 0)
}

/// Saves changed account fields.
pub async fn update<C: ConnectionTrait>(db: &C, model: account::ActiveModel) -> Result<account::Model> {
    model.update(db).await.map_err(|e| conflict_on_unique(e, "email"))
}

/// Deletes an account (rejected registrations only: nothing else references it yet).
pub async fn delete<C: ConnectionTrait>(db: &C, id: i64) -> Result<()> {
    account::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Number of instance admins.
pub async fn count_admins<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(account::Entity::find().filter(account::Column::IsAdmin.eq(true)).count(db).await?)
}

/// Number of active accounts.
pub async fn count_active<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(account::Entity::find()
        .filter(account::Column::Status.eq(AccountStatus::Active))
        .filter(account::Column::Domain.eq(""))
        .count(db)
        .await?)
}

/// Accounts with a given status, oldest first.
pub async fn list_by_status<C: ConnectionTrait>(
    db: &C,
    status: AccountStatus,
    page: Page,
) -> Result<Paged<account::Model>> {
    let rows = account::Entity::find()
        .filter(account::Column::Status.eq(status))
        .filter(account::Column::Domain.eq(""))
        .order_by_asc(account::Column::CreatedAt)
        .order_by_asc(account::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Stores a new session (only the token's hash is kept).
pub async fn insert_session<C: ConnectionTrait>(
    db: &C,
    token_hash: String,
    account_id: i64,
    csrf_token: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<session::Model> {
    let model = session::ActiveModel {
        token_hash: Set(token_hash),
        account_id: Set(account_id),
        csrf_token: Set(csrf_token),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

/// Finds an unexpired session and its account.
pub async fn find_session<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, account::Model)>> {
    let Some(s) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(find_by_id(db, s.account_id).await?.map(|a| (s, a)))
}

/// Ends one session.
pub async fn delete_session<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<()> {
    session::Entity::delete_many().filter(session::Column::TokenHash.eq(token_hash)).exec(db).await?;
    Ok(())
}

/// Ends every session of an account (password reset, suspension).
pub async fn delete_sessions_of<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64> {
    Ok(session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id)).exec(db).await?.rows_affected)
}

/// Creates an invite code.
pub async fn insert_invite<C: ConnectionTrait>(
    db: &C,
    code: String,
    created_by: i64,
    max_uses: i32,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<invite::Model> {
    let model = invite::ActiveModel {
        code: Set(code),
        created_by: Set(created_by),
        max_uses: Set(max_uses),
        uses: Set(0),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    };
    model.insert(db).await.map_err(|e| conflict_on_unique(e, "invite code"))
}

/// Invites, newest first.
pub async fn list_invites<C: ConnectionTrait>(db: &C, page: Page) -> Result<Paged<invite::Model>> {
    let rows = invite::Entity::find()
        .order_by_desc(invite::Column::CreatedAt)
        .order_by_desc(invite::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Uses one invite atomically; false if unknown, used up or expired.
pub async fn consume_invite<C: ConnectionTrait>(db: &C, code: &str, now: DateTime<Utc>) -> Result<bool> {
    let res = invite::Entity::update_many()
        .col_expr(invite::Column::Uses, Expr::col(invite::Column::Uses).add(1))
        .filter(invite::Column::Code.eq(code))
        .filter(Expr::col(invite::Column::Uses).lt(Expr::col(invite::Column::MaxUses)))
        .filter(invite::Column::ExpiresAt.is_null().or(invite::Column::ExpiresAt.gt(now)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The oldest local admin (stands in as owner of rows created for remote communities).
pub async fn first_local_admin<C: ConnectionTrait>(db: &C) -> Result<Option<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::IsAdmin.eq(true))
        .filter(account::Column::Domain.eq(""))
        .order_by_asc(account::Column::Id)
        .one(db)
        .await?)
}
