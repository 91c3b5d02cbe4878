//! RSVPs: going / not going, the waitlist, organisers' decisions on approval events, and the
//! attendee list. The same functions serve local members and (through `inbound`) people on
//! other servers.

use chrono::Utc;
use guildhall_domain::event::{self as rules, EventStatus, JoinMode, ParticipantStatus};
use guildhall_domain::{Access, Denied, Invalid};
use guildhall_store::entities::{event, event_participant};
use guildhall_store::events as store;
use guildhall_store::{ConnectionTrait, accounts};

use super::{AttendeeView, EventView, load_event, one_view, settings_of};
use crate::outbox::{self, Outgoing};
use crate::views::List;
use crate::{AppContext, Error, Page, Result, Viewer};

fn status_of(e: &event::Model) -> EventStatus {
    e.status
}

fn mode_of(e: &event::Model) -> JoinMode {
    e.join_mode
}

/// Whether the event takes no RSVPs at all any more: cancelled, over, or joined elsewhere
/// (`external`). A remote `Join` of it is answered with `Ignore` rather than `Reject`.
pub(crate) fn rsvps_closed(e: &event::Model, now: chrono::DateTime<Utc>) -> bool {
    status_of(e) == EventStatus::Cancelled || mode_of(e) == JoinMode::External || e.ends_at <= now
}

/// Records the answer a remote participant of a local event should get (Accept when going,
/// Reject when refused); nothing for local people, remote events or states still waiting.
async fn tell_remote<C: ConnectionTrait>(db: &C, e: &event::Model, p: &event_participant::Model) -> Result<()> {
    if e.ap_id.is_some() || p.join_ap_id.is_none() {
        return Ok(());
    }
    if matches!(p.status, ParticipantStatus::Going | ParticipantStatus::Rejected) {
        outbox::record(db, &Outgoing::EventRsvpAnswered { participant_id: p.id }).await?;
    }
    Ok(())
}

/// Tells other servers the new attendance of a local event when the number going changed: an
/// `Update{Event}` (not an edit: the sequence stays).
async fn attendance_changed<C: ConnectionTrait>(db: &C, e: &event::Model, going_before: i64) -> Result<()> {
    if e.ap_id.is_none() && store::count_going(db, e.id).await? != going_before {
        outbox::record(db, &Outgoing::EventUpdated { event_id: e.id }).await?;
    }
    Ok(())
}

/// Moves people from the waitlist to going while there is room (first come first served).
pub(crate) async fn promote<C: ConnectionTrait>(db: &C, e: &event::Model) -> Result<Vec<event_participant::Model>> {
    if status_of(e) == EventStatus::Cancelled || e.ap_id.is_some() {
        return Ok(vec![]);
    }
    let going = store::count_going(db, e.id).await?;
    let waiting = store::participants_with(db, e.id, ParticipantStatus::Waitlisted, 1000).await?;
    let n = rules::promotions(e.capacity, going, waiting.len());
    let mut out = Vec::new();
    for p in waiting.into_iter().take(n) {
        let p = store::set_participant_status(db, p, ParticipantStatus::Going, Utc::now()).await?;
        tell_remote(db, e, &p).await?;
        out.push(p);
    }
    Ok(out)
}

/// What an RSVP of `account_id` (already allowed by `access`) becomes, stored in `db` with
/// the Join's id for remote people. An existing RSVP is kept as it is.
pub(crate) async fn record_rsvp<C: ConnectionTrait>(
    db: &C,
    access: &Access,
    e: &event::Model,
    account_id: i64,
    join_ap_id: Option<String>,
) -> Result<event_participant::Model> {
    access.rsvp()?;
    guildhall_store::communities::lock(db, e.community_id).await?;
    if let Some(p) = store::find_participant(db, e.id, account_id).await? {
        return match p.status {
            ParticipantStatus::Rejected => Err(Denied::ModeratorsOnly.into()),
            _ => Ok(p),
        };
    }
    let going = if e.ap_id.is_some() { 0 } else { store::count_going(db, e.id).await? };
    let mut outcome = rules::rsvp_outcome(mode_of(e), status_of(e), e.capacity, going)?;
    if e.ap_id.is_some() {
        // The organiser's server decides; until it answers, the RSVP waits.
        outcome = ParticipantStatus::Pending;
    }
    let p = store::upsert_participant(db, e.id, account_id, outcome, join_ap_id, Utc::now()).await?;
    tell_remote(db, e, &p).await?;
    attendance_changed(db, e, going).await?;
    Ok(p)
}

/// RSVPs "going": in at once while there is room, else on the waitlist; approval events wait
/// for an organiser. Remote events wait for their server's answer.
pub async fn going(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<EventView> {
    let (e, l) = load_event(ctx, Some(viewer), id).await?;
    let join_id = e.ap_id.as_ref().map(|_| ctx.instance().new_activity_id());
    let txn = crate::receipt::begin_write(ctx).await?;
    let before = store::find_participant(&txn, e.id, viewer.account_id).await?;
    let p = record_rsvp(&txn, &l.access, &e, viewer.account_id, join_id).await?;
    if before.is_none() && e.ap_id.is_some() {
        outbox::record(&txn, &Outgoing::EventJoin { participant_id: p.id }).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, event = e.id, status = %p.status, "rsvp");
    one_view(ctx, Some(viewer), &e).await
}

/// Removes `account_id`'s RSVP and lets the waitlist move up. Returns the removed RSVP.
pub(crate) async fn remove_rsvp<C: ConnectionTrait>(
    db: &C,
    e: &event::Model,
    account_id: i64,
) -> Result<Option<event_participant::Model>> {
    guildhall_store::communities::lock(db, e.community_id).await?;
    let Some(p) = store::find_participant(db, e.id, account_id).await? else { return Ok(None) };
    let going = store::count_going(db, e.id).await?;
    store::delete_participant(db, p.id).await?;
    promote(db, e).await?;
    attendance_changed(db, e, going).await?;
    Ok(Some(p))
}

/// Withdraws `account_id`'s RSVP to `e` as if they said "not going": the waitlist moves up and
/// a remote event's server hears a `Leave`. A refusal stays on record. Whether one was removed.
async fn withdraw<C: ConnectionTrait>(db: &C, e: &event::Model, account_id: i64) -> Result<bool> {
    let Some(p) = store::find_participant(db, e.id, account_id).await? else { return Ok(false) };
    if p.status == ParticipantStatus::Rejected {
        return Ok(false);
    }
    remove_rsvp(db, e, account_id).await?;
    if e.ap_id.is_some()
        && let Some(join) = p.join_ap_id
    {
        outbox::record(db, &Outgoing::EventLeave { event_id: e.id, account_id, join_ap_id: join }).await?;
    }
    Ok(true)
}

/// Withdraws every RSVP of `account_id` to the coming events of `community_id`, because they
/// no longer belong there (banned, left, follow undone or refused). Past events keep their
/// attendance. Returns how many were withdrawn.
pub(crate) async fn withdraw_all_in<C: ConnectionTrait>(db: &C, community_id: i64, account_id: i64) -> Result<usize> {
    let mut n = 0;
    for e in store::coming_with_rsvp_of(db, community_id, account_id, Utc::now()).await? {
        if withdraw(db, &e, account_id).await? {
            n += 1;
        }
    }
    if n > 0 {
        tracing::info!(
            community = community_id,
            account = account_id,
            rsvps = n,
            "rsvps withdrawn: no longer a member"
        );
    }
    Ok(n)
}

/// RSVPs "not going": removes the viewer's RSVP (a refusal stays on record).
pub async fn not_going(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<EventView> {
    let (e, _) = load_event(ctx, Some(viewer), id).await?;
    let txn = crate::receipt::begin_write(ctx).await?;
    withdraw(&txn, &e, viewer.account_id).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    one_view(ctx, Some(viewer), &e).await
}

/// Accepts or rejects someone's RSVP (organiser or moderator). Accepting seats them if there
/// is room, else puts them on the waitlist.
pub async fn decide(ctx: &AppContext, viewer: &Viewer, id: i64, who: &str, accept: bool) -> Result<AttendeeView> {
    let (e, l) = load_event(ctx, Some(viewer), id).await?;
    l.access.manage_event(e.organiser_id == viewer.account_id)?;
    if e.ap_id.is_some() {
        return Err(Invalid::new("id", "RSVPs to events from other servers are decided there").into());
    }
    let account = crate::accounts::find_handle(ctx, who).await?.ok_or(Error::NotFound("rsvp"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    guildhall_store::communities::lock(&txn, e.community_id).await?;
    let p = store::find_participant(&txn, e.id, account.id).await?.ok_or(Error::NotFound("rsvp"))?;
    let going_before = store::count_going(&txn, e.id).await?;
    let status = if accept {
        match p.status {
            ParticipantStatus::Going | ParticipantStatus::Waitlisted => None,
            _ => Some(rules::seat(e.capacity, store::count_going(&txn, e.id).await?)),
        }
    } else {
        Some(ParticipantStatus::Rejected)
    };
    let was_going = p.status == ParticipantStatus::Going;
    let p = match status {
        Some(s) => store::set_participant_status(&txn, p, s, Utc::now()).await?,
        None => p,
    };
    tell_remote(&txn, &e, &p).await?;
    if was_going && !accept {
        promote(&txn, &e).await?;
    }
    attendance_changed(&txn, &e, going_before).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(organiser = %viewer.username, event = e.id, status = %p.status, "rsvp decided");
    Ok(AttendeeView::build(&p, Some(&account)))
}

/// Who RSVPed (organisers and moderators always; members when the community shows them).
pub async fn attendees(ctx: &AppContext, viewer: Option<&Viewer>, id: i64, page: Page) -> Result<List<AttendeeView>> {
    let (e, l) = load_event(ctx, viewer, id).await?;
    let is_organiser = viewer.is_some_and(|v| v.account_id == e.organiser_id);
    if !l.access.see_attendees(is_organiser, settings_of(ctx, e.community_id).await?) {
        return Err(match l.access.rsvp() {
            Ok(()) => Denied::ModeratorsOnly,
            Err(d) => d,
        }
        .into());
    }
    let rows = store::participants(ctx.db(), e.id, page).await?;
    let people = accounts::find_many(ctx.db(), &rows.items.iter().map(|p| p.account_id).collect::<Vec<_>>()).await?;
    let items = rows.items.iter().map(|p| AttendeeView::build(p, people.get(&p.account_id))).collect();
    Ok(List::new(items, page, rows.has_more))
}
