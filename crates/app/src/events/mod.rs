//! Events in communities: create, edit, cancel, delete, list and read them; RSVPs and the
//! attendee list (`rsvp`); iCalendar feeds (`ical`).

pub mod ical;
mod input;
pub mod post;
pub mod reminders;
pub mod remote;
pub mod replies;
pub mod rsvp;
mod view;
mod vtimezone;

use chrono::Utc;
use guildhall_domain::event::{EventSettings, EventStatus};
use guildhall_domain::{Invalid, policy};
use guildhall_store::entities::{event, event_settings};
use guildhall_store::events::{self as store, When};
use guildhall_store::votes::{self, Target};
use guildhall_store::{Set, accounts};

pub use input::EventInput;
use input::Fields;
pub use view::{AttendeeView, CalendarTokenView, EventView};

use crate::communities::{Loaded, load, load_for};
use crate::notifications;
use crate::outbox::{self, Outgoing};
use crate::views::List;
use crate::{AppContext, Error, Page, Result, Viewer};

/// Loads an event the viewer may read, with its community and the viewer's access to it as
/// event content (a members-only event reads as private content); otherwise 404.
pub(crate) async fn load_event(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<(event::Model, Loaded)> {
    let e =
        store::find_by_id(ctx.db(), id).await?.filter(|e| e.deleted_at.is_none()).ok_or(Error::NotFound("event"))?;
    let c =
        guildhall_store::communities::find_by_id(ctx.db(), e.community_id).await?.ok_or(Error::NotFound("event"))?;
    let mut l = load_for(ctx, viewer, c).await?;
    l.access = l.access.for_discussion(e.members_only);
    if !l.access.can_read_content() {
        return Err(Error::NotFound("event"));
    }
    Ok((e, l))
}

pub(crate) fn handle(c: &guildhall_store::entities::community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

/// Builds views for events, with counts, organisers and the viewer's RSVPs.
pub(crate) async fn views(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    events: &[event::Model],
) -> Result<Vec<EventView>> {
    let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
    let counts = store::counts(ctx.db(), &ids).await?;
    let organisers = accounts::find_many(ctx.db(), &events.iter().map(|e| e.organiser_id).collect::<Vec<_>>()).await?;
    let mine = match viewer {
        Some(v) => store::rsvps_of(ctx.db(), v.account_id, &ids).await?,
        None => Default::default(),
    };
    let targets: Vec<Target> = ids.iter().map(|id| Target::Event(*id)).collect();
    let tallies = votes::tallies(ctx.db(), &targets).await?;
    let my_votes = match viewer {
        Some(v) => votes::mine_on_events(ctx.db(), v.account_id, &ids).await?,
        None => Default::default(),
    };
    let mut community_ids: Vec<i64> = events.iter().map(|e| e.community_id).collect();
    community_ids.sort_unstable();
    community_ids.dedup();
    let mut names = std::collections::HashMap::new();
    for id in community_ids {
        if let Some(c) = guildhall_store::communities::find_by_id(ctx.db(), id).await? {
            names.insert(id, handle(&c));
        }
    }
    Ok(events
        .iter()
        .map(|e| {
            let community = names.get(&e.community_id).map(String::as_str).unwrap_or("");
            let (up, down) = tallies.get(&Target::Event(e.id)).copied().unwrap_or_default();
            let vote = (up, down, my_votes.get(&e.id).copied().unwrap_or(0));
            EventView::build(e, community, organisers.get(&e.organiser_id), counts.get(&e.id), mine.get(&e.id), vote)
        })
        .collect())
}

pub(crate) async fn one_view(ctx: &AppContext, viewer: Option<&Viewer>, e: &event::Model) -> Result<EventView> {
    Ok(views(ctx, viewer, std::slice::from_ref(e)).await?.remove(0))
}

/// A community's event settings (defaults when never set).
pub async fn settings_of(ctx: &AppContext, community_id: i64) -> Result<EventSettings> {
    Ok(store::settings(ctx.db(), community_id)
        .await?
        .map(|s| EventSettings {
            members_may_create: s.members_may_create,
            attendees_visible_to_members: s.attendees_visible_to_members,
        })
        .unwrap_or_default())
}

/// A community's event settings, for anyone who may read it.
pub async fn settings(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<EventSettings> {
    let l = load(ctx, viewer, community).await?;
    l.access.read_content()?;
    settings_of(ctx, l.community.id).await
}

/// Changes a community's event settings (moderators).
pub async fn set_settings(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    new: EventSettings,
) -> Result<EventSettings> {
    let l = load(ctx, Some(viewer), community).await?;
    l.access.moderate()?;
    let row = event_settings::Model {
        community_id: l.community.id,
        members_may_create: new.members_may_create,
        attendees_visible_to_members: new.attendees_visible_to_members,
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    store::save_settings(&txn, row).await?;
    txn.commit().await?;
    Ok(new)
}

/// Creates an event in a community on this server (moderators, or members if allowed).
pub async fn create(ctx: &AppContext, viewer: &Viewer, community: &str, input: &EventInput) -> Result<EventView> {
    let fields = Fields::validate(input, None)?;
    let l = load(ctx, Some(viewer), community).await?;
    if !l.community.domain.is_empty() {
        return Err(Invalid::new("community", "events can be created only in communities on this server").into());
    }
    l.access.create_event(settings_of(ctx, l.community.id).await?)?;
    let now = Utc::now();
    let mut m = event::ActiveModel {
        community_id: Set(l.community.id),
        organiser_id: Set(viewer.account_id),
        ap_id: Set(None),
        url: Set(None),
        members_only: Set(policy::new_discussion_members_only(l.access.visibility, false)),
        sequence: Set(0),
        remote_participant_count: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    };
    fields.apply(&mut m);
    let txn = crate::receipt::begin_write(ctx).await?;
    let e = store::insert(&txn, m).await?;
    outbox::record(&txn, &Outgoing::EventCreated { event_id: e.id }).await?;
    let told = crate::notifying::new_event_watched(&txn, &l.community, &e).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    tracing::info!(account = %viewer.username, community = %l.community.name, event = e.id, "event created");
    one_view(ctx, Some(viewer), &e).await
}

/// One event.
pub async fn get(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<EventView> {
    let (e, _) = load_event(ctx, viewer, id).await?;
    one_view(ctx, viewer, &e).await
}

/// A community's upcoming (soonest first) or past (latest first) events.
pub async fn list(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    community: &str,
    when: When,
    page: Page,
) -> Result<List<EventView>> {
    let l = load(ctx, viewer, community).await?;
    l.access.read_content()?;
    let include_members_only = l.access.discussion_listing().members_only;
    let rows = store::list_community(ctx.db(), l.community.id, when, include_members_only, Utc::now(), page).await?;
    Ok(List::new(views(ctx, viewer, &rows.items).await?, page, rows.has_more))
}

/// Upcoming events across every community the viewer is a member of.
pub async fn mine(ctx: &AppContext, viewer: &Viewer, page: Page) -> Result<List<EventView>> {
    let rows = store::in_communities_of(ctx.db(), viewer.account_id, Utc::now(), page).await?;
    Ok(List::new(views(ctx, Some(viewer), &rows.items).await?, page, rows.has_more))
}

/// Edits an event (organiser or moderator); every edit bumps its sequence. A larger capacity
/// lets people off the waitlist.
pub async fn update(ctx: &AppContext, viewer: &Viewer, id: i64, input: &EventInput) -> Result<EventView> {
    let (e, l) = load_event(ctx, Some(viewer), id).await?;
    l.access.manage_event(e.organiser_id == viewer.account_id)?;
    if e.ap_id.is_some() {
        return Err(Invalid::new("id", "events from other servers are edited there").into());
    }
    let fields = Fields::validate(input, Some(&e))?;
    save_edit(ctx, viewer, e, &handle(&l.community), fields).await
}

async fn save_edit(
    ctx: &AppContext,
    viewer: &Viewer,
    e: event::Model,
    community: &str,
    fields: Fields,
) -> Result<EventView> {
    let sequence = e.sequence + 1;
    let before = e.status;
    let mut m: event::ActiveModel = e.into();
    fields.apply(&mut m);
    m.sequence = Set(sequence);
    m.updated_at = Set(Utc::now());
    let txn = crate::receipt::begin_write(ctx).await?;
    let saved = store::update(&txn, m).await?;
    guildhall_store::communities::lock(&txn, saved.community_id).await?;
    rsvp::promote(&txn, &saved).await?;
    let kind = notifications::Kind::of_edit(before, saved.status);
    let notified = notifications::notify_attendees(&txn, &saved, kind, viewer.account_id, community).await?;
    outbox::record(&txn, &Outgoing::EventUpdated { event_id: saved.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &notified);
    tracing::info!(account = %viewer.username, event = saved.id, sequence, "event edited");
    one_view(ctx, Some(viewer), &saved).await
}

/// Cancels an event (organiser or moderator): it stays listed, marked cancelled.
pub async fn cancel(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<EventView> {
    let input = EventInput { status: Some(EventStatus::Cancelled.as_str().into()), ..Default::default() };
    update(ctx, viewer, id, &input).await
}

/// Deletes an event (organiser or moderator).
pub async fn delete(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    let (e, l) = load_event(ctx, Some(viewer), id).await?;
    l.access.manage_event(e.organiser_id == viewer.account_id)?;
    if e.ap_id.is_some() {
        return Err(Invalid::new("id", "events from other servers are deleted there").into());
    }
    let mut m: event::ActiveModel = e.into();
    m.deleted_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    let deleted = store::update(&txn, m).await?;
    let kind = notifications::Kind::EventDeleted;
    let notified =
        notifications::notify_attendees(&txn, &deleted, kind, viewer.account_id, &handle(&l.community)).await?;
    outbox::record(&txn, &Outgoing::EventDeleted { event_id: id, by_account_id: viewer.account_id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &notified);
    tracing::info!(account = %viewer.username, event = id, "event deleted");
    Ok(())
}
