//! Replies to events. Mastodon shows an event as a post, so its users answer it with a `Note`
//! whose `inReplyTo` is the event: such a reply is kept with the event, checked by the same
//! rules as a reply in a discussion (members of the community; a private community's content
//! only from its own relay), shown with the event to whoever may read it, and relayed by a
//! local community to its followers like other replies.

use chrono::{DateTime, Utc};
use guildhall_store::entities::{account, event};
use guildhall_store::events::{self as store, NewEventReply};
use serde::Serialize;
use utoipa::ToSchema;

use crate::communities::remote_access;
use crate::inbound::{IncomingPost, body_of, only_from_private_community, record_relay};
use crate::receipt::Arrival;
use crate::views::AuthorView;
use crate::{AppContext, Error, Result, Viewer};

/// The most replies shown with an event.
const SHOWN: u64 = 200;

/// A reply to an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventReplyView {
    /// Reply id.
    pub id: i64,
    /// Who wrote it (`name@domain`).
    pub author: AuthorView,
    /// Sanitised HTML.
    pub body_html: String,
    /// Where it lives on its server.
    pub url: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// The replies to an event the viewer may read (404 otherwise), oldest first.
pub async fn list(ctx: &AppContext, viewer: Option<&Viewer>, event_id: i64) -> Result<Vec<EventReplyView>> {
    let (e, _) = super::load_event(ctx, viewer, event_id).await?;
    let rows = store::replies(ctx.db(), e.id, SHOWN).await?;
    let authors =
        guildhall_store::accounts::find_many(ctx.db(), &rows.iter().map(|r| r.author_id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|r| EventReplyView {
            id: r.id,
            author: AuthorView::of(authors.get(&r.author_id)),
            body_html: r.body_html,
            url: r.ap_id,
            created_at: r.created_at,
        })
        .collect())
}

/// A reply to an event from another server. On a local community's event the author must be
/// allowed to reply there (as in a discussion) and the community relays it; on a copy of
/// another server's event, a private community's replies are taken only from its relay.
/// Returns whether it was new.
pub async fn receive(
    ctx: &AppContext,
    e: &event::Model,
    author: &account::Model,
    post: IncomingPost,
    arrival: Arrival,
) -> Result<bool> {
    if store::find_reply_by_ap_id(ctx.db(), &post.ap_id).await?.is_some() || e.deleted_at.is_some() {
        return Ok(false);
    }
    let c =
        guildhall_store::communities::find_by_id(ctx.db(), e.community_id).await?.ok_or(Error::NotFound("event"))?;
    only_from_private_community(&c, arrival)?;
    if c.domain.is_empty() {
        let m = guildhall_store::communities::find_membership(ctx.db(), c.id, author.id).await?;
        let access = remote_access(&c, m.as_ref())?.for_discussion(e.members_only);
        if !access.can_read_content() {
            return Err(Error::NotFound("event"));
        }
        access.reply(false, false)?;
    }
    let (body_source, body_html) = body_of(&post)?;
    let now = Utc::now();
    let new = NewEventReply {
        event_id: e.id,
        author_id: author.id,
        ap_id: post.ap_id.clone(),
        body_source,
        body_html,
        created_at: post.published.unwrap_or(now).min(now),
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    // A concurrent copy of the same reply won: nothing more to do (dropping rolls back).
    let Some(saved) = store::insert_reply(&txn, new).await? else { return Ok(false) };
    record_relay(&txn, &c, arrival).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(event = e.id, reply = saved.id, actor = %post.ap_id, domain = %author.domain, "reply to an event");
    Ok(true)
}
