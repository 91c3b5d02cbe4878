//! The `community_notify_levels` table.

use guildhall_domain::notify_prefs::NotifyLevel;
use sea_orm::entity::prelude::*;

/// One row of `community_notify_levels`: a member's level for one community (no row: normal).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "community_notify_levels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub community_id: i64,
    /// `watch` or `mute`.
    pub level: NotifyLevel,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
