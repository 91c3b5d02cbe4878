//! Discussions and replies: start, read, edit, delete, pin and lock.

use chrono::Utc;
use guildhall_domain::extras::Warning;
use guildhall_domain::{policy, validate, validate::Limits};
pub use guildhall_store::discussions::Sort;
use guildhall_store::discussions::{self as store, NewPost};
use guildhall_store::entities::{discussion, reply};
use guildhall_store::{Set, accounts, communities, votes};

use crate::communities::{Loaded, load, load_for};
use crate::outbox::{self, Outgoing};
use crate::views::{DiscussionView, List, ReplyView};
use crate::{AppContext, Error, Page, Result, Viewer};

/// Which flag a moderator changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// Keep at the top of the list.
    Pinned,
    /// Refuse new replies (except from moderators).
    Locked,
}

/// Loads a discussion the viewer may read, with its community; otherwise 404 (private
/// content never reveals that it exists). The returned access is the discussion's own: a
/// members-only discussion reads as private content, and so do its replies and votes, which
/// all come through here.
pub(crate) async fn load_discussion(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    id: i64,
) -> Result<(discussion::Model, Loaded)> {
    let d = store::find_by_id(ctx.db(), id).await?.ok_or(Error::NotFound("discussion"))?;
    let c = communities::find_by_id(ctx.db(), d.community_id).await?.ok_or(Error::NotFound("discussion"))?;
    let mut l = load_for(ctx, viewer, c).await?;
    l.access = l.access.for_discussion(d.members_only);
    if !l.access.can_read_content() {
        return Err(Error::NotFound("discussion"));
    }
    Ok((d, l))
}

async fn view(
    ctx: &AppContext,
    d: &discussion::Model,
    community: &str,
    viewer: Option<&Viewer>,
) -> Result<DiscussionView> {
    let author = accounts::find_by_id(ctx.db(), d.author_id).await?;
    let t = votes::Target::Discussion(d.id);
    let tally = votes::tallies(ctx.db(), &[t]).await?.get(&t).copied().unwrap_or_default();
    let mut v = DiscussionView::build(d, community, author.as_ref(), tally);
    v.poll = crate::polls::view_of(ctx, d, viewer).await?;
    v.has_poll = v.poll.is_some();
    Ok(v)
}

/// Starts a discussion in a community.
pub async fn create(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    title: &str,
    body: &str,
) -> Result<DiscussionView> {
    create_with_poll(ctx, viewer, community, title, body, None, Warning::default()).await
}

/// Starts a discussion in a community, with a poll if one is given and the author's content
/// warning (stored in the same columns as a remote post's).
pub async fn create_with_poll(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    title: &str,
    body: &str,
    poll: Option<crate::polls::PollInput>,
    warning: Warning,
) -> Result<DiscussionView> {
    let title = validate::required_line("title", title, Limits::DISCUSSION_TITLE)?;
    let body = validate::text("body", body, Limits::BODY, true)?;
    let warning = warning.checked()?;
    let poll = poll.map(|p| crate::polls::checked(p, Utc::now())).transpose()?;
    let l = load(ctx, Some(viewer), community).await?;
    l.access.start_discussion()?;
    let html = crate::markdown::render(&body);
    let txn = crate::receipt::begin_write(ctx).await?;
    let post = NewPost {
        author_id: viewer.account_id,
        ap_id: None,
        body_source: body,
        body_html: html,
        created_at: Utc::now(),
        extras: warning.into_extras(),
    };
    let members_only = policy::new_discussion_members_only(l.access.visibility, false);
    let d = store::insert(&txn, l.community.id, title, members_only, post).await?;
    if let Some(p) = poll {
        guildhall_store::polls::insert(&txn, d.id, p, Utc::now()).await?;
    }
    outbox::record(&txn, &Outgoing::DiscussionCreated { discussion_id: d.id }).await?;
    crate::guilds::links::record_relays(&txn, &l.community, &d).await?;
    let mentioned = crate::notifying::mentioned_in_markdown(&txn, ctx, &d.body_source).await?;
    let mut told = crate::notifying::new_post(&txn, &l.community, &d, None, None, &mentioned).await?;
    told.extend(crate::notifying::new_discussion_watched(&txn, &l.community, &d, &told).await?);
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    crate::live::publish(ctx, crate::live::LiveEvent::Posted(crate::posts::PostRef::Discussion(d.id)));
    tracing::info!(account = %viewer.username, community = %l.community.name, discussion = d.id, "discussion started");
    view(ctx, &d, &l.community.name, Some(viewer)).await
}

/// One discussion.
pub async fn get(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<DiscussionView> {
    let (d, l) = load_discussion(ctx, viewer, id).await?;
    view(ctx, &d, &l.community.name, viewer).await
}

/// A community's discussions, pinned first. Members-only discussions and those by authors on
/// limited instances are listed only to those the domain's `Listing` allows.
pub async fn list(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    community: &str,
    sort: Sort,
    page: Page,
) -> Result<List<DiscussionView>> {
    let l = load(ctx, viewer, community).await?;
    l.access.read_content()?;
    let listing = l.access.discussion_listing();
    let mut hidden = store::Hidden { members_only: !listing.members_only, author_domains: Vec::new() };
    if !listing.limited_authors {
        let policy = crate::admin::federation_policy(ctx).await?;
        if !policy.limited.is_empty() {
            // Match hosts with the domain's rule, then filter by exact domains in the query.
            let known = store::author_domains(ctx.db(), l.community.id).await?;
            hidden.author_domains = known.into_iter().filter(|d| policy.is_limited(d)).collect();
        }
    }
    let rows = store::list_visible(ctx.db(), l.community.id, sort, &hidden, page).await?;
    let ids: Vec<i64> = rows.items.iter().map(|d| d.author_id).collect();
    let authors = accounts::find_many(ctx.db(), &ids).await?;
    let targets: Vec<votes::Target> = rows.items.iter().map(|d| votes::Target::Discussion(d.id)).collect();
    let tallies = votes::tallies(ctx.db(), &targets).await?;
    let discussion_ids: Vec<i64> = rows.items.iter().map(|d| d.id).collect();
    let with_polls = guildhall_store::polls::discussions_with_polls(ctx.db(), &discussion_ids).await?;
    let items = rows
        .items
        .iter()
        .map(|d| {
            let t = tallies.get(&votes::Target::Discussion(d.id)).copied().unwrap_or_default();
            let mut v = DiscussionView::build(d, &l.community.name, authors.get(&d.author_id), t);
            v.has_poll = with_polls.contains(&d.id);
            v
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

/// Edits a discussion's title, body and/or content warning (author only); `None` keeps it.
pub async fn update(
    ctx: &AppContext,
    viewer: &Viewer,
    id: i64,
    title: Option<&str>,
    body: Option<&str>,
    warning: Option<Warning>,
) -> Result<DiscussionView> {
    let title = title.map(|t| validate::required_line("title", t, Limits::DISCUSSION_TITLE)).transpose()?;
    let body = body.map(|b| validate::text("body", b, Limits::BODY, true)).transpose()?;
    let warning = warning.map(Warning::checked).transpose()?;
    let (d, l) = load_discussion(ctx, Some(viewer), id).await?;
    l.access.edit_post(d.author_id == viewer.account_id, d.deleted_at.is_some())?;
    let mut active: discussion::ActiveModel = d.into();
    if let Some(t) = title {
        active.title = Set(t);
    }
    if let Some(b) = body {
        active.body_html = Set(crate::markdown::render(&b));
        active.body_source = Set(b);
    }
    if let Some(w) = warning {
        active.content_warning = Set(w.text);
        active.sensitive = Set(w.sensitive);
    }
    active.edited_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    let saved = store::update(&txn, active).await?;
    outbox::record(&txn, &Outgoing::DiscussionUpdated { discussion_id: saved.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    view(ctx, &saved, &l.community.name, Some(viewer)).await
}

/// Deletes a discussion (author or moderator): a tombstone stays so replies keep their place.
pub async fn delete(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    let (d, l) = load_discussion(ctx, Some(viewer), id).await?;
    l.access.delete_post(d.author_id == viewer.account_id, d.deleted_at.is_some())?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store::tombstone(&txn, d, Utc::now()).await?;
    outbox::record(&txn, &Outgoing::DiscussionDeleted { discussion_id: id, by_account_id: viewer.account_id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, community = %l.community.name, discussion = id, "discussion deleted");
    Ok(())
}

/// Pins/unpins or locks/unlocks a discussion (moderators).
pub async fn set_flag(ctx: &AppContext, viewer: &Viewer, id: i64, flag: Flag, on: bool) -> Result<DiscussionView> {
    let (d, l) = load_discussion(ctx, Some(viewer), id).await?;
    l.access.moderate()?;
    if d.deleted_at.is_some() {
        return Err(guildhall_domain::Denied::Deleted.into());
    }
    let mut active: discussion::ActiveModel = d.into();
    match flag {
        Flag::Pinned => active.pinned = Set(on),
        Flag::Locked => active.locked = Set(on),
    }
    let txn = crate::receipt::begin_write(ctx).await?;
    let saved = store::update(&txn, active).await?;
    if l.community.domain.is_empty() {
        let (pinned, locked) = match flag {
            Flag::Pinned => (Some(on), None),
            Flag::Locked => (None, Some(on)),
        };
        let intent =
            Outgoing::DiscussionModerated { discussion_id: saved.id, by_account_id: viewer.account_id, pinned, locked };
        outbox::record(&txn, &intent).await?;
    }
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(moderator = %viewer.username, discussion = id, ?flag, on, "discussion flag set");
    view(ctx, &saved, &l.community.name, Some(viewer)).await
}

/// Replies to a discussion, or to a reply in it, with the author's content warning.
pub async fn reply(
    ctx: &AppContext,
    viewer: &Viewer,
    discussion_id: i64,
    parent_id: Option<i64>,
    body: &str,
    warning: Warning,
) -> Result<ReplyView> {
    let body = validate::text("body", body, Limits::BODY, true)?;
    let warning = warning.checked()?;
    let (d, l) = load_discussion(ctx, Some(viewer), discussion_id).await?;
    l.access.reply(d.locked, d.deleted_at.is_some())?;
    let parent = match parent_id {
        Some(pid) => Some(
            store::find_reply(ctx.db(), pid)
                .await?
                .filter(|p| p.discussion_id == d.id)
                .ok_or_else(|| guildhall_domain::Invalid::new("parent_id", "is not a reply in this discussion"))?,
        ),
        None => None,
    };
    if parent.as_ref().is_some_and(|p| p.depth >= MAX_DEPTH) {
        return Err(guildhall_domain::Invalid::new("parent_id", "the thread is nested too deeply here").into());
    }
    let html = crate::markdown::render(&body);
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    let post = NewPost {
        author_id: viewer.account_id,
        ap_id: None,
        body_source: body,
        body_html: html,
        created_at: now,
        extras: warning.into_extras(),
    };
    let r = store::insert_reply(&txn, d.id, parent.as_ref(), post).await?;
    store::touch_for_reply(&txn, d.id, now).await?;
    outbox::record(&txn, &Outgoing::ReplyCreated { reply_id: r.id }).await?;
    let mentioned = crate::notifying::mentioned_in_markdown(&txn, ctx, &r.body_source).await?;
    let told = crate::notifying::new_post(&txn, &l.community, &d, Some(&r), parent.as_ref(), &mentioned).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    crate::live::notified(ctx, &told);
    crate::live::publish(ctx, crate::live::LiveEvent::Posted(crate::posts::PostRef::Reply(r.id)));
    tracing::info!(account = %viewer.username, discussion = d.id, reply = r.id, "reply posted");
    let author = accounts::find_by_id(ctx.db(), r.author_id).await?;
    Ok(ReplyView::build(&r, author.as_ref(), (0, 0)))
}

/// Deepest nesting allowed (the path column stays bounded).
const MAX_DEPTH: i32 = 50;

/// A discussion's replies in threaded order.
pub async fn replies(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    discussion_id: i64,
    page: Page,
) -> Result<List<ReplyView>> {
    let (d, _) = load_discussion(ctx, viewer, discussion_id).await?;
    let rows = store::list_replies(ctx.db(), d.id, page).await?;
    let ids: Vec<i64> = rows.items.iter().map(|r| r.author_id).collect();
    let authors = accounts::find_many(ctx.db(), &ids).await?;
    let targets: Vec<votes::Target> = rows.items.iter().map(|r| votes::Target::Reply(r.id)).collect();
    let tallies = votes::tallies(ctx.db(), &targets).await?;
    let items = rows
        .items
        .iter()
        .map(|r| {
            let t = tallies.get(&votes::Target::Reply(r.id)).copied().unwrap_or_default();
            ReplyView::build(r, authors.get(&r.author_id), t)
        })
        .collect();
    Ok(List::new(items, page, rows.has_more))
}

pub(crate) async fn load_reply(
    ctx: &AppContext,
    viewer: &Viewer,
    id: i64,
) -> Result<(reply::Model, discussion::Model, Loaded)> {
    let r = store::find_reply(ctx.db(), id).await?.ok_or(Error::NotFound("reply"))?;
    let (d, l) = load_discussion(ctx, Some(viewer), r.discussion_id).await.map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound("reply"),
        other => other,
    })?;
    Ok((r, d, l))
}

/// Edits a reply's body and/or content warning (author only); `None` keeps the warning.
pub async fn update_reply(
    ctx: &AppContext,
    viewer: &Viewer,
    id: i64,
    body: &str,
    warning: Option<Warning>,
) -> Result<ReplyView> {
    let body = validate::text("body", body, Limits::BODY, true)?;
    let warning = warning.map(Warning::checked).transpose()?;
    let (r, _, l) = load_reply(ctx, viewer, id).await?;
    l.access.edit_post(r.author_id == viewer.account_id, r.deleted_at.is_some())?;
    let mut active: reply::ActiveModel = r.into();
    active.body_html = Set(crate::markdown::render(&body));
    active.body_source = Set(body);
    if let Some(w) = warning {
        active.content_warning = Set(w.text);
        active.sensitive = Set(w.sensitive);
    }
    active.edited_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    let saved = store::update_reply(&txn, active).await?;
    outbox::record(&txn, &Outgoing::ReplyUpdated { reply_id: saved.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    let author = accounts::find_by_id(ctx.db(), saved.author_id).await?;
    let t = votes::Target::Reply(saved.id);
    let tally = votes::tallies(ctx.db(), &[t]).await?.get(&t).copied().unwrap_or_default();
    Ok(ReplyView::build(&saved, author.as_ref(), tally))
}

/// Deletes a reply (author or moderator), keeping a tombstone in the thread.
pub async fn delete_reply(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<()> {
    let (r, _, l) = load_reply(ctx, viewer, id).await?;
    l.access.delete_post(r.author_id == viewer.account_id, r.deleted_at.is_some())?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store::tombstone_reply(&txn, r, Utc::now()).await?;
    outbox::record(&txn, &Outgoing::ReplyDeleted { reply_id: id, by_account_id: viewer.account_id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, reply = id, "reply deleted");
    Ok(())
}
