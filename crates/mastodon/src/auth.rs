//! Who is asking, and with which scopes: the `Authorization: Bearer` token of a Mastodon app
//! (an OAuth access token) or a Guildhall API session token (all scopes). Session cookies are
//! never accepted here (no CSRF check exists on these routes).

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use guildhall_app::oauth::{AppView, OAuthError};
use guildhall_app::{AppContext, Viewer, auth, oauth};
use guildhall_domain::oauth::Scopes;

use crate::error::{MastoError, Result};

/// A signed-in request: the account, and what its token may do.
#[derive(Debug, Clone)]
pub struct Authed {
    /// The signed-in account.
    pub viewer: Viewer,
    /// Granted scopes.
    scopes: Scopes,
}

impl Authed {
    /// Refuses (403) unless the token was granted `scope` (e.g. `read:statuses`), directly
    /// or through its parent (`read`) or the legacy `follow`.
    pub fn require(&self, scope: &str) -> Result<()> {
        if self.scopes.grants(scope) { Ok(()) } else { Err(MastoError::outside_scopes()) }
    }

    /// The granted scopes.
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }
}

/// Any valid token, with or without a member: what `GET /api/v1/apps/verify_credentials`
/// needs (an app's own client-credentials token is enough there).
#[derive(Debug, Clone)]
pub struct TokenHolder {
    /// The member, if the token acts for one.
    pub viewer: Option<Viewer>,
    /// Granted scopes.
    pub scopes: Scopes,
    /// The app holding the token; `None` for a Guildhall session token.
    pub app: Option<AppView>,
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

/// Resolves the bearer token, if the request has an `Authorization` header at all.
async fn holder(parts: &Parts, ctx: &AppContext) -> Result<Option<TokenHolder>> {
    if parts.headers.get(header::AUTHORIZATION).is_none() {
        return Ok(None);
    }
    let token = bearer(parts).ok_or_else(MastoError::invalid_token)?;
    // A Guildhall API session token can do anything its owner can: all scopes.
    if let Some(info) = auth::authenticate(ctx, &token).await? {
        return Ok(Some(TokenHolder { viewer: Some(info.viewer), scopes: Scopes::all(), app: None }));
    }
    let found = oauth::authenticate(ctx, &token).await.map_err(|e| match e {
        OAuthError::Failed(e) => MastoError::from(e),
        other => MastoError::from(guildhall_app::Error::Internal(other.to_string())),
    })?;
    let t = found.ok_or_else(MastoError::invalid_token)?;
    Ok(Some(TokenHolder { viewer: t.viewer, scopes: t.scopes, app: Some(t.app) }))
}

async fn authed(parts: &Parts, ctx: &AppContext) -> Result<Option<Authed>> {
    let Some(h) = holder(parts, ctx).await? else { return Ok(None) };
    // An app's own token acts for nobody: not enough where a member is needed.
    let viewer = h
        .viewer
        .ok_or_else(|| MastoError::new(StatusCode::UNAUTHORIZED, "This method requires an authenticated user"))?;
    Ok(Some(Authed { viewer, scopes: h.scopes }))
}

impl FromRequestParts<AppContext> for Authed {
    type Rejection = MastoError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self> {
        authed(parts, ctx).await?.ok_or_else(MastoError::invalid_token)
    }
}

impl OptionalFromRequestParts<AppContext> for Authed {
    type Rejection = MastoError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Self>> {
        authed(parts, ctx).await
    }
}

impl FromRequestParts<AppContext> for TokenHolder {
    type Rejection = MastoError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self> {
        holder(parts, ctx).await?.ok_or_else(MastoError::invalid_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authed(scopes: &str) -> Authed {
        Authed {
            viewer: Viewer { account_id: 1, username: "ada".into(), is_admin: false },
            scopes: Scopes::parse(scopes).unwrap(),
        }
    }

    #[test]
    fn require_follows_the_domain_rule() {
        assert!(authed("read").require("read:statuses").is_ok());
        assert_eq!(authed("read").require("write:statuses").unwrap_err().status(), StatusCode::FORBIDDEN);
        assert!(authed("follow").require("write:follows").is_ok());
        assert!(authed("write:favourites").require("write:favourites").is_ok());
        assert!(authed("write:favourites").require("write").is_err());
    }
}
