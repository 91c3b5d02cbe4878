//! Honest counts both ways: incoming activities ignored or refused (per instance, type and
//! outcome), outgoing deliveries per instance and activity type, and inboxes that answered
//! `410 Gone`.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Result;
use crate::entities::delivery::DeliveryStatus;
use crate::entities::{activity, delivery, gone_inbox, inbound_count};

/// One incoming activity that was ignored or refused.
#[derive(Debug, Clone)]
pub struct InboundOutcome<'a> {
    /// The sender's host[:port] (as the activity's `actor` names it).
    pub domain: &'a str,
    /// The activity's `type`.
    pub kind: &'a str,
    /// `ignored` or `refused`.
    pub outcome: &'a str,
    /// The HTTP status answered.
    pub status: u16,
    /// Why (shown to admins).
    pub reason: &'a str,
}

/// Adds one to the count of `o`'s instance, type and outcome, keeping the last status and reason.
pub async fn record_inbound<C: ConnectionTrait>(db: &C, o: InboundOutcome<'_>, now: DateTime<Utc>) -> Result<()> {
    let row = inbound_count::ActiveModel {
        domain: Set(o.domain.chars().take(255).collect()),
        kind: Set(o.kind.chars().take(50).collect()),
        outcome: Set(o.outcome.to_owned()),
        count: Set(1),
        last_status: Set(i32::from(o.status)),
        last_reason: Set(o.reason.chars().take(500).collect()),
        last_at: Set(now),
        ..Default::default()
    };
    use inbound_count::Column as C;
    inbound_count::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::Domain, C::Kind, C::Outcome])
                .value(C::Count, Expr::col((inbound_count::Entity, C::Count)).add(1))
                .update_columns([C::LastStatus, C::LastReason, C::LastAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Every count of ignored and refused incoming activities, by instance then type.
pub async fn inbound_counts<C: ConnectionTrait>(db: &C) -> Result<Vec<inbound_count::Model>> {
    use inbound_count::Column as C;
    Ok(inbound_count::Entity::find()
        .order_by_asc(C::Domain)
        .order_by_asc(C::Kind)
        .order_by_asc(C::Outcome)
        .all(db)
        .await?)
}

/// Deliveries of one activity type to one instance that stand the same way.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct KindCount {
    /// host[:port].
    pub domain: String,
    /// The activity's type.
    pub kind: String,
    /// Where they stand.
    pub status: DeliveryStatus,
    /// How many.
    pub n: i64,
    /// How many of them have failed at least one attempt.
    pub retried: i64,
}

/// Delivery counts per instance, activity type and status, in one grouped query.
pub async fn deliveries_by_kind<C: ConnectionTrait>(db: &C) -> Result<Vec<KindCount>> {
    use sea_orm::{EntityTrait as _, JoinType, RelationDef};
    let to_activity: RelationDef = delivery::Entity::belongs_to(activity::Entity)
        .from(delivery::Column::ActivityId)
        .to(activity::Column::Id)
        .into();
    let retried = Expr::case(delivery::Column::Attempts.gt(0), 1).finally(0);
    Ok(delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Domain)
        .column_as(Expr::col((activity::Entity, activity::Column::Kind)), "kind")
        .column(delivery::Column::Status)
        .column_as(delivery::Column::Id.count(), "n")
        .column_as(Expr::expr(retried).sum(), "retried")
        .join(JoinType::InnerJoin, to_activity)
        .group_by(delivery::Column::Domain)
        .group_by(Expr::col((activity::Entity, activity::Column::Kind)))
        .group_by(delivery::Column::Status)
        .order_by_asc(delivery::Column::Domain)
        .into_model::<KindCount>()
        .all(db)
        .await?)
}

#[derive(sea_orm::FromQueryResult)]
struct NextRetry {
    domain: String,
    at: Option<DateTime<Utc>>,
}

/// Per instance, when the next retry of a delivery that failed (429, 5xx, no answer) is due.
pub async fn next_retries<C: ConnectionTrait>(db: &C) -> Result<Vec<(String, DateTime<Utc>)>> {
    let rows = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Domain)
        .column_as(delivery::Column::NextAttemptAt.min(), "at")
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(delivery::Column::Attempts.gt(0))
        .group_by(delivery::Column::Domain)
        .into_model::<NextRetry>()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|r| Some((r.domain, r.at?))).collect())
}

/// Marks an inbox gone (it answered `410`) and ends its pending deliveries as refused.
pub async fn mark_inbox_gone<C: ConnectionTrait>(db: &C, inbox: &str, domain: &str, now: DateTime<Utc>) -> Result<()> {
    let row =
        gone_inbox::ActiveModel { inbox: Set(inbox.to_owned()), domain: Set(domain.to_owned()), gone_at: Set(now) };
    gone_inbox::Entity::insert(row)
        .on_conflict(OnConflict::column(gone_inbox::Column::Inbox).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(DeliveryStatus::Refused))
        .col_expr(delivery::Column::LastError, Expr::value(Some("the inbox is gone (410)".to_owned())))
        .col_expr(delivery::Column::FinishedAt, Expr::value(now))
        .filter(delivery::Column::Inbox.eq(inbox))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .exec(db)
        .await?;
    Ok(())
}

/// Of `inboxes`, those that are gone.
pub async fn gone_among<C: ConnectionTrait>(db: &C, inboxes: Vec<String>) -> Result<Vec<String>> {
    if inboxes.is_empty() {
        return Ok(vec![]);
    }
    Ok(gone_inbox::Entity::find()
        .filter(gone_inbox::Column::Inbox.is_in(inboxes))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.inbox)
        .collect())
}

/// Every gone inbox.
pub async fn gone_inboxes<C: ConnectionTrait>(db: &C) -> Result<Vec<gone_inbox::Model>> {
    Ok(gone_inbox::Entity::find().order_by_asc(gone_inbox::Column::Inbox).all(db).await?)
}
