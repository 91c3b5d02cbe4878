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
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
