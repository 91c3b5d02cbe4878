//! The `event_reminders` table.

use sea_orm::entity::prelude::*;

/// One row of `event_reminders`: a reminder sent to one person for one start time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_reminders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub account_id: i64,
    /// `day` or `hour`.
    pub which: String,
    /// The start time it reminded of (a moved event reminds again).
    pub starts_at: DateTimeUtc,
    pub sent_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
