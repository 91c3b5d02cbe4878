//! Rotated keys: when a signature does not verify against the key we hold for its actor, the
//! actor is fetched once more from its server and the signature checked again. A peer that
//! rotated its key is accepted at once instead of being refused until our copy grows stale.
//! Each actor is refetched for this at most once per [`KEY_REFETCH_INTERVAL`]
//! (`AppContext::claim_key_refetch`), so a flood of bad signatures cannot make us fetch.
//!
//! [`KEY_REFETCH_INTERVAL`]: guildhall_app::KEY_REFETCH_INTERVAL

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, Utc};
use either::Either;
use guildhall_app::AppContext;
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, DbPerson};
use crate::urls::authority;

/// A person or a community, as signatures come from either.
pub type SigningActor = Either<DbPerson, DbGroup>;

/// The actor whose key `verifies`: the stored (or first fetched) one, else, once per interval,
/// the one its server serves now (stored in its place). `None` when neither verifies. An actor
/// fetched since `started` (when the request began) is not fetched again: its server has
/// nothing newer.
pub async fn verified_actor(
    data: &Data<AppContext>,
    actor: &Url,
    started: DateTime<Utc>,
    verifies: impl Fn(&str) -> bool,
) -> Result<Option<SigningActor>, Error> {
    let id = ObjectId::<SigningActor>::from(actor.clone());
    let held = id.dereference(data).await?;
    if verifies(held.public_key_pem()) {
        return Ok(Some(held));
    }
    if held.last_refreshed_at().is_some_and(|at| at >= started) {
        // Fetched just now (first seen, or stale): its server has no newer key to give.
        return Ok(None);
    }
    if !data.app_data().claim_key_refetch(actor.as_str()).await {
        tracing::info!(actor = %actor, domain = %authority(actor),
            "signature does not verify against the stored key; refetched recently, so not again");
        return Ok(None);
    }
    tracing::info!(actor = %actor, domain = %authority(actor),
        "signature does not verify against the stored key; refetching the actor for a rotated key");
    let fresh = id.dereference_forced(data).await?;
    let ok = verifies(fresh.public_key_pem());
    if ok {
        tracing::info!(actor = %actor, domain = %authority(actor), "signature verified with the actor's new key");
    }
    Ok(ok.then_some(fresh))
}
