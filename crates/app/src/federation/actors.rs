//! The stored people and communities behind actor documents, WebFinger and NodeInfo.

use guildhall_domain::AccountStatus;
use guildhall_store::entities::{account, community};

use crate::{AppContext, Result};

/// A local account served as an actor (`/u/{name}`, WebFinger): active accounts only, so a
/// pending or suspended one does not exist for other servers.
pub async fn local_person(ctx: &AppContext, username: &str) -> Result<Option<account::Model>> {
    let a = guildhall_store::accounts::find_by_username(ctx.db(), username).await?;
    Ok(a.filter(|a| a.status == AccountStatus::Active))
}

/// A local community (or guild) by name.
pub async fn local_community(ctx: &AppContext, name: &str) -> Result<Option<community::Model>> {
    Ok(guildhall_store::communities::find_by_name(ctx.db(), name).await?)
}

/// A local guild by name (`None` for a plain community).
pub async fn local_guild(ctx: &AppContext, name: &str) -> Result<Option<community::Model>> {
    Ok(local_community(ctx, name).await?.filter(crate::guilds::is_guild))
}

/// Any account (local or remote) by ActivityPub id.
pub async fn person_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<account::Model>> {
    Ok(guildhall_store::federation::find_account_by_ap_id(ctx.db(), ap_id).await?)
}

/// Any community (local or remote) by ActivityPub id.
pub async fn community_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<community::Model>> {
    Ok(guildhall_store::federation::find_community_by_ap_id(ctx.db(), ap_id).await?)
}

/// How many local accounts are active (NodeInfo's user count).
pub async fn active_users(ctx: &AppContext) -> Result<u64> {
    Ok(guildhall_store::accounts::count_active(ctx.db()).await?)
}

/// A community's topic tags (stored as a JSON list; an unreadable list counts as none).
pub fn tags_of(c: &community::Model) -> Vec<String> {
    guildhall_store::decode_list(&c.tags).unwrap_or_default()
}
