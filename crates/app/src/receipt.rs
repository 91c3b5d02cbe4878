//! The receipt of an activity from another server: its de-duplication record is written in the
//! same transaction as the change it makes and the outgoing intents it causes, so a crash or a
//! failed write never leaves an activity marked as seen without being applied (the sender's
//! retry would then be dropped as a duplicate).
//!
//! The federation crate runs each received activity inside [`Receipt::apply`]; every write
//! transaction a use case opens meanwhile begins with [`begin_write`], which records the
//! receipt in that transaction the first time (and again if that transaction rolled back).
//! A second delivery of the same activity finds the record and gets [`Error::Duplicate`].
//! Objects fetched on the way are stored [`outside`] the receipt (storing them again is a
//! no-op), so the record commits with the activity's own change, not with a parent's.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use guildhall_store::DatabaseTransaction;
use guildhall_store::federation as fed;

use crate::{AppContext, Error, Result};

tokio::task_local! {
    static CURRENT: Option<Receipt>;
}

/// How a received post reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Sent straight to our inbox as its own activity: a local community relays it to its
    /// followers (FEP-1b12), and a remote private community must have sent it itself.
    Direct,
    /// Inside a community's `Announce`, or fetched: nothing to relay.
    Relayed,
    /// History fetched when following a community (backfill): nothing to relay, and not
    /// news for watchers.
    Backfilled,
}

/// One received activity, as its de-duplication record.
#[derive(Debug, Clone)]
pub struct Receipt {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    ap_id: String,
    kind: String,
    actor: String,
    json: String,
    /// The record's row id, once a transaction of this receipt wrote it.
    row: Mutex<Option<i64>>,
}

impl Receipt {
    /// The receipt of activity `ap_id` of type `kind` from `actor`, with its JSON as received.
    pub fn new(ap_id: &str, kind: &str, actor: &str, json: String) -> Receipt {
        let inner = Inner { ap_id: ap_id.into(), kind: kind.into(), actor: actor.into(), json, row: Mutex::new(None) };
        Receipt { inner: Arc::new(inner) }
    }

    /// Runs `apply` (the activity's use cases) with this receipt in scope, then records the
    /// receipt on its own if no write transaction did (an activity with nothing to change).
    /// On [`Error::Duplicate`] the activity was applied before: nothing more happens.
    pub async fn apply<T, E, F>(self, ctx: &AppContext, apply: F) -> std::result::Result<Option<T>, E>
    where
        F: Future<Output = std::result::Result<T, E>>,
        E: From<Error> + AsDuplicate,
    {
        match CURRENT.scope(Some(self.clone()), apply).await {
            Ok(value) => {
                self.record_if_missing(ctx).await?;
                Ok(Some(value))
            }
            Err(e) if e.is_duplicate() => Ok(None),
            Err(e) => {
                // A change committed by an earlier transaction of this activity stays; its record
                // goes, so that the sender's retry (after fixing the cause) is applied.
                if let Some(row) = self.row() {
                    fed::delete_activity(ctx.db(), row).await.map_err(Error::from)?;
                }
                Err(e)
            }
        }
    }

    /// Whether this activity was applied before (a read; the insert is the real guard).
    pub async fn seen(&self, ctx: &AppContext) -> Result<bool> {
        Ok(fed::find_activity_by_ap_id(ctx.db(), &self.inner.ap_id).await?.is_some())
    }

    fn row(&self) -> Option<i64> {
        *self.inner.row.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_row(&self, row: i64) {
        *self.inner.row.lock().unwrap_or_else(|p| p.into_inner()) = Some(row);
    }

    /// Writes the record in `txn` unless an earlier, committed transaction of this receipt did.
    async fn record_in(&self, txn: &DatabaseTransaction) -> Result<i64> {
        if let Some(row) = self.row()
            && fed::find_activity(txn, row).await?.is_some()
        {
            return Ok(row);
        }
        let i = &self.inner;
        match fed::insert_activity(txn, &i.ap_id, &i.kind, &i.actor, false, i.json.clone(), Utc::now()).await? {
            Some(stored) => {
                self.set_row(stored.id);
                Ok(stored.id)
            }
            None => Err(Error::Duplicate),
        }
    }

    async fn record_if_missing(&self, ctx: &AppContext) -> Result<()> {
        if let Some(row) = self.row()
            && fed::find_activity(ctx.db(), row).await?.is_some()
        {
            return Ok(());
        }
        let txn = guildhall_store::begin_write(ctx.db()).await?;
        match self.record_in(&txn).await {
            Ok(_) => Ok(txn.commit().await?),
            // Recorded meanwhile by a concurrent delivery of the same activity: equally seen.
            Err(Error::Duplicate) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Lets [`Receipt::apply`] recognise a duplicate inside a caller's error type.
pub trait AsDuplicate {
    /// Whether this error says the activity was applied before.
    fn is_duplicate(&self) -> bool;
}

impl AsDuplicate for Error {
    fn is_duplicate(&self) -> bool {
        matches!(self, Error::Duplicate)
    }
}

/// Begins a write transaction. Inside [`Receipt::apply`] it also records the receipt, so the
/// record commits (or rolls back) with the change; a duplicate delivery gets
/// [`Error::Duplicate`] here, before it changes anything.
pub(crate) async fn begin_write(ctx: &AppContext) -> Result<DatabaseTransaction> {
    let txn = guildhall_store::begin_write(ctx.db()).await?;
    if let Some(receipt) = in_scope() {
        receipt.record_in(&txn).await?;
    }
    Ok(txn)
}

/// The row id of the received activity being applied, recorded in the current transaction
/// (what a local community's relay of it refers to); `None` outside [`Receipt::apply`].
pub(crate) fn current_row() -> Option<i64> {
    in_scope().and_then(|r| r.row())
}

fn in_scope() -> Option<Receipt> {
    CURRENT.try_with(Option::clone).ok().flatten()
}

/// Runs `f` without the receipt in scope: for objects fetched on the way (a reply's parent, the
/// object an `Announce` names by URL). Storing such an object again is a no-op, so it need not
/// commit with the activity's record; the activity's own change does.
pub async fn outside<F: Future>(f: F) -> F::Output {
    CURRENT.scope(None, f).await
}

#[cfg(test)]
mod tests {
    use guildhall_store::testing::{TestDb, fresh_database};

    use super::*;
    use crate::InstanceInfo;
    use crate::outbox::{self, Outgoing};

    async fn context() -> (AppContext, TestDb) {
        let t = fresh_database().await;
        (AppContext::new(t.db.clone(), InstanceInfo { domain: "a.test".into(), https: false }), t)
    }

    fn receipt() -> Receipt {
        Receipt::new("https://b.test/activities/1", "Create", "https://b.test/u/ana", "{}".into())
    }

    /// An inbound change: one outbox intent, written through [`begin_write`]; fails after the
    /// write (before commit) when `fail` is set, as a crash or a database fault would.
    async fn change(ctx: &AppContext, fail: bool) -> Result<()> {
        let txn = begin_write(ctx).await?;
        outbox::record(&txn, &Outgoing::DiscussionCreated { discussion_id: 1 }).await?;
        if fail {
            return Err(Error::Internal("injected fault".into()));
        }
        txn.commit().await?;
        Ok(())
    }

    async fn intents(ctx: &AppContext) -> usize {
        guildhall_store::federation::pending_outbox(ctx.db(), 100).await.expect("outbox").len()
    }

    #[tokio::test]
    async fn a_fault_while_applying_leaves_no_record_and_the_retry_applies_once() {
        let (ctx, _t) = context().await;
        let failed = receipt().apply(&ctx, change(&ctx, true)).await;
        assert!(failed.is_err());
        assert!(!receipt().seen(&ctx).await.expect("seen"), "not marked seen without its change");
        assert_eq!(intents(&ctx).await, 0);

        let retry = receipt().apply(&ctx, change(&ctx, false)).await.expect("retry");
        assert_eq!(retry, Some(()));
        assert!(receipt().seen(&ctx).await.expect("seen"));
        assert_eq!(intents(&ctx).await, 1);

        let again = receipt().apply(&ctx, change(&ctx, false)).await.expect("duplicate");
        assert_eq!(again, None, "a duplicate delivery changes nothing");
        assert_eq!(intents(&ctx).await, 1, "applied exactly once");
    }

    #[tokio::test]
    async fn the_record_commits_with_the_change() {
        let (ctx, _t) = context().await;
        let r = receipt();
        let applied = r
            .clone()
            .apply(&ctx, async {
                let txn = begin_write(&ctx).await?;
                let row = current_row().expect("recorded in this transaction");
                assert!(fed::find_activity(&txn, row).await?.is_some());
                // Not visible outside the transaction before it commits.
                assert!(!receipt().seen(&ctx).await?);
                txn.commit().await?;
                Ok::<_, Error>(row)
            })
            .await
            .expect("applied");
        assert!(applied.is_some());
        assert!(r.seen(&ctx).await.expect("seen"));
    }

    #[tokio::test]
    async fn an_activity_that_changes_nothing_is_still_recorded() {
        let (ctx, _t) = context().await;
        let applied = receipt().apply(&ctx, async { Ok::<_, Error>(()) }).await.expect("applied");
        assert_eq!(applied, Some(()));
        assert!(receipt().seen(&ctx).await.expect("seen"));
        assert_eq!(current_row(), None, "no receipt outside apply");
    }

    #[tokio::test]
    async fn objects_fetched_on_the_way_do_not_take_the_record() {
        let (ctx, _t) = context().await;
        let r = receipt();
        let result = r
            .clone()
            .apply(&ctx, async {
                // A parent fetched and stored on its own, then the activity's change fails.
                outside(change(&ctx, false)).await?;
                change(&ctx, true).await
            })
            .await;
        assert!(result.is_err());
        assert!(!r.seen(&ctx).await.expect("seen"), "the retry will be applied");
        assert_eq!(intents(&ctx).await, 1, "the fetched object stays stored");
    }
}
