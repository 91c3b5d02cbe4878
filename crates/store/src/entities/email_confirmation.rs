//! The `email_confirmations` table.

use sea_orm::entity::prelude::*;

/// One row of `email_confirmations`: a link that confirms an address (at sign-up, or a new
/// address), its token stored hashed; for a change, the old address's link to call it off.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_confirmations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// The address being confirmed (the new one, for a change).
    pub email: String,
    /// `signup` or `change`.
    pub purpose: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    /// A change only: the hash of the token emailed to the old address.
    #[sea_orm(unique)]
    pub cancel_token_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set when the address was confirmed; a used link works no more.
    pub used_at: Option<DateTimeUtc>,
    /// Set when the old address called the change off.
    pub cancelled_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
