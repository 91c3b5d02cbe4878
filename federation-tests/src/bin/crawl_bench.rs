//! Network-map crawl benchmark: N simulated instances (default 500), each its own loopback HTTP
//! server publishing a directory of C communities (default 20, one page), linked as a tree so
//! the crawler, started from the first instance only, discovers the rest through entries'
//! links. Runs the real crawler (`guildhall_federation::crawl`) on a temporary database (SQLite,
//! or PostgreSQL with `GUILDHALL_TEST_DATABASE_URL`) and prints the time, instances per second,
//! entries stored and peak memory (VmHWM of this process, which also holds the servers).
//!
//! ```text
//! cargo build --release -p federation-tests --bin crawl_bench
//! target/release/crawl_bench --instances 500 --communities 20 --concurrency 8
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use guildhall_app::map_crawl::CrawlProgress;
use guildhall_app::{AppContext, InstanceInfo};
use guildhall_federation::crawl::{self, CrawlOptions};
use serde_json::{Value, json};

struct Args {
    instances: usize,
    communities: usize,
    concurrency: usize,
}

fn args() -> Args {
    let mut a = Args { instances: 500, communities: 20, concurrency: 8 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--instances", Some(v)) => a.instances = v,
            ("--communities", Some(v)) => a.communities = v,
            ("--concurrency", Some(v)) => a.concurrency = v,
            _ => {
                eprintln!("usage: crawl_bench [--instances N] [--communities N] [--concurrency N]");
                std::process::exit(2);
            }
        }
    }
    a
}

/// One simulated instance: its own base URL and the instances its entries link to.
struct Site {
    index: usize,
    base: String,
    links: Vec<String>,
    communities: usize,
}

fn directory(site: &Site) -> Value {
    let entries: Vec<Value> = (0..site.communities)
        .map(|c| {
            // The first entries carry the links to the next instances of the tree.
            let links: Vec<&String> = site.links.iter().skip(c).take(1).collect();
            json!({
                "id": format!("{}/c/cop-{}-{c}", site.base, site.index), "kind": "community",
                "name": format!("cop-{}-{c}", site.index), "title": format!("Community {c} of dept {}", site.index),
                "summary": "A simulated community of practice for the crawl benchmark.",
                "url": format!("{}/communities/cop-{}-{c}", site.base, site.index),
                "tags": ["benchmark", "ux", "identity"], "visibility": "public", "member_count": 40 + c,
                "active_30d": c, "lifecycle": "active", "guild_focus": "", "organisation": format!("Dept {}", site.index),
                "government": "Benchland", "contact": "", "links": links,
            })
        })
        .collect();
    json!({
        "instance": {"domain": site.base.trim_start_matches("http://"), "name": format!("Dept {}", site.index),
                     "organisation": format!("Dept {}", site.index), "government": "Benchland",
                     "software": "bench", "version": "1"},
        "entries": entries, "page": 1, "total": site.communities, "next": null,
    })
}

async fn serve_directory(State(site): State<Arc<Site>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], directory(&site).to_string())
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let a = args();
    let mut listeners = Vec::with_capacity(a.instances);
    for _ in 0..a.instances {
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"));
    }
    let bases: Vec<String> = listeners.iter().map(|l| format!("http://{}", l.local_addr().expect("address"))).collect();
    for (i, listener) in listeners.into_iter().enumerate() {
        // A tree: instance i links to 2i+1 and 2i+2 (and back to its parent).
        let mut links: Vec<String> =
            [2 * i + 1, 2 * i + 2].iter().filter_map(|&j| bases.get(j)).map(|b| format!("{b}/c/linked")).collect();
        if i > 0 {
            links.push(format!("{}/c/parent", bases[(i - 1) / 2]));
        }
        let site = Arc::new(Site { index: i, base: bases[i].clone(), links, communities: a.communities });
        let app =
            Router::new().route("/api/guildhall/v1/directory", axum::routing::get(serve_directory)).with_state(site);
        tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
    }
    let db = guildhall_store::testing::fresh_database().await;
    guildhall_store::settings::get(&db.db).await.expect("settings");
    let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "localhost:1".into(), https: false });
    let options = CrawlOptions {
        seeds: vec![bases[0].trim_start_matches("http://").to_owned()],
        concurrency: a.concurrency,
        max_instances: a.instances + 10,
        allow_private_addresses: true,
        ..CrawlOptions::default()
    };
    let before = vm_hwm_kib();
    let progress = Arc::new(CrawlProgress::default());
    let started = Instant::now();
    let summary = tokio::time::timeout(Duration::from_secs(1800), crawl::run(&ctx, options, progress.clone()))
        .await
        .expect("the crawl did not end within 30 minutes")
        .expect("the crawl failed");
    let elapsed = started.elapsed();
    let p = progress.snapshot();
    let stored = guildhall_store::map_crawl::total_entries(ctx.db()).await.expect("count");
    let failed: Vec<_> = summary.instances.iter().filter(|i| i.error.is_some()).take(3).collect();
    println!("instances simulated:   {}", a.instances);
    println!("communities each:      {}", a.communities);
    println!("concurrency:           {}", a.concurrency);
    println!(
        "database:              {}",
        if std::env::var("GUILDHALL_TEST_DATABASE_URL").is_ok() { "PostgreSQL" } else { "SQLite" }
    );
    println!("instances crawled:     {} ok, {} failed", p.done, p.failed);
    println!("entries stored:        {stored}");
    println!("total time:            {:.2} s", elapsed.as_secs_f64());
    println!("instances per second:  {:.1}", p.done as f64 / elapsed.as_secs_f64());
    println!("peak memory (VmHWM):   {} MiB before the crawl, {} MiB after", before / 1024, vm_hwm_kib() / 1024);
    if !failed.is_empty() {
        println!("first failures:        {failed:?}");
    }
    if p.done as usize != a.instances || stored as usize != a.instances * a.communities {
        eprintln!("crawl_bench: not every instance or entry was crawled");
        std::process::exit(1);
    }
}
