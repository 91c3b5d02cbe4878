//! The `event_replies` table: replies to events from other servers (Mastodon's answers to an
//! event it shows as a post).

use sea_orm::entity::prelude::*;

/// One row of `event_replies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_replies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub author_id: i64,
    /// The `Note`'s id.
    #[sea_orm(unique)]
    pub ap_id: String,
    /// Markdown source, when the sender kept one.
    #[sea_orm(column_type = "Text")]
    pub body_source: String,
    /// Sanitised HTML.
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
