//! Reports (`Flag`) that other servers send about content or members of a community here.
//! Any actor may report (Mastodon and Misskey report from their instance actor, Lemmy from
//! the person); the report is stored for the community's moderators, who alone see it. The
//! fuller moderation queue (deciding on reports) is a later issue.

use chrono::Utc;
use guildhall_store::reports::{self as store, NewReport};
use serde::Serialize;
use utoipa::ToSchema;

use crate::communities::load;
use crate::views::List;
use crate::{AppContext, Error, Page, Result, Viewer};

/// At most this much of a reporter's comment is kept.
const MAX_COMMENT: usize = 5000;
/// At most this many reported ids are kept.
const MAX_TARGETS: usize = 50;

/// A report received from another server.
#[derive(Debug, Clone)]
pub struct RemoteReport {
    /// The local community whose content or members are reported.
    pub community_id: i64,
    /// The `Flag`'s id.
    pub activity_ap_id: String,
    /// Who reported.
    pub reporter_ap_id: String,
    /// The reporter's instance.
    pub reporter_domain: String,
    /// What is reported (ActivityPub ids).
    pub targets: Vec<String>,
    /// Why (plain text as sent).
    pub comment: String,
}

/// Stores a report about a local community (a remote community's reports are its server's).
pub async fn receive_remote(ctx: &AppContext, r: RemoteReport) -> Result<()> {
    let community = crate::lookup::community(ctx, r.community_id).await?.ok_or(Error::NotFound("community"))?;
    if !community.domain.is_empty() {
        return Err(Error::NotFound("community"));
    }
    let row = NewReport {
        community_id: r.community_id,
        activity_ap_id: r.activity_ap_id,
        reporter_ap_id: r.reporter_ap_id,
        reporter_domain: r.reporter_domain,
        targets: r.targets.into_iter().take(MAX_TARGETS).collect(),
        content: r.comment.trim().chars().take(MAX_COMMENT).collect(),
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    store::insert(&txn, row, Utc::now()).await?;
    txn.commit().await?;
    tracing::info!(community = %community.name, "report received");
    Ok(())
}

/// A report as moderators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    /// Who reported (an ActivityPub id: a person or a server's instance actor).
    pub reporter: String,
    /// The reporter's instance.
    pub reporter_domain: String,
    /// What is reported (ActivityPub ids: discussions, replies, people).
    pub targets: Vec<String>,
    /// The reporter's comment.
    pub comment: String,
    /// When it arrived.
    pub received_at: chrono::DateTime<Utc>,
}

/// A community's reports, newest first (its moderators and instance admins only).
pub async fn list(ctx: &AppContext, viewer: &Viewer, community: &str, page: Page) -> Result<List<ReportView>> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    let rows = store::list(ctx.db(), l.community.id, page).await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for r in rows.items {
        items.push(ReportView {
            reporter: r.reporter_ap_id,
            reporter_domain: r.reporter_domain,
            targets: guildhall_store::decode_list(&r.targets)?,
            comment: r.content,
            received_at: r.received_at,
        });
    }
    Ok(List::new(items, page, rows.has_more))
}
