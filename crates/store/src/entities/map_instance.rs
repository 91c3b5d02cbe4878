//! The `map_instances` table: instances the network-map crawler knows, and how their last
//! crawl went.

use sea_orm::entity::prelude::*;

/// One row of `map_instances`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "map_instances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `host` or `host:port`.
    #[sea_orm(unique)]
    pub domain: String,
    pub name: String,
    /// Department or organisation that runs it.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    pub software: String,
    /// `pending`, `ok`, `error`, `opted_out` or `blocked`.
    pub status: guildhall_domain::directory::MapInstanceStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub last_crawled_at: Option<DateTimeUtc>,
    /// Where an interrupted crawl resumes.
    #[sea_orm(column_type = "Text", nullable)]
    pub next_page: Option<String>,
    /// The instance whose directory or links led here.
    pub discovered_from: Option<String>,
    pub entries_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// No declared relations: queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
