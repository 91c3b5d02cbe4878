//! Federation: ActivityStreams <-> domain. Actors (`Person`, `Group`, the instance
//! `Application`), objects (`Page`, `Note`), the inbox (verified with activitypub_federation's
//! draft-cavage signatures), WebFinger and NodeInfo, and the durable delivery worker that
//! turns outbox intents into signed deliveries. Permissions are decided by `guildhall_app`.

pub mod activities;
pub mod actors;
pub mod addressing;
pub mod answers;
pub mod audience;
pub mod backfill;
pub mod cavage;
pub mod crawl;
pub mod delivery;
pub mod directory;
mod error;
pub mod events;
pub mod extras;
pub mod guilds;
#[cfg(test)]
mod handles_fuzz;
pub mod inbox;
pub mod key_refetch;
mod keys;
pub mod network;
pub mod nodeinfo;
pub mod objects;
pub mod outgoing;
pub mod peers;

mod plan;
pub mod polls;
pub mod resolve;
pub mod rfc9421;
pub mod serve;
pub mod signed_fetch;
pub mod tally;
pub mod urls;
pub mod wellknown;
pub mod wiki;
pub mod wire;

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use axum::Router;
use axum::routing::{get, post};
use guildhall_app::AppContext;

pub use activitypub_federation::config::Data;
pub use error::Error;

use crate::actors::InstanceActor;
use crate::urls::Urls;

/// Options for the federation layer.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Test/dev mode: allows http:// peers and ports, and skips the library's address check
    /// of URLs (see [`Settings::allows_private_addresses`] for what is then reached).
    pub debug: bool,
    /// How long one outgoing request (a delivery, a fetch) may take, connecting included.
    pub request_timeout: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { debug: false, request_timeout: answers::DEFAULT_TIMEOUT }
    }
}

impl Settings {
    /// Whether outgoing requests may reach loopback and private addresses: with
    /// `DANGER_FEDERATION_ALLOW_LOCAL_IP` set (at all, as the library reads it), or in dev
    /// mode in a debug build. The same rule as the library's requests: dev mode skips its URL
    /// check, but in release builds the client's resolver (`answers::client`) still refuses
    /// such addresses when connecting. Never implied by running on plain http.
    pub fn allows_private_addresses(&self) -> bool {
        std::env::var("DANGER_FEDERATION_ALLOW_LOCAL_IP").is_ok() || (self.debug && cfg!(debug_assertions))
    }
}

/// The instance actor with its keys (made on first use).
pub async fn instance_actor(ctx: &AppContext) -> Result<InstanceActor, Error> {
    let (public_key, private_key) = keys::instance_keys(ctx).await?;
    let urls = Urls::new(ctx);
    let id = urls.instance_actor();
    Ok(InstanceActor { inbox: urls.inbox_of(&id), id, public_key, private_key })
}

/// Builds the federation configuration for an instance.
pub async fn config(ctx: AppContext, settings: Settings) -> Result<FederationConfig<AppContext>, Error> {
    let actor = instance_actor(&ctx).await?;
    let ctx_for_verifier = ctx.clone();
    FederationConfig::builder()
        .domain(ctx.instance().domain.clone())
        .app_data(ctx)
        .signed_fetch_actor(&actor)
        .debug(settings.debug)
        .url_verifier(Box::new(PolicyVerifier(ctx_for_verifier)))
        // Sign Host and Date (not only (created)/(expires)): Mastodon, bovine and most
        // servers require a signed Date header.
        .http_signature_compat(true)
        .http_fetch_limit(50)
        .client(answers::client(settings.request_timeout))
        .build()
        .await
        .map_err(|e| Error::Internal(format!("federation config: {e}")))
}

/// The layer that gives handlers `Data<AppContext>`.
pub fn middleware(config: FederationConfig<AppContext>) -> FederationMiddleware<AppContext> {
    FederationMiddleware::new(config)
}

/// Largest accepted inbox body.
pub const MAX_INBOX_BYTES: usize = 1024 * 1024;

/// Federation routes: actors, objects, inboxes and well-known endpoints.
pub fn router() -> Router<AppContext> {
    let inboxes = Router::new()
        .route("/inbox", post(inbox::post_inbox))
        .route("/actor/inbox", post(inbox::post_inbox))
        .route("/u/{name}/inbox", post(inbox::post_inbox))
        .route("/c/{name}/inbox", post(inbox::post_inbox))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_INBOX_BYTES));
    Router::new()
        .merge(inboxes)
        .route("/actor", get(serve::instance_actor))
        .route("/u/{name}", get(serve::person))
        .route("/c/{name}", get(serve::group))
        .route("/c/{name}/followers", get(serve::followers))
        .route("/c/{name}/moderators", get(serve::moderators))
        .route("/c/{name}/communities", get(guilds::communities))
        .route("/c/{name}/outbox", get(serve::outbox))
        .route("/c/{name}/featured", get(serve::featured))
        .route("/d/{id}", get(serve::discussion))
        .route("/d/{id}/replies", get(serve::discussion_replies))
        .route("/r/{id}", get(serve::reply))
        .route("/e/{id}", get(events::serve::event))
        .route("/w/{id}", get(wiki::serve))
        .route("/activities/{token}", get(serve::activity))
        .route("/directory", get(directory::serve))
        .route("/.well-known/webfinger", get(wellknown::webfinger))
        .route("/.well-known/nodeinfo", get(wellknown::nodeinfo_links))
        .route("/.well-known/host-meta", get(wellknown::host_meta))
        .route("/nodeinfo/2.1", get(wellknown::nodeinfo))
}

/// Refuses outgoing fetches to instances the federation policy excludes.
#[derive(Clone)]
struct PolicyVerifier(AppContext);

#[async_trait::async_trait]
impl activitypub_federation::config::UrlVerifier for PolicyVerifier {
    async fn verify(&self, url: &url::Url) -> Result<(), activitypub_federation::error::Error> {
        let policy = guildhall_app::admin::federation_policy(&self.0)
            .await
            .map_err(|e| activitypub_federation::error::Error::Other(e.to_string()))?;
        if policy.allows(&urls::authority(url)) {
            Ok(())
        } else {
            Err(activitypub_federation::error::Error::UrlVerificationError(
                "this instance does not federate with that one",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn private_addresses_need_dev_mode_in_a_debug_build_or_the_danger_setting() {
        // The test would say nothing with the danger setting: it allows everything.
        assert!(std::env::var("DANGER_FEDERATION_ALLOW_LOCAL_IP").is_err(), "run without the danger setting");
        assert!(!Settings { debug: false, ..Settings::default() }.allows_private_addresses(), "a zero-config instance");
        assert_eq!(Settings { debug: true, ..Settings::default() }.allows_private_addresses(), cfg!(debug_assertions));
    }
}
