//! The `cop_proposals` table: communities of practice outside Guildhall (Slack, Teams,
//! mailing lists…) proposed by members; approved ones join the published directory.

use sea_orm::entity::prelude::*;

/// One row of `cop_proposals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cop_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub url: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    pub government: String,
    pub organisation: String,
    #[sea_orm(column_type = "Text")]
    pub contact: String,
    pub proposed_by: i64,
    /// `pending`, `approved` or `rejected`.
    pub status: guildhall_domain::directory::ProposalStatus,
    pub decided_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
