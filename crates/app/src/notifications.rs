//! Notifications for people on this server: what changed in something they take part in.
//! They are written by the use case that made the change, in its transaction, so a change and
//! its notifications are saved together or not at all. Storage stays language-neutral (a
//! `kind` and the thing's title); the pages phrase each kind in the reader's language.

use chrono::{DateTime, Utc};
use guildhall_domain::event::{EventStatus, ParticipantStatus};
use guildhall_store::entities::{event, notification};
use guildhall_store::notifications::{self as store, NewNotification};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppContext, Error, Page, Result, Viewer};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An event the reader attends was edited.
    EventUpdated,
    /// An event the reader attends was cancelled.
    EventCancelled,
    /// An event the reader attends was deleted.
    EventDeleted,
    /// Someone replied to the reader's discussion or reply.
    Reply,
    /// A post mentions the reader.
    Mention,
    /// Someone upvoted the reader's discussion or reply.
    Favourite,
    /// A join request waits in a community the reader moderates.
    JoinRequest,
    /// The reader's request to join a community was accepted.
    JoinAccepted,
    /// The reader's request to join a community was refused.
    JoinRefused,
    /// A poll the reader voted in has closed.
    PollClosed,
    /// A new discussion in a community the reader watches.
    NewDiscussion,
    /// A new event in a community the reader watches.
    NewEvent,
    /// An event the reader is going to starts soon (`body`: `day` or `hour`).
    EventReminder,
    /// A community the reader moderates was asked to link into a guild, or asked another.
    GuildLinkRequested,
    /// A guild link the reader's community asked for was answered (`body`: `accepted` or `refused`).
    GuildLinkAnswered,
    /// The last active moderator of a community the reader moderates (or, as admin, hosts) stepped down.
    ModeratorLeft,
    /// A post in a community the reader moderates was reported.
    Report,
}

impl Kind {
    /// Every kind.
    pub const ALL: &'static [Kind] = &[
        Kind::EventUpdated,
        Kind::EventCancelled,
        Kind::EventDeleted,
        Kind::Reply,
        Kind::Mention,
        Kind::Favourite,
        Kind::JoinRequest,
        Kind::JoinAccepted,
        Kind::JoinRefused,
        Kind::PollClosed,
        Kind::NewDiscussion,
        Kind::NewEvent,
        Kind::EventReminder,
        Kind::GuildLinkRequested,
        Kind::GuildLinkAnswered,
        Kind::ModeratorLeft,
        Kind::Report,
    ];

    /// The stable name stored and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::EventUpdated => "event_updated",
            Kind::EventCancelled => "event_cancelled",
            Kind::EventDeleted => "event_deleted",
            Kind::Reply => "reply",
            Kind::Mention => "mention",
            Kind::Favourite => "favourite",
            Kind::JoinRequest => "join_request",
            Kind::JoinAccepted => "join_accepted",
            Kind::JoinRefused => "join_refused",
            Kind::PollClosed => "poll_closed",
            Kind::NewDiscussion => "new_discussion",
            Kind::NewEvent => "new_event",
            Kind::EventReminder => "event_reminder",
            Kind::GuildLinkRequested => "guild_link_requested",
            Kind::GuildLinkAnswered => "guild_link_answered",
            Kind::ModeratorLeft => "moderator_left",
            Kind::Report => "report",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The kind of an edit that took an event from status `before` to `after`: calling it
    /// off is a cancellation, anything else an update.
    pub fn of_edit(before: EventStatus, after: EventStatus) -> Self {
        let cancelled = EventStatus::Cancelled;
        if after == cancelled && before != cancelled { Kind::EventCancelled } else { Kind::EventUpdated }
    }

    /// Where the reader should look: the event, or its community once the event is gone.
    pub fn event_link(self, event_id: i64, community_handle: &str) -> String {
        match self {
            Kind::EventDeleted => format!("/communities/{community_handle}"),
            _ => format!("/events/{event_id}"),
        }
    }
}

/// One notification, as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    /// Id.
    pub id: i64,
    /// What happened: `event_updated`, `event_cancelled`, `event_deleted`, `reply`, `mention`,
    /// `favourite`, `join_request`, `join_accepted`, `join_refused`, `poll_closed`, `new_discussion`,
    /// `new_event`, `event_reminder`, `guild_link_requested`, `guild_link_answered`,
    /// `moderator_left` or `report` (more may come).
    pub kind: String,
    /// The title of what it is about.
    pub title: String,
    /// Extra detail (may be empty).
    pub body: String,
    /// A local path to look at.
    pub link: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
    /// When it was marked read; none: unread.
    pub read_at: Option<DateTime<Utc>>,
    /// Who did it (none for event changes, and when the account is gone).
    pub actor: Option<NotificationActor>,
    /// The discussion or reply it is about, when it is about one.
    pub post: Option<NotificationPost>,
    /// The community it happened in, when known.
    pub community: Option<NotificationCommunity>,
    /// Notifications with the same key that follow each other make one line
    /// (`kind:discussion_id`); none when it is not about a discussion.
    pub group_key: Option<String>,
    /// How many notifications this line stands for (more than 1 only when listed `grouped`).
    pub count: u64,
    /// The ids of the notifications this line stands for (this one first).
    pub group_ids: Vec<i64>,
}

/// The person who caused a notification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationActor {
    /// Account id.
    pub id: i64,
    /// `name` here, `name@host` elsewhere.
    pub handle: String,
    /// Display name (the username when none is set).
    pub display_name: String,
}

/// The post a notification is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationPost {
    /// The discussion (the reply's discussion for a reply).
    pub discussion_id: i64,
    /// The reply, when it is about a reply.
    pub reply_id: Option<i64>,
}

/// The community a notification happened in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationCommunity {
    /// Community id.
    pub id: i64,
    /// `name` here, `name@host` elsewhere.
    pub handle: String,
    /// Its title.
    pub title: String,
    /// The server it lives on (this one's domain for local communities).
    pub host: String,
}

impl NotificationView {
    fn bare(n: notification::Model) -> Self {
        NotificationView {
            group_key: n.discussion_id.map(|d| format!("{}:{d}", n.kind)),
            count: 1,
            group_ids: vec![n.id],
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            created_at: n.created_at,
            read_at: n.read_at,
            actor: None,
            post: n.discussion_id.map(|discussion_id| NotificationPost { discussion_id, reply_id: n.reply_id }),
            community: None,
        }
    }
}

/// Views of stored notifications, with their actors and communities looked up (in bulk).
pub(crate) async fn views(ctx: &AppContext, rows: Vec<notification::Model>) -> Result<Vec<NotificationView>> {
    let actor_ids: Vec<i64> = rows.iter().filter_map(|n| n.actor_id).collect();
    let actors = guildhall_store::accounts::find_many(ctx.db(), &actor_ids).await?;
    let mut communities = std::collections::HashMap::new();
    for id in rows.iter().filter_map(|n| n.community_id) {
        if let std::collections::hash_map::Entry::Vacant(e) = communities.entry(id)
            && let Some(c) = guildhall_store::communities::find_by_id(ctx.db(), id).await?
        {
            e.insert(c);
        }
    }
    Ok(rows
        .into_iter()
        .map(|n| {
            let actor = n.actor_id.and_then(|id| actors.get(&id)).map(|a| NotificationActor {
                id: a.id,
                handle: crate::accounts::handle_of(a),
                display_name: if a.display_name.trim().is_empty() {
                    a.username.clone()
                } else {
                    a.display_name.clone()
                },
            });
            let community = n.community_id.and_then(|id| communities.get(&id)).map(|c| NotificationCommunity {
                id: c.id,
                handle: if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) },
                title: c.title.clone(),
                host: if c.domain.is_empty() { ctx.instance().domain.clone() } else { c.domain.clone() },
            });
            let mut v = NotificationView::bare(n);
            v.actor = actor;
            v.community = community;
            v
        })
        .collect())
}

/// A page of notifications, newest first, with the number still unread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationList {
    /// Items on this page.
    pub items: Vec<NotificationView>,
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub limit: u64,
    /// Whether another page follows.
    pub has_more: bool,
    /// Unread notifications in all (not only on this page).
    pub unread_count: u64,
}

/// The viewer's notifications, newest first.
pub async fn list(ctx: &AppContext, viewer: &Viewer, page: Page) -> Result<NotificationList> {
    let rows = store::list(ctx.db(), viewer.account_id, page).await?;
    let unread_count = store::count_unread(ctx.db(), viewer.account_id).await?;
    Ok(NotificationList {
        items: views(ctx, rows.items).await?,
        page: page.number,
        limit: page.limit,
        has_more: rows.has_more,
        unread_count,
    })
}

/// How many of the viewer's notifications are unread.
pub async fn unread_count(ctx: &AppContext, viewer: &Viewer) -> Result<u64> {
    Ok(store::count_unread(ctx.db(), viewer.account_id).await?)
}

/// Marks one of the viewer's notifications read; someone else's answers not found.
pub async fn mark_read(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    if store::mark_read(ctx.db(), viewer.account_id, id, Utc::now()).await? {
        Ok(())
    } else {
        Err(Error::NotFound("notification"))
    }
}

/// Marks all the viewer's notifications read; returns how many were unread.
pub async fn mark_all_read(ctx: &AppContext, viewer: &Viewer) -> Result<u64> {
    Ok(store::mark_all_read(ctx.db(), viewer.account_id, Utc::now()).await?)
}

/// Tells the local people with an RSVP to `e` (going, waitlisted or pending) that it
/// changed, except `by`, who made the change. Call it inside the change's transaction;
/// returns the accounts notified (to announce to their streams once it commits).
pub(crate) async fn notify_attendees<C: guildhall_store::ConnectionTrait>(
    txn: &C,
    e: &event::Model,
    kind: Kind,
    by: i64,
    community_handle: &str,
) -> Result<Vec<i64>> {
    let statuses: Vec<ParticipantStatus> = ParticipantStatus::ALL
        .iter()
        .copied()
        .filter(|s| guildhall_domain::visibility::notified_of_event_change(*s))
        .collect();
    let accounts = store::local_participants(txn, e.id, &statuses, by).await?;
    let community = guildhall_store::communities::find_by_id(txn, e.community_id).await?;
    let mut readers = Vec::with_capacity(accounts.len());
    for account_id in accounts {
        if let Some(c) = &community
            && may_read_event(txn, c, e, account_id).await?
        {
            readers.push(account_id);
        }
    }
    // What each reader chose to hear from this community (one query for all of them).
    let readers = crate::notify_prefs::keep_reached(txn, kind, e.community_id, None, readers).await?;
    let link = kind.event_link(e.id, community_handle);
    let new = readers
        .iter()
        .copied()
        .map(|account_id| NewNotification {
            account_id,
            kind: kind.as_str().to_owned(),
            title: e.title.clone(),
            body: String::new(),
            link: link.clone(),
            actor_id: Some(by),
            community_id: Some(e.community_id),
            discussion_id: None,
            reply_id: None,
        })
        .collect();
    store::insert_many(txn, new, Utc::now()).await?;
    Ok(readers)
}

/// Whether an attendee may still read `e` now: an RSVP outlives a ban or leaving, the right
/// to hear about a private event does not.
pub(crate) async fn may_read_event<C: guildhall_store::ConnectionTrait>(
    txn: &C,
    c: &guildhall_store::entities::community::Model,
    e: &event::Model,
    account_id: i64,
) -> Result<bool> {
    let m = guildhall_store::communities::find_membership(txn, c.id, account_id).await?;
    let is_admin = guildhall_store::accounts::find_by_id(txn, account_id).await?.is_some_and(|a| a.is_admin);
    let access = crate::communities::access_of(c, m.as_ref(), true, is_admin)?;
    Ok(access.for_discussion(e.members_only).can_read_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Kind::parse("event_moved"), None);
    }

    #[test]
    fn calling_off_is_a_cancellation_other_edits_are_updates() {
        assert_eq!(Kind::of_edit(EventStatus::Confirmed, EventStatus::Cancelled), Kind::EventCancelled);
        assert_eq!(Kind::of_edit(EventStatus::Tentative, EventStatus::Cancelled), Kind::EventCancelled);
        assert_eq!(Kind::of_edit(EventStatus::Cancelled, EventStatus::Cancelled), Kind::EventUpdated);
        assert_eq!(Kind::of_edit(EventStatus::Cancelled, EventStatus::Confirmed), Kind::EventUpdated);
        assert_eq!(Kind::of_edit(EventStatus::Confirmed, EventStatus::Confirmed), Kind::EventUpdated);
    }

    #[test]
    fn deleted_events_link_to_their_community() {
        assert_eq!(Kind::EventUpdated.event_link(7, "rust"), "/events/7");
        assert_eq!(Kind::EventCancelled.event_link(7, "rust"), "/events/7");
        assert_eq!(Kind::EventDeleted.event_link(7, "rust"), "/communities/rust");
    }
}
