//! Read-only queries the web pages need on top of the use cases: the viewer's communities and
//! their latest discussions, a searchable directory, and a thread with what the viewer may do
//! in it. Permissions come from the same domain policies as everywhere else.
//!
//! The directory and "my communities" walk the community list page by page (at most
//! [`SCAN_LIMIT`] communities); that is plenty for an instance of this version and keeps SQL in
//! the store.

use guildhall_domain::CommunityRole;
use guildhall_store::votes::Target;

use crate::communities;
use crate::discussions::{self, Sort, load_discussion};
use crate::views::{CommunityView, DiscussionView, List, ReplyView};
use crate::{AppContext, Page, Result, Viewer};

/// Most communities looked at by [`directory`] and [`my_communities`].
pub const SCAN_LIMIT: u64 = 2_000;

/// Every community the viewer may list (up to [`SCAN_LIMIT`]), by name.
async fn all_communities(ctx: &AppContext, viewer: Option<&Viewer>) -> Result<Vec<CommunityView>> {
    let mut out = Vec::new();
    let mut number = 1;
    loop {
        let page = communities::list(ctx, viewer, Page { number, limit: 100 }).await?;
        out.extend(page.items);
        if !page.has_more || out.len() as u64 >= SCAN_LIMIT {
            return Ok(out);
        }
        number += 1;
    }
}

/// The communities the viewer belongs to (member or moderator) or asked to join.
pub async fn my_communities(ctx: &AppContext, viewer: &Viewer) -> Result<Vec<CommunityView>> {
    let all = all_communities(ctx, Some(viewer)).await?;
    Ok(all.into_iter().filter(|c| c.my_role.is_member() || c.my_role == CommunityRole::Pending).collect())
}

/// The most recently active discussions across the viewer's communities, newest activity
/// first, with each discussion's community handle.
pub async fn latest_discussions(
    ctx: &AppContext,
    viewer: &Viewer,
    mine: &[CommunityView],
    limit: usize,
) -> Result<Vec<(String, DiscussionView)>> {
    let mut out = Vec::new();
    for c in mine.iter().filter(|c| c.my_role.is_member()) {
        let page = Page { number: 1, limit: limit as u64 };
        let list = discussions::list(ctx, Some(viewer), &c.handle, Sort::Active, page).await?;
        out.extend(list.items.into_iter().filter(|d| !d.deleted).map(|d| (c.handle.clone(), d)));
    }
    out.sort_by_key(|(_, d)| std::cmp::Reverse(d.last_activity_at));
    out.truncate(limit);
    Ok(out)
}

/// A directory search: words in `query` must all appear in the name, title, description or
/// tags; `tag` must be one of the tags. Also returns every tag in use, for the filter.
pub async fn directory(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    query: &str,
    tag: &str,
    page: Page,
) -> Result<(List<CommunityView>, Vec<String>)> {
    let all = all_communities(ctx, viewer).await?;
    let mut tags: Vec<String> = all.iter().flat_map(|c| c.tags.iter().cloned()).collect();
    tags.sort();
    tags.dedup();
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let tag = tag.trim().trim_start_matches('#').to_lowercase();
    let matching: Vec<CommunityView> = all
        .into_iter()
        .filter(|c| tag.is_empty() || c.tags.contains(&tag))
        .filter(|c| {
            let hay = format!("{} {} {} {}", c.handle, c.title, c.description, c.tags.join(" ")).to_lowercase();
            words.iter().all(|w| hay.contains(w))
        })
        .collect();
    let start = ((page.number - 1) * page.limit) as usize;
    let items: Vec<CommunityView> = matching.iter().skip(start).take(page.limit as usize).cloned().collect();
    let has_more = matching.len() > start + items.len();
    Ok((List { items, page: page.number, limit: page.limit, has_more }, tags))
}

/// What the viewer may do with a discussion or reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PostActions {
    /// Edit it (its author).
    pub edit: bool,
    /// Delete it (its author or a moderator).
    pub delete: bool,
    /// Vote on it.
    pub vote: bool,
    /// The viewer's vote on it now: 1, -1 or 0.
    pub my_vote: i16,
}

/// A discussion page: the discussion, its community, one page of replies and what the viewer
/// may do.
#[derive(Debug, Clone)]
pub struct Thread {
    /// The opening post.
    pub discussion: DiscussionView,
    /// Its community, with the viewer's role.
    pub community: CommunityView,
    /// Replies in threaded order, each with the viewer's actions.
    pub replies: List<(ReplyView, PostActions)>,
    /// The viewer's actions on the discussion.
    pub actions: PostActions,
    /// Whether the viewer may reply; otherwise why not (`None` when signed out).
    pub reply: std::result::Result<(), guildhall_domain::Denied>,
    /// Whether the viewer may pin and lock it.
    pub moderate: bool,
}

fn actions(access: &guildhall_domain::Access, viewer: Option<&Viewer>, author: &str, deleted: bool) -> PostActions {
    let is_author = viewer.is_some_and(|v| !author.is_empty() && v.username == author);
    PostActions {
        edit: access.edit_post(is_author, deleted).is_ok(),
        delete: access.delete_post(is_author, deleted).is_ok(),
        vote: access.vote(deleted).is_ok(),
        my_vote: 0,
    }
}

/// Fills in the viewer's own vote where they may vote (one small query per post).
async fn with_my_vote(ctx: &AppContext, viewer: Option<&Viewer>, mut a: PostActions, t: Target) -> Result<PostActions> {
    if let (Some(v), true) = (viewer, a.vote) {
        a.my_vote = guildhall_store::votes::find(ctx.db(), v.account_id, t).await?.map_or(0, |v| v.value);
    }
    Ok(a)
}

/// Loads a discussion page (404 when the viewer may not read it).
pub async fn thread(ctx: &AppContext, viewer: Option<&Viewer>, id: i64, page: Page) -> Result<Thread> {
    let (d, l) = load_discussion(ctx, viewer, id).await?;
    let handle = if l.community.domain.is_empty() {
        l.community.name.clone()
    } else {
        format!("{}@{}", l.community.name, l.community.domain)
    };
    let community = communities::get(ctx, viewer, &handle).await?;
    let discussion = discussions::get(ctx, viewer, id).await?;
    let replies = discussions::replies(ctx, viewer, id, page).await?;
    let access = l.access;
    let mut items = Vec::with_capacity(replies.items.len());
    for r in replies.items {
        let a = actions(&access, viewer, &r.author.username, r.deleted);
        let a = with_my_vote(ctx, viewer, a, Target::Reply(r.id)).await?;
        items.push((r, a));
    }
    let replies = List { items, page: replies.page, limit: replies.limit, has_more: replies.has_more };
    let own = actions(&access, viewer, &discussion.author.username, discussion.deleted);
    Ok(Thread {
        actions: with_my_vote(ctx, viewer, own, Target::Discussion(id)).await?,
        reply: access.reply(d.locked, d.deleted_at.is_some()),
        moderate: access.moderate().is_ok() && !discussion.deleted,
        discussion,
        community,
        replies,
    })
}

/// One reply, for its edit form, with the viewer's actions (404 when it may not be read).
pub async fn reply(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<(ReplyView, PostActions)> {
    let (r, _, l) = discussions::load_reply(ctx, viewer, id).await?;
    let author = guildhall_store::accounts::find_by_id(ctx.db(), r.author_id).await?;
    let view = ReplyView::build(&r, author.as_ref(), (0, 0));
    let a = actions(&l.access, Some(viewer), &view.author.username, view.deleted);
    Ok((view, a))
}
