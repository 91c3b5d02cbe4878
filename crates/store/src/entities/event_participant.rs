//! The `event_participants` table.

use sea_orm::entity::prelude::*;

/// One row of `event_participants`: one person's RSVP to one event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub account_id: i64,
    /// `going`, `waitlisted`, `pending` or `rejected`.
    pub status: guildhall_domain::event::ParticipantStatus,
    /// The `Join` activity behind a federated RSVP.
    pub join_ap_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
