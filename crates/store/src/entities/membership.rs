//! The `memberships` table.

use sea_orm::entity::prelude::*;

/// One row of `memberships`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub account_id: i64,
    pub status: guildhall_domain::MembershipStatus,
    pub is_moderator: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub request_message: Option<String>,
    pub charter_accepted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<i64>,
    /// The Follow activity behind a federated membership.
    pub follow_ap_id: Option<String>,
    /// Why the member was banned.
    #[sea_orm(column_type = "Text", nullable)]
    pub ban_reason: Option<String>,
    /// When a ban ends (none: permanent).
    pub ban_expires_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
