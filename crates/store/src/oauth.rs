//! OAuth apps, authorization codes and access tokens (only hashes of secrets are stored).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::Result;
use crate::entities::{oauth_app, oauth_code, oauth_token};

/// An app to register.
#[derive(Debug, Clone)]
pub struct NewApp {
    /// Public client id.
    pub client_id: String,
    /// SHA-256 of the client secret, hex.
    pub client_secret_hash: String,
    /// The app's name.
    pub name: String,
    /// Its website.
    pub website: Option<String>,
    /// Its redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Its scopes, space-separated.
    pub scopes: String,
}

/// Stores a new app.
pub async fn insert_app<C: ConnectionTrait>(db: &C, app: NewApp, now: DateTime<Utc>) -> Result<oauth_app::Model> {
    let row = oauth_app::ActiveModel {
        client_id: Set(app.client_id),
        client_secret_hash: Set(app.client_secret_hash),
        name: Set(app.name),
        website: Set(app.website),
        redirect_uris: Set(app.redirect_uris.join("\n")),
        scopes: Set(app.scopes),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(oauth_app::Entity::insert(row).exec_with_returning(db).await?)
}

/// The app with this client id.
pub async fn find_app_by_client_id<C: ConnectionTrait>(db: &C, client_id: &str) -> Result<Option<oauth_app::Model>> {
    Ok(oauth_app::Entity::find().filter(oauth_app::Column::ClientId.eq(client_id)).one(db).await?)
}

/// The app with this id.
pub async fn find_app<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<oauth_app::Model>> {
    Ok(oauth_app::Entity::find_by_id(id).one(db).await?)
}

/// An authorization code to store.
#[derive(Debug, Clone)]
pub struct NewCode {
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The app it is for.
    pub app_id: i64,
    /// The member who approved.
    pub account_id: i64,
    /// The redirect URI used at authorization (must be repeated at exchange).
    pub redirect_uri: String,
    /// Granted scopes, space-separated.
    pub scopes: String,
    /// PKCE challenge and its method, if the app sent one.
    pub code_challenge: Option<(String, String)>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Stores a new code.
pub async fn insert_code<C: ConnectionTrait>(db: &C, code: NewCode) -> Result<oauth_code::Model> {
    let (challenge, method) = code.code_challenge.map_or((None, None), |(c, m)| (Some(c), Some(m)));
    let row = oauth_code::ActiveModel {
        code_hash: Set(code.code_hash),
        app_id: Set(code.app_id),
        account_id: Set(code.account_id),
        redirect_uri: Set(code.redirect_uri),
        scopes: Set(code.scopes),
        code_challenge: Set(challenge),
        code_challenge_method: Set(method),
        created_at: Set(code.created_at),
        expires_at: Set(code.expires_at),
        used: Set(false),
        ..Default::default()
    };
    Ok(oauth_code::Entity::insert(row).exec_with_returning(db).await?)
}

/// The code with this hash.
pub async fn find_code<C: ConnectionTrait>(db: &C, code_hash: &str) -> Result<Option<oauth_code::Model>> {
    Ok(oauth_code::Entity::find().filter(oauth_code::Column::CodeHash.eq(code_hash)).one(db).await?)
}

/// Marks a code used; false when it already was (one conditional update, so two
/// concurrent exchanges of the same code cannot both succeed).
pub async fn use_code<C: ConnectionTrait>(db: &C, id: i64) -> Result<bool> {
    let res = oauth_code::Entity::update_many()
        .col_expr(oauth_code::Column::Used, Expr::value(true))
        .filter(oauth_code::Column::Id.eq(id))
        .filter(oauth_code::Column::Used.eq(false))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// An access token to store.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// The app holding it.
    pub app_id: i64,
    /// The member it acts for; none for the app's own token.
    pub account_id: Option<i64>,
    /// The code it was exchanged for.
    pub code_id: Option<i64>,
    /// Granted scopes, space-separated.
    pub scopes: String,
}

/// Stores a new token.
pub async fn insert_token<C: ConnectionTrait>(
    db: &C,
    token: NewToken,
    now: DateTime<Utc>,
) -> Result<oauth_token::Model> {
    let row = oauth_token::ActiveModel {
        token_hash: Set(token.token_hash),
        app_id: Set(token.app_id),
        account_id: Set(token.account_id),
        code_id: Set(token.code_id),
        scopes: Set(token.scopes),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    };
    Ok(oauth_token::Entity::insert(row).exec_with_returning(db).await?)
}

/// The unrevoked token with this hash, and its app.
pub async fn find_live_token<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<(oauth_token::Model, oauth_app::Model)>> {
    let Some(t) = oauth_token::Entity::find()
        .filter(oauth_token::Column::TokenHash.eq(token_hash))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(find_app(db, t.app_id).await?.map(|a| (t, a)))
}

/// Revokes the token with this hash if `app_id` holds it; whether one was revoked.
pub async fn revoke_token<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    app_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let res = oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(now))
        .filter(oauth_token::Column::TokenHash.eq(token_hash))
        .filter(oauth_token::Column::AppId.eq(app_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Revokes every token exchanged for a code (the code was replayed).
pub async fn revoke_tokens_of_code<C: ConnectionTrait>(db: &C, code_id: i64, now: DateTime<Utc>) -> Result<u64> {
    let res = oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(now))
        .filter(oauth_token::Column::CodeId.eq(code_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Revokes every token of one app for one member; how many.
pub async fn revoke_app_for_account<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    app_id: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    let res = oauth_token::Entity::update_many()
        .col_expr(oauth_token::Column::RevokedAt, Expr::value(now))
        .filter(oauth_token::Column::AccountId.eq(account_id))
        .filter(oauth_token::Column::AppId.eq(app_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// A member's unrevoked tokens, oldest first, each with its app.
pub async fn live_tokens_of<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Vec<(oauth_token::Model, oauth_app::Model)>> {
    let tokens = oauth_token::Entity::find()
        .filter(oauth_token::Column::AccountId.eq(account_id))
        .filter(oauth_token::Column::RevokedAt.is_null())
        .order_by_asc(oauth_token::Column::Id)
        .all(db)
        .await?;
    let mut ids: Vec<i64> = tokens.iter().map(|t| t.app_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let apps = oauth_app::Entity::find().filter(oauth_app::Column::Id.is_in(ids)).all(db).await?;
    Ok(tokens.into_iter().filter_map(|t| apps.iter().find(|a| a.id == t.app_id).cloned().map(|a| (t, a))).collect())
}
