//! Event reminders: the events that may be due, the people going to them, and the record of
//! what was sent (one row per event, person, reminder and start time).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Result;
use crate::entities::{account, event, event_participant, event_reminder};
use guildhall_domain::event::{EventStatus, ParticipantStatus};

/// Events not deleted nor cancelled that start after `from` and at or before `to`, soonest
/// first (one query).
pub async fn starting_between<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<event::Model>> {
    Ok(event::Entity::find()
        .filter(event::Column::DeletedAt.is_null())
        .filter(event::Column::Status.ne(EventStatus::Cancelled))
        .filter(event::Column::StartsAt.gt(from))
        .filter(event::Column::StartsAt.lte(to))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// The people on this server going to any of `event_ids`, as `(event, account)` pairs (one
/// query).
pub async fn local_going<C: ConnectionTrait>(db: &C, event_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    let local = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::Domain.eq(""))
        .to_owned();
    Ok(event_participant::Entity::find()
        .select_only()
        .column(event_participant::Column::EventId)
        .column(event_participant::Column::AccountId)
        .filter(event_participant::Column::EventId.is_in(event_ids.iter().copied()))
        .filter(event_participant::Column::Status.eq(ParticipantStatus::Going))
        .filter(event_participant::Column::AccountId.in_subquery(local))
        .order_by_asc(event_participant::Column::EventId)
        .order_by_asc(event_participant::Column::AccountId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?)
}

/// The reminders already sent for any of `event_ids` (one query).
pub async fn sent<C: ConnectionTrait>(db: &C, event_ids: &[i64]) -> Result<Vec<event_reminder::Model>> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(event_reminder::Entity::find()
        .filter(event_reminder::Column::EventId.is_in(event_ids.iter().copied()))
        .all(db)
        .await?)
}

/// Records a reminder as sent; false when it already was (by another run or process): only
/// the one that records it sends it.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    account_id: i64,
    which: &str,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = event_reminder::ActiveModel {
        event_id: Set(event_id),
        account_id: Set(account_id),
        which: Set(which.to_owned()),
        starts_at: Set(starts_at),
        sent_at: Set(now),
        ..Default::default()
    };
    let once = OnConflict::columns([
        event_reminder::Column::EventId,
        event_reminder::Column::Which,
        event_reminder::Column::StartsAt,
        event_reminder::Column::AccountId,
    ])
    .do_nothing()
    .to_owned();
    let n = event_reminder::Entity::insert(row).on_conflict(once).exec_without_returning(db).await?;
    Ok(n == 1)
}
