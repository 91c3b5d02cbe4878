//! Events and RSVPs from other servers, after the federation crate verified who sent them:
//! events of remote communities (stored like remote discussions), and RSVPs of remote people
//! to local events (the same policies as local RSVPs).

use chrono::{DateTime, Utc};
use guildhall_domain::event::{self as rules, EventLimits, EventStatus, JoinMode, ParticipantStatus};
use guildhall_domain::{Invalid, validate};
use guildhall_store::entities::{account, community, event, event_participant};
use guildhall_store::events as store;
use guildhall_store::{Set, communities};

use crate::communities::remote_access;
use crate::outbox::Outgoing;
use crate::{AppContext, Error, Result};

/// An event as another server described it.
#[derive(Debug, Clone)]
pub struct IncomingEvent {
    /// ActivityPub id.
    pub ap_id: String,
    /// Its web page, if any.
    pub url: Option<String>,
    /// Title.
    pub name: String,
    /// Markdown source, when sent.
    pub source: Option<String>,
    /// HTML description (sanitised here).
    pub html: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End (start + 1 hour when the sender gave none).
    pub ends_at: Option<DateTime<Utc>>,
    /// IANA zone ('' or unknown: UTC).
    pub timezone: String,
    /// Place name.
    pub place_name: String,
    /// Postal address (one line).
    pub place_address: String,
    /// Online link.
    pub online_url: String,
    /// Capacity.
    pub capacity: Option<i64>,
    /// Join mode.
    pub join_mode: JoinMode,
    /// Where to register for external events.
    pub external_url: String,
    /// Status.
    pub status: EventStatus,
    /// Attendance the sender reports.
    pub participant_count: Option<i64>,
    /// Not addressed to the public.
    pub members_only: bool,
    /// When published.
    pub published: Option<DateTime<Utc>>,
}

fn fields(e: &IncomingEvent) -> Result<(String, String, String, DateTime<Utc>, String)> {
    let name = validate::required_line("name", &e.name, EventLimits::TITLE)?;
    let (source, html) = crate::inbound::body_of(&crate::inbound::IncomingPost {
        ap_id: e.ap_id.clone(),
        title: None,
        source: e.source.clone(),
        html: e.html.clone(),
        published: None,
        members_only: false,
        extras: Default::default(),
    })?;
    let ends_at = e.ends_at.unwrap_or(e.starts_at + chrono::Duration::hours(1));
    rules::times(e.starts_at, ends_at)?;
    let tz = rules::timezone(&e.timezone).map(|t| t.name().to_owned()).unwrap_or_else(|_| "UTC".into());
    Ok((name, source, html, ends_at, tz))
}

fn line(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let one: String = raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    Ok(validate::optional_line(field, &one.chars().take(max).collect::<String>(), max)?)
}

/// Stores (or updates) an event of a remote community; every update bumps its sequence.
pub async fn receive_event(
    ctx: &AppContext,
    c: &community::Model,
    organiser: &account::Model,
    e: IncomingEvent,
) -> Result<event::Model> {
    if c.domain.is_empty() {
        return Err(Invalid::new("audience", "events of communities here are created here").into());
    }
    let (title, source, html, ends_at, tz) = fields(&e)?;
    let existing = store::find_by_ap_id(ctx.db(), &e.ap_id).await?;
    if existing.as_ref().is_some_and(|x| x.community_id != c.id) {
        return Err(Invalid::new("audience", "an event cannot move to another community").into());
    }
    if let Some(x) = &existing {
        let same = (&x.title, &x.description_html, x.starts_at, x.ends_at, &x.timezone, x.status, x.capacity)
            == (&title, &html, e.starts_at, ends_at, &tz, e.status, e.capacity)
            && (&x.place_name, &x.place_address, &x.online_url, x.join_mode)
                == (&e.place_name, &e.place_address, &e.online_url, e.join_mode);
        if same && x.remote_participant_count == e.participant_count {
            // The same version again (an Announce of both the Create and the object).
            return Ok(x.clone());
        }
        if same {
            // Only the attendance changed: not a new version of the event.
            let mut m: event::ActiveModel = x.clone().into();
            m.remote_participant_count = Set(e.participant_count.map(|n| n.clamp(0, EventLimits::CAPACITY * 10)));
            let txn = crate::receipt::begin_write(ctx).await?;
            let saved = store::update(&txn, m).await?;
            txn.commit().await?;
            return Ok(saved);
        }
    }
    let visibility = c.visibility;
    let members_only = guildhall_domain::policy::new_discussion_members_only(visibility, e.members_only);
    let now = Utc::now();
    let mut m = match &existing {
        Some(x) => {
            let mut m: event::ActiveModel = x.clone().into();
            m.sequence = Set(x.sequence + 1);
            m.members_only = Set(guildhall_domain::policy::members_only_after_edit(x.members_only, e.members_only));
            m
        }
        None => event::ActiveModel {
            community_id: Set(c.id),
            organiser_id: Set(organiser.id),
            ap_id: Set(Some(e.ap_id.clone())),
            members_only: Set(members_only),
            sequence: Set(0),
            created_at: Set(e.published.unwrap_or(now).min(now)),
            deleted_at: Set(None),
            ..Default::default()
        },
    };
    m.url = Set(e.url.clone().filter(|u| rules::url("url", u).is_ok()));
    m.title = Set(title);
    m.description_source = Set(source);
    m.description_html = Set(html);
    m.starts_at = Set(e.starts_at);
    m.ends_at = Set(ends_at);
    m.timezone = Set(tz);
    m.place_name = Set(line("location", &e.place_name, EventLimits::PLACE_NAME)?);
    m.place_address = Set(line("location", &e.place_address, EventLimits::ADDRESS)?);
    m.online_url = Set(rules::url("location", &e.online_url).unwrap_or_default());
    m.capacity = Set(e.capacity.filter(|c| (0..=EventLimits::CAPACITY).contains(c)));
    m.join_mode = Set(e.join_mode);
    m.external_url = Set(rules::url("externalParticipationUrl", &e.external_url).unwrap_or_default());
    m.status = Set(e.status);
    m.remote_participant_count = Set(e.participant_count.map(|n| n.clamp(0, EventLimits::CAPACITY * 10)));
    m.updated_at = Set(now);
    let txn = crate::receipt::begin_write(ctx).await?;
    let (saved, told) = match &existing {
        Some(x) => {
            let saved = store::update(&txn, m).await?;
            // Attendees here hear of a new version as they would of a local edit (a
            // re-delivered identical one returned above, telling no one).
            let kind = crate::notifications::Kind::of_edit(x.status, saved.status);
            let told =
                crate::notifications::notify_attendees(&txn, &saved, kind, saved.organiser_id, &handle(c)).await?;
            (saved, told)
        }
        None => {
            let saved = store::insert(&txn, m).await?;
            let told = crate::notifying::new_event_watched(&txn, c, &saved).await?;
            (saved, told)
        }
    };
    txn.commit().await?;
    crate::live::notified(ctx, &told);
    Ok(saved)
}

/// A community's handle in local paths (`ops@beta.example`).
fn handle(c: &community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

/// Removes a remote event its community deleted.
pub async fn remote_event_deleted(ctx: &AppContext, c: &community::Model, ap_id: &str) -> Result<bool> {
    let Some(e) = store::find_by_ap_id(ctx.db(), ap_id).await? else { return Ok(false) };
    if e.community_id != c.id {
        return Err(Error::NotFound("event"));
    }
    if e.deleted_at.is_some() {
        // A re-delivered Delete: already gone, everyone already told.
        return Ok(true);
    }
    let organiser_id = e.organiser_id;
    let mut m: event::ActiveModel = e.into();
    m.deleted_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    let deleted = store::update(&txn, m).await?;
    let kind = crate::notifications::Kind::EventDeleted;
    let told = crate::notifications::notify_attendees(&txn, &deleted, kind, organiser_id, &handle(c)).await?;
    txn.commit().await?;
    crate::live::notified(ctx, &told);
    Ok(true)
}

/// A local event by id, not deleted.
pub async fn local_event(ctx: &AppContext, id: i64) -> Result<event::Model> {
    store::find_by_id(ctx.db(), id)
        .await?
        .filter(|e| e.deleted_at.is_none() && e.ap_id.is_none())
        .ok_or(Error::NotFound("event"))
}

/// A remote person's RSVP (`Join`) to a local event: the same rules as a local member's.
pub async fn remote_join(
    ctx: &AppContext,
    e: &event::Model,
    person: &account::Model,
    join_ap_id: &str,
) -> Result<event_participant::Model> {
    let c = communities::find_by_id(ctx.db(), e.community_id).await?.ok_or(Error::NotFound("event"))?;
    let m = communities::find_membership(ctx.db(), c.id, person.id).await?;
    let access = remote_access(&c, m.as_ref())?.for_discussion(e.members_only);
    if !access.can_read_content() {
        // As for every read: a private event does not reveal that it exists.
        return Err(Error::NotFound("event"));
    }
    // RSVPs closed for everyone (cancelled, over, external): Mobilizon's `Ignore`, not a
    // refusal of this person; the policy (not a member, banned) still comes first.
    let closed = access.rsvp().is_ok() && super::rsvp::rsvps_closed(e, Utc::now());
    let txn = crate::receipt::begin_write(ctx).await?;
    let recorded = match closed {
        true => Err(guildhall_domain::Denied::RsvpClosed.into()),
        false => super::rsvp::record_rsvp(&txn, &access, e, person.id, Some(join_ap_id.to_owned())).await,
    };
    let p = match recorded {
        Ok(p) => p,
        Err(Error::Denied(d)) => {
            // Refused by the policy (not a member, refused before): the person's server hears
            // it as a Reject; closed RSVPs as an Ignore.
            drop(txn);
            let txn = crate::receipt::begin_write(ctx).await?;
            let refused = Outgoing::EventJoinRefused {
                event_id: e.id,
                account_id: person.id,
                join_ap_id: join_ap_id.to_owned(),
                ignored: closed,
            };
            crate::outbox::record(&txn, &refused).await?;
            txn.commit().await?;
            ctx.wake_delivery();
            return Err(d.into());
        }
        Err(other) => return Err(other),
    };
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(event = e.id, person = %person.ap_id.clone().unwrap_or_default(), status = %p.status, "remote rsvp");
    Ok(p)
}

/// A remote person's `Leave` of a local event.
pub async fn remote_leave(ctx: &AppContext, e: &event::Model, person: &account::Model) -> Result<()> {
    let txn = crate::receipt::begin_write(ctx).await?;
    // A refusal stays on record, as for local members.
    if store::find_participant(&txn, e.id, person.id).await?.is_some_and(|p| p.status != ParticipantStatus::Rejected) {
        super::rsvp::remove_rsvp(&txn, e, person.id).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    Ok(())
}

/// The organiser's server answered our member's `Join` (`Accept`: going; `Reject`: refused).
/// `from` must be the event's community or organiser.
pub async fn join_answered(ctx: &AppContext, join_ap_id: &str, from: &str, accepted: bool) -> Result<bool> {
    let Some(p) = store::find_participant_by_join(ctx.db(), join_ap_id).await? else { return Ok(false) };
    let Some(e) = store::find_by_id(ctx.db(), p.event_id).await? else { return Ok(false) };
    let c = communities::find_by_id(ctx.db(), e.community_id).await?.ok_or(Error::NotFound("event"))?;
    let organiser = guildhall_store::accounts::find_by_id(ctx.db(), e.organiser_id).await?;
    let allowed = [c.ap_id.as_deref(), organiser.as_ref().and_then(|o| o.ap_id.as_deref())].contains(&Some(from));
    if e.ap_id.is_none() || !allowed {
        return Err(guildhall_domain::Denied::ModeratorsOnly.into());
    }
    let status = if accepted { ParticipantStatus::Going } else { ParticipantStatus::Rejected };
    let txn = crate::receipt::begin_write(ctx).await?;
    store::set_participant_status(&txn, p, status, Utc::now()).await?;
    txn.commit().await?;
    Ok(true)
}
