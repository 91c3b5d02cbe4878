//! Banning people from a community (local or on other servers), with a reason and an
//! optional expiry. A ban ends membership, stops posting, and (for private communities)
//! reading; it federates as Lemmy's `Block` with the community as `target`.

use chrono::{Duration, Utc};
use guildhall_domain::{Denied, Invalid, MembershipStatus, validate, validate::Limits};
use guildhall_store::entities::membership;
use guildhall_store::{Set, communities as store};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::communities::load;
use crate::outbox::{self, Outgoing};
use crate::views::List;
use crate::{AppContext, Error, Page, Result, Viewer};

/// A ban to set.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewBan {
    /// `name` (local) or `name@domain`.
    pub username: String,
    /// Why (shown to moderators, sent with the Block).
    pub reason: Option<String>,
    /// Days until the ban ends (1–3650); none means permanent.
    pub expires_in_days: Option<i64>,
}

/// A ban as moderators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BanView {
    /// Who.
    pub username: String,
    /// Why.
    pub reason: Option<String>,
    /// When it ends (none: permanent).
    pub expires_at: Option<chrono::DateTime<Utc>>,
}

/// Bans a person (moderators; a moderator can be banned only by an instance admin).
pub async fn ban(ctx: &AppContext, viewer: &Viewer, community: &str, new: NewBan) -> Result<BanView> {
    let reason = match new.reason.as_deref() {
        Some(r) if !r.trim().is_empty() => Some(validate::text("reason", r, Limits::DESCRIPTION, false)?),
        _ => None,
    };
    if let Some(d) = new.expires_in_days
        && !(1..=3650).contains(&d)
    {
        return Err(Invalid::new("expires_in_days", "must be between 1 and 3650").into());
    }
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    if !l.community.domain.is_empty() {
        return Err(Denied::ModeratorsOnly.into()); // a remote community bans on its own server
    }
    let target = crate::accounts::find_handle(ctx, &new.username).await?.ok_or(Error::NotFound("account"))?;
    if target.id == viewer.account_id {
        return Err(Invalid::new("username", "you cannot ban yourself").into());
    }
    let existing = store::find_membership(ctx.db(), l.community.id, target.id).await?;
    if existing.as_ref().is_some_and(|m| m.is_moderator) && !viewer.is_admin {
        return Err(Denied::AdminsOnly.into());
    }
    let expires_at = new.expires_in_days.map(|d| Utc::now() + Duration::days(d));
    let txn = crate::receipt::begin_write(ctx).await?;
    let m = set_banned(&txn, existing, l.community.id, target.id, reason.clone(), expires_at, Some(viewer.account_id))
        .await?;
    crate::events::rsvp::withdraw_all_in(&txn, l.community.id, target.id).await?;
    outbox::record(&txn, &Outgoing::Banned { membership_id: m.id, by_account_id: viewer.account_id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(moderator = %viewer.username, community = %l.community.name, banned = %new.username, "member banned");
    Ok(BanView { username: crate::accounts::handle_of(&target), reason, expires_at })
}

/// Lifts a ban (moderators); the person may ask to join again.
pub async fn unban(ctx: &AppContext, viewer: &Viewer, community: &str, username: &str) -> Result<()> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    let target = crate::accounts::find_handle(ctx, username).await?.ok_or(Error::NotFound("ban"))?;
    let m = store::find_membership(ctx.db(), l.community.id, target.id)
        .await?
        .filter(|m| m.status == MembershipStatus::Banned)
        .ok_or(Error::NotFound("ban"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store::delete_membership(&txn, m.id).await?;
    let intent =
        Outgoing::Unbanned { community_id: l.community.id, account_id: target.id, by_account_id: viewer.account_id };
    outbox::record(&txn, &intent).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    Ok(())
}

/// Current bans (moderators).
pub async fn list(ctx: &AppContext, viewer: &Viewer, community: &str, page: Page) -> Result<List<BanView>> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    let rows = store::list_memberships(ctx.db(), l.community.id, MembershipStatus::Banned, page).await?;
    let items = rows
        .items
        .into_iter()
        .map(|(m, a)| BanView {
            username: crate::accounts::handle_of(&a),
            reason: m.ban_reason,
            expires_at: m.ban_expires_at,
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

/// A remote community banned (or unbanned) one of our members: their membership follows.
pub async fn remote_ban(
    ctx: &AppContext,
    community: &guildhall_store::entities::community::Model,
    account: &guildhall_store::entities::account::Model,
    banned: bool,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<()> {
    if community.domain.is_empty() || !account.domain.is_empty() {
        return Err(Denied::ModeratorsOnly.into());
    }
    let existing = store::find_membership(ctx.db(), community.id, account.id).await?;
    match (banned, existing) {
        (true, existing) => {
            let txn = crate::receipt::begin_write(ctx).await?;
            set_banned(&txn, existing, community.id, account.id, None, expires_at, None).await?;
            crate::events::rsvp::withdraw_all_in(&txn, community.id, account.id).await?;
            txn.commit().await?;
            ctx.wake_delivery();
        }
        (false, Some(m)) if m.status == MembershipStatus::Banned => {
            store::delete_membership(ctx.db(), m.id).await?;
        }
        (false, _) => {}
    }
    Ok(())
}

/// Makes the membership of `account_id` in `community_id` a ban (creating it if needed).
async fn set_banned<C: guildhall_store::ConnectionTrait>(
    db: &C,
    existing: Option<membership::Model>,
    community_id: i64,
    account_id: i64,
    reason: Option<String>,
    expires_at: Option<chrono::DateTime<Utc>>,
    by: Option<i64>,
) -> Result<membership::Model> {
    let m = match existing {
        Some(m) => m,
        None => {
            let new = store::NewMembership {
                community_id,
                account_id,
                status: MembershipStatus::Banned,
                is_moderator: false,
                request_message: None,
                charter_accepted_at: None,
                follow_ap_id: None,
            };
            store::insert_membership(db, new, Utc::now()).await?
        }
    };
    let mut a: membership::ActiveModel = m.into();
    a.status = Set(MembershipStatus::Banned);
    a.is_moderator = Set(false);
    a.ban_reason = Set(reason);
    a.ban_expires_at = Set(expires_at);
    a.decided_at = Set(Some(Utc::now()));
    a.decided_by = Set(by);
    Ok(store::update_membership(db, a).await?)
}
