//! The `communities` table.

use sea_orm::entity::prelude::*;

/// One row of `communities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "communities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// '' for local communities; the remote host for federated ones.
    pub domain: String,
    /// ActivityPub id of a remote community.
    pub ap_id: Option<String>,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    pub followers_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub public_key_pem: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub private_key_pem: Option<String>,
    pub fetched_at: Option<DateTimeUtc>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Text")]
    pub charter: String,
    #[sea_orm(column_type = "Text")]
    pub welcome_message: String,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub visibility: guildhall_domain::Visibility,
    /// JSON array of instance domains members must come from (empty: any).
    #[sea_orm(column_type = "Text")]
    pub member_domains: String,
    /// Question asked of people who request to join.
    #[sea_orm(column_type = "Text")]
    pub join_question: String,
    /// `community`, or `guild` for a guild (a group of communities).
    pub kind: String,
    /// For guilds: `role` or `focus_area`; '' for communities.
    pub guild_focus: String,
    /// In the published directory? None: the default for its visibility.
    pub listed: Option<bool>,
    /// `forming`, `active`, `dormant` or `archived`.
    pub lifecycle: String,
    /// A remote community's follower count as its server states it; None: unknown or local.
    pub remote_follower_count: Option<i64>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
