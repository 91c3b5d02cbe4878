//! The `instance_settings` table.

use sea_orm::entity::prelude::*;

/// One row of `instance_settings`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub registration_mode: String,
    /// JSON array of domain patterns.
    #[sea_orm(column_type = "Text")]
    pub email_domains: String,
    pub community_creation: String,
    /// `open`, `blocklist` or `allowlist`.
    pub federation_mode: String,
    /// JSON array of normalised hosts (`host` or `host:port`).
    #[sea_orm(column_type = "Text")]
    pub federation_domains: String,
    /// JSON array of normalised hosts whose content is kept out of public lists.
    #[sea_orm(column_type = "Text")]
    pub limited_domains: String,
    /// Whether the instance publishes its directory for network maps.
    pub directory_listed: bool,
    /// The department or organisation that runs the instance.
    pub organisation: String,
    /// Its country or government.
    pub government: String,
    /// JSON array of hosts the map crawler starts from (besides known peers).
    #[sea_orm(column_type = "Text")]
    pub map_seeds: String,
    /// Map entries older than this are fetched again.
    pub map_refresh_hours: i32,
    /// Whether a new account must confirm its address before signing in (email on only).
    pub require_email_confirmation: bool,
    /// Whether this instance answers and asks other Guildhall instances' network search.
    pub network_search: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub public_key_pem: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub private_key_pem: Option<String>,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
