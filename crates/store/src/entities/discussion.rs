//! The `discussions` table.

use sea_orm::entity::prelude::*;

/// One row of `discussions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discussions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub author_id: i64,
    /// ActivityPub id when the discussion came from another server.
    pub ap_id: Option<String>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_source: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub pinned: bool,
    pub locked: bool,
    /// Readable by members only whatever the community's visibility now (posted while it was
    /// private, or not addressed to the public by its sender). Never cleared.
    pub members_only: bool,
    pub reply_count: i64,
    pub created_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
    pub deleted_at: Option<DateTimeUtc>,
    pub last_activity_at: DateTimeUtc,
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
