//! The `markers` table.

use sea_orm::entity::prelude::*;

/// One row of `markers`: where an account stopped reading one timeline.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "markers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// `home` or `notifications`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub timeline: String,
    /// The id (as the client API shows it) of the last item read.
    pub last_read_id: String,
    /// Bumped on every change, so clients can tell stale writes.
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
