//! What the web pages need to know about an event beyond its view: which buttons the viewer
//! gets (manage, RSVP, attendee list), and whether they may create events in a community.

use crate::communities::load;
use crate::events::{load_event, settings_of};
use crate::{AppContext, Result, Viewer};

/// What the viewer may do with one event.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventAbilities {
    /// Edit, cancel, delete it and decide RSVPs (its organiser or a moderator).
    pub manage: bool,
    /// RSVP to it (members).
    pub rsvp: bool,
    /// See who attends.
    pub see_attendees: bool,
    /// Vote on it (as on a post: members).
    pub vote: bool,
}

/// The viewer's abilities on event `id` (404 when they may not read it).
pub async fn abilities(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<EventAbilities> {
    let (e, l) = load_event(ctx, viewer, id).await?;
    let is_organiser = viewer.is_some_and(|v| v.account_id == e.organiser_id);
    let settings = settings_of(ctx, e.community_id).await?;
    Ok(EventAbilities {
        manage: viewer.is_some() && l.access.manage_event(is_organiser).is_ok(),
        rsvp: viewer.is_some() && l.access.rsvp().is_ok(),
        see_attendees: viewer.is_some() && l.access.see_attendees(is_organiser, settings),
        vote: viewer.is_some() && l.access.vote(e.deleted_at.is_some()).is_ok(),
    })
}

/// Whether the viewer may create events in `community` (a community on this server).
pub async fn may_create(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<bool> {
    let Some(v) = viewer else { return Ok(false) };
    let l = load(ctx, Some(v), community).await?;
    if !l.community.domain.is_empty() {
        return Ok(false);
    }
    Ok(l.access.create_event(settings_of(ctx, l.community.id).await?).is_ok())
}
