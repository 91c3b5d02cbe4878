//! The `outbox` table.

use sea_orm::entity::prelude::*;

/// One row of `outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A serialised `guildhall_app::outbox::Outgoing`.
    #[sea_orm(column_type = "Text")]
    pub intent: String,
    pub created_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
    /// The last failure to turn the intent into activities; with `processed_at` set, a
    /// permanent one (the intent will not be retried).
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// Rounds in which turning the intent into activities failed.
    pub attempts: i32,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
