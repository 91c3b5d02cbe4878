//! `guildhall search ...`: rebuilding the full-text search index and seeing its queue.

use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use guildhall_app::search_index;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use guildhall::Config;

/// Search index commands.
#[derive(Subcommand)]
pub enum SearchCommand {
    /// Empty the search index and index every searchable row again, showing progress.
    Reindex(ReindexArgs),
    /// Print how many changes wait to be indexed.
    Status,
}

/// Options of `guildhall search reindex`.
#[derive(Args)]
pub struct ReindexArgs {
    /// Rows indexed per batch (each batch is one transaction).
    #[arg(long, default_value_t = 500)]
    batch: u64,
}

/// Runs a search command.
pub async fn run(command: SearchCommand, config: Config) -> Result<(), String> {
    match command {
        SearchCommand::Reindex(args) => reindex(args, config).await,
        SearchCommand::Status => {
            let (ctx, _) = crate::open(&config).await?;
            let pending =
                search_index::pending(&ctx).await.map_err(|e| format!("cannot read the search queue: {e}"))?;
            println!("search queue: {pending} change{} waiting to be indexed", plural(pending));
            Ok(())
        }
    }
}

async fn reindex(args: ReindexArgs, config: Config) -> Result<(), String> {
    let (ctx, _) = crate::open(&config).await?;
    let started = Instant::now();
    let queued = search_index::requeue_all(&ctx).await.map_err(|e| format!("cannot queue the rows to index: {e}"))?;
    // Other changes may already be waiting, or arrive while we drain (a server running on the
    // same database): count them in so the bar does not overflow.
    let total =
        queued.max(search_index::pending(&ctx).await.map_err(|e| format!("cannot read the search queue: {e}"))?);
    println!("queued {queued} row{} for indexing", plural(queued));
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows, {per_sec}, {elapsed} elapsed, about {eta} left")
            .map_err(|e| e.to_string())?,
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    let batch = args.batch.max(1);
    let mut done: u64 = 0;
    loop {
        match search_index::drain(&ctx, batch).await {
            Ok(0) => break,
            Ok(n) => {
                done += n;
                if done > bar.length().unwrap_or(0) {
                    bar.set_length(done);
                }
                bar.set_position(done);
            }
            Err(e) => {
                bar.abandon();
                return Err(format!(
                    "search reindex stopped after {done} row{}: {e} (run the command again to start over)",
                    plural(done)
                ));
            }
        }
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { done as f64 / secs } else { done as f64 };
    println!("search reindex finished: {done} row{} indexed in {secs:.1} s ({rate:.0} rows/s)", plural(done));
    Ok(())
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
