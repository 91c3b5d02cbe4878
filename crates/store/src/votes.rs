//! Votes on discussions and replies.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Result;
use crate::entities::vote;

/// What a vote is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A discussion.
    Discussion(i64),
    /// A reply.
    Reply(i64),
}

fn filter_target(q: sea_orm::Select<vote::Entity>, t: Target) -> sea_orm::Select<vote::Entity> {
    match t {
        Target::Discussion(id) => q.filter(vote::Column::DiscussionId.eq(id)),
        Target::Reply(id) => q.filter(vote::Column::ReplyId.eq(id)),
    }
}

/// An account's vote on a target.
pub async fn find<C: ConnectionTrait>(db: &C, account_id: i64, t: Target) -> Result<Option<vote::Model>> {
    Ok(filter_target(vote::Entity::find(), t).filter(vote::Column::AccountId.eq(account_id)).one(db).await?)
}

/// Finds a vote by its Like/Dislike activity id.
pub async fn find_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<vote::Model>> {
    Ok(vote::Entity::find().filter(vote::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Finds a vote by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<vote::Model>> {
    Ok(vote::Entity::find_by_id(id).one(db).await?)
}

/// Sets an account's vote (+1/-1), replacing an earlier one; returns the stored vote.
pub async fn set<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    t: Target,
    value: i16,
    ap_id: Option<String>,
    now: DateTime<Utc>,
) -> Result<vote::Model> {
    if let Some(existing) = find(db, account_id, t).await? {
        let mut m: vote::ActiveModel = existing.into();
        m.value = Set(value);
        m.ap_id = Set(ap_id);
        m.created_at = Set(now);
        return Ok(m.update(db).await?);
    }
    let (discussion_id, reply_id) = match t {
        Target::Discussion(id) => (Some(id), None),
        Target::Reply(id) => (None, Some(id)),
    };
    let m = vote::ActiveModel {
        account_id: Set(account_id),
        discussion_id: Set(discussion_id),
        reply_id: Set(reply_id),
        value: Set(value),
        ap_id: Set(ap_id),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(m.insert(db).await?)
}

/// Removes an account's vote; returns what was removed.
pub async fn remove<C: ConnectionTrait>(db: &C, account_id: i64, t: Target) -> Result<Option<vote::Model>> {
    let Some(existing) = find(db, account_id, t).await? else { return Ok(None) };
    vote::Entity::delete_by_id(existing.id).exec(db).await?;
    Ok(Some(existing))
}

/// (upvotes, downvotes) for several targets of one kind, in one query.
pub async fn tallies<C: ConnectionTrait>(db: &C, targets: &[Target]) -> Result<HashMap<Target, (i64, i64)>> {
    let d: Vec<i64> =
        targets.iter().filter_map(|t| if let Target::Discussion(id) = t { Some(*id) } else { None }).collect();
    let r: Vec<i64> = targets.iter().filter_map(|t| if let Target::Reply(id) = t { Some(*id) } else { None }).collect();
    let mut out: HashMap<Target, (i64, i64)> = HashMap::new();
    let mut rows = Vec::new();
    if !d.is_empty() {
        rows.extend(vote::Entity::find().filter(vote::Column::DiscussionId.is_in(d)).all(db).await?);
    }
    if !r.is_empty() {
        rows.extend(vote::Entity::find().filter(vote::Column::ReplyId.is_in(r)).all(db).await?);
    }
    for v in rows {
        let key = match (v.discussion_id, v.reply_id) {
            (Some(id), _) => Target::Discussion(id),
            (_, Some(id)) => Target::Reply(id),
            _ => continue,
        };
        let e = out.entry(key).or_default();
        if v.value > 0 { e.0 += 1 } else { e.1 += 1 }
    }
    Ok(out)
}
