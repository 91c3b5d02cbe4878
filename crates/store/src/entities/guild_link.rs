//! The `guild_links` table: a community's membership of a guild, by mutual consent.

use sea_orm::entity::prelude::*;

/// One row of `guild_links`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guild_links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The guild (a `communities` row of kind `guild`).
    pub guild_id: i64,
    /// The member community.
    pub community_id: i64,
    /// `requested` (the community asked), `invited` (the guild asked) or `active`.
    pub state: guildhall_domain::guild::LinkState,
    /// The local person who asked or invited.
    pub initiated_by: Option<i64>,
    /// The `Offer` or `Invite` activity that opened the link.
    pub offer_ap_id: Option<String>,
    /// JSON array of the actor ids of the community's managers (the guild's contacts).
    #[sea_orm(column_type = "Text")]
    pub contacts: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
