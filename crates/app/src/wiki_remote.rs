//! Wiki edits across servers, and what happens when they are refused. A remote member's edit
//! of one of our pages that the rules refuse is answered with a `Reject` carrying the reason
//! (to the editor only); another server's `Reject` of our member's edit is kept, with the
//! refused text, so the editor sees why on their copy of the page and loses nothing.

use chrono::{DateTime, Utc};
use guildhall_domain::Denied;
use guildhall_store::entities::account;
use guildhall_store::wiki as store;
use serde::Serialize;
use utoipa::ToSchema;

use crate::outbox::{self, Outgoing};
use crate::{AppContext, Error, Result};

/// The longest reason kept or sent.
const REASON_LEN: usize = 500;

/// The viewer's last edit of this page that its community refused.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiRefusalView {
    /// Why, as the community said.
    pub reason: String,
    /// The refused Markdown, to merge and send again.
    pub body: String,
    /// When the refusal arrived.
    pub refused_at: DateTime<Utc>,
}

/// An edit of one of our pages by a member on another server (`edit_ap_id`: their `Update`):
/// the same rules as a local edit. A refusal by the rules (membership, who may edit, lock, base
/// revision, size) is also sent back to the editor as a `Reject`, unless they may not even
/// read the community (then the page does not exist for them).
#[allow(clippy::too_many_arguments)]
pub async fn receive_member_edit(
    ctx: &AppContext,
    page_id: i64,
    editor: &account::Model,
    title: &str,
    body: &str,
    summary: Option<&str>,
    base_revision: i32,
    edit_ap_id: &str,
) -> Result<()> {
    let result = crate::wiki::apply_member_edit(ctx, page_id, editor, title, body, summary, base_revision).await;
    let Err(e) = &result else { return result };
    let Some(reason) = refusal_reason(e) else { return result };
    if may_read(ctx, page_id, editor).await? {
        let txn = crate::receipt::begin_write(ctx).await?;
        let intent = Outgoing::WikiEditRefused {
            page_id,
            account_id: editor.id,
            edit_ap_id: edit_ap_id.to_owned(),
            reason: reason.clone(),
        };
        outbox::record(&txn, &intent).await?;
        txn.commit().await?;
        ctx.wake_delivery();
    }
    tracing::info!(editor = %editor.username, domain = %editor.domain, page = page_id, edit = %edit_ap_id, %reason, "remote wiki edit refused");
    result
}

/// The reason to tell the editor, for refusals by the rules (not for missing pages or faults).
fn refusal_reason(e: &Error) -> Option<String> {
    let text = match e {
        Error::Denied(Denied::Locked) => "this page is locked: only moderators may edit it".to_owned(),
        Error::Denied(Denied::ModeratorsOnly) => "only moderators of this community may edit its wiki".to_owned(),
        Error::Denied(Denied::MembersOnly) => "only members of this community may edit its wiki".to_owned(),
        Error::Denied(_) | Error::Invalid(_) | Error::Conflict(_) | Error::Taken(_) => e.to_string(),
        _ => return None,
    };
    Some(text.chars().take(REASON_LEN).collect())
}

async fn may_read(ctx: &AppContext, page_id: i64, editor: &account::Model) -> Result<bool> {
    let Some(page) = store::find_page_by_id(ctx.db(), page_id).await? else { return Ok(false) };
    let Some(c) = guildhall_store::communities::find_by_id(ctx.db(), page.community_id).await? else {
        return Ok(false);
    };
    let m = guildhall_store::communities::find_membership(ctx.db(), c.id, editor.id).await?;
    Ok(crate::communities::remote_access(&c, m.as_ref())?.can_read_content())
}

/// Another server's community refused our member's edit of its page (`page_ap_id`): kept for
/// the editor with the reason and the refused text; our copy stays as it is. `community_ap_id`
/// is who refused: only the page's own community may. Returns false when the edit is not one
/// of ours on that community's page.
pub async fn edit_refused(
    ctx: &AppContext,
    community_ap_id: &str,
    page_ap_id: &str,
    editor_id: i64,
    edit_ap_id: &str,
    reason: &str,
    body: &str,
) -> Result<bool> {
    let Some(page) = store::find_page_by_ap_id(ctx.db(), page_ap_id).await? else { return Ok(false) };
    let c =
        guildhall_store::communities::find_by_id(ctx.db(), page.community_id).await?.ok_or(Error::NotFound("page"))?;
    if c.ap_id.as_deref() != Some(community_ap_id) {
        tracing::warn!(page = %page_ap_id, actor = %community_ap_id, "wiki Reject not from the page's community; ignored");
        return Ok(false);
    }
    let reason: String = reason.trim().chars().take(REASON_LEN).collect();
    let reason = if reason.is_empty() { "refused by the community".to_owned() } else { reason };
    let new = store::insert_refusal(ctx.db(), page.id, editor_id, edit_ap_id, &reason, body, Utc::now()).await?;
    if new {
        tracing::info!(page = %page.slug, editor = editor_id, edit = %edit_ap_id, actor = %community_ap_id, %reason, "our wiki edit was refused");
    }
    Ok(true)
}

/// The viewer's last refused edit of a copy of another server's page.
pub(crate) async fn last_refusal(ctx: &AppContext, page_id: i64, account_id: i64) -> Result<Option<WikiRefusalView>> {
    Ok(store::last_refusal(ctx.db(), page_id, account_id).await?.map(|r| WikiRefusalView {
        reason: r.reason,
        body: r.body,
        refused_at: r.created_at,
    }))
}
