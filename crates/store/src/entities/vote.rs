//! The `votes` table.

use sea_orm::entity::prelude::*;

/// One row of `votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub discussion_id: Option<i64>,
    pub reply_id: Option<i64>,
    pub event_id: Option<i64>,
    /// +1 or -1.
    pub value: i16,
    pub ap_id: Option<String>,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
