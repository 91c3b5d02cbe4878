//! The network-map crawl as a job: the progress a running crawl shares, the one-crawl-at-a-time
//! slot each instance holds, what the crawl starts from, and what admins read about it. The
//! crawling itself (all HTTP) is `guildhall_federation::crawl`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use guildhall_store::entities::map_instance;
use guildhall_store::map_crawl as store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppContext, Error, Result, Viewer};

pub use guildhall_store::map_crawl::{InstanceMeta, NewEntry};

/// Counters a running crawl updates and readers poll (lock-free).
#[derive(Debug, Default)]
pub struct CrawlProgress {
    discovered: AtomicU64,
    done: AtomicU64,
    failed: AtomicU64,
    skipped: AtomicU64,
    blocked: AtomicU64,
    entries: AtomicU64,
}

/// A snapshot of [`CrawlProgress`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProgressCounts {
    /// Instances found so far (started from or discovered).
    pub discovered: u64,
    /// Instances waiting or being crawled.
    pub queued: u64,
    /// Instances crawled completely (or that opted out).
    pub done: u64,
    /// Instances whose crawl failed or hit a cap (see their `last_error`).
    pub failed: u64,
    /// Instances skipped because they were crawled recently.
    pub skipped: u64,
    /// Instances the federation policy excludes (never contacted).
    pub blocked: u64,
    /// Entries stored by this crawl.
    pub entries: u64,
}

impl CrawlProgress {
    /// One more instance to crawl.
    pub fn discovered(&self) {
        self.discovered.fetch_add(1, Ordering::Relaxed);
    }
    /// An instance finished completely.
    pub fn done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
    /// An instance failed.
    pub fn failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }
    /// An instance was skipped (fresh).
    pub fn skipped(&self) {
        self.skipped.fetch_add(1, Ordering::Relaxed);
    }
    /// An instance is blocked.
    pub fn blocked(&self) {
        self.blocked.fetch_add(1, Ordering::Relaxed);
    }
    /// `n` more entries stored.
    pub fn entries(&self, n: u64) {
        self.entries.fetch_add(n, Ordering::Relaxed);
    }
    /// The current counts.
    pub fn snapshot(&self) -> ProgressCounts {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let (discovered, done, failed, skipped, blocked) =
            (get(&self.discovered), get(&self.done), get(&self.failed), get(&self.skipped), get(&self.blocked));
        ProgressCounts {
            discovered,
            queued: discovered.saturating_sub(done + failed + skipped + blocked),
            done,
            failed,
            skipped,
            blocked,
            entries: get(&self.entries),
        }
    }
}

/// The state of this process's crawl: the running one, or how the last one ended.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct CrawlStatusView {
    /// Whether a crawl is running now.
    pub running: bool,
    /// When the running (or last) crawl started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the last crawl ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Counts of the running (or last) crawl.
    pub progress: ProgressCounts,
    /// Why the last crawl stopped early (per-instance errors are on the instances).
    pub error: Option<String>,
}

#[derive(Default)]
struct JobState {
    running: Option<Arc<CrawlProgress>>,
    view: CrawlStatusView,
}

/// One crawl at a time per process; holds the running crawl's progress and the last result.
#[derive(Default)]
pub struct CrawlJobs {
    state: Arc<Mutex<JobState>>,
}

impl CrawlJobs {
    fn lock(&self) -> MutexGuard<'_, JobState> {
        // A panic while holding this short lock leaves plain data behind; keep using it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claims the slot; `None` when a crawl is already running.
    pub fn try_start(&self) -> Option<CrawlJob> {
        let mut s = self.lock();
        if s.running.is_some() {
            return None;
        }
        let progress = Arc::new(CrawlProgress::default());
        s.running = Some(progress.clone());
        s.view = CrawlStatusView { running: true, started_at: Some(Utc::now()), ..Default::default() };
        Some(CrawlJob { state: self.state.clone(), progress, finished: false })
    }

    /// The running crawl's progress or the last result.
    pub fn status(&self) -> CrawlStatusView {
        let s = self.lock();
        let mut view = s.view.clone();
        if let Some(p) = &s.running {
            view.progress = p.snapshot();
        }
        view
    }
}

/// The claimed slot of a running crawl; dropping it without [`CrawlJob::finish`] (a panic or
/// a cancelled task) records the crawl as stopped.
pub struct CrawlJob {
    state: Arc<Mutex<JobState>>,
    progress: Arc<CrawlProgress>,
    finished: bool,
}

impl CrawlJob {
    /// The progress this crawl updates.
    pub fn progress(&self) -> Arc<CrawlProgress> {
        self.progress.clone()
    }

    /// Ends the crawl, with the reason if it stopped early.
    pub fn finish(mut self, error: Option<String>) {
        self.end(error);
    }

    fn end(&mut self, error: Option<String>) {
        self.finished = true;
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.running = None;
        s.view.running = false;
        s.view.finished_at = Some(Utc::now());
        s.view.progress = self.progress.snapshot();
        s.view.error = error;
    }
}

impl Drop for CrawlJob {
    fn drop(&mut self) {
        if !self.finished {
            self.end(Some("the crawl stopped unexpectedly".into()));
        }
    }
}

/// What a crawl starts from and how fresh entries must be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlStart {
    /// Hosts of the remote accounts, communities and delivery peers this instance knows.
    pub peers: Vec<String>,
    /// The admin's seed list (`map_seeds`).
    pub seeds: Vec<String>,
    /// Instances already on the map (crawled before, or interrupted).
    pub known: Vec<String>,
    /// Instances crawled more recently than this are skipped unless forced.
    pub refresh_hours: i64,
}

/// Reads what a crawl starts from.
pub async fn crawl_start(ctx: &AppContext) -> Result<CrawlStart> {
    let settings = guildhall_store::settings::get(ctx.db()).await?;
    Ok(CrawlStart {
        peers: store::known_peer_hosts(ctx.db()).await?,
        seeds: guildhall_store::decode_list(&settings.map_seeds)?,
        known: store::all_instances(ctx.db()).await?.into_iter().map(|i| i.domain).collect(),
        refresh_hours: i64::from(settings.map_refresh_hours.max(0)),
    })
}

/// Claims this process's crawl slot for an admin (`Conflict` while one runs).
pub fn begin(ctx: &AppContext, viewer: &Viewer) -> Result<CrawlJob> {
    require_admin(viewer)?;
    ctx.map_crawl().try_start().ok_or_else(|| Error::Conflict("a network-map crawl is already running".into()))
}

/// The running crawl's progress or the last result (admins).
pub fn status(ctx: &AppContext, viewer: &Viewer) -> Result<CrawlStatusView> {
    require_admin(viewer)?;
    Ok(ctx.map_crawl().status())
}

/// An instance on the map as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MapInstanceView {
    /// `host` or `host:port`.
    pub domain: String,
    /// Name it gives itself.
    pub name: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// Software and version.
    pub software: String,
    /// `pending`, `ok`, `error`, `opted_out` or `blocked`.
    pub status: String,
    /// Why the last crawl failed.
    pub last_error: Option<String>,
    /// When it was last crawled.
    pub last_crawled_at: Option<DateTime<Utc>>,
    /// Entries it lists.
    pub entries_count: i32,
    /// The instance whose directory or links led here (none for peers and seeds).
    pub discovered_from: Option<String>,
    /// Where an interrupted crawl resumes.
    pub next_page: Option<String>,
}

/// Every instance on the map with its crawl state (admins).
pub async fn instances(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<MapInstanceView>> {
    require_admin(viewer)?;
    Ok(store::all_instances(ctx.db())
        .await?
        .into_iter()
        .map(|i| MapInstanceView {
            domain: i.domain,
            name: i.name,
            organisation: i.organisation,
            government: i.government,
            software: i.software,
            status: i.status.as_str().to_owned(),
            last_error: i.last_error,
            last_crawled_at: i.last_crawled_at,
            entries_count: i.entries_count,
            discovered_from: i.discovered_from,
            next_page: i.next_page,
        })
        .collect())
}

// The crawler's storage, called by `guildhall_federation::crawl` as it goes.

/// The instance's map row, added as `pending` (found through `discovered_from`) if new.
pub async fn ensure_instance(
    ctx: &AppContext,
    domain: &str,
    discovered_from: Option<&str>,
) -> Result<map_instance::Model> {
    Ok(store::ensure_instance(ctx.db(), domain, discovered_from, Utc::now()).await?)
}

/// Records an instance that is not crawled (`OPTED_OUT` or `BLOCKED`) and forgets its entries.
pub async fn record_excluded(
    ctx: &AppContext,
    domain: &str,
    status: guildhall_domain::directory::MapInstanceStatus,
) -> Result<()> {
    Ok(store::record_excluded(ctx.db(), domain, status, Utc::now()).await?)
}

/// Every link the entries of `domain` list (for discovery when its crawl is skipped); an
/// unreadable stored list counts as none.
pub async fn linked_urls(ctx: &AppContext, domain: &str) -> Result<Vec<String>> {
    Ok(store::links_of(ctx.db(), domain)
        .await?
        .iter()
        .flat_map(|links| guildhall_store::decode_list(links).unwrap_or_default())
        .collect())
}

/// Stores one directory page of `domain` and where its crawl continues (`None`: last page).
pub async fn record_page(
    ctx: &AppContext,
    domain: &str,
    meta: &InstanceMeta,
    entries: &[NewEntry],
    next_page: Option<&str>,
) -> Result<()> {
    Ok(store::record_page(ctx.db(), domain, meta, entries, next_page, Utc::now()).await?)
}

/// Ends the crawl of `domain` as complete, or as failed with `error`; with `prune_before`,
/// entries not fetched since then are removed. Returns how many entries it lists.
pub async fn finish_instance(
    ctx: &AppContext,
    domain: &str,
    error: Option<&str>,
    prune_before: Option<DateTime<Utc>>,
) -> Result<u64> {
    Ok(store::finish_instance(ctx.db(), domain, error, prune_before, Utc::now()).await?)
}

/// Records a failed attempt at `domain`, keeping its entries and resume point.
pub async fn record_error(ctx: &AppContext, domain: &str, error: &str) -> Result<()> {
    Ok(store::record_error(ctx.db(), domain, error, Utc::now()).await?)
}

/// How many entries `domain` lists.
pub async fn count_entries(ctx: &AppContext, domain: &str) -> Result<u64> {
    Ok(store::count_entries(ctx.db(), domain).await?)
}

fn require_admin(viewer: &Viewer) -> Result<()> {
    if viewer.is_admin { Ok(()) } else { Err(guildhall_domain::Denied::AdminsOnly.into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_crawl_at_a_time_and_the_last_result_stays() {
        let jobs = CrawlJobs::default();
        let job = jobs.try_start().expect("first");
        assert!(jobs.try_start().is_none(), "second while running");
        let p = job.progress();
        p.discovered();
        p.discovered();
        p.done();
        p.entries(5);
        let s = jobs.status();
        assert!(s.running);
        assert_eq!((s.progress.queued, s.progress.done, s.progress.entries), (1, 1, 5));
        job.finish(None);
        let s = jobs.status();
        assert!(!s.running && s.finished_at.is_some() && s.error.is_none());
        assert_eq!(s.progress.done, 1);
        let job = jobs.try_start().expect("again after finishing");
        drop(job);
        let s = jobs.status();
        assert!(!s.running);
        assert!(s.error.is_some(), "a dropped job is recorded as stopped");
    }
}
