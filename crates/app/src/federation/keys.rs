//! Storing the RSA keys of local actors. The keys are made by the federation crate (it owns
//! the signing library); only the first pair written for an actor is kept, so two first uses
//! at once agree on one.

use guildhall_store::entities::{account, community};
use guildhall_store::federation as store;

use crate::{AppContext, Result};

/// Stores an account's keys unless it has some; the account as stored afterwards.
pub async fn store_account_keys(
    ctx: &AppContext,
    id: i64,
    public: String,
    private: String,
) -> Result<Option<account::Model>> {
    store::set_account_keys_if_absent(ctx.db(), id, public, private).await?;
    Ok(guildhall_store::accounts::find_by_id(ctx.db(), id).await?)
}

/// Stores a community's keys unless it has some; the community as stored afterwards.
pub async fn store_community_keys(
    ctx: &AppContext,
    id: i64,
    public: String,
    private: String,
) -> Result<Option<community::Model>> {
    store::set_community_keys_if_absent(ctx.db(), id, public, private).await?;
    Ok(guildhall_store::communities::find_by_id(ctx.db(), id).await?)
}

/// The instance actor's (public, private) keys, if made yet.
pub async fn instance_keys(ctx: &AppContext) -> Result<Option<(String, String)>> {
    let s = guildhall_store::settings::get(ctx.db()).await?;
    Ok(s.public_key_pem.zip(s.private_key_pem))
}

/// Stores the instance actor's keys unless it has some; the keys as stored afterwards.
pub async fn store_instance_keys(
    ctx: &AppContext,
    public: String,
    private: String,
) -> Result<Option<(String, String)>> {
    store::save_instance_keys(ctx.db(), public, private).await?;
    instance_keys(ctx).await
}
