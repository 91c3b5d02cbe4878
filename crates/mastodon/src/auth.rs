//! Who is asking, and with which scopes: the `Authorization: Bearer` token of a Mastodon app.
//! Session cookies are never accepted here (no CSRF check exists on these routes).

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use guildhall_app::{AppContext, Viewer, auth};

use crate::error::{MastoError, Result};

/// A signed-in request: the account, and what its token may do.
#[derive(Debug, Clone)]
pub struct Authed {
    /// The signed-in account.
    pub viewer: Viewer,
    /// Granted scopes, space-separated as in OAuth (`read write follow push`).
    scopes: String,
}

impl Authed {
    /// Refuses (403) unless the token was granted `scope` (e.g. `read:statuses`), directly
    /// or through its parent (`read`).
    pub fn require(&self, scope: &str) -> Result<()> {
        let parent = scope.split(':').next().unwrap_or(scope);
        let granted = self.scopes.split_whitespace().any(|s| s == scope || s == parent);
        if granted { Ok(()) } else { Err(MastoError::outside_scopes()) }
    }
}

fn bearer(parts: &Parts) -> Option<String> {
    let v = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string()).filter(|t| !t.is_empty())
}

async fn authed(parts: &Parts, ctx: &AppContext) -> Result<Option<Authed>> {
    if parts.headers.get(header::AUTHORIZATION).is_none() {
        return Ok(None);
    }
    let token = bearer(parts).ok_or_else(MastoError::invalid_token)?;
    // A Guildhall API session token can do anything its owner can: all scopes.
    let info = auth::authenticate(ctx, &token).await?.ok_or_else(MastoError::invalid_token)?;
    Ok(Some(Authed { viewer: info.viewer, scopes: "read write follow push".into() }))
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
