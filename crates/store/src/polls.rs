//! Polls, their options and votes.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entities::{account, discussion, poll, poll_option, poll_vote};
use crate::{Result, conflict_on_unique};

/// A poll to store with its discussion.
#[derive(Debug, Clone)]
pub struct NewPoll {
    /// Multiple choice?
    pub multiple: bool,
    /// When it closes.
    pub closes_at: Option<DateTime<Utc>>,
    /// Results hidden until it closes.
    pub hide_results: bool,
    /// The options, in order, with the count their server sent (0 for local polls).
    pub options: Vec<(String, i64)>,
    /// Voters their server counted (0 for local polls).
    pub voters_count: i64,
}

/// A poll with its options in order.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The poll.
    pub poll: poll::Model,
    /// Its options, by position.
    pub options: Vec<poll_option::Model>,
}

/// Stores a poll for a discussion.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    discussion_id: i64,
    new: NewPoll,
    now: DateTime<Utc>,
) -> Result<Loaded> {
    let p = poll::ActiveModel {
        discussion_id: Set(discussion_id),
        multiple: Set(new.multiple),
        closes_at: Set(new.closes_at),
        hide_results: Set(new.hide_results),
        voters_count: Set(new.voters_count),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| conflict_on_unique(e, "poll"))?;
    let mut options = Vec::with_capacity(new.options.len());
    for (i, (name, count)) in new.options.into_iter().enumerate() {
        let o = poll_option::ActiveModel {
            poll_id: Set(p.id),
            position: Set(i as i32),
            name: Set(name),
            remote_count: Set(count),
            ..Default::default()
        };
        options.push(o.insert(db).await?);
    }
    Ok(Loaded { poll: p, options })
}

/// The poll of a discussion, if it has one.
pub async fn find_for_discussion<C: ConnectionTrait>(db: &C, discussion_id: i64) -> Result<Option<Loaded>> {
    let Some(p) = poll::Entity::find().filter(poll::Column::DiscussionId.eq(discussion_id)).one(db).await? else {
        return Ok(None);
    };
    let options = poll_option::Entity::find()
        .filter(poll_option::Column::PollId.eq(p.id))
        .order_by_asc(poll_option::Column::Position)
        .all(db)
        .await?;
    Ok(Some(Loaded { poll: p, options }))
}

/// Which discussions among `ids` carry a poll.
pub async fn discussions_with_polls<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<BTreeSet<i64>> {
    if ids.is_empty() {
        return Ok(BTreeSet::new());
    }
    let rows = poll::Entity::find().filter(poll::Column::DiscussionId.is_in(ids.to_vec())).all(db).await?;
    Ok(rows.into_iter().map(|p| p.discussion_id).collect())
}

/// Every vote in a poll.
pub async fn votes<C: ConnectionTrait>(db: &C, poll_id: i64) -> Result<Vec<poll_vote::Model>> {
    Ok(poll_vote::Entity::find().filter(poll_vote::Column::PollId.eq(poll_id)).all(db).await?)
}

/// The positions an account chose.
pub async fn choices_of<C: ConnectionTrait>(db: &C, poll_id: i64, account_id: i64) -> Result<Vec<i32>> {
    let rows = poll_vote::Entity::find()
        .filter(poll_vote::Column::PollId.eq(poll_id))
        .filter(poll_vote::Column::AccountId.eq(account_id))
        .order_by_asc(poll_vote::Column::Position)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|v| v.position).collect())
}

/// Removes an account's votes in a poll; returns how many there were.
pub async fn clear_votes<C: ConnectionTrait>(db: &C, poll_id: i64, account_id: i64) -> Result<u64> {
    let r = poll_vote::Entity::delete_many()
        .filter(poll_vote::Column::PollId.eq(poll_id))
        .filter(poll_vote::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(r.rows_affected)
}

/// Records one chosen option; `Conflict` when the account already chose it.
pub async fn add_vote<C: ConnectionTrait>(
    db: &C,
    poll_id: i64,
    account_id: i64,
    position: i32,
    ap_id: Option<String>,
    now: DateTime<Utc>,
) -> Result<poll_vote::Model> {
    let v = poll_vote::ActiveModel {
        poll_id: Set(poll_id),
        position: Set(position),
        account_id: Set(account_id),
        ap_id: Set(ap_id),
        created_at: Set(now),
        ..Default::default()
    };
    v.insert(db).await.map_err(|e| conflict_on_unique(e, "vote"))
}

/// Sets whether a poll's counts are hidden (another server's poll: whether it sent any).
pub async fn set_hidden<C: ConnectionTrait>(db: &C, poll: &poll::Model, hidden: bool) -> Result<()> {
    if poll.hide_results != hidden {
        let mut p: poll::ActiveModel = poll.clone().into();
        p.hide_results = Set(hidden);
        p.update(db).await?;
    }
    Ok(())
}

/// Sets the counts another server reported for its poll (by position), its voter count and
/// closing time.
pub async fn set_remote_counts<C: ConnectionTrait>(
    db: &C,
    loaded: &Loaded,
    counts: &[i64],
    voters_count: i64,
    closes_at: Option<DateTime<Utc>>,
) -> Result<()> {
    for (o, count) in loaded.options.iter().zip(counts) {
        if o.remote_count != *count {
            let mut m: poll_option::ActiveModel = o.clone().into();
            m.remote_count = Set(*count);
            m.update(db).await?;
        }
    }
    let mut p: poll::ActiveModel = loaded.poll.clone().into();
    p.voters_count = Set(voters_count);
    p.closes_at = Set(closes_at);
    p.update(db).await?;
    Ok(())
}

/// Polls of local discussions whose close has not been announced yet.
fn unannounced_local() -> sea_orm::Select<poll::Entity> {
    let local = Query::select()
        .column(discussion::Column::Id)
        .from(discussion::Entity)
        .and_where(Expr::col(discussion::Column::ApId).is_null())
        .to_owned();
    poll::Entity::find()
        .filter(poll::Column::CloseAnnouncedAt.is_null())
        .filter(poll::Column::ClosesAt.is_not_null())
        .filter(poll::Column::DiscussionId.in_subquery(local))
}

/// Local polls that closed at or before `now` and whose close was not announced yet, oldest
/// close first.
pub async fn closed_unannounced<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<poll::Model>> {
    Ok(unannounced_local()
        .filter(poll::Column::ClosesAt.lte(now))
        .order_by_asc(poll::Column::ClosesAt)
        .limit(limit)
        .all(db)
        .await?)
}

/// The earliest closing time of a local poll whose close is still to be announced.
pub async fn next_close_to_announce<C: ConnectionTrait>(db: &C) -> Result<Option<DateTime<Utc>>> {
    let next = unannounced_local().order_by_asc(poll::Column::ClosesAt).one(db).await?;
    Ok(next.and_then(|p| p.closes_at))
}

/// Marks a poll's close as announced; false if it already was (another worker took it).
pub async fn mark_close_announced<C: ConnectionTrait>(db: &C, poll_id: i64, now: DateTime<Utc>) -> Result<bool> {
    let res = poll::Entity::update_many()
        .col_expr(poll::Column::CloseAnnouncedAt, Expr::value(now))
        .filter(poll::Column::Id.eq(poll_id))
        .filter(poll::Column::CloseAnnouncedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Polls of other servers' discussions that closed at or before `now`, that someone on this
/// server voted in, and whose voters were not told yet, oldest close first.
pub async fn remote_closed_untold<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<poll::Model>> {
    let remote = Query::select()
        .column(discussion::Column::Id)
        .from(discussion::Entity)
        .and_where(Expr::col(discussion::Column::ApId).is_not_null())
        .to_owned();
    let local_voters = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(Expr::col(account::Column::Domain).eq(""))
        .to_owned();
    let voted_here = Query::select()
        .column(poll_vote::Column::PollId)
        .from(poll_vote::Entity)
        .and_where(Expr::col(poll_vote::Column::AccountId).in_subquery(local_voters))
        .to_owned();
    Ok(poll::Entity::find()
        .filter(poll::Column::CloseAnnouncedAt.is_null())
        .filter(poll::Column::ClosesAt.lte(now))
        .filter(poll::Column::DiscussionId.in_subquery(remote))
        .filter(poll::Column::Id.in_subquery(voted_here))
        .order_by_asc(poll::Column::ClosesAt)
        .limit(limit)
        .all(db)
        .await?)
}
