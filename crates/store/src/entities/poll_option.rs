//! The `poll_options` table.

use sea_orm::entity::prelude::*;

/// One row of `poll_options`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "poll_options")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub poll_id: i64,
    /// 0-based place in the poll.
    pub position: i32,
    pub name: String,
    /// Polls from other servers: the count their server last sent.
    pub remote_count: i64,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
