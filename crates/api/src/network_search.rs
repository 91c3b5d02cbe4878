//! Network search, a Guildhall extension (docs/federation.md, "Network search"): what this
//! instance answers other Guildhall instances, `GET /api/guildhall/v1/search/public`, the
//! public results of its own content, as an anonymous visitor may read them.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_app::network_search::{self, PublicResults};
use guildhall_app::search::SearchKind;
use guildhall_domain::Invalid;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(public_search))
}

/// A network search request (as documented; read from the raw pairs, `kind` repeats).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PublicSearchQuery {
    /// The words (at most 300 characters); empty finds nothing.
    q: Option<String>,
    /// Only these kinds: `discussion`, `reply`, `wiki`, `event`, `poll`, `community`, `guild`,
    /// `person`; repeated or comma-separated.
    kind: Option<Vec<String>>,
    /// Results wanted, 1 to 20 (default 10).
    limit: Option<u64>,
}

/// This instance's public results for another Guildhall instance's network search: its own
/// content that an anonymous visitor may read, best first, addresses absolute. 404
/// `network_search_off` when the instance opted out; rate-limited per client address.
#[utoipa::path(get, path = "/api/guildhall/v1/search/public", tag = "search", params(PublicSearchQuery),
    responses((status = 200, body = PublicResults), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn public_search(
    State(ctx): State<AppContext>,
    ApiQuery(pairs): ApiQuery<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let mut text = String::new();
    let mut kinds = Vec::new();
    let mut limit = 10;
    let bad = |field: &'static str, message: String| {
        ApiError::from(guildhall_app::Error::Invalid(Invalid::new(field, message)))
    };
    for (key, value) in pairs {
        match key.as_str() {
            "q" => text = value,
            "kind" | "kind[]" => {
                for k in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    let kind = SearchKind::parse(k).ok_or_else(|| bad("kind", format!("unknown kind {k:?}")))?;
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
            }
            "limit" => {
                limit = value.trim().parse().map_err(|_| bad("limit", "a number from 1 to 20".into()))?;
            }
            _ => {}
        }
    }
    match network_search::public_results(&ctx, &text, kinds, limit).await? {
        // Other instances' servers ask, but a browser-side client may too: the answer is public.
        Some(r) => Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(r)).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "network_search_off",
            "this instance does not take part in network search",
        )),
    }
}
