//! Members' notification settings: a level per community (watch / normal / mute; normal is
//! stored as no row) and muted threads. Read in bulk where notifications are written.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use guildhall_domain::notify_prefs::NotifyLevel;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Result;
use crate::entities::{account, community_notify_level as level, thread_mute};

/// Sets `account_id`'s level for `community_id`; normal removes the row.
pub async fn set_level<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    community_id: i64,
    to: NotifyLevel,
    now: DateTime<Utc>,
) -> Result<()> {
    if to == NotifyLevel::Normal {
        level::Entity::delete_many()
            .filter(level::Column::AccountId.eq(account_id))
            .filter(level::Column::CommunityId.eq(community_id))
            .exec(db)
            .await?;
        return Ok(());
    }
    let row = level::ActiveModel {
        account_id: Set(account_id),
        community_id: Set(community_id),
        level: Set(to),
        updated_at: Set(now),
    };
    level::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([level::Column::AccountId, level::Column::CommunityId])
                .update_columns([level::Column::Level, level::Column::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// `account_id`'s level for `community_id` (normal when unset).
pub async fn level_of<C: ConnectionTrait>(db: &C, account_id: i64, community_id: i64) -> Result<NotifyLevel> {
    Ok(level::Entity::find_by_id((account_id, community_id)).one(db).await?.map(|r| r.level).unwrap_or_default())
}

/// The levels of `accounts` for one community, in one query; those unset are absent (normal).
pub async fn levels_of<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    accounts: &[i64],
) -> Result<HashMap<i64, NotifyLevel>> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(level::Entity::find()
        .filter(level::Column::CommunityId.eq(community_id))
        .filter(level::Column::AccountId.is_in(accounts.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.account_id, r.level))
        .collect())
}

/// Every community `account_id` set to something other than normal, latest change first.
pub async fn levels_of_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<level::Model>> {
    Ok(level::Entity::find()
        .filter(level::Column::AccountId.eq(account_id))
        .order_by_desc(level::Column::UpdatedAt)
        .order_by_asc(level::Column::CommunityId)
        .all(db)
        .await?)
}

/// The local accounts watching `community_id`, ascending.
pub async fn watchers<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<i64>> {
    let local = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::Domain.eq(""))
        .to_owned();
    Ok(level::Entity::find()
        .select_only()
        .column(level::Column::AccountId)
        .filter(level::Column::CommunityId.eq(community_id))
        .filter(level::Column::Level.eq(NotifyLevel::Watch))
        .filter(level::Column::AccountId.in_subquery(local))
        .order_by_asc(level::Column::AccountId)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Mutes or unmutes a thread for `account_id` (idempotent both ways).
pub async fn set_thread_muted<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    discussion_id: i64,
    muted: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    if !muted {
        thread_mute::Entity::delete_many()
            .filter(thread_mute::Column::AccountId.eq(account_id))
            .filter(thread_mute::Column::DiscussionId.eq(discussion_id))
            .exec(db)
            .await?;
        return Ok(());
    }
    let row = thread_mute::ActiveModel {
        account_id: Set(account_id),
        discussion_id: Set(discussion_id),
        created_at: Set(now),
    };
    thread_mute::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([thread_mute::Column::AccountId, thread_mute::Column::DiscussionId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Of `accounts`, those who muted `discussion_id`, in one query.
pub async fn muting_thread<C: ConnectionTrait>(db: &C, discussion_id: i64, accounts: &[i64]) -> Result<HashSet<i64>> {
    if accounts.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(thread_mute::Entity::find()
        .select_only()
        .column(thread_mute::Column::AccountId)
        .filter(thread_mute::Column::DiscussionId.eq(discussion_id))
        .filter(thread_mute::Column::AccountId.is_in(accounts.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Of `discussions`, those `account_id` muted (for marking a page of posts).
pub async fn muted_among<C: ConnectionTrait>(db: &C, account_id: i64, discussions: &[i64]) -> Result<HashSet<i64>> {
    if discussions.is_empty() {
        return Ok(HashSet::new());
    }
    Ok(thread_mute::Entity::find()
        .select_only()
        .column(thread_mute::Column::DiscussionId)
        .filter(thread_mute::Column::AccountId.eq(account_id))
        .filter(thread_mute::Column::DiscussionId.is_in(discussions.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
