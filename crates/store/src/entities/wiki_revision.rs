//! The `wiki_revisions` table: every version of every wiki page.

use sea_orm::entity::prelude::*;

/// One row of `wiki_revisions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wiki_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub page_id: i64,
    /// 1, 2, 3… per page.
    pub number: i32,
    pub title: String,
    /// Markdown source.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub summary: String,
    /// Unknown for revisions of other servers' pages.
    pub author_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
