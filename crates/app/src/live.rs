//! Live events for streaming clients: after a post is saved (here or received from another
//! server) its id is published on one broadcast channel, and so are the accounts that were
//! just notified. Events carry ids only; each subscriber loads what it announces through
//! [`post_for`], the access rules for its own viewer and the same rule as the matching
//! timeline, so a post never reaches a stream whose reader may not read it.

use guildhall_domain::Visibility;
use guildhall_store::discussions as store;
use tokio::sync::broadcast;

use crate::posts::{self, Post, PostRef};
use crate::{AppContext, Error, Result, Viewer};

/// How many events a slow subscriber may fall behind before it misses some.
pub const CAPACITY: usize = 1024;

/// Something that happened, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    /// A discussion or reply was saved.
    Posted(PostRef),
    /// This account has new notifications.
    Notified(i64),
}

/// A new channel (one per running instance).
pub fn channel() -> broadcast::Sender<LiveEvent> {
    broadcast::channel(CAPACITY).0
}

/// A subscription to the instance's live events. Streams subscribe before they answer the
/// client, so nothing published after the client sees the answer is missed.
pub fn subscribe(ctx: &AppContext) -> broadcast::Receiver<LiveEvent> {
    ctx.live().subscribe()
}

/// Publishes an event; nobody listening is fine.
pub fn publish(ctx: &AppContext, event: LiveEvent) {
    let _ = ctx.live().send(event);
}

/// Tells these accounts' streams that they have new notifications (after the commit).
pub fn notified(ctx: &AppContext, accounts: &[i64]) {
    for a in accounts {
        publish(ctx, LiveEvent::Notified(*a));
    }
}

/// Which live timeline a stream follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The home timeline: posts in the communities the viewer is an approved member of.
    User,
    /// The public timeline: posts of public communities that are not members-only.
    Public,
}

/// Why a published post is left out of a reader's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The post no longer exists (deleted since it was published, or never stored).
    Gone,
    /// The reader may not read it (a private community, a members-only post, a ban).
    Denied,
    /// The reader may read it but is not an approved member of its community (user stream).
    NotMember,
    /// Not a public post (public stream).
    NotPublic,
}

impl Skip {
    /// The reason as a short stable word, for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Skip::Gone => "not_found",
            Skip::Denied => "access_denied",
            Skip::NotMember => "not_a_member",
            Skip::NotPublic => "not_public",
        }
    }
}

/// The post `p` as `viewer` reads it, if it belongs on `stream` (the rule of the home and
/// public timelines in `timelines.rs`), or why it does not.
pub async fn post_for(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    stream: Stream,
    p: PostRef,
) -> Result<std::result::Result<Post, Skip>> {
    let post = match posts::one(ctx, viewer, p).await {
        Ok(post) => post,
        // `posts::one` answers NotFound for a post the viewer may not read too (never a hint
        // that it exists); the reason is told apart here only for the server's log.
        Err(Error::NotFound(_)) => {
            let exists = match p {
                PostRef::Discussion(id) => store::find_by_id(ctx.db(), id).await?.is_some(),
                PostRef::Reply(id) => store::find_reply(ctx.db(), id).await?.is_some(),
            };
            return Ok(Err(if exists { Skip::Denied } else { Skip::Gone }));
        }
        Err(e) => return Err(e),
    };
    let shown = match stream {
        Stream::User => post.community.my_role.is_member(),
        Stream::Public => post.community.visibility == Visibility::Public && !post.members_only,
    };
    Ok(if shown {
        Ok(post)
    } else {
        Err(match stream {
            Stream::User => Skip::NotMember,
            Stream::Public => Skip::NotPublic,
        })
    })
}
