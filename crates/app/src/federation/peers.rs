//! What software each remote instance runs, learnt from its NodeInfo, so the federation crate
//! can send each peer only the shapes it accepts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use guildhall_store::entities::instance_software;
use guildhall_store::peers as store;

use crate::{AppContext, Result};

/// How long what NodeInfo said is trusted before it is asked again (an instance may be
/// upgraded or replaced by other software under the same name).
pub const RECHECK_AFTER: Duration = Duration::hours(24);

/// The software (NodeInfo's `software.name`, lower-case) of each of `domains` that is known;
/// domains whose NodeInfo could not be read are absent.
pub async fn software_of(ctx: &AppContext, domains: &[String]) -> Result<HashMap<String, String>> {
    Ok(store::software_of(ctx.db(), domains)
        .await?
        .into_iter()
        .filter(|r| !r.software.is_empty())
        .map(|r| (r.domain, r.software))
        .collect())
}

/// Whether `domain`'s NodeInfo should be asked now: never asked, or last asked before
/// [`RECHECK_AFTER`].
pub async fn needs_check(ctx: &AppContext, domain: &str, now: DateTime<Utc>) -> Result<bool> {
    let rows = store::software_of(ctx.db(), &[domain.to_owned()]).await?;
    Ok(rows.first().is_none_or(|r| now - r.checked_at >= RECHECK_AFTER))
}

/// Records what `domain`'s NodeInfo said (empty strings: it had none readable).
pub async fn record(ctx: &AppContext, domain: &str, software: &str, version: &str, now: DateTime<Utc>) -> Result<()> {
    let row = instance_software::Model {
        domain: domain.to_owned(),
        software: software.to_ascii_lowercase(),
        version: version.to_owned(),
        checked_at: now,
    };
    Ok(store::save_software(ctx.db(), row).await?)
}

/// The instances this one federates with: domains it knows people or communities on, less
/// those the federation policy blocks (Mastodon's `instance/peers`).
pub async fn known(ctx: &AppContext) -> Result<Vec<String>> {
    let policy = crate::admin::federation_policy(ctx).await?;
    Ok(store::known_domains(ctx.db()).await?.into_iter().filter(|d| policy.allows(d)).collect())
}
