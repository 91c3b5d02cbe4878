//! `guildhall map ...`: the network-map crawler from the command line.

use std::time::Duration;

use clap::{Args, Subcommand};
use guildhall_federation::crawl::{self, CrawlOptions};

use guildhall::Config;

/// Network-map commands.
#[derive(Subcommand)]
pub enum MapCommand {
    /// Crawl the directories of known instances and store what they list.
    Crawl(CrawlArgs),
}

/// Options of `guildhall map crawl`.
#[derive(Args)]
pub struct CrawlArgs {
    /// Crawl every instance, even those crawled less than `map_refresh_hours` ago.
    #[arg(long)]
    force: bool,
    /// An extra host to start from (repeatable), besides known peers and `map_seeds`.
    #[arg(long = "seed", value_name = "HOST")]
    seeds: Vec<String>,
    /// Instances crawled at once.
    #[arg(long, env = "GUILDHALL_MAP_CONCURRENCY", default_value_t = 8)]
    concurrency: usize,
    /// Minimum milliseconds between two requests to one host.
    #[arg(long, env = "GUILDHALL_MAP_INTERVAL_MS", default_value_t = 500)]
    interval_ms: u64,
    /// Milliseconds allowed to connect.
    #[arg(long, env = "GUILDHALL_MAP_CONNECT_TIMEOUT_MS", default_value_t = 5_000)]
    connect_timeout_ms: u64,
    /// Milliseconds allowed for a whole request, body included.
    #[arg(long, env = "GUILDHALL_MAP_TIMEOUT_MS", default_value_t = 15_000)]
    timeout_ms: u64,
    /// Pages fetched per instance.
    #[arg(long, env = "GUILDHALL_MAP_MAX_PAGES", default_value_t = 40)]
    max_pages: usize,
    /// Entries stored per instance.
    #[arg(long, env = "GUILDHALL_MAP_MAX_ENTRIES", default_value_t = 2000)]
    max_entries: usize,
}

/// Runs a map command.
pub async fn run(command: MapCommand, config: Config) -> Result<(), String> {
    match command {
        MapCommand::Crawl(args) => crawl_command(args, config).await,
    }
}

async fn crawl_command(args: CrawlArgs, config: Config) -> Result<(), String> {
    let (ctx, _) = crate::open(&config).await?;
    let job = ctx.map_crawl().try_start().ok_or("a crawl is already running in this process")?;
    let options = CrawlOptions {
        force: args.force,
        seeds: args.seeds,
        concurrency: args.concurrency.max(1),
        host_interval: Duration::from_millis(args.interval_ms),
        connect_timeout: Duration::from_millis(args.connect_timeout_ms.max(1)),
        timeout: Duration::from_millis(args.timeout_ms.max(1)),
        max_pages: args.max_pages.max(1),
        max_entries: args.max_entries,
        ..CrawlOptions::for_instance(config.federation_settings())
    };
    let progress = job.progress();
    let task_ctx = ctx.clone();
    let mut handle = tokio::spawn(async move { crawl::run(&task_ctx, options, progress).await });
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ticks.tick().await;
    let mut last = None;
    let result = loop {
        tokio::select! {
            r = &mut handle => break r,
            _ = ticks.tick() => {
                let p = ctx.map_crawl().status().progress;
                if last != Some(p) {
                    println!(
                        "crawling: {} done, {} failed, {} skipped, {} blocked, {} queued, {} entries",
                        p.done, p.failed, p.skipped, p.blocked, p.queued, p.entries
                    );
                    last = Some(p);
                }
            }
        }
    };
    let summary = match result {
        Ok(Ok(summary)) => summary,
        Ok(Err(e)) => {
            job.finish(Some(e.to_string()));
            return Err(format!("map crawl stopped: {e}"));
        }
        Err(e) => {
            job.finish(Some(e.to_string()));
            return Err(format!("map crawl stopped: {e}"));
        }
    };
    job.finish(None);
    for i in &summary.instances {
        match &i.error {
            Some(e) => println!("{:<8} {} ({} entries, {} pages): {e}", i.status, i.domain, i.entries, i.pages),
            None => println!("{:<8} {} ({} entries, {} pages)", i.status, i.domain, i.entries, i.pages),
        }
    }
    let p = ctx.map_crawl().status().progress;
    let total = guildhall_store::map_crawl::total_entries(ctx.db()).await.map_err(|e| e.to_string())?;
    println!(
        "map crawl finished: {} instances ({} done, {} failed, {} skipped, {} blocked), {} entries stored, {total} on the map",
        summary.instances.len(),
        p.done,
        p.failed,
        p.skipped,
        p.blocked,
        p.entries
    );
    if summary.left_out > 0 {
        println!("{} further hosts were left out (instance limit reached)", summary.left_out);
    }
    Ok(())
}
