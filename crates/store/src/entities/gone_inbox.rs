//! The `gone_inboxes` table.

use sea_orm::entity::prelude::*;

/// An inbox that answered `410 Gone`: nothing more is delivered to it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gone_inboxes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inbox: String,
    pub domain: String,
    pub gone_at: DateTimeUtc,
}

/// No declared relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
