//! Events, their participants, community event settings and calendar-feed tokens.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::entities::{calendar_token, event, event_participant, event_reply, event_settings};
use crate::{Page, Paged, Result};
use guildhall_domain::event::ParticipantStatus;

/// Which part of a list of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Not over yet, soonest first.
    Upcoming,
    /// Over, most recent first.
    Past,
}

/// Inserts an event.
pub async fn insert<C: ConnectionTrait>(db: &C, model: event::ActiveModel) -> Result<event::Model> {
    model.insert(db).await.map_err(|e| crate::conflict_on_unique(e, "event"))
}

/// Saves changes to an event.
pub async fn update<C: ConnectionTrait>(db: &C, model: event::ActiveModel) -> Result<event::Model> {
    Ok(model.update(db).await?)
}

/// Finds an event by id (deleted ones too).
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<event::Model>> {
    Ok(event::Entity::find_by_id(id).one(db).await?)
}

/// Finds a remote event by its ActivityPub id.
pub async fn find_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<event::Model>> {
    Ok(event::Entity::find().filter(event::Column::ApId.eq(ap_id)).one(db).await?)
}

/// A community's events that are not deleted; members-only ones only with
/// `include_members_only`.
pub async fn list_community<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    when: When,
    include_members_only: bool,
    now: DateTime<Utc>,
    page: Page,
) -> Result<Paged<event::Model>> {
    let mut q = event::Entity::find()
        .filter(event::Column::CommunityId.eq(community_id))
        .filter(event::Column::DeletedAt.is_null());
    if !include_members_only {
        q = q.filter(event::Column::MembersOnly.eq(false));
    }
    q = match when {
        When::Upcoming => q.filter(event::Column::EndsAt.gte(now)).order_by_asc(event::Column::StartsAt),
        When::Past => q.filter(event::Column::EndsAt.lt(now)).order_by_desc(event::Column::StartsAt),
    };
    let rows = q.order_by_asc(event::Column::Id).offset(page.offset()).limit(page.limit + 1).all(db).await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Events (not deleted, ending at or after `since`) of the communities where `account_id` is
/// an active member, soonest first; at most `limit`.
pub async fn in_communities_of<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    since: DateTime<Utc>,
    page: Page,
) -> Result<Paged<event::Model>> {
    let mine = crate::communities::active_communities_of(account_id);
    let rows = event::Entity::find()
        .filter(event::Column::CommunityId.in_subquery(mine))
        .filter(event::Column::DeletedAt.is_null())
        .filter(event::Column::EndsAt.gte(since))
        .order_by_asc(event::Column::StartsAt)
        .order_by_asc(event::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// One person's RSVP to one event.
pub async fn find_participant<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    account_id: i64,
) -> Result<Option<event_participant::Model>> {
    Ok(event_participant::Entity::find()
        .filter(event_participant::Column::EventId.eq(event_id))
        .filter(event_participant::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// The events of `community_id` not over at `now` that `account_id` has an RSVP to (any status).
pub async fn coming_with_rsvp_of<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<event::Model>> {
    let rsvped = Query::select()
        .column(event_participant::Column::EventId)
        .from(event_participant::Entity)
        .and_where(event_participant::Column::AccountId.eq(account_id))
        .to_owned();
    Ok(event::Entity::find()
        .filter(event::Column::CommunityId.eq(community_id))
        .filter(event::Column::EndsAt.gt(now))
        .filter(event::Column::Id.in_subquery(rsvped))
        .order_by_asc(event::Column::Id)
        .all(db)
        .await?)
}

/// An RSVP by id.
pub async fn find_participant_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<event_participant::Model>> {
    Ok(event_participant::Entity::find_by_id(id).one(db).await?)
}

/// An RSVP by the id of its `Join`.
pub async fn find_participant_by_join<C: ConnectionTrait>(
    db: &C,
    join_ap_id: &str,
) -> Result<Option<event_participant::Model>> {
    Ok(event_participant::Entity::find().filter(event_participant::Column::JoinApId.eq(join_ap_id)).one(db).await?)
}

/// Records an RSVP, or changes the status (and Join id) of an existing one.
pub async fn upsert_participant<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    account_id: i64,
    status: ParticipantStatus,
    join_ap_id: Option<String>,
    now: DateTime<Utc>,
) -> Result<event_participant::Model> {
    match find_participant(db, event_id, account_id).await? {
        Some(p) => {
            let mut a: event_participant::ActiveModel = p.into();
            a.status = Set(status);
            if join_ap_id.is_some() {
                a.join_ap_id = Set(join_ap_id);
            }
            a.updated_at = Set(now);
            Ok(a.update(db).await?)
        }
        None => Ok(event_participant::ActiveModel {
            event_id: Set(event_id),
            account_id: Set(account_id),
            status: Set(status),
            join_ap_id: Set(join_ap_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(|e| crate::conflict_on_unique(e, "rsvp"))?),
    }
}

/// Changes an RSVP's status, keeping its place in line (`created_at`).
pub async fn set_participant_status<C: ConnectionTrait>(
    db: &C,
    p: event_participant::Model,
    status: ParticipantStatus,
    now: DateTime<Utc>,
) -> Result<event_participant::Model> {
    let mut a: event_participant::ActiveModel = p.into();
    a.status = Set(status);
    a.updated_at = Set(now);
    Ok(a.update(db).await?)
}

/// Removes an RSVP.
pub async fn delete_participant<C: ConnectionTrait>(db: &C, id: i64) -> Result<()> {
    event_participant::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct CountRow {
    event_id: i64,
    status: ParticipantStatus,
    n: i64,
}

/// RSVP counts per event and status.
pub async fn counts<C: ConnectionTrait>(
    db: &C,
    event_ids: &[i64],
) -> Result<HashMap<i64, HashMap<ParticipantStatus, i64>>> {
    if event_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = event_participant::Entity::find()
        .select_only()
        .column(event_participant::Column::EventId)
        .column(event_participant::Column::Status)
        .column_as(event_participant::Column::Id.count(), "n")
        .filter(event_participant::Column::EventId.is_in(event_ids.iter().copied()))
        .group_by(event_participant::Column::EventId)
        .group_by(event_participant::Column::Status)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let mut out: HashMap<i64, HashMap<ParticipantStatus, i64>> = HashMap::new();
    for r in rows {
        out.entry(r.event_id).or_default().insert(r.status, r.n);
    }
    Ok(out)
}

/// How many people are going.
pub async fn count_going<C: ConnectionTrait>(db: &C, event_id: i64) -> Result<i64> {
    Ok(counts(db, &[event_id])
        .await?
        .get(&event_id)
        .and_then(|m| m.get(&ParticipantStatus::Going).copied())
        .unwrap_or(0))
}

/// RSVPs with one status, first come first.
pub async fn participants_with<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    status: ParticipantStatus,
    limit: u64,
) -> Result<Vec<event_participant::Model>> {
    Ok(event_participant::Entity::find()
        .filter(event_participant::Column::EventId.eq(event_id))
        .filter(event_participant::Column::Status.eq(status))
        .order_by_asc(event_participant::Column::CreatedAt)
        .order_by_asc(event_participant::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Every RSVP to an event (any status), first come first.
pub async fn participants<C: ConnectionTrait>(
    db: &C,
    event_id: i64,
    page: Page,
) -> Result<Paged<event_participant::Model>> {
    let rows = event_participant::Entity::find()
        .filter(event_participant::Column::EventId.eq(event_id))
        .order_by_asc(event_participant::Column::CreatedAt)
        .order_by_asc(event_participant::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// The RSVPs of one account to several events, keyed by event id.
pub async fn rsvps_of<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    event_ids: &[i64],
) -> Result<HashMap<i64, event_participant::Model>> {
    if event_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = event_participant::Entity::find()
        .filter(event_participant::Column::AccountId.eq(account_id))
        .filter(event_participant::Column::EventId.is_in(event_ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| (p.event_id, p)).collect())
}

/// A community's event settings row, if it has one.
pub async fn settings<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Option<event_settings::Model>> {
    Ok(event_settings::Entity::find_by_id(community_id).one(db).await?)
}

/// Stores a community's event settings.
pub async fn save_settings<C: ConnectionTrait>(db: &C, row: event_settings::Model) -> Result<event_settings::Model> {
    let exists = settings(db, row.community_id).await?.is_some();
    let active = event_settings::ActiveModel {
        community_id: Set(row.community_id),
        members_may_create: Set(row.members_may_create),
        attendees_visible_to_members: Set(row.attendees_visible_to_members),
    };
    Ok(if exists { active.update(db).await? } else { active.insert(db).await? })
}

/// Replaces an account's calendar-feed token hash.
pub async fn set_calendar_token<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    token_hash: String,
    now: DateTime<Utc>,
) -> Result<()> {
    calendar_token::Entity::delete_by_id(account_id).exec(db).await?;
    calendar_token::ActiveModel { account_id: Set(account_id), token_hash: Set(token_hash), created_at: Set(now) }
        .insert(db)
        .await?;
    Ok(())
}

/// The account whose calendar-feed token hashes to `token_hash`.
pub async fn account_of_calendar_token<C: ConnectionTrait>(db: &C, token_hash: &str) -> Result<Option<i64>> {
    Ok(calendar_token::Entity::find()
        .filter(calendar_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
        .map(|t| t.account_id))
}

/// A reply to an event to store.
#[derive(Debug, Clone)]
pub struct NewEventReply {
    /// The event.
    pub event_id: i64,
    /// Its author.
    pub author_id: i64,
    /// The `Note`'s id.
    pub ap_id: String,
    /// Markdown source (may be empty).
    pub body_source: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Stores a reply to an event; `None` if one with the same id is already stored.
pub async fn insert_reply<C: ConnectionTrait>(db: &C, new: NewEventReply) -> Result<Option<event_reply::Model>> {
    let row = event_reply::ActiveModel {
        event_id: Set(new.event_id),
        author_id: Set(new.author_id),
        ap_id: Set(new.ap_id),
        body_source: Set(new.body_source),
        body_html: Set(new.body_html),
        created_at: Set(new.created_at),
        ..Default::default()
    };
    match row.insert(db).await.map_err(|e| crate::conflict_on_unique(e, "reply")) {
        Ok(r) => Ok(Some(r)),
        Err(crate::Error::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A reply to an event by its `Note` id.
pub async fn find_reply_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<event_reply::Model>> {
    Ok(event_reply::Entity::find().filter(event_reply::Column::ApId.eq(ap_id)).one(db).await?)
}

/// An event's replies, oldest first (at most `limit`).
pub async fn replies<C: ConnectionTrait>(db: &C, event_id: i64, limit: u64) -> Result<Vec<event_reply::Model>> {
    Ok(event_reply::Entity::find()
        .filter(event_reply::Column::EventId.eq(event_id))
        .order_by_asc(event_reply::Column::CreatedAt)
        .order_by_asc(event_reply::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
