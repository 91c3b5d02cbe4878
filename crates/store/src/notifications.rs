//! Notifications for accounts on this server: written in bulk by the use case that caused
//! them, read and marked read only by their owner.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entities::{account, event_participant, membership, notification, poll_vote};
use crate::{Page, Paged, Result};
use guildhall_domain::event::ParticipantStatus;

/// A notification to write.
#[derive(Debug, Clone)]
pub struct NewNotification {
    /// Whose it is.
    pub account_id: i64,
    /// What happened (stable name).
    pub kind: String,
    /// The title of what it is about.
    pub title: String,
    /// Extra detail (may be empty).
    pub body: String,
    /// A local path.
    pub link: String,
    /// Who caused it.
    pub actor_id: Option<i64>,
    /// The community it happened in.
    pub community_id: Option<i64>,
    /// The discussion it is about (or the reply's).
    pub discussion_id: Option<i64>,
    /// The reply it is about.
    pub reply_id: Option<i64>,
}

/// Inserts notifications, all stamped `at`; returns how many.
pub async fn insert_many<C: ConnectionTrait>(db: &C, new: Vec<NewNotification>, at: DateTime<Utc>) -> Result<usize> {
    // An empty multi-row INSERT is not valid SQL.
    if new.is_empty() {
        return Ok(0);
    }
    let n = new.len();
    let rows = new.into_iter().map(|n| notification::ActiveModel {
        account_id: Set(n.account_id),
        kind: Set(n.kind),
        title: Set(n.title),
        body: Set(n.body),
        link: Set(n.link),
        created_at: Set(at),
        read_at: Set(None),
        actor_id: Set(n.actor_id),
        community_id: Set(n.community_id),
        discussion_id: Set(n.discussion_id),
        reply_id: Set(n.reply_id),
        ..Default::default()
    });
    notification::Entity::insert_many(rows).exec_without_returning(db).await?;
    Ok(n)
}

/// An account's notifications, newest first.
pub async fn list<C: ConnectionTrait>(db: &C, account_id: i64, page: Page) -> Result<Paged<notification::Model>> {
    list_kinds(db, account_id, &[], page).await
}

/// An account's notifications of `kinds` (all when empty), newest first.
pub async fn list_kinds<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    kinds: &[&str],
    page: Page,
) -> Result<Paged<notification::Model>> {
    let mut q = notification::Entity::find().filter(notification::Column::AccountId.eq(account_id));
    if !kinds.is_empty() {
        q = q.filter(notification::Column::Kind.is_in(kinds.iter().map(|k| k.to_string())));
    }
    let rows = q
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// How many of an account's notifications are unread (one `COUNT`, on the index).
pub async fn count_unread<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks one notification read if `account_id` owns it; false when it is not theirs (or
/// does not exist). Marking an already read one again keeps its first time.
pub async fn mark_read<C: ConnectionTrait>(db: &C, account_id: i64, id: i64, at: DateTime<Utc>) -> Result<bool> {
    let owned = notification::Entity::find()
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::AccountId.eq(account_id))
        .count(db)
        .await?;
    if owned == 0 {
        return Ok(false);
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(at))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(true)
}

/// Marks read, together, an account's unread notifications of `kind` about `discussion_id`
/// (a grouped line); returns how many changed.
pub async fn mark_read_about<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    kind: &str,
    discussion_id: i64,
    at: DateTime<Utc>,
) -> Result<u64> {
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(at))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::DiscussionId.eq(discussion_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// One of an account's notifications (none when it is not theirs).
pub async fn find_owned<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<notification::Model>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// Marks all of an account's unread notifications read; returns how many changed.
pub async fn mark_all_read<C: ConnectionTrait>(db: &C, account_id: i64, at: DateTime<Utc>) -> Result<u64> {
    let res = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(at))
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The accounts on this server with an RSVP to an event in one of `statuses`, except
/// `except`: who to tell about a change to it. Remote people hear over federation instead.
pub async fn local_participants<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    statuses: &[ParticipantStatus],
    except: i64,
) -> Result<Vec<i64>> {
    let local = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::Domain.eq(""))
        .to_owned();
    Ok(event_participant::Entity::find()
        .select_only()
        .column(event_participant::Column::AccountId)
        .filter(event_participant::Column::EventId.eq(event_id))
        .filter(event_participant::Column::Status.is_in(statuses.iter().copied()))
        .filter(event_participant::Column::AccountId.ne(except))
        .filter(event_participant::Column::AccountId.in_subquery(local))
        .order_by_asc(event_participant::Column::AccountId)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Of `accounts`, those on this server (people on other servers hear over federation), in
/// ascending order without repeats.
pub async fn local_only<C: ConnectionTrait>(db: &C, accounts: &[i64]) -> Result<Vec<i64>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Id.is_in(accounts.iter().copied()))
        .filter(account::Column::Domain.eq(""))
        .order_by_asc(account::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The local accounts with these usernames (case-insensitive: usernames are stored lowercase).
pub async fn local_by_usernames<C: ConnectionTrait>(db: &C, names: &[String]) -> Result<Vec<i64>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::Username.is_in(lower))
        .filter(account::Column::Domain.eq(""))
        .order_by_asc(account::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The active moderators of a community (any server; callers keep the local ones).
pub async fn moderators<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<i64>> {
    Ok(membership::Entity::find()
        .select_only()
        .column(membership::Column::AccountId)
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::IsModerator.eq(true))
        .filter(membership::Column::Status.eq(guildhall_domain::MembershipStatus::Active))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Everyone who voted in a poll (each once).
pub async fn poll_voters<C: ConnectionTrait>(db: &C, poll_id: i64) -> Result<Vec<i64>> {
    Ok(poll_vote::Entity::find()
        .select_only()
        .column(poll_vote::Column::AccountId)
        .distinct()
        .filter(poll_vote::Column::PollId.eq(poll_id))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Whether `account_id` already has a notification of `kind` by `actor_id` about this post:
/// a favourite withdrawn and given again is told once.
pub async fn exists_about<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    kind: &str,
    actor_id: i64,
    discussion_id: Option<i64>,
    reply_id: Option<i64>,
) -> Result<bool> {
    let mut f = notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account_id))
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::ActorId.eq(actor_id));
    f = match reply_id {
        Some(r) => f.filter(notification::Column::ReplyId.eq(r)),
        None => f.filter(notification::Column::ReplyId.is_null()),
    };
    f = match discussion_id {
        Some(d) => f.filter(notification::Column::DiscussionId.eq(d)),
        None => f.filter(notification::Column::DiscussionId.is_null()),
    };
    Ok(f.count(db).await? > 0)
}

/// The admins on this server (who hear what concerns the instance as a whole).
pub async fn local_admins<C: ConnectionTrait>(db: &C) -> Result<Vec<i64>> {
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::IsAdmin.eq(true))
        .filter(account::Column::Domain.eq(""))
        .filter(account::Column::Status.eq(guildhall_domain::AccountStatus::Active))
        .order_by_asc(account::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// A community's moderators with their accounts' statuses (whether they can still moderate).
pub async fn moderators_with_status<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
) -> Result<Vec<(i64, guildhall_domain::AccountStatus)>> {
    let ids = moderators(db, community_id).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Status)
        .filter(account::Column::Id.is_in(ids))
        .order_by_asc(account::Column::Id)
        .into_tuple::<(i64, guildhall_domain::AccountStatus)>()
        .all(db)
        .await?)
}
