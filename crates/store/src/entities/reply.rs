//! The `replies` table.

use sea_orm::entity::prelude::*;

/// One row of `replies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "replies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub discussion_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    /// ActivityPub id when the reply came from another server.
    pub ap_id: Option<String>,
    /// Zero-padded ancestor ids joined by `/`, so ordering by it gives threaded order.
    pub path: String,
    pub depth: i32,
    #[sea_orm(column_type = "Text")]
    pub body_source: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    /// Content warning (Mastodon's CW), shown before the body.
    #[sea_orm(column_type = "Text", nullable)]
    pub content_warning: Option<String>,
    /// Marked sensitive by its author.
    pub sensitive: bool,
    /// Attachments, hashtags and mentions as JSON (`guildhall_domain::extras::StoredExtras`).
    #[sea_orm(column_type = "Text", nullable)]
    pub extras: Option<String>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Content warning, sensitive flag, attachments and tags.
    pub fn extras(&self) -> guildhall_domain::extras::PostExtras {
        crate::discussions::extras_of(&self.content_warning, self.sensitive, &self.extras)
    }
}
