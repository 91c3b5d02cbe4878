//! Votes on discussions, replies and events.

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
    /// An event.
    Event(i64),
}

impl Target {
    /// (discussion, reply, event) ids, as the columns hold them.
    pub fn columns(self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match self {
            Target::Discussion(id) => (Some(id), None, None),
            Target::Reply(id) => (None, Some(id), None),
            Target::Event(id) => (None, None, Some(id)),
        }
    }

    /// What a stored vote is on.
    pub fn of(v: &vote::Model) -> Option<Target> {
        Target::from_columns(v.discussion_id, v.reply_id, v.event_id)
    }

    /// The target the (discussion, reply, event) ids name: the first one set.
    pub fn from_columns(discussion: Option<i64>, reply: Option<i64>, event: Option<i64>) -> Option<Target> {
        match (discussion, reply, event) {
            (Some(id), _, _) => Some(Target::Discussion(id)),
            (_, Some(id), _) => Some(Target::Reply(id)),
            (_, _, Some(id)) => Some(Target::Event(id)),
            _ => None,
        }
    }
}

fn filter_target(q: sea_orm::Select<vote::Entity>, t: Target) -> sea_orm::Select<vote::Entity> {
    match t {
        Target::Discussion(id) => q.filter(vote::Column::DiscussionId.eq(id)),
        Target::Reply(id) => q.filter(vote::Column::ReplyId.eq(id)),
        Target::Event(id) => q.filter(vote::Column::EventId.eq(id)),
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
    let (discussion_id, reply_id, event_id) = t.columns();
    let m = vote::ActiveModel {
        account_id: Set(account_id),
        discussion_id: Set(discussion_id),
        reply_id: Set(reply_id),
        event_id: Set(event_id),
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

/// (upvotes, downvotes) for several targets, one query per kind of target.
pub async fn tallies<C: ConnectionTrait>(db: &C, targets: &[Target]) -> Result<HashMap<Target, (i64, i64)>> {
    let ids = |pick: fn(&Target) -> Option<i64>| targets.iter().filter_map(pick).collect::<Vec<i64>>();
    let d = ids(|t| if let Target::Discussion(id) = t { Some(*id) } else { None });
    let r = ids(|t| if let Target::Reply(id) = t { Some(*id) } else { None });
    let e = ids(|t| if let Target::Event(id) = t { Some(*id) } else { None });
    let mut out: HashMap<Target, (i64, i64)> = HashMap::new();
    let mut rows = Vec::new();
    if !d.is_empty() {
        rows.extend(vote::Entity::find().filter(vote::Column::DiscussionId.is_in(d)).all(db).await?);
    }
    if !r.is_empty() {
        rows.extend(vote::Entity::find().filter(vote::Column::ReplyId.is_in(r)).all(db).await?);
    }
    if !e.is_empty() {
        rows.extend(vote::Entity::find().filter(vote::Column::EventId.is_in(e)).all(db).await?);
    }
    for v in rows {
        let Some(key) = Target::of(&v) else { continue };
        let e = out.entry(key).or_default();
        if v.value > 0 { e.0 += 1 } else { e.1 += 1 }
    }
    Ok(out)
}

/// An account's votes (+1/-1) on several events.
pub async fn mine_on_events<C: ConnectionTrait>(db: &C, account_id: i64, events: &[i64]) -> Result<HashMap<i64, i16>> {
    if events.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = vote::Entity::find()
        .filter(vote::Column::AccountId.eq(account_id))
        .filter(vote::Column::EventId.is_in(events.to_vec()))
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|v| Some((v.event_id?, v.value))).collect())
}
