//! Search: a handle or URL finds (or, with `resolve=true`, fetches) a community or person;
//! plain text finds communities and people by name, then by the words of their description,
//! bio or skills (the full-text index). A post's address (a local post's or page's, or a known
//! remote post's id) finds that post when the viewer may read it; plain words find statuses
//! (discussions, replies, polls) through the full-text index, which applies reading rights.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::{AppContext, Error, Viewer};
use serde::Deserialize;

use guildhall_app::posts::PostRef;
use guildhall_app::search::{SearchHit, SearchKind};

use crate::accounts::{by_handle, group, person};
use crate::auth::Authed;
use crate::body::flexible_bool;
use crate::entities::{Account, SearchResults, Status};
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
    // Name matches are the best matches for an account search; those whose description, bio
    // or skills hold the words follow.
    let hits =
        full_text(ctx, viewer, q, &[SearchKind::Community, SearchKind::Guild, SearchKind::Person], 0, want).await?;
    for hit in hits {
        let found = match hit.kind {
            SearchKind::Person => person(ctx, hit.object_id).await,
            _ => group(ctx, viewer, hit.object_id).await,
        };
        match found {
            Ok(a) if !out.iter().any(|o| o.id == a.id) => out.push(a),
            Ok(_) => {}
            // Gone or hidden since it was indexed.
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out.into_iter().skip(offset as usize).take(limit as usize).collect())
}

/// Full-text hits of the given kinds that the viewer may read (the engine applies the rights).
async fn full_text(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    q: &str,
    kinds: &[SearchKind],
    offset: u64,
    limit: u64,
) -> Result<Vec<SearchHit>> {
    let query = guildhall_app::search::SearchQuery {
        text: q.to_owned(),
        kinds: kinds.to_vec(),
        offset,
        limit: limit.clamp(1, 50),
        ..Default::default()
    };
    Ok(guildhall_app::search::find(ctx, viewer, &query).await?.hits)
}

/// Deepest offset the search engine pages to (it refuses deeper ones as invalid; an app
/// scrolling further just reaches the end of the list).
const MAX_FULL_TEXT_OFFSET: u64 = 1_000;

/// Statuses whose words match `q`, best first, as the viewer may read them.
async fn statuses(ctx: &AppContext, viewer: Option<&Viewer>, q: &str, limit: u64, offset: u64) -> Result<Vec<Status>> {
    if offset > MAX_FULL_TEXT_OFFSET {
        return Ok(Vec::new());
    }
    let hits = full_text(ctx, viewer, q, &[SearchKind::Discussion, SearchKind::Reply, SearchKind::Poll], offset, limit)
        .await?;
    let mut out: Vec<Status> = Vec::with_capacity(hits.len());
    for hit in hits {
        // A poll is a discussion that carries one: its id is the discussion's.
        let post = match hit.kind {
            SearchKind::Reply => PostRef::Reply(hit.object_id),
            _ => PostRef::Discussion(hit.object_id),
        };
        match guildhall_app::posts::one(ctx, viewer, post).await {
            Ok(p) => {
                let status = render::post(ctx, &p).await?;
                if !out.iter().any(|s| s.id == status.id) {
                    out.push(status);
                }
            }
            // Deleted or hidden since it was indexed: left out, as everywhere.
            Err(Error::NotFound(_) | Error::Denied(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
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
    let mut found_statuses = Vec::new();
    let is_url = address.starts_with("https://") || address.starts_with("http://");
    if wants_statuses && is_url {
        if q.offset() == 0
            && let Some(post) = guildhall_app::search::post_at(&ctx, viewer, address).await?
        {
            found_statuses.push(render::post(&ctx, &post).await?);
        }
    } else if wants_statuses && !address.is_empty() && !is_address(address) {
        found_statuses = statuses(&ctx, viewer, address, q.limit(), q.offset()).await?;
    }
    Ok(Json(SearchResults { accounts: found, statuses: found_statuses, hashtags: Vec::new() }))
}

async fn account_search(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<Account>>> {
    let viewer = viewer_of(&authed)?;
    Ok(Json(accounts(&ctx, viewer, &q.q, q.resolve == Some(true), q.limit(), q.offset()).await?))
}
