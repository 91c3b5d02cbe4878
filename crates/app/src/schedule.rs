//! Work that falls due with the clock rather than with a request: one loop per process
//! runs each job every [`INTERVAL`]. Each job reads what is due from the database and
//! records what it did there, so a restart, or a second process on the same database,
//! does nothing twice.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::AppContext;

/// How often the jobs run.
pub const INTERVAL: Duration = Duration::from_secs(60);

/// Runs every job once, as of `now`; a failing job is logged and does not stop the others.
pub async fn tick(ctx: &AppContext, now: DateTime<Utc>) {
    report("email purge", crate::email::purge(ctx, now).await);
    report("confirmation link purge", crate::email_confirmation::purge(ctx, now).await);
    report("event reminders", crate::events::reminders::run_due(ctx, now).await);
    report("remote poll closes", crate::polls::remote_closes_due(ctx, now).await);
    report("notification email", crate::notify_email::send_all(ctx, now).await);
}

/// Logs what a job did, or why it failed.
fn report(job: &str, outcome: crate::Result<usize>) {
    match outcome {
        Ok(0) => {}
        Ok(n) => tracing::info!(job, done = n, "scheduled job ran"),
        Err(error) => tracing::warn!(job, %error, "scheduled job failed"),
    }
}

/// Runs [`tick`] every [`INTERVAL`] until the task is aborted.
pub async fn run(ctx: AppContext) {
    let mut interval = tokio::time::interval(INTERVAL);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        tick(&ctx, Utc::now()).await;
    }
}
