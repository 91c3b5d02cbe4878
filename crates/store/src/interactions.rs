//! Queries behind the Mastodon API's interactions: join requests across the communities a
//! moderator moderates, the posts someone upvoted, and bookmarks.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entities::{bookmark, membership, vote};
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
