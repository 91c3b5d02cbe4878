//! The network-map crawler against hostile peers (in-process stub servers, see
//! `federation_tests::hostile`), run as a library on a real test database (SQLite, or
//! PostgreSQL with `GUILDHALL_TEST_DATABASE_URL`): endless pagination, huge and slow bodies,
//! redirect loops, malformed JSON and directory cycles. The crawl ends, the caps hold, and each
//! failure is recorded on its own instance while the others are crawled.

use std::sync::Arc;
use std::time::Duration;

use federation_tests::hostile::{Behaviour, ENDLESS_PAGE_SIZE, HostileServer};
use guildhall_app::map_crawl::CrawlProgress;
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_federation::crawl::{self, CrawlOptions, CrawlSummary};
use guildhall_store::entities::map_instance;
use guildhall_store::map_crawl as store;
use guildhall_store::testing::{TestDb, fresh_database};

/// Only a guard against a hang; nothing is asserted about time.
const HANG_GUARD: Duration = Duration::from_secs(120);

async fn context() -> (AppContext, TestDb) {
    // One TLS stack for outgoing requests, as the server installs it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let db = fresh_database().await;
    guildhall_store::settings::get(&db.db).await.expect("settings row");
    // Nothing listens on port 1: this instance is never contacted by its own crawler.
    let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "localhost:1".into(), https: false });
    (ctx, db)
}

fn options(seeds: &[&HostileServer]) -> CrawlOptions {
    CrawlOptions {
        seeds: seeds.iter().map(|s| s.host().to_owned()).collect(),
        concurrency: 4,
        host_interval: Duration::from_millis(1),
        connect_timeout: Duration::from_secs(2),
        timeout: Duration::from_millis(1500),
        max_pages: 5,
        max_entries: 120,
        allow_private_addresses: true,
        ..CrawlOptions::default()
    }
}

async fn crawl(ctx: &AppContext, options: CrawlOptions) -> (CrawlSummary, Arc<CrawlProgress>) {
    let progress = Arc::new(CrawlProgress::default());
    let summary = tokio::time::timeout(HANG_GUARD, crawl::run(ctx, options, progress.clone()))
        .await
        .expect("the crawl did not end")
        .expect("the crawl failed as a whole");
    (summary, progress)
}

async fn row(ctx: &AppContext, server: &HostileServer) -> map_instance::Model {
    store::find_instance(ctx.db(), server.host())
        .await
        .expect("read")
        .unwrap_or_else(|| panic!("{} unknown", server.host()))
}

#[track_caller]
fn assert_failed(row: &map_instance::Model, needle: &str) {
    assert_eq!(row.status.as_str(), "error", "{row:?}");
    let err = row.last_error.as_deref().unwrap_or_default();
    assert!(err.contains(needle), "{}: expected an error containing {needle:?}, got {err:?}", row.domain);
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_directories_are_bounded_and_recorded_per_instance() {
    let (ctx, _db) = context().await;
    let endless = HostileServer::start(Behaviour::EndlessPages).await;
    let next_loop = HostileServer::start(Behaviour::NextLoop).await;
    let off_host = HostileServer::start(Behaviour::NextOffHost).await;
    let huge = HostileServer::start(Behaviour::HugeBody).await;
    let slow = HostileServer::start(Behaviour::Slow).await;
    let slow_body = HostileServer::start(Behaviour::SlowBody).await;
    let redirects = HostileServer::start(Behaviour::RedirectLoop).await;
    let malformed = HostileServer::start(Behaviour::MalformedJson).await;
    let unlisted = HostileServer::start(Behaviour::Unlisted).await;
    let blocked = HostileServer::start(Behaviour::EndlessPages).await;
    // A cycle: a links to b, b links back to a. Only a is a seed; b is discovered.
    let a = HostileServer::start(Behaviour::Directory).await;
    let b = HostileServer::start(Behaviour::Directory).await;
    a.set_pages(vec![vec![a.entry("a-one", &[b.entry("b-one", &[])["id"].as_str().unwrap().to_owned()])]]);
    b.set_pages(vec![vec![b.entry("b-one", &[a.entry("a-one", &[])["id"].as_str().unwrap().to_owned()])]]);

    let admin = Viewer { account_id: 0, username: "admin".into(), is_admin: true };
    let change = guildhall_app::admin::SettingsChange {
        federation_mode: Some(guildhall_domain::FederationMode::Blocklist),
        federation_domains: Some(vec![blocked.host().to_owned()]),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&ctx, &admin, change).await.expect("blocklist");

    let all =
        [&endless, &next_loop, &off_host, &huge, &slow, &slow_body, &redirects, &malformed, &unlisted, &blocked, &a];
    let (summary, progress) = crawl(&ctx, options(&all)).await;

    // Endless pagination stops at the entry cap (120 = 50 + 50 + 20) after three pages.
    let r = row(&ctx, &endless).await;
    assert_failed(&r, "pagination cap");
    assert_eq!(r.entries_count, 120);
    assert_eq!(store::count_entries(ctx.db(), endless.host()).await.unwrap(), 120);
    assert_eq!(endless.requests(), 3, "no page is fetched beyond the cap");
    assert!(r.next_page.is_none(), "a capped crawl starts from the first page next time");

    let r = row(&ctx, &next_loop).await;
    assert_failed(&r, "loops back");
    assert_eq!((r.entries_count as usize, next_loop.requests()), (ENDLESS_PAGE_SIZE, 1));
    assert_failed(&row(&ctx, &off_host).await, "leaves the instance");
    assert_failed(&row(&ctx, &huge).await, "response too large");
    assert_failed(&row(&ctx, &slow).await, "timed out");
    assert_failed(&row(&ctx, &slow_body).await, "timed out");
    assert_failed(&row(&ctx, &redirects).await, "loops back");
    assert!(redirects.requests() <= 4, "at most a few redirects: {}", redirects.requests());
    assert_failed(&row(&ctx, &malformed).await, "malformed directory JSON");
    for failed in [&huge, &slow, &slow_body, &redirects, &malformed] {
        assert_eq!(store::count_entries(ctx.db(), failed.host()).await.unwrap(), 0);
    }

    assert_eq!(row(&ctx, &unlisted).await.status.as_str(), "opted_out");
    let r = row(&ctx, &blocked).await;
    assert_eq!(r.status.as_str(), "blocked");
    assert_eq!(blocked.requests(), 0, "a blocked instance is never contacted");

    // The cycle ends: each side crawled once, b found through a.
    let (ra, rb) = (row(&ctx, &a).await, row(&ctx, &b).await);
    assert_eq!((ra.status.as_str(), ra.entries_count), ("ok", 1));
    assert_eq!((rb.status.as_str(), rb.entries_count), ("ok", 1));
    assert_eq!(rb.discovered_from.as_deref(), Some(a.host()));
    assert_eq!((a.requests(), b.requests()), (1, 1));
    assert_eq!(ra.name, format!("Stub {}", a.host()));

    let p = progress.snapshot();
    assert_eq!((p.done, p.failed, p.blocked, p.queued), (3, 8, 1, 0), "{p:?}");
    assert_eq!(summary.instances.len(), 12);

    // A second crawl skips what is fresh, retries what failed, and still never contacts the
    // blocked instance.
    let before = (a.requests(), malformed.requests());
    let (_, progress) = crawl(&ctx, options(&[])).await;
    let p = progress.snapshot();
    assert_eq!((p.skipped, p.failed, p.blocked), (3, 8, 1), "{p:?}");
    assert_eq!((a.requests(), malformed.requests()), (before.0, before.1 + 1));
    assert_eq!(blocked.requests(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_crawl_resumes_and_a_complete_one_prunes() {
    let (ctx, _db) = context().await;
    let flaky = HostileServer::start(Behaviour::Flaky).await;
    let pages: Vec<Vec<_>> =
        (1..=3).map(|p| (0..2).map(|i| flaky.entry(&format!("c{p}-{i}"), &[])).collect()).collect();
    flaky.set_pages(pages.clone());

    // Page 2 fails: page 1 is stored and the crawl will resume at page 2.
    crawl(&ctx, options(&[&flaky])).await;
    let r = row(&ctx, &flaky).await;
    assert_failed(&r, "HTTP 500");
    assert_eq!(r.entries_count, 0, "entries_count is set when a crawl of the instance ends");
    assert_eq!(store::count_entries(ctx.db(), flaky.host()).await.unwrap(), 2);
    assert!(r.next_page.as_deref().is_some_and(|n| n.ends_with("page=2")), "{r:?}");

    // The next crawl continues at page 2 (page 1 is not fetched again); page 3 fails once too.
    let requests = flaky.requests();
    crawl(&ctx, options(&[])).await;
    assert_eq!(flaky.requests(), requests + 2, "page 2, then page 3 (which fails)");
    assert!(row(&ctx, &flaky).await.next_page.as_deref().is_some_and(|n| n.ends_with("page=3")));
    crawl(&ctx, options(&[])).await;
    let r = row(&ctx, &flaky).await;
    assert_eq!((r.status.as_str(), r.entries_count, r.next_page.as_deref()), ("ok", 6, None));

    // The directory drops an entry: a forced crawl from page 1 removes it from the map.
    let mut fewer = pages;
    fewer[2].pop();
    flaky.set_pages(fewer);
    crawl(&ctx, CrawlOptions { force: true, ..options(&[]) }).await;
    let r = row(&ctx, &flaky).await;
    assert_eq!((r.status.as_str(), r.entries_count), ("ok", 5));
    let ids: Vec<String> =
        store::entries_of(ctx.db(), flaky.host()).await.unwrap().into_iter().map(|e| e.ap_id).collect();
    assert!(!ids.iter().any(|id| id.ends_with("/c/c3-1")), "{ids:?}");
}

/// A zero-config instance (plain http, dev mode off, no danger setting) crawls through the
/// app's network port like the server does, and never contacts a directory on 127.0.0.1;
/// the same crawl in dev mode does, so the refusal is the settings' doing.
#[tokio::test(flavor = "multi_thread")]
async fn a_non_dev_instance_never_crawls_loopback() {
    use guildhall_app::network::Network;
    use guildhall_federation::Settings;
    use guildhall_federation::network::FederationNetwork;
    let danger = std::env::var("DANGER_FEDERATION_ALLOW_LOCAL_IP");
    assert!(danger.is_err(), "run without DANGER_FEDERATION_ALLOW_LOCAL_IP: it allows loopback on purpose");
    let (ctx, _db) = context().await;
    let local = HostileServer::start(Behaviour::Directory).await;
    local.set_pages(vec![vec![local.entry("on-loopback", &[])]]);
    guildhall_app::map_crawl::ensure_instance(&ctx, local.host(), None).await.expect("known instance");

    let zero_config = FederationNetwork::new(Settings { debug: false, ..Settings::default() });
    zero_config.crawl_map(&ctx, true, Arc::new(CrawlProgress::default())).await.expect("crawl");
    assert_eq!(local.requests(), 0, "127.0.0.1 is never contacted");
    assert_eq!(row(&ctx, &local).await.status.as_str(), "blocked");

    let dev = FederationNetwork::new(Settings { debug: true, ..Settings::default() });
    dev.crawl_map(&ctx, true, Arc::new(CrawlProgress::default())).await.expect("crawl");
    assert!(local.requests() > 0, "dev mode opts in to loopback");
    assert_eq!(row(&ctx, &local).await.status.as_str(), "ok");
}
