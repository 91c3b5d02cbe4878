//! The network-map crawler. It starts from the instances this one federates with, the admin's
//! seeds and the instances already on the map, fetches each one's published directory page by
//! page, and discovers further instances through entries' ids and links. It obeys the
//! federation policy (blocked instances are recorded, never contacted), never fetches this
//! instance, and is polite and bounded: one request at a time per host, spaced out, a few
//! hosts at once, timeouts, a body size limit and per-instance page and entry caps. Progress is
//! stored page by page, so an interrupted crawl resumes.

mod directory;
mod fetch;
mod instance;
pub mod rules;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use guildhall_app::AppContext;
use guildhall_app::map_crawl::CrawlProgress;
use serde::Serialize;
use tokio::task::JoinSet;

use crate::{Error, Settings};
use fetch::{Fetcher, Limits};
use instance::Env;
pub use instance::InstanceOutcome;

/// How a crawl behaves; the defaults are the production limits.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    /// Crawl instances even if they were crawled less than `map_refresh_hours` ago.
    pub force: bool,
    /// Extra hosts to start from (besides peers, `map_seeds` and known map instances).
    pub seeds: Vec<String>,
    /// Instances crawled at once.
    pub concurrency: usize,
    /// Minimum time between two requests to one host.
    pub host_interval: Duration,
    /// Time to connect.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub timeout: Duration,
    /// Largest response body read.
    pub max_body_bytes: usize,
    /// Pages fetched per instance.
    pub max_pages: usize,
    /// Entries stored per instance.
    pub max_entries: usize,
    /// Same-host redirects followed per request.
    pub max_redirects: usize,
    /// Instances handled in one crawl (discovery stops there).
    pub max_instances: usize,
    /// Whether hosts on loopback and private addresses may be contacted.
    pub allow_private_addresses: bool,
}

impl Default for CrawlOptions {
    fn default() -> Self {
        CrawlOptions {
            force: false,
            seeds: Vec::new(),
            concurrency: 8,
            host_interval: Duration::from_millis(500),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_body_bytes: 1024 * 1024,
            max_pages: 40,
            max_entries: 2000,
            max_redirects: 3,
            max_instances: 5000,
            allow_private_addresses: false,
        }
    }
}

impl CrawlOptions {
    /// The defaults for an instance with these federation settings: private addresses only
    /// where every other outgoing request may reach them
    /// ([`Settings::allows_private_addresses`]), never just because it runs on plain http.
    pub fn for_instance(settings: Settings) -> Self {
        CrawlOptions { allow_private_addresses: settings.allows_private_addresses(), ..Default::default() }
    }
}

/// The result of a crawl.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlSummary {
    /// Each instance handled, in the order they finished.
    pub instances: Vec<InstanceOutcome>,
    /// Hosts discovered but not handled because of `max_instances`.
    pub left_out: usize,
}

/// The `User-Agent` the crawler sends.
pub fn user_agent(ctx: &AppContext) -> String {
    format!("Guildhall/{} (network map crawler; +{}/)", env!("CARGO_PKG_VERSION"), ctx.instance().base_url())
}

/// One GET of another instance's public JSON endpoint (network search) with the crawler's
/// protections: no redirects off the host, connect and total timeouts, a body size cap, and
/// public addresses only unless `allow_private_addresses`.
pub async fn get_public(
    ctx: &AppContext,
    url: &str,
    max_body_bytes: usize,
    timeout: Duration,
    allow_private_addresses: bool,
) -> Result<(u16, Vec<u8>), String> {
    let url = url::Url::parse(url).map_err(|e| format!("bad address {url:?}: {e}"))?;
    let defaults = CrawlOptions::default();
    let limits = Limits {
        connect_timeout: defaults.connect_timeout.min(timeout),
        timeout,
        max_body_bytes,
        max_redirects: defaults.max_redirects,
    };
    let agent = format!("Guildhall/{} (network search; +{}/)", env!("CARGO_PKG_VERSION"), ctx.instance().base_url());
    let fetcher = Fetcher::new(limits, &agent, allow_private_addresses).map_err(|e| e.to_string())?;
    let response = fetcher.get(&mut fetch::Pacer::new(Duration::ZERO), url).await.map_err(|f| f.0)?;
    Ok((response.status.as_u16(), response.body))
}

/// Runs one crawl to the end, updating `progress`; per-instance failures are recorded on the
/// instances, and only a fatal (database) error ends the crawl early.
pub async fn run(ctx: &AppContext, options: CrawlOptions, progress: Arc<CrawlProgress>) -> Result<CrawlSummary, Error> {
    let start = guildhall_app::map_crawl::crawl_start(ctx).await?;
    let limits = Limits {
        connect_timeout: options.connect_timeout,
        timeout: options.timeout,
        max_body_bytes: options.max_body_bytes,
        max_redirects: options.max_redirects,
    };
    let fetcher = Fetcher::new(limits, &user_agent(ctx), options.allow_private_addresses)?;
    let env = Arc::new(Env {
        ctx: ctx.clone(),
        fetcher,
        progress: progress.clone(),
        scheme: if ctx.instance().https { "https" } else { "http" },
        caps: rules::Caps { max_pages: options.max_pages.max(1), max_entries: options.max_entries },
        force: options.force,
        refresh_hours: start.refresh_hours,
        allow_private: options.allow_private_addresses,
        host_interval: options.host_interval,
    });
    let own = ctx.instance().domain.to_ascii_lowercase();
    let mut queue =
        Queue { own, seen: HashSet::new(), waiting: VecDeque::new(), max: options.max_instances, left_out: 0 };
    let starts = start.peers.iter().chain(&start.seeds).chain(&options.seeds).chain(&start.known);
    for host in starts {
        queue.push(host, None, &progress);
    }
    let mut summary = CrawlSummary::default();
    let mut tasks = JoinSet::new();
    loop {
        while tasks.len() < options.concurrency.max(1) {
            let Some((host, from)) = queue.waiting.pop_front() else { break };
            tasks.spawn(instance::crawl(env.clone(), host, from));
        }
        let Some(joined) = tasks.join_next().await else { break };
        let finished = match joined {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => {
                tasks.abort_all();
                return Err(e);
            }
            Err(e) => {
                tasks.abort_all();
                return Err(Error::Internal(format!("map crawl task failed: {e}")));
            }
        };
        for host in &finished.hosts {
            queue.push(host, Some(&finished.outcome.domain), &progress);
        }
        summary.instances.push(finished.outcome);
    }
    summary.left_out = queue.left_out;
    Ok(summary)
}

/// Hosts waiting to be crawled; each host is handled once per crawl.
struct Queue {
    own: String,
    seen: HashSet<String>,
    waiting: VecDeque<(String, Option<String>)>,
    max: usize,
    left_out: usize,
}

impl Queue {
    fn push(&mut self, raw: &str, from: Option<&str>, progress: &CrawlProgress) {
        let Some(host) = rules::host(raw) else { return };
        if host == self.own || self.seen.contains(&host) {
            return;
        }
        if self.seen.len() >= self.max {
            self.left_out += 1;
            return;
        }
        self.seen.insert(host.clone());
        progress.discovered();
        self.waiting.push_back((host, from.map(str::to_owned)));
    }
}
