//! The `inbound_counts` table.

use sea_orm::entity::prelude::*;

/// Incoming activities of one type from one instance that ended the same way.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inbound_counts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub domain: String,
    pub kind: String,
    /// `ignored` (202, deliberately) or `refused` (a 4xx answer).
    pub outcome: String,
    pub count: i64,
    pub last_status: i32,
    #[sea_orm(column_type = "Text")]
    pub last_reason: String,
    pub last_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
