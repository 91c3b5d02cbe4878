//! The `reports` table.

use sea_orm::entity::prelude::*;

/// A report (`Flag`) received from another server about content or members of a community.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    /// The `Flag`'s id.
    pub activity_ap_id: String,
    /// Who reported (a person, or a server's instance actor).
    pub reporter_ap_id: String,
    pub reporter_domain: String,
    /// JSON list of the ActivityPub ids reported.
    #[sea_orm(column_type = "Text")]
    pub targets: String,
    /// The reporter's comment (plain text).
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub received_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
