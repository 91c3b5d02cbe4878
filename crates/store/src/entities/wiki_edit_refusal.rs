//! The `wiki_edit_refusals` table: our members' edits of other servers' pages that the page's
//! community refused.

use sea_orm::entity::prelude::*;

/// One row of `wiki_edit_refusals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wiki_edit_refusals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Our copy of the page.
    pub page_id: i64,
    /// The local editor.
    pub account_id: i64,
    /// The refused `Update{Article}`.
    #[sea_orm(unique)]
    pub edit_ap_id: String,
    /// Why, as the community said.
    pub reason: String,
    /// The refused Markdown.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
