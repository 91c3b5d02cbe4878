//! Full-text search (`GET /api/guildhall/v1/search`): what the caller may read on this
//! instance, signed in or not, and on request the public results of the other instances.

use axum::Json;
use axum::extract::State;
use guildhall_app::AppContext;
use guildhall_app::network_search::{self, NetworkResults};
use guildhall_app::search::{self, SearchHit};
use guildhall_app::search_request::SearchRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(search))
}

/// The search's parameters. (The handler reads the query string as pairs, so that `kind` may
/// be repeated; this struct documents them.)
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchParams {
    /// The words (at most 300 characters). A word's other forms are found too ("budgets"
    /// finds "budget", in English and French); the last word also matches as a prefix.
    /// Empty: no results.
    q: Option<String>,
    /// Only these kinds: repeat the parameter, or separate kinds with commas.
    #[param(inline, explode, style = Form)]
    kind: Option<Vec<guildhall_app::search::SearchKind>>,
    /// Only content of this community (`name`, or `name@domain` for a remote one).
    community: Option<String>,
    /// Only content of communities linked to this guild (`name` or `name@domain`).
    guild: Option<String>,
    /// Only things hosted on this instance (a domain).
    instance: Option<String>,
    /// Only things published on or after this day (UTC), as YYYY-MM-DD.
    #[param(value_type = Option<String>, format = Date)]
    since: Option<String>,
    /// Only things published on or before this day (UTC), as YYYY-MM-DD.
    #[param(value_type = Option<String>, format = Date)]
    until: Option<String>,
    /// Only things in this language (guessed from their words).
    #[param(inline)]
    language: Option<LanguageParam>,
    /// Results to skip (paging), at most 10000.
    #[param(minimum = 0, maximum = 10000)]
    offset: Option<u64>,
    /// Results per page, 1 to 50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u64>,
    /// Also ask the other Guildhall instances this one knows (their public results only).
    network: Option<bool>,
}

/// A language filter.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum LanguageParam {
    En,
    Fr,
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct SearchResults {
    /// This instance's results the caller may read, best first.
    pub results: Vec<SearchHit>,
    /// Results skipped before these.
    pub offset: u64,
    /// Whether another page follows (ask again with `offset` + the number of results).
    pub has_more: bool,
    /// The other instances' answers, when `network=true` was asked.
    pub network: Option<NetworkResults>,
}

/// Searches discussions, replies, wiki pages, events, polls, communities, guilds and people,
/// among what the caller may read (anonymous callers: public content only). Results are
/// ranked by relevance (title words count more), then recency; each has a snippet with the
/// matching words marked. 400 `invalid` names the parameter at fault (`field`).
#[utoipa::path(get, path = "/api/guildhall/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "Too many requests from this address: wait the `Retry-After` seconds")))]
async fn search(
    State(ctx): State<AppContext>,
    session: Option<Session>,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Json<SearchResults>> {
    let parsed = SearchRequest::from_pairs(pairs).parse().map_err(|i| ApiError::from(guildhall_app::Error::from(i)))?;
    let viewer = session.as_ref().map(|s| &s.viewer);
    let page = search::find(&ctx, viewer, &parsed.query).await?;
    let network = if parsed.network && !parsed.query.text.is_empty() {
        Some(network_search::ask(&ctx, &parsed.query).await?)
    } else if parsed.network {
        Some(NetworkResults::default())
    } else {
        None
    };
    Ok(Json(SearchResults { results: page.hits, offset: page.offset, has_more: page.has_more, network }))
}
