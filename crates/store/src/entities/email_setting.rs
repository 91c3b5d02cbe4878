//! The `email_settings` table.

use sea_orm::entity::prelude::*;

/// One member's email settings; no row: the defaults (immediate, default kinds, no quiet hours).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// `off`, `immediate`, `daily` or `weekly` (`guildhall_domain::email_delivery::Mode`).
    pub mode: String,
    /// Comma-separated notification kinds not emailed (new kinds are emailed by default).
    #[sea_orm(column_type = "Text")]
    pub kinds_off: String,
    /// Quiet hours, local `HH:MM`, both or neither.
    pub quiet_start: Option<String>,
    pub quiet_end: Option<String>,
    /// When the last daily/weekly digest was sent (or digest mode chosen).
    pub last_digest_at: Option<DateTimeUtc>,
    /// When the last moderators' digest of waiting requests was sent.
    pub last_moderator_digest_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
