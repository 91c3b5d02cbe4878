//! Stored rows by id or by ActivityPub id, and the inboxes a community's news goes to, for the
//! federation layer's builds and receives. Plain reads: who may see or send what is decided in
//! `guildhall_domain::visibility` and by the use cases, not here.

use chrono::{DateTime, Utc};
use guildhall_store::entities::{
    account, activity, community, discussion, event, event_participant, event_reply, guild_link, membership, reply,
    wiki_page, wiki_revision,
};
use guildhall_store::{accounts, communities, discussions, events, federation, guilds, polls, wiki};
use std::collections::HashMap;

use crate::{AppContext, Result};

pub use guildhall_store::polls::Loaded as LoadedPoll;

/// An account (local or remote).
pub async fn account(ctx: &AppContext, id: i64) -> Result<Option<account::Model>> {
    Ok(accounts::find_by_id(ctx.db(), id).await?)
}

/// A community (local or remote).
pub async fn community(ctx: &AppContext, id: i64) -> Result<Option<community::Model>> {
    Ok(communities::find_by_id(ctx.db(), id).await?)
}

/// A membership row.
pub async fn membership(ctx: &AppContext, id: i64) -> Result<Option<membership::Model>> {
    Ok(federation::find_membership_by_id(ctx.db(), id).await?)
}

/// A discussion (deleted ones too: their deletion federates).
pub async fn discussion(ctx: &AppContext, id: i64) -> Result<Option<discussion::Model>> {
    Ok(discussions::find_by_id(ctx.db(), id).await?)
}

/// A reply (deleted ones too).
pub async fn reply(ctx: &AppContext, id: i64) -> Result<Option<reply::Model>> {
    Ok(discussions::find_reply(ctx.db(), id).await?)
}

/// A remote discussion by its ActivityPub id.
pub async fn discussion_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<discussion::Model>> {
    Ok(federation::find_discussion_by_ap_id(ctx.db(), ap_id).await?)
}

/// A remote reply by its ActivityPub id.
pub async fn reply_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<reply::Model>> {
    Ok(federation::find_reply_by_ap_id(ctx.db(), ap_id).await?)
}

/// A discussion's poll with its options.
pub async fn poll_of(ctx: &AppContext, discussion_id: i64) -> Result<Option<LoadedPoll>> {
    Ok(polls::find_for_discussion(ctx.db(), discussion_id).await?)
}

/// An event.
pub async fn event(ctx: &AppContext, id: i64) -> Result<Option<event::Model>> {
    Ok(events::find_by_id(ctx.db(), id).await?)
}

/// A remote event by its ActivityPub id.
pub async fn event_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<event::Model>> {
    Ok(events::find_by_ap_id(ctx.db(), ap_id).await?)
}

/// Participation counts of events, by event id and status.
pub async fn event_counts(
    ctx: &AppContext,
    event_ids: &[i64],
) -> Result<HashMap<i64, HashMap<guildhall_domain::event::ParticipantStatus, i64>>> {
    Ok(events::counts(ctx.db(), event_ids).await?)
}

/// An RSVP.
pub async fn participant(ctx: &AppContext, id: i64) -> Result<Option<event_participant::Model>> {
    Ok(events::find_participant_by_id(ctx.db(), id).await?)
}

/// An RSVP by the id of its `Join`.
pub async fn participant_by_join(ctx: &AppContext, join_ap_id: &str) -> Result<Option<event_participant::Model>> {
    Ok(events::find_participant_by_join(ctx.db(), join_ap_id).await?)
}

/// A reply kept with an event, by its ActivityPub id.
pub async fn event_reply_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<event_reply::Model>> {
    Ok(events::find_reply_by_ap_id(ctx.db(), ap_id).await?)
}

/// A guild link.
pub async fn guild_link(ctx: &AppContext, id: i64) -> Result<Option<guild_link::Model>> {
    Ok(guilds::find_link_by_id(ctx.db(), id).await?)
}

/// A wiki page.
pub async fn wiki_page(ctx: &AppContext, id: i64) -> Result<Option<wiki_page::Model>> {
    Ok(wiki::find_page_by_id(ctx.db(), id).await?)
}

/// One revision of a wiki page.
pub async fn wiki_revision(ctx: &AppContext, page_id: i64, number: i32) -> Result<Option<wiki_revision::Model>> {
    Ok(wiki::revision(ctx.db(), page_id, number).await?)
}

/// A stored activity (sent or received).
pub async fn activity(ctx: &AppContext, id: i64) -> Result<Option<activity::Model>> {
    Ok(federation::find_activity(ctx.db(), id).await?)
}

/// A stored activity by its ActivityPub id.
pub async fn activity_by_ap_id(ctx: &AppContext, ap_id: &str) -> Result<Option<activity::Model>> {
    Ok(federation::find_activity_by_ap_id(ctx.db(), ap_id).await?)
}

/// The inboxes of a community's remote members admitted by `as_of`: (inbox, domain).
pub async fn follower_inboxes(
    ctx: &AppContext,
    community_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    Ok(federation::remote_follower_inboxes(ctx.db(), community_id, as_of).await?)
}

/// The inboxes of the remote guilds a community had joined by `as_of`: (inbox, domain).
pub async fn guild_inboxes(ctx: &AppContext, community_id: i64, as_of: DateTime<Utc>) -> Result<Vec<(String, String)>> {
    Ok(guilds::remote_guild_inboxes(ctx.db(), community_id, as_of).await?)
}
