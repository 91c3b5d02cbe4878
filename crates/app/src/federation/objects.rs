//! The stored objects and activities behind `GET /d/{id}`, `/r/{id}` and `/activities/{token}`.

use guildhall_store::entities::{activity, discussion};

use crate::{AppContext, Result};

/// A discussion (local or remote) by id.
pub async fn discussion(ctx: &AppContext, id: i64) -> Result<Option<discussion::Model>> {
    Ok(guildhall_store::discussions::find_by_id(ctx.db(), id).await?)
}

/// One of this instance's own activities by its ActivityPub id (received ones are not served).
pub async fn local_activity(ctx: &AppContext, ap_id: &str) -> Result<Option<activity::Model>> {
    Ok(guildhall_store::federation::find_activity_by_ap_id(ctx.db(), ap_id).await?.filter(|a| a.local))
}
