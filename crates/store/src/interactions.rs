//! Queries behind the Mastodon API's interactions: join requests across the communities a
//! moderator moderates, the posts someone upvoted, and bookmarks.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entities::{bookmark, membership, notification, vote};
use crate::{Result, conflict_on_unique};
use guildhall_domain::MembershipStatus;

/// Pending memberships in the communities `moderator_id` actively moderates, oldest first.
pub async fn pending_in_moderated<C: ConnectionTrait>(
    db: &C,
    moderator_id: i64,
    limit: u64,
) -> Result<Vec<membership::Model>> {
    let moderated: Vec<i64> = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(moderator_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::IsModerator.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.community_id)
        .collect();
    if moderated.is_empty() {
        return Ok(vec![]);
    }
    Ok(membership::Entity::find()
        .filter(membership::Column::CommunityId.is_in(moderated))
        .filter(membership::Column::Status.eq(MembershipStatus::Pending))
        .order_by_asc(membership::Column::CreatedAt)
        .order_by_asc(membership::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What a bookmark or upvote points at: a discussion or a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Post {
    /// A discussion.
    Discussion(i64),
    /// A reply.
    Reply(i64),
}

/// An account's upvotes on discussions and replies, newest first, with the vote id (the
/// cursor): at most `limit`, older than `max_id` when given.
pub async fn upvoted<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    max_id: Option<i64>,
    limit: u64,
) -> Result<Vec<(i64, Post)>> {
    let mut q = vote::Entity::find()
        .filter(vote::Column::AccountId.eq(account_id))
        .filter(vote::Column::Value.gt(0))
        .filter(vote::Column::EventId.is_null());
    if let Some(max) = max_id {
        q = q.filter(vote::Column::Id.lt(max));
    }
    let rows = q.order_by_desc(vote::Column::Id).limit(limit).all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|v| match (v.discussion_id, v.reply_id) {
            (_, Some(r)) => Some((v.id, Post::Reply(r))),
            (Some(d), None) => Some((v.id, Post::Discussion(d))),
            _ => None,
        })
        .collect())
}

fn post_filter(p: Post) -> sea_orm::Condition {
    match p {
        Post::Discussion(id) => sea_orm::Condition::all()
            .add(bookmark::Column::DiscussionId.eq(id))
            .add(bookmark::Column::ReplyId.is_null()),
        Post::Reply(id) => sea_orm::Condition::all().add(bookmark::Column::ReplyId.eq(id)),
    }
}

/// Bookmarks a post (nothing happens when it is already bookmarked).
pub async fn add_bookmark<C: ConnectionTrait>(db: &C, account_id: i64, p: Post, now: DateTime<Utc>) -> Result<()> {
    if is_bookmarked(db, account_id, p).await? {
        return Ok(());
    }
    let (discussion_id, reply_id) = match p {
        Post::Discussion(id) => (Some(id), None),
        Post::Reply(id) => (None, Some(id)),
    };
    let row = bookmark::ActiveModel {
        account_id: Set(account_id),
        discussion_id: Set(discussion_id),
        reply_id: Set(reply_id),
        created_at: Set(now),
        ..Default::default()
    };
    match bookmark::Entity::insert(row).exec(db).await {
        Ok(_) => Ok(()),
        // A concurrent bookmark of the same post won: the post is bookmarked either way.
        Err(e) => match conflict_on_unique(e, "bookmark") {
            crate::Error::Conflict(_) => Ok(()),
            other => Err(other),
        },
    }
}

/// Removes a bookmark (nothing happens when there is none).
pub async fn remove_bookmark<C: ConnectionTrait>(db: &C, account_id: i64, p: Post) -> Result<()> {
    bookmark::Entity::delete_many()
        .filter(bookmark::Column::AccountId.eq(account_id))
        .filter(post_filter(p))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether the account bookmarked the post.
pub async fn is_bookmarked<C: ConnectionTrait>(db: &C, account_id: i64, p: Post) -> Result<bool> {
    Ok(bookmark::Entity::find()
        .filter(bookmark::Column::AccountId.eq(account_id))
        .filter(post_filter(p))
        .one(db)
        .await?
        .is_some())
}

/// An account's bookmarks, newest first, with the bookmark id (the cursor).
pub async fn bookmarks<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    max_id: Option<i64>,
    limit: u64,
) -> Result<Vec<(i64, Post)>> {
    let mut q = bookmark::Entity::find().filter(bookmark::Column::AccountId.eq(account_id));
    if let Some(max) = max_id {
        q = q.filter(bookmark::Column::Id.lt(max));
    }
    let rows = q.order_by_desc(bookmark::Column::Id).limit(limit).all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|b| match (b.discussion_id, b.reply_id) {
            (_, Some(r)) => Some((b.id, Post::Reply(r))),
            (Some(d), None) => Some((b.id, Post::Discussion(d))),
            _ => None,
        })
        .collect())
}

/// Which of an account's notifications to list (Mastodon's cursors are notification ids).
#[derive(Debug, Clone, Default)]
pub struct NotificationQuery {
    /// Older than this id.
    pub max_id: Option<i64>,
    /// Newer than this id.
    pub since_id: Option<i64>,
    /// Only these kinds (`None`: all).
    pub kinds: Option<Vec<String>>,
    /// Not these kinds.
    pub exclude: Vec<String>,
    /// At most this many.
    pub limit: u64,
}

/// An account's notifications, newest first.
pub async fn notifications<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    q: &NotificationQuery,
) -> Result<Vec<notification::Model>> {
    let mut f = notification::Entity::find().filter(notification::Column::AccountId.eq(account_id));
    if let Some(max) = q.max_id {
        f = f.filter(notification::Column::Id.lt(max));
    }
    if let Some(since) = q.since_id {
        f = f.filter(notification::Column::Id.gt(since));
    }
    if let Some(kinds) = &q.kinds {
        f = f.filter(notification::Column::Kind.is_in(kinds.iter().cloned()));
    }
    if !q.exclude.is_empty() {
        f = f.filter(notification::Column::Kind.is_not_in(q.exclude.iter().cloned()));
    }
    Ok(f.order_by_desc(notification::Column::Id).limit(q.limit).all(db).await?)
}

/// One of an account's notifications.
pub async fn notification<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<notification::Model>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// Deletes one of an account's notifications; whether there was one.
pub async fn dismiss_notification<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<bool> {
    let res = notification::Entity::delete_many()
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Deletes all of an account's notifications.
pub async fn clear_notifications<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64> {
    let res =
        notification::Entity::delete_many().filter(notification::Column::AccountId.eq(account_id)).exec(db).await?;
    Ok(res.rows_affected)
}
