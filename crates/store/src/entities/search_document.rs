//! The `search_documents` table.

use sea_orm::entity::prelude::*;

/// One searchable thing: its plain text for snippets, its folded and stemmed terms for the
/// full-text index, and what reading rights need (community, members-only, domains).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `SearchKind::as_str`.
    pub kind: String,
    /// The row id of the thing in its own table.
    pub object_id: i64,
    /// The community the content is in, or the community itself; none for people.
    pub community_id: Option<i64>,
    /// Content read as a private community's is (members only).
    pub members_only: bool,
    /// Instance hosting it ('' for this one).
    pub domain: String,
    /// Author's account, for content.
    pub author_id: Option<i64>,
    /// Author's instance ('' for this one).
    pub author_domain: String,
    /// `en` or `fr` when the words say so.
    pub language: Option<String>,
    pub title: String,
    /// Where to open it: a path on this instance, or a remote person's profile URL.
    pub path: String,
    /// Plain text for snippets (capped).
    pub body: String,
    pub title_terms: String,
    pub body_terms: String,
    /// Unix seconds: when published (an event: when it starts).
    pub published_ts: i64,
    pub indexed_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
