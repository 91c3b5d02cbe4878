//! The `events` table.

use sea_orm::entity::prelude::*;

/// One row of `events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub organiser_id: i64,
    /// ActivityPub id when the event came from another server.
    pub ap_id: Option<String>,
    /// The remote event's web page.
    pub url: Option<String>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description_source: String,
    #[sea_orm(column_type = "Text")]
    pub description_html: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    /// IANA zone the event is held in.
    pub timezone: String,
    pub place_name: String,
    #[sea_orm(column_type = "Text")]
    pub place_address: String,
    #[sea_orm(column_type = "Text")]
    pub online_url: String,
    /// Places for people going (none: unlimited).
    pub capacity: Option<i64>,
    /// `free`, `approval` or `external`.
    pub join_mode: guildhall_domain::event::JoinMode,
    #[sea_orm(column_type = "Text")]
    pub external_url: String,
    /// `confirmed`, `tentative` or `cancelled`.
    pub status: guildhall_domain::event::EventStatus,
    /// Readable by members only, as for discussions. Never cleared.
    pub members_only: bool,
    /// iCalendar SEQUENCE: bumped on every edit.
    pub sequence: i32,
    /// Attendance the origin server reported (remote events).
    pub remote_participant_count: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
