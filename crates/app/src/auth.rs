//! Registration, passwords and sessions.

use std::net::IpAddr;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use guildhall_domain::{AccountStatus, RegistrationPolicy, validate, validate::Limits};
use guildhall_store::{Set, accounts, entities::account};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::sign_in_guard::SignInGuard;
use crate::views::{AccountView, LoginView};
use crate::{AppContext, Error, Result, Viewer, admin};

/// How long a session lasts.
const SESSION_DAYS: i64 = 30;

/// A valid session as the request layer sees it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The signed-in account.
    pub viewer: Viewer,
    /// The session's CSRF token.
    pub csrf_token: String,
}

/// A self-service registration.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Registration {
    /// Desired username.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name (defaults to the username).
    pub display_name: Option<String>,
    /// Invite code (invite mode).
    pub invite_code: Option<String>,
    /// Why they want to join (approval mode).
    pub reason: Option<String>,
    /// The language (`en` or `fr`) to write the confirmation email in.
    #[serde(default)]
    pub language: Option<String>,
}

/// Random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A readable random password for generated credentials.
pub fn random_password() -> String {
    random_token()[..24].to_string()
}

pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with Argon2id off the async threads.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?
}

/// Checks a password against a stored PHC string off the async threads.
pub(crate) async fn verify_password(password: &str, phc: &str) -> bool {
    let (password, phc) = (password.to_owned(), phc.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A fixed hash verified when the username is unknown, so timing does not reveal accounts.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0p0uCjKcX4h2b0mXmZb3V2sFoQk3kZ0bq7M3i1n0f9E";

/// Registers an account under the instance's registration policy.
pub async fn register(ctx: &AppContext, reg: Registration) -> Result<AccountView> {
    let username = validate::name("username", &reg.username)?;
    let email = validate::email("email", &reg.email)?;
    validate::password("password", &reg.password)?;
    let display_name = match reg.display_name.as_deref() {
        Some(d) if !d.trim().is_empty() => validate::required_line("display_name", d, Limits::TITLE)?,
        _ => username.clone(),
    };
    let reason = match reg.reason.as_deref() {
        Some(r) if !r.trim().is_empty() => Some(validate::text("reason", r, Limits::DESCRIPTION, false)?),
        _ => None,
    };
    let invite = reg.invite_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let settings = admin::settings(ctx).await?;
    let policy = RegistrationPolicy { mode: settings.registration_mode, email_domains: settings.email_domains };
    // Refuse early (before the slow hash) when no invite could help.
    policy.decide(&email, true)?;
    let password_hash = hash_password(&reg.password).await?;
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    let valid_invite = match invite {
        Some(code) => accounts::consume_invite(&txn, code, now).await?,
        None => false,
    };
    let status = policy.decide(&email, valid_invite)?;
    if accounts::email_taken(&txn, &email).await? {
        return Err(Error::Taken("an account with this email address already exists".into()));
    }
    accounts::claim_name(&txn, &username, "account").await?;
    let new = accounts::NewAccount {
        username,
        email: Some(email),
        password_hash,
        display_name,
        is_admin: false,
        status,
        registration_reason: reason,
        email_confirmed_at: None,
    };
    let account = accounts::insert_account(&txn, new, now).await?;
    let lang = reg.language.as_deref().unwrap_or("en");
    let link_sent = crate::email_confirmation::send_at_signup(&txn, ctx, &account, lang).await?;
    txn.commit().await?;
    if link_sent {
        crate::email::wake(ctx);
    }
    tracing::info!(account = %account.username, status = %account.status, "account registered");
    AccountView::from_model(&account)
}

/// One sign-in attempt, with what is known of where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct SignIn<'a> {
    /// The username typed.
    pub username: &'a str,
    /// The password typed.
    pub password: &'a str,
    /// The client's address, when the server knows it.
    pub address: Option<IpAddr>,
    /// The device token a previous successful sign-in gave this client, if it sent one.
    pub device_token: Option<&'a str>,
}

/// Signs in with username and password, creating a session. Repeated wrong passwords for an
/// account or from an address make further attempts wait (`Throttled`, without checking the
/// password); a device that signed in to the account before is held back only by its own
/// failures, so guessing cannot lock the owner out.
pub async fn login(ctx: &AppContext, attempt: SignIn<'_>) -> Result<LoginView> {
    let bad = Error::Unauthenticated("wrong username or password");
    let username = attempt.username.trim().to_ascii_lowercase();
    let account = accounts::find_by_username(ctx.db(), &username).await?;
    let guard = ctx.sign_in_guard();
    let now = guard.now();
    let known_device = match (&account, attempt.device_token) {
        (Some(a), Some(t)) => crate::sign_in_guard::device_is_known(t, a.id, &a.password_hash, now).then_some(t),
        _ => None,
    };
    let keys = SignInGuard::keys(&username, attempt.address, known_device);
    if let Some(retry_after) = guard.wait(&keys, now).await {
        tracing::warn!(account = %username, address = ?attempt.address, retry_after, "sign-in throttled");
        guard.note_throttled(&username, now).await;
        return Err(Error::Throttled { retry_after });
    }
    let Some(account) = account else {
        verify_password(attempt.password, DUMMY_HASH).await;
        guard.failed(&keys, now).await;
        return Err(bad);
    };
    if !verify_password(attempt.password, &account.password_hash).await {
        tracing::info!(account = %account.username, address = ?attempt.address, "failed sign-in");
        guard.failed(&keys, now).await;
        return Err(bad);
    }
    guard.succeeded(&keys).await;
    match crate::views::account_status(&account)? {
        AccountStatus::Active => {}
        other => return Err(Error::AccountNotActive(other)),
    }
    if crate::email_confirmation::blocks_sign_in(ctx, &account).await? {
        tracing::info!(account = %account.username, "sign-in refused: address not confirmed");
        return Err(Error::EmailUnconfirmed);
    }
    let token = random_token();
    let csrf_token = random_token();
    let now = Utc::now();
    accounts::insert_session(
        ctx.db(),
        token_hash(&token),
        account.id,
        csrf_token.clone(),
        now,
        now + Duration::days(SESSION_DAYS),
    )
    .await?;
    let device_token = crate::sign_in_guard::issue_device_token(account.id, &account.password_hash, guard.now());
    Ok(LoginView { token, csrf_token, account: AccountView::from_model(&account)?, device_token })
}

/// Resolves a session token to the signed-in account, if valid.
pub async fn authenticate(ctx: &AppContext, token: &str) -> Result<Option<SessionInfo>> {
    let hash = token_hash(token);
    if let Some(hit) = ctx.sessions().get(&hash).await {
        return Ok(Some(hit));
    }
    let Some((session, account)) = accounts::find_session(ctx.db(), &hash, Utc::now()).await? else {
        return Ok(None);
    };
    if account.status != AccountStatus::Active {
        return Ok(None);
    }
    let info = SessionInfo {
        viewer: Viewer { account_id: account.id, username: account.username, is_admin: account.is_admin },
        csrf_token: session.csrf_token,
    };
    ctx.sessions().insert(hash, info.clone()).await;
    Ok(Some(info))
}

/// Ends the session with this token.
pub async fn logout(ctx: &AppContext, token: &str) -> Result<()> {
    let hash = token_hash(token);
    accounts::delete_session(ctx.db(), &hash).await?;
    ctx.sessions().invalidate(&hash).await;
    Ok(())
}

/// Changes the viewer's password after checking the current one; ends their other sessions.
pub async fn change_password(ctx: &AppContext, viewer: &Viewer, current: &str, new: &str) -> Result<()> {
    validate::password("new_password", new)?;
    let account = accounts::find_by_id(ctx.db(), viewer.account_id).await?.ok_or(Error::NotFound("account"))?;
    if !verify_password(current, &account.password_hash).await {
        return Err(Error::Invalid(validate::Invalid::new("current_password", "is not your current password")));
    }
    set_password(ctx, account, new).await
}

pub(crate) async fn set_password(ctx: &AppContext, account: account::Model, new: &str) -> Result<()> {
    let hash = hash_password(new).await?;
    let id = account.id;
    let mut active: account::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now());
    let txn = crate::receipt::begin_write(ctx).await?;
    accounts::update(&txn, active).await?;
    accounts::delete_sessions_of(&txn, id).await?;
    txn.commit().await?;
    ctx.sessions().invalidate_all();
    Ok(())
}

/// Creates an active account directly (CLI and first start), bypassing the registration policy.
pub async fn create_account(
    ctx: &AppContext,
    username: &str,
    email: Option<&str>,
    password: &str,
    is_admin: bool,
) -> Result<AccountView> {
    let username = validate::name("username", username)?;
    let email = email.map(|e| validate::email("email", e)).transpose()?;
    validate::password("password", password)?;
    let password_hash = hash_password(password).await?;
    let txn = crate::receipt::begin_write(ctx).await?;
    if let Some(e) = &email
        && accounts::email_taken(&txn, e).await?
    {
        return Err(Error::Taken("an account with this email address already exists".into()));
    }
    accounts::claim_name(&txn, &username, "account").await?;
    let new = accounts::NewAccount {
        display_name: username.clone(),
        username,
        password_hash,
        is_admin,
        status: AccountStatus::Active,
        registration_reason: None,
        // The administrator creating it vouches for the address.
        email_confirmed_at: email.as_ref().map(|_| Utc::now()),
        email,
    };
    let account = accounts::insert_account(&txn, new, Utc::now()).await?;
    txn.commit().await?;
    AccountView::from_model(&account)
}

/// Sets a new password for a user (CLI) and ends all their sessions.
pub async fn reset_password(ctx: &AppContext, username: &str, new: &str) -> Result<()> {
    validate::password("password", new)?;
    let account = accounts::find_by_username(ctx.db(), &username.trim().to_ascii_lowercase())
        .await?
        .ok_or(Error::NotFound("account"))?;
    set_password(ctx, account, new).await
}

/// On first start: creates `admin` with a generated password if no admin exists yet.
/// Returns the credentials to show once.
pub async fn ensure_first_admin(ctx: &AppContext) -> Result<Option<(String, String)>> {
    if accounts::count_admins(ctx.db()).await? > 0 {
        return Ok(None);
    }
    let password = random_password();
    let mut name = "admin".to_string();
    // The name may already belong to a community or member (admins were all removed).
    for i in 1..100 {
        if accounts::find_by_username(ctx.db(), &name).await?.is_none() {
            break;
        }
        name = format!("admin{i}");
    }
    create_account(ctx, &name, None, &password, true).await?;
    Ok(Some((name, password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").await.unwrap();
        let b = hash_password("correct horse").await.unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify_password("correct horse", &a).await);
        assert!(!verify_password("wrong horse", &a).await);
        assert!(!verify_password("x", "not a hash").await);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let t = random_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, random_token());
        assert_eq!(token_hash("abc").len(), 64);
    }
}
