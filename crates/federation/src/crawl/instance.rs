//! Crawling one instance: policy and freshness checks, then its directory page by page, each
//! page stored with the place to resume, until the last page, an error or a cap.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use chrono::{Duration as ChronoDuration, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::map_instance;
use guildhall_app::map_crawl::{self, CrawlProgress};
use guildhall_domain::directory::MapInstanceStatus;
use serde_json::Value;
use url::Url;

use super::fetch::{Failure, Fetcher, Pacer};
use super::rules::{self, Caps};
use serde::Serialize;

use super::directory;
use crate::Error;

/// How one instance's crawl ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceOutcome {
    /// `host[:port]`.
    pub domain: String,
    /// `ok`, `error`, `opted_out`, `blocked` or `skipped`.
    pub status: String,
    /// Entries it now lists on the map.
    pub entries: u64,
    /// Pages fetched.
    pub pages: usize,
    /// Why it failed or stopped early.
    pub error: Option<String>,
}

/// What every instance task shares.
pub(super) struct Env {
    pub ctx: AppContext,
    pub fetcher: Fetcher,
    pub progress: Arc<CrawlProgress>,
    pub scheme: &'static str,
    pub caps: Caps,
    pub force: bool,
    pub refresh_hours: i64,
    pub allow_private: bool,
    pub host_interval: std::time::Duration,
}

/// How one instance's crawl ended, and the hosts it named.
pub(super) struct Finished {
    pub outcome: InstanceOutcome,
    pub hosts: BTreeSet<String>,
}

fn outcome(domain: &str, status: &str, entries: u64, pages: usize, error: Option<String>) -> InstanceOutcome {
    InstanceOutcome { domain: domain.to_owned(), status: status.to_owned(), entries, pages, error }
}

fn fresh(row: &map_instance::Model, refresh_hours: i64) -> bool {
    matches!(row.status, MapInstanceStatus::Ok | MapInstanceStatus::OptedOut)
        && row.last_crawled_at.is_some_and(|t| t > Utc::now() - ChronoDuration::hours(refresh_hours))
}

/// Crawls `domain`; `Err` only for fatal (database) errors.
pub(super) async fn crawl(env: Arc<Env>, domain: String, from: Option<String>) -> Result<Finished, Error> {
    let ctx = &env.ctx;
    let row = map_crawl::ensure_instance(ctx, &domain, from.as_deref()).await?;
    let policy = guildhall_app::admin::federation_policy(&env.ctx).await?;
    if !policy.allows(&domain) || !rules::host_allowed(&domain, env.allow_private) {
        map_crawl::record_excluded(ctx, &domain, MapInstanceStatus::Blocked).await?;
        env.progress.blocked();
        tracing::info!(domain = %domain, "map crawl: blocked, not contacted");
        return Ok(Finished {
            outcome: outcome(&domain, MapInstanceStatus::Blocked.as_str(), 0, 0, None),
            hosts: BTreeSet::new(),
        });
    }
    if !env.force && fresh(&row, env.refresh_hours) {
        env.progress.skipped();
        let mut hosts = BTreeSet::new();
        let links = map_crawl::linked_urls(ctx, &domain).await?;
        hosts.extend(links.iter().filter_map(|l| rules::host_of(l)).filter(|h| *h != domain));
        let entries = u64::try_from(row.entries_count).unwrap_or(0);
        return Ok(Finished { outcome: outcome(&domain, "skipped", entries, 0, None), hosts });
    }
    let resume = row
        .next_page
        .as_deref()
        .filter(|_| matches!(row.status, MapInstanceStatus::Pending | MapInstanceStatus::Error))
        .and_then(|n| rules::resume_url(n, env.scheme, &domain));
    let resumed = resume.is_some();
    let Some(first) = resume.or_else(|| rules::directory_url(env.scheme, &domain)) else {
        return fail(&env, &domain, 0, 0, Failure("not a valid host".into())).await;
    };
    tracing::info!(domain = %domain, url = %first, resumed, "map crawl: crawling");
    PageLoop::new(env, domain, resumed).run(first).await
}

async fn fail(env: &Env, domain: &str, pages: usize, entries: u64, f: Failure) -> Result<Finished, Error> {
    tracing::info!(domain = %domain, error = %f, "map crawl: instance failed");
    map_crawl::record_error(&env.ctx, domain, &f.0).await?;
    env.progress.failed();
    let entries = map_crawl::count_entries(&env.ctx, domain).await.unwrap_or(entries);
    Ok(Finished {
        outcome: outcome(domain, MapInstanceStatus::Error.as_str(), entries, pages, Some(f.0)),
        hosts: BTreeSet::new(),
    })
}

struct PageLoop {
    env: Arc<Env>,
    domain: String,
    resumed: bool,
    pacer: Pacer,
    seen: HashSet<String>,
    hosts: BTreeSet<String>,
    pages: usize,
    stored: usize,
}

enum Fetched {
    Page(Box<directory::Page>, Url),
    OptedOut,
}

impl PageLoop {
    fn new(env: Arc<Env>, domain: String, resumed: bool) -> Self {
        let pacer = Pacer::new(env.host_interval);
        PageLoop { env, domain, resumed, pacer, seen: HashSet::new(), hosts: BTreeSet::new(), pages: 0, stored: 0 }
    }

    async fn run(mut self, first: Url) -> Result<Finished, Error> {
        let started = Utc::now();
        let mut url = first;
        loop {
            self.seen.insert(url.to_string());
            let (page, answered) = match self.fetch(url.clone()).await {
                Ok(Fetched::Page(page, answered)) => (*page, answered),
                Ok(Fetched::OptedOut) => {
                    map_crawl::record_excluded(&self.env.ctx, &self.domain, MapInstanceStatus::OptedOut).await?;
                    self.env.progress.done();
                    tracing::info!(domain = %self.domain, "map crawl: directory unlisted");
                    let o = outcome(&self.domain, MapInstanceStatus::OptedOut.as_str(), 0, self.pages, None);
                    return Ok(Finished { outcome: o, hosts: self.hosts });
                }
                Err(f) => return self.failed(f).await,
            };
            self.pages += 1;
            self.seen.insert(answered.to_string());
            self.hosts.extend(page.hosts);
            let n = page.entries.len();
            // Where to go next, or why to stop.
            let next: Result<Option<Url>, Failure> = match page.next.as_deref().filter(|n| !n.is_empty()) {
                None => Ok(None),
                Some(_) if self.env.caps.reached(self.pages, self.stored + n) => Err(Failure(format!(
                    "stopped at the pagination cap ({} pages or {} entries); the rest was not fetched",
                    self.env.caps.max_pages, self.env.caps.max_entries
                ))),
                Some(link) => rules::next_page(&answered, link, self.env.scheme, &self.domain, &self.seen)
                    .map(Some)
                    .map_err(|r| Failure(r.describe("the next page", link))),
            };
            let resume_at = next.as_ref().ok().and_then(|n| n.as_ref().map(Url::to_string));
            map_crawl::record_page(&self.env.ctx, &self.domain, &page.meta, &page.entries, resume_at.as_deref())
                .await?;
            self.stored += n;
            self.env.progress.entries(n as u64);
            match next {
                Ok(Some(n)) => url = n,
                Ok(None) => {
                    // A crawl that read every page from the first knows what is no longer listed.
                    let prune = (!self.resumed).then_some(started);
                    let count = map_crawl::finish_instance(&self.env.ctx, &self.domain, None, prune).await?;
                    self.env.progress.done();
                    tracing::info!(domain = %self.domain, entries = count, pages = self.pages, "map crawl: instance done");
                    let o = outcome(&self.domain, MapInstanceStatus::Ok.as_str(), count, self.pages, None);
                    return Ok(Finished { outcome: o, hosts: self.hosts });
                }
                Err(f) => {
                    let count = map_crawl::finish_instance(&self.env.ctx, &self.domain, Some(&f.0), None).await?;
                    self.env.progress.failed();
                    tracing::info!(domain = %self.domain, error = %f, "map crawl: instance stopped");
                    let o = outcome(&self.domain, MapInstanceStatus::Error.as_str(), count, self.pages, Some(f.0));
                    return Ok(Finished { outcome: o, hosts: self.hosts });
                }
            }
        }
    }

    async fn failed(self, f: Failure) -> Result<Finished, Error> {
        let mut done = fail(&self.env, &self.domain, self.pages, self.stored as u64, f).await?;
        done.hosts = self.hosts;
        Ok(done)
    }

    /// Fetches one page; on the first page, a plain 404 sends it to NodeInfo for the
    /// directory's address.
    async fn fetch(&mut self, url: Url) -> Result<Fetched, Failure> {
        let room = self.env.caps.room(self.stored);
        let r = self.env.fetcher.get(&mut self.pacer, url.clone()).await?;
        if r.status.is_success() {
            return directory::parse(&r.body, &self.domain, room)
                .map(|p| Fetched::Page(Box::new(p), r.url))
                .map_err(Failure);
        }
        if unlisted(&r.body) {
            return Ok(Fetched::OptedOut);
        }
        if r.status == reqwest::StatusCode::NOT_FOUND && self.pages == 0 && !self.resumed {
            match self.nodeinfo_directory().await? {
                NodeInfo::Unlisted => return Ok(Fetched::OptedOut),
                NodeInfo::Directory(d) if d != url => {
                    self.seen.insert(d.to_string());
                    let r = self.env.fetcher.get(&mut self.pacer, d).await?;
                    if r.status.is_success() {
                        return directory::parse(&r.body, &self.domain, room)
                            .map(|p| Fetched::Page(Box::new(p), r.url))
                            .map_err(Failure);
                    }
                    if unlisted(&r.body) {
                        return Ok(Fetched::OptedOut);
                    }
                    return Err(Failure(format!("directory answered HTTP {}", r.status.as_u16())));
                }
                _ => return Err(Failure("no directory (HTTP 404, and NodeInfo names none)".into())),
            }
        }
        Err(Failure(format!("directory answered HTTP {}", r.status.as_u16())))
    }

    /// Reads `metadata.directory` from NodeInfo 2.x.
    async fn nodeinfo_directory(&mut self) -> Result<NodeInfo, Failure> {
        let Ok(wk) = Url::parse(&format!("{}://{}/.well-known/nodeinfo", self.env.scheme, self.domain)) else {
            return Ok(NodeInfo::None);
        };
        let r = self.env.fetcher.get(&mut self.pacer, wk.clone()).await?;
        let links: Value = match r.status.is_success().then(|| serde_json::from_slice(&r.body)) {
            Some(Ok(v)) => v,
            _ => return Ok(NodeInfo::None),
        };
        let href = links["links"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["rel"].as_str().is_some_and(|r| r.contains("nodeinfo.diaspora.software/ns/schema/2.")))
            .filter_map(|l| l["href"].as_str())
            .filter_map(|h| wk.join(h).ok())
            .find(|u| rules::on_instance(u, self.env.scheme, &self.domain));
        let Some(href) = href else { return Ok(NodeInfo::None) };
        let r = self.env.fetcher.get(&mut self.pacer, href).await?;
        let doc: Value = match r.status.is_success().then(|| serde_json::from_slice(&r.body)) {
            Some(Ok(v)) => v,
            _ => return Ok(NodeInfo::None),
        };
        let dir = &doc["metadata"]["directory"];
        if dir["listed"] == Value::Bool(false) {
            return Ok(NodeInfo::Unlisted);
        }
        Ok(dir["url"]
            .as_str()
            .and_then(|u| Url::parse(u).ok())
            .filter(|u| rules::on_instance(u, self.env.scheme, &self.domain))
            .map_or(NodeInfo::None, NodeInfo::Directory))
    }
}

enum NodeInfo {
    None,
    Unlisted,
    Directory(Url),
}

/// Whether an error body is `{"error": "directory_unlisted"}`.
fn unlisted(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v["error"] == "directory_unlisted")
}
