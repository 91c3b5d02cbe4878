//! Use cases that reach other servers through the [`Network`](crate::network::Network) port:
//! finding a remote community, filling in a guild's contacts, crawling the network map.

use guildhall_store::entities::community;

use crate::map_crawl::{self, CrawlStatusView};
use crate::{AppContext, Result, Viewer};

/// Finds a community or guild by `name@domain`, `!name@domain` or URL (this instance's
/// too), fetching it from its server when new. `BadAddress` for a malformed query,
/// `NotFound` for an unknown one, `Remote` when its server fails, `NoNetwork` without a port.
pub async fn resolve_community(ctx: &AppContext, query: &str) -> Result<community::Model> {
    let c = ctx.network()?.resolve_community(ctx, query).await?;
    start_backfill(ctx, &c);
    Ok(c)
}

/// Starts reading a remote community's recent history in the background (when it is first
/// looked up, and when someone joins it), so it does not look empty to a newcomer who wants
/// to answer what was said before. At most once an hour per community; nothing for local
/// communities or without a network port. Failures are logged.
pub fn start_backfill(ctx: &AppContext, c: &community::Model) {
    if c.domain.is_empty() || ctx.backfills().contains_key(&c.id) {
        return;
    }
    let Ok(network) = ctx.network() else { return };
    let (ctx, c) = (ctx.clone(), c.clone());
    tokio::spawn(async move {
        ctx.backfills().insert(c.id, ()).await;
        match network.backfill(&ctx, &c).await {
            Ok(b) => tracing::info!(community = %c.name, domain = %c.domain, discussions = b.discussions,
                replies = b.replies, skipped = b.skipped, "read a remote community's recent history"),
            Err(e) => tracing::info!(community = %c.name, domain = %c.domain, error = %e,
                "could not read a remote community's recent history"),
        }
    });
}

/// Records a remote community's follower count as its server states it (for the federation
/// layer, which reads it from the followers collection).
pub async fn record_follower_count(ctx: &AppContext, c: &community::Model, count: i64) -> Result<()> {
    Ok(guildhall_store::communities::set_remote_follower_count(ctx.db(), c.id, count.max(0)).await?)
}

/// Reads the managers of a guild's remote member communities that have none on record, at
/// most `limit` communities per call and each at most once an hour, so the contact
/// directory fills in over time without fetching on every view. Best effort: failures are
/// logged, and without a network port nothing is read.
pub async fn refresh_guild_contacts(ctx: &AppContext, guild: &community::Model, limit: usize) {
    let Ok(network) = ctx.network() else { return };
    let links = match guildhall_store::guilds::links_of_guild(ctx.db(), guild.id).await {
        Ok(links) => links,
        Err(e) => {
            tracing::info!(guild = %guild.name, error = %e, "cannot list a guild's links");
            return;
        }
    };
    let reads = ctx.contact_reads();
    let mut members = Vec::new();
    for (link, c) in links.into_iter().filter(|(l, c)| {
        l.state == guildhall_domain::guild::LinkState::Active
            && !c.domain.is_empty()
            && l.contacts == "[]"
            && !reads.contains_key(&l.id)
    }) {
        if members.len() == limit {
            break;
        }
        reads.insert(link.id, ()).await;
        members.push(c);
    }
    if members.is_empty() {
        return;
    }
    if let Err(e) = network.read_contacts(ctx, guild, &members).await {
        tracing::info!(guild = %guild.name, error = %e, "cannot read a guild's contacts");
    }
}

/// Starts a network-map crawl in the background for an admin (one at a time per process;
/// `Conflict` while one runs) and returns its status.
pub fn start_map_crawl(ctx: &AppContext, viewer: &Viewer, force: bool) -> Result<CrawlStatusView> {
    // Permission and the one-crawl slot are answered first, as without a port.
    let job = map_crawl::begin(ctx, viewer)?;
    let network = match ctx.network() {
        Ok(network) => network,
        Err(e) => {
            job.finish(Some(e.to_string()));
            return Err(e);
        }
    };
    let task_ctx = ctx.clone();
    tracing::info!(admin = %viewer.username, force, "map crawl started");
    tokio::spawn(async move {
        match network.crawl_map(&task_ctx, force, job.progress()).await {
            Ok(instances) => {
                tracing::info!(instances, "map crawl finished");
                job.finish(None);
            }
            Err(e) => {
                tracing::error!(error = %e, "map crawl stopped");
                job.finish(Some(e.to_string()));
            }
        }
    });
    Ok(ctx.map_crawl().status())
}

#[cfg(test)]
mod tests {
    use guildhall_store::testing::fresh_database;

    use super::*;
    use crate::{Error, InstanceInfo};

    async fn context() -> (AppContext, guildhall_store::testing::TestDb) {
        let db = fresh_database().await;
        let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "here.example".into(), https: false });
        (ctx, db)
    }

    #[tokio::test]
    async fn without_a_port_network_use_cases_say_so() {
        let (ctx, _db) = context().await;
        assert!(!ctx.has_network());
        let err = resolve_community(&ctx, "ux@there.example").await.expect_err("no port");
        assert!(matches!(err, Error::NoNetwork), "{err:?}");
        let admin = Viewer { account_id: 1, username: "boss".into(), is_admin: true };
        let err = start_map_crawl(&ctx, &admin, false).expect_err("no port");
        assert!(matches!(err, Error::NoNetwork), "{err:?}");
        assert!(!ctx.map_crawl().status().running, "the crawl slot is free again");
        let member = Viewer { is_admin: false, ..admin };
        let err = start_map_crawl(&ctx, &member, false).expect_err("admins only");
        assert!(matches!(err, Error::Denied(_)), "{err:?}");
    }

    /// A port that finds nothing, to check that use cases go through the one wired in.
    struct Nowhere;

    #[async_trait::async_trait]
    impl crate::network::Network for Nowhere {
        async fn resolve_community(&self, _: &AppContext, query: &str) -> Result<community::Model> {
            Err(Error::BadAddress(format!("nowhere: {query}")))
        }
        async fn read_contacts(&self, _: &AppContext, _: &community::Model, _: &[community::Model]) -> Result<()> {
            Ok(())
        }
        async fn backfill(&self, _: &AppContext, _: &community::Model) -> Result<crate::network::Backfilled> {
            Ok(Default::default())
        }
        async fn crawl_map(
            &self,
            _: &AppContext,
            _: bool,
            _: std::sync::Arc<map_crawl::CrawlProgress>,
        ) -> Result<usize> {
            Ok(0)
        }
    }

    #[tokio::test]
    async fn the_port_is_set_once_and_used() {
        let (ctx, _db) = context().await;
        ctx.set_network(std::sync::Arc::new(Nowhere)).expect("first port");
        let again = ctx.set_network(std::sync::Arc::new(Nowhere)).expect_err("second port");
        assert!(matches!(again, Error::Conflict(_)), "{again:?}");
        assert!(ctx.clone().has_network(), "clones share the port");
        let err = resolve_community(&ctx, "x@y").await.expect_err("nowhere");
        assert!(matches!(err, Error::BadAddress(ref m) if m == "nowhere: x@y"), "{err:?}");
    }
}
