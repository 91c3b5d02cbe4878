//! The `notifications` table.

use sea_orm::entity::prelude::*;

/// One row of `notifications`: something that happened, for one account on this server.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// What happened (`event_updated`, `reply`, `favourite`, ...: `notifications::Kind`); pages phrase it.
    pub kind: String,
    /// The title of the thing it is about, as it was then.
    pub title: String,
    /// Extra detail, language-neutral (may be empty).
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// A local path to look at (`/events/7`).
    pub link: String,
    pub created_at: DateTimeUtc,
    /// When the owner marked it read; none: unread.
    pub read_at: Option<DateTimeUtc>,
    /// Who caused it (an account), when someone did.
    pub actor_id: Option<i64>,
    /// The community it happened in, when there is one.
    pub community_id: Option<i64>,
    /// The discussion it is about (or the reply's discussion).
    pub discussion_id: Option<i64>,
    /// The reply it is about, when it is about a reply.
    pub reply_id: Option<i64>,
    /// When the immediate email job handled it (emailed, or decided never to); none: not yet.
    pub emailed_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
