//! Where a person stopped reading their home timeline and their notifications (Mastodon's
//! markers), kept per account so every app and device opens at the same place.

use chrono::{DateTime, Utc};
use guildhall_domain::Invalid;
use guildhall_store::markers as store;

use crate::{AppContext, Result, Viewer};

/// The timelines a marker may be set on.
pub const TIMELINES: [&str; 2] = ["home", "notifications"];

/// The longest id accepted (ids are the client API's, opaque here).
const MAX_ID_LEN: usize = 64;

/// One marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// `home` or `notifications`.
    pub timeline: String,
    /// The last item read.
    pub last_read_id: String,
    /// Bumped on each change.
    pub version: i32,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

fn check_timeline(t: &str) -> Result<&'static str> {
    TIMELINES
        .iter()
        .find(|k| **k == t)
        .copied()
        .ok_or_else(|| Invalid::new("timeline", "must be home or notifications").into())
}

/// The viewer's markers on the named timelines (unknown names are ignored, as Mastodon does).
pub async fn get(ctx: &AppContext, viewer: &Viewer, timelines: &[String]) -> Result<Vec<Marker>> {
    let wanted: Vec<&str> = TIMELINES.iter().copied().filter(|t| timelines.iter().any(|w| w == t)).collect();
    Ok(store::of(ctx.db(), viewer.account_id, &wanted)
        .await?
        .into_iter()
        .map(|m| Marker {
            timeline: m.timeline,
            last_read_id: m.last_read_id,
            version: m.version,
            updated_at: m.updated_at,
        })
        .collect())
}

/// Sets the viewer's marker on one timeline.
pub async fn set(ctx: &AppContext, viewer: &Viewer, timeline: &str, last_read_id: &str) -> Result<Marker> {
    let timeline = check_timeline(timeline)?;
    let id = last_read_id.trim();
    if id.is_empty() || id.len() > MAX_ID_LEN || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Invalid::new("last_read_id", "must be the id of an item of that timeline").into());
    }
    let m = store::save(ctx.db(), viewer.account_id, timeline, id, Utc::now()).await?;
    Ok(Marker { timeline: m.timeline, last_read_id: m.last_read_id, version: m.version, updated_at: m.updated_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_two_timelines_take_markers() {
        assert_eq!(check_timeline("home").unwrap(), "home");
        assert_eq!(check_timeline("notifications").unwrap(), "notifications");
        assert!(check_timeline("public").is_err());
        assert!(check_timeline("").is_err());
    }
}
