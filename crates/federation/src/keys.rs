//! RSA keys of local actors: made on first need (key generation is slow), then stored.

use activitypub_federation::http_signatures::generate_actor_keypair;
use guildhall_app::AppContext;
use guildhall_store::entities::{account, community};
use guildhall_store::federation as fed;

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
    fed::set_account_keys_if_absent(ctx.db(), a.id, public, private).await?;
    guildhall_store::accounts::find_by_id(ctx.db(), a.id).await?.ok_or(Error::NotFound)
}

/// A local community with its keys present.
pub async fn community_with_keys(ctx: &AppContext, c: community::Model) -> Result<community::Model, Error> {
    if c.private_key_pem.is_some() || !c.domain.is_empty() {
        return Ok(c);
    }
    let (public, private) = generate().await?;
    fed::set_community_keys_if_absent(ctx.db(), c.id, public, private).await?;
    guildhall_store::communities::find_by_id(ctx.db(), c.id).await?.ok_or(Error::NotFound)
}

/// The instance actor's (public, private) keys, made on first start.
pub async fn instance_keys(ctx: &AppContext) -> Result<(String, String), Error> {
    let s = guildhall_store::settings::get(ctx.db()).await?;
    if let (Some(public), Some(private)) = (s.public_key_pem, s.private_key_pem) {
        return Ok((public, private));
    }
    let (public, private) = generate().await?;
    fed::save_instance_keys(ctx.db(), public, private).await?;
    let s = guildhall_store::settings::get(ctx.db()).await?;
    match (s.public_key_pem, s.private_key_pem) {
        (Some(public), Some(private)) => Ok((public, private)),
        _ => Err(Error::Internal("instance keys were not stored".into())),
    }
}
