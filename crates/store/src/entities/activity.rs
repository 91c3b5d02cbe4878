//! The `activities` table.

use sea_orm::entity::prelude::*;

/// One row of `activities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub ap_id: String,
    pub kind: String,
    /// ActivityPub id of the actor.
    pub actor: String,
    /// Ours (dereferenceable) or received (kept for de-duplication and relaying).
    pub local: bool,
    #[sea_orm(column_type = "Text")]
    pub json: String,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
