//! The `poll_votes` table: one row per voter and chosen option.

use sea_orm::entity::prelude::*;

/// One row of `poll_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll_votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub poll_id: i64,
    /// The option's position.
    pub position: i32,
    pub account_id: i64,
    /// The vote's `Note` id (remote votes, and our votes on other servers' polls).
    pub ap_id: Option<String>,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
