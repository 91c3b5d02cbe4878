//! RSA keys of local actors: made on first need (key generation is slow), then stored.

use activitypub_federation::http_signatures::generate_actor_keypair;
use guildhall_app::AppContext;
use guildhall_app::entities::{account, community};
use guildhall_app::federation::keys as stored;

use crate::Error;

async fn generate() -> Result<(String, String), Error> {
    let pair = tokio::task::spawn_blocking(generate_actor_keypair)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(format!("key generation failed: {e}")))?;
    Ok((pair.public_key, pair.private_key))
}

/// A local account with its keys present.
pub async fn account_with_keys(ctx: &AppContext, a: account::Model) -> Result<account::Model, Error> {
    if a.private_key_pem.is_some() || !a.domain.is_empty() {
        return Ok(a);
    }
    let (public, private) = generate().await?;
    // Two first uses at once must end with one key pair: only the first write sticks.
    stored::store_account_keys(ctx, a.id, public, private).await?.ok_or(Error::NotFound)
}

/// A local community with its keys present.
pub async fn community_with_keys(ctx: &AppContext, c: community::Model) -> Result<community::Model, Error> {
    if c.private_key_pem.is_some() || !c.domain.is_empty() {
        return Ok(c);
    }
    let (public, private) = generate().await?;
    stored::store_community_keys(ctx, c.id, public, private).await?.ok_or(Error::NotFound)
}

/// The instance actor's (public, private) keys, made on first start.
pub async fn instance_keys(ctx: &AppContext) -> Result<(String, String), Error> {
    if let Some(keys) = stored::instance_keys(ctx).await? {
        return Ok(keys);
    }
    let (public, private) = generate().await?;
    // As for accounts: if another first use stored a pair meanwhile, that one is kept.
    stored::store_instance_keys(ctx, public, private)
        .await?
        .ok_or_else(|| Error::Internal("instance keys were not stored".into()))
}
