//! Which software an instance runs, from its NodeInfo: asked when one of its actors is first
//! stored (then at most daily) and kept for `peers::fit`. A leaf module: actors call it.

use std::time::Duration;

use activitypub_federation::config::Data;
use chrono::Utc;
use guildhall_app::AppContext;
use serde_json::Value;
use url::Url;

use crate::Error;

/// The longest wait for a peer's NodeInfo (it is asked while storing one of its actors).
const NODEINFO_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest NodeInfo document read.
const NODEINFO_MAX_BYTES: usize = 64 * 1024;

/// Asks `domain`'s NodeInfo which software it runs, unless that was asked within a day. A
/// failure is recorded as unknown software (every shape is then sent) and never fails the
/// caller.
pub async fn learn(data: &Data<AppContext>, domain: &str) {
    let ctx = data.app_data();
    let now = Utc::now();
    match guildhall_app::federation::peers::needs_check(ctx, domain, now).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(domain, error = %e, "could not read what software an instance runs");
            return;
        }
    }
    let (software, version) = match tokio::time::timeout(NODEINFO_TIMEOUT, nodeinfo(data, domain)).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            tracing::info!(domain, error = %e, "no readable NodeInfo");
            Default::default()
        }
        Err(_) => {
            tracing::info!(domain, "NodeInfo did not answer in time");
            Default::default()
        }
    };
    tracing::debug!(domain, software, version, "instance software");
    if let Err(e) = guildhall_app::federation::peers::record(ctx, domain, &software, &version, now).await {
        tracing::warn!(domain, error = %e, "could not store what software an instance runs");
    }
}

/// NodeInfo 2.x's `software.name` and `software.version` for `domain`.
async fn nodeinfo(data: &Data<AppContext>, domain: &str) -> Result<(String, String), Error> {
    let scheme = if data.app_data().instance().https { "https" } else { "http" };
    let well_known = Url::parse(&format!("{scheme}://{domain}/.well-known/nodeinfo"))?;
    let links = get_json(&well_known).await?;
    let href = links
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| {
            l.get("rel").and_then(Value::as_str).is_some_and(|r| r.contains("nodeinfo.diaspora.software/ns/schema/2."))
        })
        .filter_map(|l| l.get("href").and_then(Value::as_str))
        .filter_map(|h| well_known.join(h).ok())
        .find(|u| crate::urls::same_origin(u, &well_known))
        .ok_or_else(|| Error::BadRequest("NodeInfo links to no 2.x document on the same server".into()))?;
    let doc = get_json(&href).await?;
    let field = |k: &str| doc.get("software").and_then(|s| s.get(k)).and_then(Value::as_str).unwrap_or_default();
    Ok((field("name").chars().take(64).collect(), field("version").chars().take(64).collect()))
}

/// GETs a small JSON document.
async fn get_json(url: &Url) -> Result<Value, Error> {
    let got = crate::answers::get_small(url, "application/json", NODEINFO_MAX_BYTES)
        .await
        .map_err(|e| Error::BadRequest(format!("{url}: {e}")))?;
    if !got.status.is_success() {
        return Err(Error::BadRequest(format!("{url} answered {}", got.status)));
    }
    if got.cut {
        return Err(Error::BadRequest(format!("{url} is larger than {NODEINFO_MAX_BYTES} bytes")));
    }
    Ok(serde_json::from_slice(&got.body)?)
}
