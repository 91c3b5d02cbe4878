//! The `deliveries` table.

use sea_orm::entity::prelude::*;

/// One row of `deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    /// `account`, `community` or `instance`: whose key signs it.
    pub sender_kind: String,
    pub sender_id: i64,
    pub inbox: String,
    pub domain: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

/// Where a delivery stands. Only the store and the delivery worker deal in it, so it lives
/// here rather than in the domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)")]
pub enum DeliveryStatus {
    /// Waiting to be sent (including retries).
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Accepted by the receiving instance (a 2xx answer).
    #[sea_orm(string_value = "done")]
    Done,
    /// Refused by the receiving instance (a 4xx answer other than 408 and 429): never
    /// retried; `last_error` keeps its status and reason.
    #[sea_orm(string_value = "refused")]
    Refused,
    /// Given up, or refused by our federation policy.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
