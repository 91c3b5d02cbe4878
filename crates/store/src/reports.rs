//! Reports (`Flag`) received from other servers, per community.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::entities::report;
use crate::{Page, Paged, Result, encode_list};

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// The community whose content or members are reported.
    pub community_id: i64,
    /// The `Flag`'s id (a report is stored once).
    pub activity_ap_id: String,
    /// Who reported.
    pub reporter_ap_id: String,
    /// The reporter's instance.
    pub reporter_domain: String,
    /// What is reported (ActivityPub ids).
    pub targets: Vec<String>,
    /// Why (plain text).
    pub content: String,
}

/// Stores a report; a second one with the same activity id changes nothing (false).
pub async fn insert<C: ConnectionTrait>(db: &C, r: NewReport, now: DateTime<Utc>) -> Result<bool> {
    let row = report::ActiveModel {
        community_id: Set(r.community_id),
        activity_ap_id: Set(r.activity_ap_id),
        reporter_ap_id: Set(r.reporter_ap_id),
        reporter_domain: Set(r.reporter_domain),
        targets: Set(encode_list(&r.targets)),
        content: Set(r.content),
        received_at: Set(now),
        ..Default::default()
    };
    let n = report::Entity::insert(row)
        .on_conflict(OnConflict::column(report::Column::ActivityApId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(n == 1)
}

/// A community's reports, newest first.
pub async fn list<C: ConnectionTrait>(db: &C, community_id: i64, page: Page) -> Result<Paged<report::Model>> {
    let rows = report::Entity::find()
        .filter(report::Column::CommunityId.eq(community_id))
        .order_by_desc(report::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}
