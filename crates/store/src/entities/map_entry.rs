//! The `map_entries` table: communities, guilds and external communities of practice found
//! in instances' directories.

use sea_orm::entity::prelude::*;

/// One row of `map_entries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "map_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The actor id (or, for external entries, the id the publishing instance gave it).
    #[sea_orm(unique)]
    pub ap_id: String,
    /// The instance whose directory lists it.
    pub instance_domain: String,
    /// `community`, `guild` or `external`.
    pub kind: String,
    pub name: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// Where a person goes to see it.
    pub url: String,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub visibility: String,
    pub member_count: i64,
    /// Posts in the last 30 days.
    pub active30d: i64,
    pub lifecycle: String,
    pub guild_focus: String,
    pub organisation: String,
    pub government: String,
    #[sea_orm(column_type = "Text")]
    pub contact: String,
    /// JSON array of the ap ids it is linked to (guilds it belongs to, or a guild's members).
    #[sea_orm(column_type = "Text")]
    pub links: String,
    pub fetched_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
