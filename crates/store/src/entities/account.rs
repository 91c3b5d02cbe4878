//! The `accounts` table.

use sea_orm::entity::prelude::*;

/// One row of `accounts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    /// '' for local accounts; the remote host for federated ones.
    pub domain: String,
    /// ActivityPub id of a remote account (local ids are derived from the username).
    pub ap_id: Option<String>,
    pub inbox_url: Option<String>,
    pub shared_inbox_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub public_key_pem: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub private_key_pem: Option<String>,
    pub fetched_at: Option<DateTimeUtc>,
    pub email: Option<String>,
    pub password_hash: String,
    pub display_name: String,
    #[sea_orm(column_type = "Text")]
    pub bio: String,
    pub department: String,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub is_admin: bool,
    pub status: guildhall_domain::AccountStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub registration_reason: Option<String>,
    /// The language chosen for the web pages (`en`, `fr`); none: the browser's.
    pub language: Option<String>,
    /// The member's time zone (IANA name, e.g. `Europe/Paris`); none: not chosen.
    pub time_zone: Option<String>,
    /// When the address was confirmed (none: not yet, or no address).
    pub email_confirmed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
