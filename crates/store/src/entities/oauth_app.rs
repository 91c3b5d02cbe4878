//! The `oauth_apps` table.

use sea_orm::entity::prelude::*;

/// An app registered through `POST /api/v1/apps`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_apps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub client_id: String,
    /// SHA-256 of the client secret, hex.
    pub client_secret_hash: String,
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub website: Option<String>,
    /// Newline-separated.
    #[sea_orm(column_type = "Text")]
    pub redirect_uris: String,
    /// Space-separated.
    pub scopes: String,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
