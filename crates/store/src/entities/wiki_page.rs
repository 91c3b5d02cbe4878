//! The `wiki_pages` table: one row per page of a community's wiki.

use sea_orm::entity::prelude::*;

/// One row of `wiki_pages`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wiki_pages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub slug: String,
    /// The latest revision's title.
    pub title: String,
    /// Only moderators may edit.
    pub locked: bool,
    /// The latest revision's number.
    pub revision: i32,
    /// The `Article` id, for copies of other servers' pages.
    pub ap_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
