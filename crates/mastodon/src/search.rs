//! Search: a handle or URL finds (or, with `resolve=true`, fetches) a community or person;
//! plain text finds communities and people by name. A post's address (a local post's or page's,
//! or a known remote post's id) finds that post when the viewer may read it; statuses are not
//! searched by their words yet.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::{AppContext, Error, Viewer};
use serde::Deserialize;

use crate::accounts::{by_handle, group};
use crate::auth::Authed;
use crate::body::flexible_bool;
use crate::entities::{Account, SearchResults};
use crate::error::Result;
use crate::render;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new().route("/api/v2/search", get(search)).route("/api/v1/accounts/search", get(account_search))
}

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    resolve: Option<bool>,
    limit: Option<String>,
    offset: Option<String>,
}

impl SearchQuery {
    fn limit(&self) -> u64 {
        self.limit.as_deref().and_then(|l| l.trim().parse::<u64>().ok()).unwrap_or(20).clamp(1, 40)
    }

    fn offset(&self) -> u64 {
        self.offset.as_deref().and_then(|o| o.trim().parse::<u64>().ok()).unwrap_or(0).min(10_000)
    }
}

/// Whether `q` names one account: `@name@domain`, `name@domain` or a URL.
fn is_address(q: &str) -> bool {
    let q = q.trim();
    q.starts_with("https://") || q.starts_with("http://") || q.trim_start_matches('@').contains('@')
}

/// Accounts matching `q`. The network is asked only when `resolve` and the viewer signed in
/// (as on Mastodon), and only for an address this instance does not know yet.
async fn accounts(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    q: &str,
    resolve: bool,
    limit: u64,
    offset: u64,
) -> Result<Vec<Account>> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    if is_address(q) {
        if offset > 0 {
            return Ok(Vec::new());
        }
        if !q.starts_with("http")
            && let Some(a) = by_handle(ctx, viewer, q).await?
        {
            return Ok(vec![a]);
        }
        if !(resolve && viewer.is_some()) {
            return Ok(Vec::new());
        }
        return match guildhall_app::remote::resolve_community(ctx, q).await {
            Ok(c) => Ok(vec![group(ctx, viewer, c.id).await?]),
            // Not found, not an address, or its server failed: no results, as on Mastodon.
            Err(Error::NotFound(_) | Error::BadAddress(_) | Error::Remote(_) | Error::NoNetwork) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        };
    }
    // Ask for enough of each kind to fill the page after the offset, communities first.
    let want = offset + limit;
    let mut out: Vec<Account> = guildhall_app::search::communities(ctx, viewer, q, want)
        .await?
        .iter()
        .map(|(c, ap_id)| render::group(ctx, c, ap_id.as_deref()))
        .collect();
    out.extend(guildhall_app::search::people(ctx, q, want).await?.iter().map(|a| render::person(ctx, a)));
    Ok(out.into_iter().skip(offset as usize).take(limit as usize).collect())
}

fn viewer_of(authed: &Option<Authed>) -> Result<Option<&Viewer>> {
    match authed {
        Some(a) => {
            a.require("read:search")?;
            Ok(Some(&a.viewer))
        }
        None => Ok(None),
    }
}

async fn search(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<SearchResults>> {
    let viewer = viewer_of(&authed)?;
    let wants_accounts = q.kind.as_deref().is_none_or(|k| k == "accounts");
    let found = if wants_accounts {
        accounts(&ctx, viewer, &q.q, q.resolve == Some(true), q.limit(), q.offset()).await?
    } else {
        Vec::new()
    };
    let wants_statuses = q.kind.as_deref().is_none_or(|k| k == "statuses");
    let address = q.q.trim();
    let mut statuses = Vec::new();
    if wants_statuses
        && q.offset() == 0
        && (address.starts_with("https://") || address.starts_with("http://"))
        && let Some(post) = guildhall_app::search::post_at(&ctx, viewer, address).await?
    {
        statuses.push(render::post(&ctx, &post).await?);
    }
    Ok(Json(SearchResults { accounts: found, statuses, hashtags: Vec::new() }))
}

async fn account_search(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<Account>>> {
    let viewer = viewer_of(&authed)?;
    Ok(Json(accounts(&ctx, viewer, &q.q, q.resolve == Some(true), q.limit(), q.offset()).await?))
}
