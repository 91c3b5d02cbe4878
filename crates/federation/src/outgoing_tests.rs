//! The outbox never drops an intent: transient planning failures wait for the next round,
//! permanent ones are recorded with their reason (what admins see).

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use guildhall_app::outbox::{self, Outgoing};
use guildhall_app::{AppContext, InstanceInfo};
use guildhall_store::entities::outbox as row;
use guildhall_store::testing::{TestDb, fresh_database};
use guildhall_store::{ActiveValue, DbErr};

use super::{MAX_PLAN_ATTEMPTS, Planned, Planner, expand_with};
use crate::Error;

async fn context() -> (AppContext, TestDb) {
    let t = fresh_database().await;
    let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: "a.test".into(), https: false });
    (ctx, t)
}

/// Fails the first `failures` calls with `error`, then plans nothing (there is nobody to tell).
struct Faulty {
    failures: usize,
    calls: AtomicUsize,
    transient: bool,
}

impl Faulty {
    fn new(failures: usize, transient: bool) -> Faulty {
        Faulty { failures, calls: AtomicUsize::new(0), transient }
    }
}

#[async_trait::async_trait]
impl Planner for Faulty {
    async fn plan(&self, _: &AppContext, _: &Outgoing, _: DateTime<Utc>) -> Result<Vec<Planned>, Error> {
        if self.calls.fetch_add(1, Ordering::SeqCst) >= self.failures {
            return Ok(vec![]);
        }
        Err(match self.transient {
            true => guildhall_app::Error::Store(DbErr::Custom("injected: database went away".into()).into()).into(),
            false => Error::BadRequest("injected: the post cannot be expressed".into()),
        })
    }
}

async fn record(ctx: &AppContext) -> i64 {
    outbox::record(ctx.db(), &Outgoing::DiscussionCreated { discussion_id: 7 }).await.expect("record intent");
    guildhall_store::federation::pending_outbox(ctx.db(), 10).await.expect("pending")[0].id
}

async fn stored(ctx: &AppContext, id: i64) -> row::Model {
    guildhall_store::federation::find_outbox(ctx.db(), id).await.expect("read").expect("the intent is kept")
}

#[tokio::test]
async fn a_transient_failure_leaves_the_intent_for_the_next_round() {
    let (ctx, _t) = context().await;
    let id = record(&ctx).await;
    let planner = Faulty::new(1, true);
    expand_with(&ctx, &planner).await.expect("round 1");
    let r = stored(&ctx, id).await;
    assert_eq!(r.processed_at, None, "still pending");
    assert_eq!(r.attempts, 1);
    assert!(r.error.as_deref().unwrap_or_default().contains("went away"), "{:?}", r.error);
    assert_eq!(planner.calls.load(Ordering::SeqCst), 1, "not retried in the same round");

    expand_with(&ctx, &planner).await.expect("round 2");
    let r = stored(&ctx, id).await;
    assert!(r.processed_at.is_some(), "planned in the next round");
    assert_eq!(r.error, None, "the earlier failure is over");
    assert!(guildhall_store::federation::failed_outbox(ctx.db(), 10).await.expect("failed").is_empty());
}

#[tokio::test]
async fn a_permanent_failure_is_recorded_with_its_reason_and_not_retried() {
    let (ctx, _t) = context().await;
    let id = record(&ctx).await;
    let planner = Faulty::new(usize::MAX, false);
    expand_with(&ctx, &planner).await.expect("round 1");
    expand_with(&ctx, &planner).await.expect("round 2");
    assert_eq!(planner.calls.load(Ordering::SeqCst), 1, "given up after one permanent failure");
    let failed = guildhall_store::federation::failed_outbox(ctx.db(), 10).await.expect("failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, id);
    assert!(failed[0].processed_at.is_some());
    assert!(failed[0].error.as_deref().unwrap_or_default().contains("cannot be expressed"));
}

#[tokio::test]
async fn an_unreadable_intent_is_recorded_not_skipped() {
    let (ctx, _t) = context().await;
    let bad = row::ActiveModel {
        intent: ActiveValue::Set("{\"type\":\"no_such_intent\"}".into()),
        created_at: ActiveValue::Set(Utc::now()),
        attempts: ActiveValue::Set(0),
        ..Default::default()
    };
    let id = guildhall_store::federation::insert_outbox(ctx.db(), bad).await.expect("insert").id;
    expand_with(&ctx, &Faulty::new(0, false)).await.expect("round");
    let r = stored(&ctx, id).await;
    assert!(r.processed_at.is_some());
    assert!(r.error.as_deref().unwrap_or_default().contains("unreadable"), "{:?}", r.error);
}

#[tokio::test]
async fn a_fault_that_never_clears_is_given_up_after_the_last_attempt() {
    let (ctx, _t) = context().await;
    let id = record(&ctx).await;
    let planner = Faulty::new(usize::MAX, true);
    for _ in 0..MAX_PLAN_ATTEMPTS {
        expand_with(&ctx, &planner).await.expect("round");
    }
    let r = stored(&ctx, id).await;
    assert_eq!(r.attempts, MAX_PLAN_ATTEMPTS);
    assert!(r.processed_at.is_some(), "given up and shown to admins");
    expand_with(&ctx, &planner).await.expect("one more round");
    assert_eq!(planner.calls.load(Ordering::SeqCst), MAX_PLAN_ATTEMPTS as usize);
}
