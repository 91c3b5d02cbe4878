//! What event use cases return.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use guildhall_domain::event::{EventStatus, JoinMode, ParticipantStatus};
use guildhall_store::entities::{account, event, event_participant};
use serde::Serialize;
use utoipa::ToSchema;

use crate::views::AuthorView;

/// An event as a viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Event id.
    pub id: i64,
    /// Community handle (`name`, or `name@domain` for remote communities).
    pub community: String,
    /// Who organises it.
    pub organiser: AuthorView,
    /// Title.
    pub title: String,
    /// Description (Markdown source; '' when only HTML was received).
    pub description: String,
    /// Sanitised HTML of the description.
    pub description_html: String,
    /// Start, UTC.
    pub starts_at: DateTime<Utc>,
    /// End, UTC.
    pub ends_at: DateTime<Utc>,
    /// IANA time zone the event is held in.
    pub timezone: String,
    /// Start as wall-clock time in `timezone` (RFC 3339 with offset).
    pub starts_at_local: String,
    /// End as wall-clock time in `timezone`.
    pub ends_at_local: String,
    /// Name of the place ('' for none).
    pub place_name: String,
    /// Postal address ('' for none).
    pub place_address: String,
    /// Link to join online ('' for none).
    pub online_url: String,
    /// Places (null: unlimited).
    pub capacity: Option<i64>,
    /// Places left (null: unlimited).
    pub remaining: Option<i64>,
    /// How people take part.
    pub join_mode: JoinMode,
    /// Where to register, for `external` events.
    pub external_url: String,
    /// Whether it takes place.
    pub status: EventStatus,
    /// Readable by members only, as discussions can be.
    pub members_only: bool,
    /// Bumped on every edit (iCalendar SEQUENCE).
    pub sequence: i32,
    /// People going.
    pub going_count: i64,
    /// People on the waitlist.
    pub waitlist_count: i64,
    /// RSVPs waiting for an organiser.
    pub pending_count: i64,
    /// The viewer's own RSVP, if any.
    pub my_rsvp: Option<ParticipantStatus>,
    /// Upvotes minus downvotes (events are votable like posts).
    pub score: i64,
    /// Upvotes.
    pub upvotes: i64,
    /// Downvotes.
    pub downvotes: i64,
    /// The viewer's vote: 1, -1 or 0.
    pub my_vote: i16,
    /// The event's page on its origin server (remote events).
    pub url: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn local(t: DateTime<Utc>, tz: &str) -> String {
    match tz.parse::<Tz>() {
        Ok(tz) => t.with_timezone(&tz).to_rfc3339(),
        Err(_) => t.to_rfc3339(),
    }
}

impl EventView {
    pub(crate) fn build(
        e: &event::Model,
        community: &str,
        organiser: Option<&account::Model>,
        counts: Option<&HashMap<ParticipantStatus, i64>>,
        mine: Option<&event_participant::Model>,
        (upvotes, downvotes, my_vote): (i64, i64, i16),
    ) -> Self {
        let n = |s: ParticipantStatus| counts.and_then(|c| c.get(&s).copied()).unwrap_or(0);
        let going = e.remote_participant_count.unwrap_or(0).max(n(ParticipantStatus::Going));
        EventView {
            id: e.id,
            community: community.to_owned(),
            organiser: AuthorView::of(organiser),
            title: e.title.clone(),
            description: e.description_source.clone(),
            description_html: e.description_html.clone(),
            starts_at: e.starts_at,
            ends_at: e.ends_at,
            timezone: e.timezone.clone(),
            starts_at_local: local(e.starts_at, &e.timezone),
            ends_at_local: local(e.ends_at, &e.timezone),
            place_name: e.place_name.clone(),
            place_address: e.place_address.clone(),
            online_url: e.online_url.clone(),
            capacity: e.capacity,
            remaining: e.capacity.map(|c| (c - going).max(0)),
            join_mode: e.join_mode,
            external_url: e.external_url.clone(),
            status: e.status,
            members_only: e.members_only,
            sequence: e.sequence,
            going_count: going,
            waitlist_count: n(ParticipantStatus::Waitlisted),
            pending_count: n(ParticipantStatus::Pending),
            my_rsvp: mine.map(|p| p.status),
            score: upvotes - downvotes,
            upvotes,
            downvotes,
            my_vote,
            url: e.url.clone(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One person's RSVP, as organisers (and members, per setting) see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendeeView {
    /// Who.
    pub account: AuthorView,
    /// Whether they are on another server.
    pub remote: bool,
    /// Going, waitlisted, pending or rejected.
    pub status: ParticipantStatus,
    /// When they RSVPed.
    pub since: DateTime<Utc>,
}

impl AttendeeView {
    pub(crate) fn build(p: &event_participant::Model, a: Option<&account::Model>) -> Self {
        AttendeeView {
            account: AuthorView::of(a),
            remote: a.is_some_and(|a| !a.domain.is_empty()),
            status: p.status,
            since: p.created_at,
        }
    }
}

/// A new calendar-feed token and the feed's path.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarTokenView {
    /// The secret token (shown once; a new one replaces it).
    pub token: String,
    /// The feed's absolute URL.
    pub url: String,
}
