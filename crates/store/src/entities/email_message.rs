//! The `email_messages` table: the outgoing email queue.

use sea_orm::entity::prelude::*;

/// One row of `email_messages`: a message to send, being sent, sent or given up on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub text_body: String,
    #[sea_orm(column_type = "Text")]
    pub html_body: String,
    /// `queued`, `sent` or `failed` (given up after the last attempt).
    pub status: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the worker may try it (again).
    pub next_attempt_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// While set in the future, one worker is sending it and no other may.
    pub leased_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// One-click unsubscribe URL (`List-Unsubscribe`), for notification and digest mail.
    #[sea_orm(column_type = "Text", nullable)]
    pub unsubscribe_url: Option<String>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
