//! The one value an instance runs on: no globals, so tests can run several instances.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use guildhall_store::DatabaseConnection;
use moka::future::Cache;
use tokio::sync::Notify;

use crate::auth::SessionInfo;
use crate::network::Network;
use crate::{Error, Result};

/// How often a remote actor's key may be refetched because a signature failed against it.
pub const KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(300);

/// What the instance knows about itself.
#[derive(Debug, Clone)]
pub struct InstanceInfo {
    /// Public host[:port].
    pub domain: String,
    /// Whether public URLs use https.
    pub https: bool,
}

impl InstanceInfo {
    /// The public base URL, e.g. `https://dept.example`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", if self.https { "https" } else { "http" }, self.domain)
    }

    /// A fresh, unique id for an activity we send.
    pub fn new_activity_id(&self) -> String {
        format!("{}/activities/{}", self.base_url(), crate::auth::random_token())
    }
}

/// Shared state of one running instance; cheap to clone.
#[derive(Clone)]
pub struct AppContext {
    inner: Arc<Inner>,
}

struct Inner {
    db: DatabaseConnection,
    instance: InstanceInfo,
    sessions: Cache<String, SessionInfo>,
    delivery_wakeup: Notify,
    federation_policy: Cache<(), std::sync::Arc<guildhall_domain::FederationPolicy>>,
    remote_keys: Cache<String, Arc<RemoteKey>>,
    key_refetches: Cache<String, ()>,
    contact_reads: Cache<i64, ()>,
    backfills: Cache<i64, ()>,
    map_crawl: crate::map_crawl::CrawlJobs,
    sign_in_guard: crate::sign_in_guard::SignInGuard,
    network: OnceLock<Arc<dyn Network>>,
    trusted_proxies: OnceLock<guildhall_domain::client_address::TrustedProxies>,
    live: tokio::sync::broadcast::Sender<crate::live::LiveEvent>,
    mailer: OnceLock<Arc<dyn crate::email::Mailer>>,
    email_wakeup: Notify,
    network_search: crate::network_search::Answers,
    network_search_budget: OnceLock<Duration>,
}

/// A remote actor's public key, as fetched to verify its signed GETs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteKey {
    /// The actor that owns the key.
    pub owner: String,
    /// The owner's ActivityStreams type (`Person`, `Application`, ...).
    pub kind: String,
    /// The key, PEM.
    pub pem: String,
}

impl AppContext {
    /// Wraps an open, migrated database.
    pub fn new(db: DatabaseConnection, instance: InstanceInfo) -> Self {
        // Sessions are checked on every request; a short TTL bounds how long a session ended
        // elsewhere (another process, the CLI) can still be used.
        let sessions = Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(60)).build();
        // Read on every inbound activity and delivery; a short TTL lets a change made by
        // another process apply within seconds (this process invalidates it at once).
        let federation_policy = Cache::builder().max_capacity(1).time_to_live(Duration::from_secs(2)).build();
        // Signed GETs from the same servers repeat; keys are refetched at most every 10 minutes
        // (and at once when a signature fails, for rotated keys).
        let remote_keys = Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(600)).build();
        // A remote actor (or key) refetched because a signature did not verify is not refetched
        // for that reason again for a while: a flood of bad signatures cannot make us fetch.
        let key_refetches = Cache::builder().max_capacity(10_000).time_to_live(KEY_REFETCH_INTERVAL).build();
        // A guild link whose community's managers were just read (even if none were found) is
        // not read again for an hour: the contacts page must not fetch on every view.
        let contact_reads = Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build();
        // A remote community whose history was just read is not read again for an hour, however
        // many people look it up or join it.
        let backfills = Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build();
        AppContext {
            inner: Arc::new(Inner {
                db,
                instance,
                sessions,
                delivery_wakeup: Notify::new(),
                federation_policy,
                remote_keys,
                key_refetches,
                contact_reads,
                backfills,
                map_crawl: Default::default(),
                sign_in_guard: Default::default(),
                network: OnceLock::new(),
                trusted_proxies: OnceLock::new(),
                live: crate::live::channel(),
                mailer: OnceLock::new(),
                email_wakeup: Notify::new(),
                network_search: crate::network_search::answers_cache(),
                network_search_budget: OnceLock::new(),
            }),
        }
    }

    /// Where new posts are announced to streaming clients (ids only; see `live`).
    pub fn live(&self) -> &tokio::sync::broadcast::Sender<crate::live::LiveEvent> {
        &self.inner.live
    }

    /// The database.
    pub fn db(&self) -> &DatabaseConnection {
        &self.inner.db
    }

    /// What the instance knows about itself.
    pub fn instance(&self) -> &InstanceInfo {
        &self.inner.instance
    }

    pub(crate) fn sessions(&self) -> &Cache<String, SessionInfo> {
        &self.inner.sessions
    }

    pub(crate) fn federation_policy_cache(&self) -> &Cache<(), Arc<guildhall_domain::FederationPolicy>> {
        &self.inner.federation_policy
    }

    /// Remote actors' keys by key id, for verifying signed fetches.
    pub fn remote_keys(&self) -> &Cache<String, Arc<RemoteKey>> {
        &self.inner.remote_keys
    }

    /// Whether a signature that failed against the cached key of `actor` (an actor or key id)
    /// may refetch it now: true at most once per [`KEY_REFETCH_INTERVAL`] for each.
    pub async fn claim_key_refetch(&self, actor: &str) -> bool {
        self.inner.key_refetches.entry(actor.to_owned()).or_insert(()).await.is_fresh()
    }

    /// Guild links (by id) whose remote community's managers were read in the last hour.
    pub fn contact_reads(&self) -> &Cache<i64, ()> {
        &self.inner.contact_reads
    }

    /// Remote communities (by id) whose recent history was read in the last hour.
    pub fn backfills(&self) -> &Cache<i64, ()> {
        &self.inner.backfills
    }

    /// This process's network-map crawl (one at a time) and its progress.
    pub fn map_crawl(&self) -> &crate::map_crawl::CrawlJobs {
        &self.inner.map_crawl
    }

    /// Sign-in backoff state (in memory; see `sign_in_guard`).
    pub fn sign_in_guard(&self) -> &crate::sign_in_guard::SignInGuard {
        &self.inner.sign_in_guard
    }

    /// Wires in the network port (once, when the instance is set up); `Conflict` if one
    /// is already set, which stays.
    pub fn set_network(&self, network: Arc<dyn Network>) -> Result<()> {
        self.inner.network.set(network).map_err(|_| Error::Conflict("the network port is already set".into()))
    }

    /// Sets the reverse proxies believed about clients' addresses (once, from the
    /// configuration); `Conflict` if already set. Unset, only a local proxy is believed.
    pub fn set_trusted_proxies(&self, proxies: guildhall_domain::client_address::TrustedProxies) -> Result<()> {
        self.inner
            .trusted_proxies
            .set(proxies)
            .map_err(|_| Error::Conflict("the trusted proxies are already set".into()))
    }

    /// The reverse proxies believed about clients' addresses.
    pub fn trusted_proxies(&self) -> guildhall_domain::client_address::TrustedProxies {
        self.inner.trusted_proxies.get().cloned().unwrap_or_default()
    }

    /// The address a request comes from, given its connection's `peer` and its
    /// `X-Forwarded-For` header (see `guildhall_domain::client_address`).
    pub fn client_address(&self, peer: std::net::IpAddr, forwarded_for: Option<&str>) -> std::net::IpAddr {
        let default = guildhall_domain::client_address::TrustedProxies::default();
        let trusted = self.inner.trusted_proxies.get().unwrap_or(&default);
        guildhall_domain::client_address::client_address(peer, forwarded_for, trusted)
    }

    /// The network port; `NoNetwork` when none was wired in (some tests and tools).
    pub fn network(&self) -> Result<Arc<dyn Network>> {
        self.inner.network.get().cloned().ok_or(Error::NoNetwork)
    }

    /// Wires in the email port (once, when SMTP is configured); `Conflict` if one is set.
    pub fn set_mailer(&self, mailer: Arc<dyn crate::email::Mailer>) -> Result<()> {
        self.inner.mailer.set(mailer).map_err(|_| Error::Conflict("the email port is already set".into()))
    }

    /// The email port; `None` when email is off (no SMTP server configured).
    pub fn mailer(&self) -> Option<Arc<dyn crate::email::Mailer>> {
        self.inner.mailer.get().cloned()
    }

    /// Whether email is on (an SMTP server is configured).
    pub fn email_enabled(&self) -> bool {
        self.inner.mailer.get().is_some()
    }

    /// What the email worker waits on between rounds; woken when a message is queued.
    pub fn email_wakeup(&self) -> &Notify {
        &self.inner.email_wakeup
    }

    /// Other instances' recent answers to network searches (see `network_search`).
    pub(crate) fn network_search_answers(&self) -> &crate::network_search::Answers {
        &self.inner.network_search
    }

    /// Sets how long a network search waits for other instances (once, from the
    /// configuration); `Conflict` if already set.
    pub fn set_network_search_budget(&self, budget: Duration) -> Result<()> {
        self.inner
            .network_search_budget
            .set(budget)
            .map_err(|_| Error::Conflict("the network search budget is already set".into()))
    }

    /// How long a network search waits for other instances (3 s unless configured).
    pub fn network_search_budget(&self) -> Duration {
        self.inner.network_search_budget.get().copied().unwrap_or(crate::network_search::DEFAULT_BUDGET)
    }

    /// Whether a network port is wired in.
    pub fn has_network(&self) -> bool {
        self.inner.network.get().is_some()
    }

    /// Checks that the database answers (readiness probes).
    pub async fn ping(&self) -> Result<()> {
        Ok(guildhall_store::ping(&self.inner.db).await?)
    }

    /// Wakes the delivery workers after new outbox intents were committed.
    pub fn wake_delivery(&self) {
        self.inner.delivery_wakeup.notify_one();
    }

    /// What delivery workers wait on between rounds.
    pub fn delivery_wakeup(&self) -> &Notify {
        &self.inner.delivery_wakeup
    }
}

#[cfg(test)]
mod tests {
    use guildhall_store::testing::fresh_database;

    use super::*;

    #[tokio::test]
    async fn a_key_is_refetched_at_most_once_per_interval_for_each_actor() {
        let db = fresh_database().await;
        let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "here.example".into(), https: false });
        assert!(ctx.claim_key_refetch("https://a.example/users/x").await, "the first failure refetches");
        assert!(!ctx.claim_key_refetch("https://a.example/users/x").await, "the next ones within the interval do not");
        assert!(ctx.claim_key_refetch("https://a.example/users/y").await, "another actor has its own allowance");
    }
}
