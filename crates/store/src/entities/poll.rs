//! The `polls` table: at most one poll per discussion.

use sea_orm::entity::prelude::*;

/// One row of `polls`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "polls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub discussion_id: i64,
    /// Multiple choice (`anyOf`) rather than single (`oneOf`).
    pub multiple: bool,
    pub closes_at: Option<DateTimeUtc>,
    /// Results hidden until the poll closes.
    pub hide_results: bool,
    /// Polls from other servers: the voter count their server last sent.
    pub voters_count: i64,
    pub created_at: DateTimeUtc,
    /// Local polls: when the close was announced (`Update{Question}` with the final counts);
    /// other servers' polls: when the local voters were told it closed.
    pub close_announced_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
