//! The `instance_software` table.

use sea_orm::entity::prelude::*;

/// One row of `instance_software`: what a remote instance's NodeInfo said it runs.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_software")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
    /// NodeInfo's `software.name`, lower-case; empty when none could be read.
    pub software: String,
    /// NodeInfo's `software.version`; empty when unknown.
    pub version: String,
    /// When NodeInfo was last asked.
    pub checked_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
