//! The JSON REST API under `/api/guildhall/v1`, described by an OpenAPI document generated from the
//! handlers at `/api/openapi.json`, plus `/health` and `/ready`. Handlers are thin: they
//! parse input and call one `guildhall_app` use case.

mod accounts;
mod admin;
mod communities;
mod directory;
mod discussions;
mod doc;
mod email_links;
mod email_settings;
pub mod error;
mod events;
pub mod extract;
mod federation;
mod guilds;
mod map;
mod map_crawl;
mod map_export;
mod network_search;
mod notifications;
mod notify_prefs;
mod password_reset;
mod polls;
mod search;
mod wiki;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::AppContext;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use error::{ApiError, ErrorBody};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Guildhall API", description = "Accounts, communities, membership and discussions of a Guildhall instance."),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, discussions::SortParam, events::WhenParam)),
    tags(
        (name = "accounts", description = "Registration, sign-in and profiles"),
        (name = "admin", description = "Instance administration"),
        (name = "communities", description = "Communities"),
        (name = "membership", description = "Joining, join requests and moderators"),
        (name = "discussions", description = "Discussions and replies"),
        (name = "events", description = "Events, RSVPs and calendar feeds"),
        (name = "federation", description = "Communities on other servers"),
        (name = "guilds", description = "Guilds of communities across instances"),
        (name = "map", description = "The published directory and the network map"),
        (name = "notifications", description = "Your notifications"),
        (name = "search", description = "Full-text search, here and across the network"),
        (name = "wiki", description = "Community wikis: pages, revisions, diffs"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api_router() -> OpenApiRouter<AppContext> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(communities::routes())
        .merge(discussions::routes())
        .merge(events::routes())
        .merge(federation::routes())
        .merge(guilds::routes())
        .merge(map_crawl::routes())
        .merge(directory::routes())
        .merge(map::routes())
        .merge(notifications::routes())
        .merge(email_settings::routes())
        .merge(notify_prefs::routes())
        .merge(password_reset::routes())
        .merge(email_links::routes())
        .merge(polls::routes())
        .merge(search::routes())
        .merge(wiki::routes())
        .merge(network_search::routes())
}

/// The OpenAPI document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api_router().split_for_parts().1;
    doc::add_common_responses(&mut doc);
    doc
}

/// The API's routes (state still to be provided).
pub fn router() -> Router<AppContext> {
    let (api, mut doc) = api_router().split_for_parts();
    doc::add_common_responses(&mut doc);
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json(doc.as_ref().clone()) }
        }),
    )
    .route("/api/{*rest}", axum::routing::any(|| async { ApiError::no_route() }))
    .method_not_allowed_fallback(|| async {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this endpoint does not accept that method")
    })
    .route("/health", get(health))
    .route("/ready", get(ready))
    .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

async fn ready(State(ctx): State<AppContext>) -> (StatusCode, Json<Value>) {
    match ctx.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "error": "database_unavailable"})))
        }
    }
}
