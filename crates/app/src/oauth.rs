//! OAuth 2.0 for Mastodon apps: registering apps, a member approving one (an authorization
//! code), exchanging codes for tokens (with the client secret or PKCE), the client
//! credentials grant, revocation, and resolving a bearer token to who and what it allows.
//! Rules on scopes and redirect URIs are `guildhall_domain::oauth`'s.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use guildhall_domain::oauth::{self as rules, ChallengeMethod, Scopes};
use guildhall_domain::{AccountStatus, Invalid, validate};
use guildhall_store::entities::{oauth_app, oauth_code};
use guildhall_store::{accounts, oauth as store};
use sha2::{Digest, Sha256};

use crate::auth::random_token;
use crate::{AppContext, Viewer};

/// How long an authorization code is accepted.
pub const CODE_LIFETIME_MINUTES: i64 = 10;

/// A refusal in OAuth's terms (RFC 6749 §4.1.2.1 and §5.2), or a failure underneath.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// Unknown client, or wrong client secret.
    #[error("client authentication failed")]
    InvalidClient,
    /// The code (or verifier, or redirect URI with it) is wrong, used, expired or revoked.
    #[error("{0}")]
    InvalidGrant(&'static str),
    /// A scope that does not exist or that the app did not register.
    #[error("{0}")]
    InvalidScope(String),
    /// The redirect URI is not one the app registered (never redirect then).
    #[error("the redirect URI is not one this app registered")]
    InvalidRedirectUri,
    /// A required parameter is missing or malformed.
    #[error("{0}")]
    InvalidRequest(String),
    /// A grant type other than the two served.
    #[error("the grant type is not supported")]
    UnsupportedGrantType,
    /// A response type other than `code`.
    #[error("the response type is not supported")]
    UnsupportedResponseType,
    /// Storage or another failure, not the client's fault.
    #[error(transparent)]
    Failed(#[from] crate::Error),
}

impl OAuthError {
    /// The RFC 6749 error code.
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::InvalidGrant(_) => "invalid_grant",
            OAuthError::InvalidScope(_) => "invalid_scope",
            OAuthError::InvalidRedirectUri => "invalid_redirect_uri",
            OAuthError::InvalidRequest(_) => "invalid_request",
            OAuthError::UnsupportedGrantType => "unsupported_grant_type",
            OAuthError::UnsupportedResponseType => "unsupported_response_type",
            OAuthError::Failed(_) => "server_error",
        }
    }
}

impl From<guildhall_store::Error> for OAuthError {
    fn from(e: guildhall_store::Error) -> Self {
        OAuthError::Failed(e.into())
    }
}

/// Result of an OAuth use case.
pub type OAuthResult<T> = std::result::Result<T, OAuthError>;

/// SHA-256, hex: how secrets, codes and tokens are stored (as session tokens are).
fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Constant-time equality of two strings.
fn same(a: &str, b: &str) -> bool {
    #[allow(deprecated)]
    ring::constant_time::verify_slices_are_equal(a.as_bytes(), b.as_bytes()).is_ok()
}

/// A registered app as others see it (never its secret).
#[derive(Debug, Clone)]
pub struct AppView {
    /// Row id.
    pub id: i64,
    /// Name shown to members.
    pub name: String,
    /// Its website, if given.
    pub website: Option<String>,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Registered scopes.
    pub scopes: Scopes,
    /// Public client id.
    pub client_id: String,
}

impl AppView {
    fn of(m: &oauth_app::Model) -> OAuthResult<Self> {
        let scopes = Scopes::parse(&m.scopes)
            .map_err(|e| crate::Error::Internal(format!("stored scopes of app {} unreadable: {e}", m.id)))?;
        Ok(AppView {
            id: m.id,
            name: m.name.clone(),
            website: m.website.clone(),
            redirect_uris: m.redirect_uris.lines().map(str::to_owned).collect(),
            scopes,
            client_id: m.client_id.clone(),
        })
    }
}

/// An app just registered: its view and its secret (shown once).
#[derive(Debug, Clone)]
pub struct RegisteredApp {
    /// The app.
    pub app: AppView,
    /// The client secret, in clear this once.
    pub client_secret: String,
}

/// What `POST /api/v1/apps` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    /// `client_name`.
    pub name: String,
    /// Redirect URIs (each may hold several, newline-separated).
    pub redirect_uris: Vec<String>,
    /// Space-separated scopes; empty means `read`.
    pub scopes: String,
    /// Website.
    pub website: Option<String>,
}

/// Registers an app (anyone may, as on Mastodon).
pub async fn register_app(ctx: &AppContext, new: NewApp, now: DateTime<Utc>) -> crate::Result<RegisteredApp> {
    let name = validate::required_line("client_name", &new.name, 60)?;
    let redirect_uris = rules::redirect_uris(new.redirect_uris.iter().map(String::as_str))
        .map_err(|e| Invalid::new("redirect_uris", e.to_string()))?;
    let scopes = Scopes::parse(&new.scopes).map_err(|e| Invalid::new("scopes", e.to_string()))?;
    let website = match new.website.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) if (w.starts_with("https://") || w.starts_with("http://")) && w.len() <= 2000 => Some(w.to_owned()),
        Some(_) => return Err(Invalid::new("website", "must be an http or https address").into()),
        None => None,
    };
    let client_secret = random_token();
    let row = store::NewApp {
        client_id: random_token(),
        client_secret_hash: hash(&client_secret),
        name,
        website,
        redirect_uris,
        scopes: scopes.to_string(),
    };
    let m = store::insert_app(ctx.db(), row, now).await?;
    tracing::info!(app = m.id, name = %m.name, "oauth app registered");
    let app = AppView::of(&m).map_err(|e| crate::Error::Internal(e.to_string()))?;
    Ok(RegisteredApp { app, client_secret })
}

/// The app with this client id, if any.
pub async fn find_app(ctx: &AppContext, client_id: &str) -> OAuthResult<Option<AppView>> {
    store::find_app_by_client_id(ctx.db(), client_id).await?.as_ref().map(AppView::of).transpose()
}

/// `GET /oauth/authorize`'s parameters.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuthorizeRequest {
    /// Must be `code`.
    #[serde(default)]
    pub response_type: String,
    /// The app.
    #[serde(default)]
    pub client_id: String,
    /// Where to send the code: one of the app's registered URIs.
    #[serde(default)]
    pub redirect_uri: String,
    /// Requested scopes (default `read`).
    #[serde(default)]
    pub scope: String,
    /// Opaque value handed back to the app.
    #[serde(default)]
    pub state: Option<String>,
    /// PKCE challenge.
    #[serde(default)]
    pub code_challenge: Option<String>,
    /// PKCE method (`S256` or `plain`).
    #[serde(default)]
    pub code_challenge_method: Option<String>,
}

/// An authorization request found sound: what the approval page shows.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The app asking.
    pub app: AppView,
    /// The scopes it asks for.
    pub scopes: Scopes,
    /// The checked redirect URI.
    pub redirect_uri: String,
    /// The state to hand back.
    pub state: Option<String>,
    challenge: Option<(String, ChallengeMethod)>,
}

impl Authorization {
    /// Whether the code is shown on a page rather than sent by redirect.
    pub fn out_of_band(&self) -> bool {
        self.redirect_uri == rules::OOB
    }

    /// The redirect telling the app the member said no (RFC 6749 §4.1.2.1).
    pub fn denied_redirect(&self) -> String {
        self.redirect_with(&[
            ("error", "access_denied"),
            ("error_description", "The resource owner denied the request."),
        ])
    }

    fn redirect_with(&self, params: &[(&str, &str)]) -> String {
        let mut all = params.to_vec();
        if let Some(s) = self.state.as_deref() {
            all.push(("state", s));
        }
        rules::with_query(&self.redirect_uri, &all)
    }
}

/// Checks an authorization request. Client and redirect URI are checked first: until both
/// are known good, no error may be sent back by redirect (RFC 6749 §4.1.2.1).
pub async fn check_authorization(ctx: &AppContext, req: &AuthorizeRequest) -> OAuthResult<Authorization> {
    let app = find_app(ctx, &req.client_id).await?.ok_or(OAuthError::InvalidClient)?;
    // Mastodon allows omitting redirect_uri when the app registered exactly one.
    let redirect_uri = match req.redirect_uri.trim() {
        "" if app.redirect_uris.len() == 1 => app.redirect_uris[0].clone(),
        given if rules::redirect_uri_allowed(&app.redirect_uris, given) => given.to_owned(),
        _ => return Err(OAuthError::InvalidRedirectUri),
    };
    if req.response_type != "code" {
        return Err(OAuthError::UnsupportedResponseType);
    }
    let scopes = Scopes::parse(&req.scope).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
    scopes.within(&app.scopes).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
    let challenge = match req.code_challenge.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => {
            let method = ChallengeMethod::parse(req.code_challenge_method.as_deref())
                .ok_or_else(|| OAuthError::InvalidRequest("code_challenge_method must be S256 or plain".into()))?;
            if !rules::pkce_value_ok(c) {
                return Err(OAuthError::InvalidRequest("code_challenge is malformed".into()));
            }
            Some((c.to_owned(), method))
        }
    };
    Ok(Authorization { app, scopes, redirect_uri, state: req.state.clone(), challenge })
}

/// A member's approval: the code, and where it goes.
#[derive(Debug, Clone)]
pub struct Approved {
    /// The authorization code (in clear; only its hash is kept).
    pub code: String,
    /// The redirect to the app with `code` and `state`, or `None` for out of band.
    pub redirect: Option<String>,
}

/// The signed-in `viewer` approves the (already checked) authorization: makes a code
/// valid for ten minutes from `now`.
pub async fn approve(
    ctx: &AppContext,
    viewer: &Viewer,
    auth: &Authorization,
    now: DateTime<Utc>,
) -> OAuthResult<Approved> {
    let code = random_token();
    let row = store::NewCode {
        code_hash: hash(&code),
        app_id: auth.app.id,
        account_id: viewer.account_id,
        redirect_uri: auth.redirect_uri.clone(),
        scopes: auth.scopes.to_string(),
        code_challenge: auth.challenge.as_ref().map(|(c, m)| (c.clone(), m.as_str().to_owned())),
        created_at: now,
        expires_at: now + Duration::minutes(CODE_LIFETIME_MINUTES),
    };
    store::insert_code(ctx.db(), row).await?;
    tracing::info!(account = %viewer.username, app = auth.app.id, scopes = %auth.scopes, "oauth app approved");
    let redirect = (!auth.out_of_band()).then(|| auth.redirect_with(&[("code", &code)]));
    Ok(Approved { code, redirect })
}

/// A token just issued.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The access token, in clear this once.
    pub access_token: String,
    /// Its scopes.
    pub scopes: Scopes,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// How a client proves who it is at the token endpoint.
#[derive(Debug, Clone, Default)]
pub struct ClientAuth {
    /// Client id.
    pub client_id: String,
    /// Client secret; a public client using PKCE may leave it out.
    pub client_secret: Option<String>,
}

/// The app of `client`, checking its secret when one is given.
async fn client_app(ctx: &AppContext, client: &ClientAuth) -> OAuthResult<oauth_app::Model> {
    let app = store::find_app_by_client_id(ctx.db(), &client.client_id).await?.ok_or(OAuthError::InvalidClient)?;
    if let Some(secret) = &client.client_secret
        && !same(&hash(secret), &app.client_secret_hash)
    {
        tracing::info!(app = app.id, "wrong oauth client secret");
        return Err(OAuthError::InvalidClient);
    }
    Ok(app)
}

fn pkce_ok(code: &oauth_code::Model, verifier: Option<&str>) -> bool {
    let Some(challenge) = code.code_challenge.as_deref() else { return true };
    let Some(verifier) = verifier.filter(|v| rules::pkce_value_ok(v)) else { return false };
    let computed = match code.code_challenge_method.as_deref() {
        Some("S256") => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        Some("plain") | None => verifier.to_owned(),
        Some(_) => return false,
    };
    same(&computed, challenge)
}

/// `grant_type=authorization_code`: the code for a token. The client proves itself with
/// its secret, or (public clients) with the PKCE verifier of a code that has a challenge;
/// the redirect URI must be the one the code was issued for; a code works once, for ten
/// minutes, and a replayed code revokes what it was exchanged for (RFC 6749 §4.1.2).
pub async fn exchange_code(
    ctx: &AppContext,
    client: &ClientAuth,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
    now: DateTime<Utc>,
) -> OAuthResult<IssuedToken> {
    let app = client_app(ctx, client).await?;
    let bad = OAuthError::InvalidGrant(
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
    );
    let Some(row) = store::find_code(ctx.db(), &hash(code)).await?.filter(|c| c.app_id == app.id) else {
        return Err(bad);
    };
    if client.client_secret.is_none() && row.code_challenge.is_none() {
        // Without a secret, only PKCE shows this is the app that asked.
        return Err(OAuthError::InvalidClient);
    }
    if row.used {
        let revoked = store::revoke_tokens_of_code(ctx.db(), row.id, now).await?;
        tracing::warn!(app = app.id, code = row.id, revoked, "oauth code replayed");
        return Err(bad);
    }
    if row.expires_at <= now || row.redirect_uri != redirect_uri || !pkce_ok(&row, code_verifier) {
        return Err(bad);
    }
    let account = accounts::find_by_id(ctx.db(), row.account_id).await?;
    if account.is_none_or(|a| a.status != AccountStatus::Active) {
        return Err(bad);
    }
    let txn = crate::receipt::begin_write(ctx).await?;
    if !store::use_code(&txn, row.id).await? {
        return Err(bad);
    }
    let access_token = random_token();
    let new = store::NewToken {
        token_hash: hash(&access_token),
        app_id: app.id,
        account_id: Some(row.account_id),
        code_id: Some(row.id),
        scopes: row.scopes.clone(),
    };
    store::insert_token(&txn, new, now).await?;
    txn.commit().await.map_err(crate::Error::from)?;
    let scopes = Scopes::parse(&row.scopes).map_err(|e| crate::Error::Internal(e.to_string()))?;
    Ok(IssuedToken { access_token, scopes, created_at: now })
}

/// `grant_type=client_credentials`: a token for the app itself (no member), with the
/// secret required; `scope` must be within the app's (default `read`).
pub async fn client_credentials(
    ctx: &AppContext,
    client: &ClientAuth,
    scope: Option<&str>,
    now: DateTime<Utc>,
) -> OAuthResult<IssuedToken> {
    if client.client_secret.is_none() {
        return Err(OAuthError::InvalidClient);
    }
    let app = client_app(ctx, client).await?;
    let registered = AppView::of(&app)?.scopes;
    let scopes = Scopes::parse(scope.unwrap_or("")).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
    scopes.within(&registered).map_err(|e| OAuthError::InvalidScope(e.to_string()))?;
    let access_token = random_token();
    let new = store::NewToken {
        token_hash: hash(&access_token),
        app_id: app.id,
        account_id: None,
        code_id: None,
        scopes: scopes.to_string(),
    };
    store::insert_token(ctx.db(), new, now).await?;
    Ok(IssuedToken { access_token, scopes, created_at: now })
}

/// RFC 7009 revocation by the client: succeeds whether or not the token existed (so it
/// reveals nothing), but revokes only the client's own tokens.
pub async fn revoke(ctx: &AppContext, client: &ClientAuth, token: &str, now: DateTime<Utc>) -> OAuthResult<()> {
    let app = client_app(ctx, client).await?;
    if store::revoke_token(ctx.db(), &hash(token), app.id, now).await? {
        tracing::info!(app = app.id, "oauth token revoked by its app");
    }
    Ok(())
}

/// What a valid OAuth bearer token stands for.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    /// The member it acts for; `None` for an app's own token.
    pub viewer: Option<Viewer>,
    /// Its scopes.
    pub scopes: Scopes,
    /// The app holding it.
    pub app: AppView,
}

/// Resolves an OAuth access token: `None` when unknown, revoked, or its member may no
/// longer sign in (suspended, deleted, not yet approved).
pub async fn authenticate(ctx: &AppContext, token: &str) -> OAuthResult<Option<TokenAuth>> {
    let Some((t, app)) = store::find_live_token(ctx.db(), &hash(token)).await? else { return Ok(None) };
    let viewer = match t.account_id {
        None => None,
        Some(id) => match accounts::find_by_id(ctx.db(), id).await? {
            Some(a) if a.status == AccountStatus::Active => {
                Some(Viewer { account_id: a.id, username: a.username, is_admin: a.is_admin })
            }
            _ => return Ok(None),
        },
    };
    let scopes = Scopes::parse(&t.scopes).map_err(|e| crate::Error::Internal(e.to_string()))?;
    Ok(Some(TokenAuth { viewer, scopes, app: AppView::of(&app)? }))
}

/// An app a member has authorised, as their account page lists it.
#[derive(Debug, Clone)]
pub struct AuthorisedApp {
    /// The app's id (to revoke it).
    pub app_id: i64,
    /// Its name.
    pub name: String,
    /// Its website.
    pub website: Option<String>,
    /// Every scope its live tokens hold.
    pub scopes: Scopes,
    /// When the member first authorised it (its oldest live token).
    pub since: DateTime<Utc>,
}

/// The apps holding live tokens for the viewer, oldest first.
pub async fn authorised_apps(ctx: &AppContext, viewer: &Viewer) -> crate::Result<Vec<AuthorisedApp>> {
    let mut out: Vec<AuthorisedApp> = Vec::new();
    for (token, app) in store::live_tokens_of(ctx.db(), viewer.account_id).await? {
        let scopes = Scopes::parse(&token.scopes).unwrap_or_default();
        match out.iter_mut().find(|a| a.app_id == app.id) {
            Some(a) => {
                let joined = format!("{} {}", a.scopes, scopes);
                a.scopes = Scopes::parse(&joined).unwrap_or_default();
            }
            None => out.push(AuthorisedApp {
                app_id: app.id,
                name: app.name,
                website: app.website,
                scopes,
                since: token.created_at,
            }),
        }
    }
    Ok(out)
}

/// Revokes every token `app_id` holds for the viewer (the account page's Revoke button).
pub async fn revoke_app(ctx: &AppContext, viewer: &Viewer, app_id: i64, now: DateTime<Utc>) -> crate::Result<u64> {
    let n = store::revoke_app_for_account(ctx.db(), viewer.account_id, app_id, now).await?;
    tracing::info!(account = %viewer.username, app = app_id, tokens = n, "oauth app access revoked");
    Ok(n)
}

#[cfg(test)]
#[path = "oauth_tests.rs"]
mod tests;
