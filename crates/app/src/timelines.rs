//! Timelines for the Mastodon API: posts (discussions and replies) and events of many
//! communities, newest first. This module decides which communities' posts the viewer may
//! read; the store picks the page; every post then goes through `posts::one` and every event
//! through `events::post::one`, the one access rule for each.

use guildhall_domain::Visibility;
use guildhall_store::timelines::{self as store, Cursor, Scope, Window};
use guildhall_store::{communities, discussions};

use crate::communities::load_for;
use crate::events::post::{self as event_post, EventPost};
use crate::posts::{self, Post, PostRef};
use crate::{AppContext, Error, Result, Viewer};

/// Which timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timeline {
    /// Posts in the communities and guilds the viewer is an approved member of.
    Home,
    /// Public communities' posts that are not members-only; `local`: only this instance's
    /// communities (`Some(true)`), only remote ones (`Some(false)`), or both.
    Public {
        /// Which communities.
        local: Option<bool>,
    },
    /// Public posts tagged with this hashtag (without `#`).
    Tag {
        /// The hashtag.
        name: String,
    },
    /// One community's discussions and events (a group account's statuses).
    Community(i64),
    /// One person's posts the viewer may read.
    Author {
        /// The person's account id.
        id: i64,
        /// Their discussions only (Mastodon's `exclude_replies`).
        discussions_only: bool,
    },
}

/// A timeline entry's reference: a post or an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A discussion or reply.
    Post(PostRef),
    /// An event.
    Event(i64),
}

/// One entry of a timeline.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A discussion or reply.
    Post(Box<Post>),
    /// An event (read-only: people RSVP on its page).
    Event(Box<EventPost>),
}

/// Where a page starts: entries named by Mastodon's `max_id`, `since_id` and `min_id`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    /// Older than this entry.
    pub max: Option<At>,
    /// Newer than this entry (the newest ones).
    pub since: Option<At>,
    /// Newer than this entry (the ones right after it).
    pub min: Option<At>,
    /// Posts per page.
    pub limit: u64,
}

async fn cursor(ctx: &AppContext, at: Option<At>) -> Result<Option<Cursor>> {
    // A cursor only orders the page; an unknown entry leaves that side open, as Mastodon does.
    let post = match at {
        None => return Ok(None),
        Some(At::Event(id)) => {
            return Ok(guildhall_store::events::find_by_id(ctx.db(), id).await?.map(|e| Cursor {
                created_at: e.created_at,
                kind: store::EVENT,
                id: e.id,
            }));
        }
        Some(At::Post(p)) => Some(p),
    };
    Ok(match post {
        None => None,
        Some(PostRef::Discussion(id)) => discussions::find_by_id(ctx.db(), id).await?.map(|d| Cursor {
            created_at: d.created_at,
            kind: store::DISCUSSION,
            id: d.id,
        }),
        Some(PostRef::Reply(id)) => discussions::find_reply(ctx.db(), id).await?.map(|r| Cursor {
            created_at: r.created_at,
            kind: store::REPLY,
            id: r.id,
        }),
    })
}

/// The communities whose posts may appear in `timeline` for `viewer`.
async fn scope(ctx: &AppContext, viewer: Option<&Viewer>, timeline: &Timeline) -> Result<Scope> {
    let mine = match viewer {
        Some(v) => store::member_of(ctx.db(), v.account_id).await?,
        None => Vec::new(),
    };
    Ok(match timeline {
        Timeline::Home => Scope { full: mine, events: true, ..Default::default() },
        Timeline::Public { local } => Scope {
            open: store::with_visibility(ctx.db(), &[Visibility::Public], *local).await?,
            events: true,
            ..Default::default()
        },
        Timeline::Tag { name } => Scope {
            open: store::with_visibility(ctx.db(), &[Visibility::Public], None).await?,
            extras_like: Some(format!("#{name}")),
            ..Default::default()
        },
        Timeline::Community(id) => {
            let c = communities::find_by_id(ctx.db(), *id).await?.ok_or(Error::NotFound("community"))?;
            let l = load_for(ctx, viewer, c).await?;
            if !l.access.can_read_content() {
                return Ok(Scope::default());
            }
            let all = l.access.for_discussion(true).can_read_content();
            let ids = vec![l.community.id];
            let (full, open) = if all { (ids, vec![]) } else { (vec![], ids) };
            Scope { full, open, discussions_only: true, events: true, ..Default::default() }
        }
        Timeline::Author { id, discussions_only } => Scope {
            full: mine,
            // Approval communities' posts are readable by anyone, as on their pages.
            open: store::with_visibility(ctx.db(), &[Visibility::Public, Visibility::Approval], None).await?,
            author_id: Some(*id),
            discussions_only: *discussions_only,
            ..Default::default()
        },
    })
}

fn tagged(p: &Post, name: &str) -> bool {
    let extras = match &p.body {
        posts::PostBody::Discussion(d) => &d.extras,
        posts::PostBody::Reply(r) => &r.extras,
    };
    extras.tags.iter().any(|t| t.name.trim_start_matches('#').eq_ignore_ascii_case(name))
}

/// One page of a timeline, newest first, and whether more entries lie beyond its far end.
pub async fn page(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    timeline: &Timeline,
    b: Bounds,
) -> Result<(Vec<Entry>, bool)> {
    let scope = scope(ctx, viewer, timeline).await?;
    let window = match (b.min, b.since) {
        (Some(min), _) => {
            Window { before: cursor(ctx, b.max).await?, after: cursor(ctx, Some(min)).await?, oldest_first: true }
        }
        (None, since) => {
            Window { before: cursor(ctx, b.max).await?, after: cursor(ctx, since).await?, oldest_first: false }
        }
    };
    let (rows, more) = store::page(ctx.db(), &scope, window, b.limit.max(1)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if r.kind == store::EVENT {
            match event_post::one(ctx, viewer, r.id).await {
                Ok(e) => out.push(Entry::Event(Box::new(e))),
                Err(Error::NotFound(_)) => continue,
                Err(e) => return Err(e),
            }
            continue;
        }
        let post = if r.kind == store::DISCUSSION { PostRef::Discussion(r.id) } else { PostRef::Reply(r.id) };
        match posts::one(ctx, viewer, post).await {
            Ok(p) => {
                if let Timeline::Tag { name } = timeline
                    && !tagged(&p, name)
                {
                    continue;
                }
                out.push(Entry::Post(Box::new(p)))
            }
            // Deleted or hidden since the page was picked: leave it out.
            Err(Error::NotFound(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok((out, more))
}
