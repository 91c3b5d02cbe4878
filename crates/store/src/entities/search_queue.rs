//! The `search_queue` table.

use sea_orm::entity::prelude::*;

/// A row whose search document must be rebuilt (or removed), queued by a trigger.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_queue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `discussion`, `reply`, `wiki`, `event`, `community` or `account`.
    pub kind: String,
    pub object_id: i64,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
