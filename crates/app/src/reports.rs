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
    let title = reported_title(ctx, &community, &r.targets).await?;
    let reporter = guildhall_store::federation::find_account_by_ap_id(ctx.db(), &r.reporter_ap_id).await?;
    let row = NewReport {
        community_id: r.community_id,
        activity_ap_id: r.activity_ap_id,
        reporter_ap_id: r.reporter_ap_id,
        reporter_domain: r.reporter_domain,
        targets: r.targets.into_iter().take(MAX_TARGETS).collect(),
        content: r.comment.trim().chars().take(MAX_COMMENT).collect(),
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    // A re-delivered Flag is stored once and tells the moderators once.
    let told = match store::insert(&txn, row, Utc::now()).await? {
        true => crate::notifying::reported(&txn, &community, title, reporter.map(|a| a.id)).await?,
        false => Vec::new(),
    };
    txn.commit().await?;
    crate::live::notified(ctx, &told);
    tracing::info!(community = %community.name, "report received");
    Ok(())
}

/// What a report is titled with: the first reported post of `community` (a discussion, or a
/// reply's discussion) that is not deleted, else the community's title.
async fn reported_title(
    ctx: &AppContext,
    community: &guildhall_store::entities::community::Model,
    targets: &[String],
) -> Result<String> {
    use crate::posts::PostRef;
    let urls = crate::urls::Urls::new(ctx);
    for target in targets.iter().take(MAX_TARGETS) {
        let discussion_id = match urls.local_post(target) {
            Some(PostRef::Discussion(id)) => Some(id),
            Some(PostRef::Reply(id)) => {
                guildhall_store::discussions::find_reply(ctx.db(), id).await?.map(|r| r.discussion_id)
            }
            None => match crate::lookup::discussion_by_ap_id(ctx, target).await? {
                Some(d) => Some(d.id),
                None => crate::lookup::reply_by_ap_id(ctx, target).await?.map(|r| r.discussion_id),
            },
        };
        let Some(id) = discussion_id else { continue };
        if let Some(d) = guildhall_store::discussions::find_by_id(ctx.db(), id).await?
            && d.community_id == community.id
            && d.deleted_at.is_none()
        {
            return Ok(d.title);
        }
    }
    Ok(community.title.clone())
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
