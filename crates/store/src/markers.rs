//! Where each account stopped reading its timelines.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Result;
use crate::entities::marker;

/// The account's markers for `timelines`.
pub async fn of<C: ConnectionTrait>(db: &C, account_id: i64, timelines: &[&str]) -> Result<Vec<marker::Model>> {
    Ok(marker::Entity::find()
        .filter(marker::Column::AccountId.eq(account_id))
        .filter(marker::Column::Timeline.is_in(timelines.iter().map(|t| t.to_string())))
        .all(db)
        .await?)
}

/// Sets a marker, bumping its version; returns the stored row.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    timeline: &str,
    last_read_id: &str,
    now: DateTime<Utc>,
) -> Result<marker::Model> {
    let version = of(db, account_id, &[timeline]).await?.first().map_or(0, |m| m.version) + 1;
    let row = marker::ActiveModel {
        account_id: Set(account_id),
        timeline: Set(timeline.to_owned()),
        last_read_id: Set(last_read_id.to_owned()),
        version: Set(version),
        updated_at: Set(now),
    };
    marker::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([marker::Column::AccountId, marker::Column::Timeline])
                .update_columns([marker::Column::LastReadId, marker::Column::Version, marker::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(marker::Model {
        account_id,
        timeline: timeline.to_owned(),
        last_read_id: last_read_id.to_owned(),
        version,
        updated_at: now,
    })
}
