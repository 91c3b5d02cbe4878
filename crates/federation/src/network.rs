//! This crate as the app's [`Network`] port: resolving remote communities, reading guild
//! contacts and crawling the network map, for use cases in `guildhall_app::remote`.

use std::sync::Arc;

use guildhall_app::AppContext;
use guildhall_app::entities::community;
use guildhall_app::map_crawl::CrawlProgress;
use guildhall_app::network::Network;

use crate::crawl::{self, CrawlOptions};
use crate::{Error, Settings};

/// The federation layer behind the app's network port.
///
/// It keeps only the settings and makes request data from the calling context on each call:
/// the context holds this port, so holding a `FederationConfig` (which holds the context)
/// here would make a cycle that keeps every instance alive for the life of the process.
#[derive(Debug, Clone, Copy)]
pub struct FederationNetwork {
    settings: Settings,
}

impl FederationNetwork {
    /// A port making requests with `settings` (the same as the server's federation config).
    pub fn new(settings: Settings) -> Self {
        FederationNetwork { settings }
    }

    /// Wires a port with `settings` into `ctx`.
    pub fn install(ctx: &AppContext, settings: Settings) -> Result<(), guildhall_app::Error> {
        ctx.set_network(Arc::new(FederationNetwork::new(settings)))
    }

    async fn data(&self, ctx: &AppContext) -> Result<activitypub_federation::config::Data<AppContext>, Error> {
        Ok(crate::config(ctx.clone(), self.settings).await?.to_request_data())
    }
}

/// This crate's errors as the app's: malformed address, not found, or the remote failed.
fn to_app(e: Error) -> guildhall_app::Error {
    match e {
        Error::App(app) => app,
        Error::BadRequest(m) => guildhall_app::Error::BadAddress(m),
        Error::NotFound => guildhall_app::Error::NotFound("community"),
        Error::Unreachable(why) => guildhall_app::Error::Remote(why),
        other => guildhall_app::Error::Remote(other.to_string()),
    }
}

#[async_trait::async_trait]
impl Network for FederationNetwork {
    async fn resolve_community(&self, ctx: &AppContext, query: &str) -> guildhall_app::Result<community::Model> {
        let data = self.data(ctx).await.map_err(to_app)?;
        crate::resolve::community(query, &data).await.map_err(to_app)
    }

    async fn read_contacts(
        &self,
        ctx: &AppContext,
        guild: &community::Model,
        members: &[community::Model],
    ) -> guildhall_app::Result<()> {
        let data = self.data(ctx).await.map_err(to_app)?;
        for c in members {
            crate::guilds::refresh_contacts_of(&data, guild, c).await;
        }
        Ok(())
    }

    async fn backfill(
        &self,
        ctx: &AppContext,
        community: &community::Model,
    ) -> guildhall_app::Result<guildhall_app::network::Backfilled> {
        let data = self.data(ctx).await.map_err(to_app)?;
        crate::backfill::community_history(&data, community).await.map_err(to_app)
    }

    async fn crawl_map(
        &self,
        ctx: &AppContext,
        force: bool,
        progress: Arc<CrawlProgress>,
    ) -> guildhall_app::Result<usize> {
        let options = CrawlOptions { force, ..CrawlOptions::for_instance(self.settings) };
        let summary = crawl::run(ctx, options, progress).await.map_err(to_app)?;
        Ok(summary.instances.len())
    }

    async fn get_public(
        &self,
        ctx: &AppContext,
        url: &str,
        max_body_bytes: usize,
        timeout: std::time::Duration,
    ) -> guildhall_app::Result<guildhall_app::network::PublicAnswer> {
        let allow_private = self.settings.allows_private_addresses();
        let (status, body) = crawl::get_public(ctx, url, max_body_bytes, timeout, allow_private)
            .await
            .map_err(guildhall_app::Error::Remote)?;
        Ok(guildhall_app::network::PublicAnswer { status, body })
    }
}
