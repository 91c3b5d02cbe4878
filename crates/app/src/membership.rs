//! Joining, leaving, join requests and moderators.

use chrono::Utc;
use guildhall_domain::{CommunityRole, Denied, JoinOutcome, MembershipStatus, validate, validate::Limits};
use guildhall_store::entities::membership;
use guildhall_store::{Set, accounts, communities as store};

use crate::communities::load;
use crate::outbox::{self, Outgoing};
use crate::views::{JoinRequestView, JoinView, List, MemberView};
use crate::{AppContext, Error, Page, Result, Viewer};

/// Joins a community (public) or asks to (approval, private). Needs the charter accepted.
pub async fn join(
    ctx: &AppContext,
    viewer: &Viewer,
    name: &str,
    accept_charter: bool,
    message: Option<&str>,
) -> Result<JoinView> {
    let message = match message {
        Some(m) if !m.trim().is_empty() => Some(validate::text("message", m, Limits::DESCRIPTION, false)?),
        _ => None,
    };
    let l = load(ctx, Some(viewer), name).await?;
    let allowed = guildhall_store::decode_list(&l.community.member_domains)?;
    if !guildhall_domain::member_instance_allowed(&allowed, &ctx.instance().domain) && !l.access.role.is_member() {
        return Err(Denied::InstanceNotAllowed.into());
    }
    let has_charter = !l.community.charter.trim().is_empty();
    let remote = !l.community.domain.is_empty();
    let mut outcome = l.access.join(has_charter, accept_charter)?;
    if remote {
        // A remote community decides: we are pending until its Accept arrives.
        outcome = JoinOutcome::Requested;
    }
    if outcome == JoinOutcome::Requested && !l.community.join_question.trim().is_empty() && message.is_none() {
        return Err(guildhall_domain::Invalid::new("message", "answer the community's question to ask to join").into());
    }
    let now = Utc::now();
    let status = match outcome {
        JoinOutcome::Joined => MembershipStatus::Active,
        JoinOutcome::Requested => MembershipStatus::Pending,
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    let m = store::insert_membership(
        &txn,
        store::NewMembership {
            community_id: l.community.id,
            account_id: viewer.account_id,
            status,
            is_moderator: false,
            request_message: message,
            charter_accepted_at: accept_charter.then_some(now),
            follow_ap_id: remote.then(|| ctx.instance().new_activity_id()),
        },
        now,
    )
    .await
    .map_err(|e| match e {
        // A concurrent join from the same account won the race: say what it did.
        guildhall_store::Error::Conflict(_) => Error::Denied(match status {
            MembershipStatus::Active => Denied::AlreadyMember,
            MembershipStatus::Pending | MembershipStatus::Banned => Denied::AlreadyPending,
        }),
        other => other.into(),
    })?;
    if remote {
        outbox::record(&txn, &Outgoing::Follow { membership_id: m.id }).await?;
    }
    // A remote community's moderators are told by their own server.
    let told = if outcome == JoinOutcome::Requested && !remote {
        crate::notifying::join_requested(&txn, &l.community, viewer.account_id).await?
    } else {
        Vec::new()
    };
    txn.commit().await?;
    crate::live::notified(ctx, &told);
    if remote {
        ctx.wake_delivery();
        crate::remote::start_backfill(ctx, &l.community);
    }
    tracing::info!(account = %viewer.username, community = %l.community.name, ?outcome, "join");
    Ok(match outcome {
        JoinOutcome::Joined => JoinView { status: "joined".into(), welcome_message: Some(l.community.welcome_message) },
        JoinOutcome::Requested => JoinView { status: "requested".into(), welcome_message: None },
    })
}

/// Leaves a community, or withdraws a join request.
pub async fn leave(ctx: &AppContext, viewer: &Viewer, name: &str) -> Result<()> {
    let l = load(ctx, Some(viewer), name).await?;
    let txn = crate::receipt::begin_write(ctx).await?;
    // Counted under the community's lock so two moderators leaving at once keep one.
    store::lock(&txn, l.community.id).await?;
    let others = if l.access.role == CommunityRole::Moderator {
        store::count_moderators(&txn, l.community.id).await?.saturating_sub(1)
    } else {
        0
    };
    l.access.leave(others)?;
    let m = l.membership.ok_or(Error::Denied(Denied::NotMember))?;
    store::delete_membership(&txn, m.id).await?;
    crate::events::rsvp::withdraw_all_in(&txn, l.community.id, viewer.account_id).await?;
    let told = match m.is_moderator {
        true => crate::notifying::moderator_left(&txn, &l.community, viewer.account_id).await?,
        false => Vec::new(),
    };
    if let (false, Some(follow)) = (l.community.domain.is_empty(), m.follow_ap_id) {
        let intent =
            Outgoing::Unfollow { account_id: viewer.account_id, community_id: l.community.id, follow_ap_id: follow };
        outbox::record(&txn, &intent).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(account = %viewer.username, community = %l.community.name, "left community");
    Ok(())
}

/// The approved members (moderators first).
pub async fn members(ctx: &AppContext, viewer: Option<&Viewer>, name: &str, page: Page) -> Result<List<MemberView>> {
    let l = load(ctx, viewer, name).await?;
    l.access.read_content()?;
    let rows = store::list_memberships(ctx.db(), l.community.id, MembershipStatus::Active, page).await?;
    let items = rows
        .items
        .into_iter()
        .map(|(m, a)| MemberView {
            username: crate::accounts::handle_of(&a),
            display_name: a.display_name,
            department: a.department,
            role: if m.is_moderator { CommunityRole::Moderator } else { CommunityRole::Member },
            joined_at: m.decided_at.unwrap_or(m.created_at),
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

/// Pending join requests (moderators).
pub async fn join_requests(ctx: &AppContext, viewer: &Viewer, name: &str, page: Page) -> Result<List<JoinRequestView>> {
    let l = load(ctx, Some(viewer), name).await?;
    l.access.moderate()?;
    let rows = store::list_memberships(ctx.db(), l.community.id, MembershipStatus::Pending, page).await?;
    let items = rows
        .items
        .into_iter()
        .map(|(m, a)| JoinRequestView {
            username: crate::accounts::handle_of(&a),
            display_name: a.display_name,
            department: a.department,
            message: m.request_message,
            requested_at: m.created_at,
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

async fn membership_of(ctx: &AppContext, community_id: i64, username: &str) -> Result<Option<membership::Model>> {
    let Some(a) = crate::accounts::find_handle(ctx, username).await? else {
        return Ok(None);
    };
    Ok(store::find_membership(ctx.db(), community_id, a.id).await?)
}

/// Accepts (`true`) or rejects a pending join request.
pub async fn decide_request(ctx: &AppContext, viewer: &Viewer, name: &str, username: &str, accept: bool) -> Result<()> {
    let l = load(ctx, Some(viewer), name).await?;
    l.access.moderate()?;
    let m = membership_of(ctx, l.community.id, username)
        .await?
        .filter(|m| m.status == MembershipStatus::Pending)
        .ok_or(Error::NotFound("join request"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let (id, account_id, follow) = (m.id, m.account_id, m.follow_ap_id.clone());
    if accept {
        let mut active: membership::ActiveModel = m.into();
        active.status = Set(MembershipStatus::Active);
        active.decided_at = Set(Some(Utc::now()));
        active.decided_by = Set(Some(viewer.account_id));
        store::update_membership(&txn, active).await?;
    } else {
        store::delete_membership(&txn, id).await?;
        crate::events::rsvp::withdraw_all_in(&txn, l.community.id, account_id).await?;
    }
    // A follower from another server learns the answer by Accept or Reject.
    if let Some(follow_ap_id) = follow {
        let intent = if accept {
            Outgoing::AcceptFollow { membership_id: id }
        } else {
            Outgoing::RejectFollow { community_id: l.community.id, account_id, follow_ap_id }
        };
        outbox::record(&txn, &intent).await?;
    }
    let told = crate::notifying::join_answered(&txn, &l.community, account_id, accept, Some(viewer.account_id)).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(moderator = %viewer.username, community = %l.community.name, member = %username, accept, "join request decided");
    Ok(())
}

/// Appoints an approved member as moderator.
pub async fn add_moderator(ctx: &AppContext, viewer: &Viewer, name: &str, username: &str) -> Result<MemberView> {
    let l = load(ctx, Some(viewer), name).await?;
    l.access.moderate()?;
    let m = membership_of(ctx, l.community.id, username)
        .await?
        .filter(|m| m.status == MembershipStatus::Active)
        .ok_or_else(|| Error::Conflict(format!("{username} must be a member of the community first")))?;
    let joined_at = m.decided_at.unwrap_or(m.created_at);
    if !m.is_moderator {
        let mut active: membership::ActiveModel = m.clone().into();
        active.is_moderator = Set(true);
        store::update_membership(ctx.db(), active).await?;
    }
    let a = accounts::find_by_id(ctx.db(), m.account_id).await?.ok_or(Error::NotFound("account"))?;
    tracing::info!(moderator = %viewer.username, community = %l.community.name, appointed = %a.username, "moderator added");
    Ok(MemberView {
        username: a.username,
        display_name: a.display_name,
        department: a.department,
        role: CommunityRole::Moderator,
        joined_at,
    })
}

/// Removes a moderator (or lets one step down); the last moderator stays.
pub async fn remove_moderator(ctx: &AppContext, viewer: &Viewer, name: &str, username: &str) -> Result<()> {
    let l = load(ctx, Some(viewer), name).await?;
    let stepping_down = username.eq_ignore_ascii_case(&viewer.username);
    if !stepping_down {
        l.access.moderate()?;
    }
    let m = membership_of(ctx, l.community.id, username)
        .await?
        .filter(|m| m.is_moderator && m.status == MembershipStatus::Active)
        .ok_or(Error::NotFound("moderator"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store::lock(&txn, l.community.id).await?;
    if store::count_moderators(&txn, l.community.id).await? <= 1 {
        return Err(Denied::LastModerator.into());
    }
    let left = m.account_id;
    let mut active: membership::ActiveModel = m.into();
    active.is_moderator = Set(false);
    store::update_membership(&txn, active).await?;
    let told = crate::notifying::moderator_left(&txn, &l.community, left).await?;
    txn.commit().await?;
    crate::live::notified(ctx, &told);
    tracing::info!(moderator = %viewer.username, community = %l.community.name, removed = %username, "moderator removed");
    Ok(())
}
