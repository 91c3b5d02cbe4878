//! The `bookmarks` table: posts a person saved for later (Mastodon's bookmarks).

use sea_orm::entity::prelude::*;

/// One row of `bookmarks`: exactly one of `discussion_id` and `reply_id` is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookmarks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub discussion_id: Option<i64>,
    pub reply_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
