//! Votes, edits, deletions and moderation that arrive from other servers, checked by the
//! same policies as local ones.

use chrono::Utc;
use guildhall_domain::{Access, Denied, validate, validate::Limits};
use guildhall_store::entities::{account, community, discussion, event, reply};
use guildhall_store::votes::{self as store_votes, Target};
use guildhall_store::{Set, communities as store_communities, discussions as store_discussions};

use crate::communities::remote_access;
use crate::inbound::{IncomingPost, body_of, record_relay};
use crate::receipt::Arrival;
use crate::{AppContext, Error, Result};

async fn access_of(ctx: &AppContext, c: &community::Model, a: &account::Model) -> Result<Access> {
    let m = store_communities::find_membership(ctx.db(), c.id, a.id).await?;
    remote_access(c, m.as_ref())
}

async fn community_of(ctx: &AppContext, d: &discussion::Model) -> Result<community::Model> {
    store_communities::find_by_id(ctx.db(), d.community_id).await?.ok_or(Error::NotFound("community"))
}

/// Commits a change together with the community's relay of the activity that caused it.
async fn commit_with_relay(
    ctx: &AppContext,
    txn: guildhall_store::DatabaseTransaction,
    c: &community::Model,
    arrival: Arrival,
) -> Result<()> {
    record_relay(&txn, c, arrival).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    Ok(())
}

/// What a remote vote is on.
pub enum VoteOn<'a> {
    /// A discussion.
    Discussion(&'a discussion::Model),
    /// A reply in a discussion.
    Reply(&'a discussion::Model, &'a reply::Model),
    /// An event.
    Event(&'a event::Model),
}

impl VoteOn<'_> {
    /// The target, whether it is deleted, and the community it belongs to.
    async fn resolve(&self, ctx: &AppContext) -> Result<(Target, bool, community::Model)> {
        let (target, deleted, community_id) = match self {
            VoteOn::Discussion(d) => (Target::Discussion(d.id), d.deleted_at.is_some(), d.community_id),
            VoteOn::Reply(d, r) => (Target::Reply(r.id), r.deleted_at.is_some(), d.community_id),
            VoteOn::Event(e) => (Target::Event(e.id), e.deleted_at.is_some(), e.community_id),
        };
        let c = store_communities::find_by_id(ctx.db(), community_id).await?.ok_or(Error::NotFound("community"))?;
        Ok((target, deleted, c))
    }
}

/// A Like (+1) or Dislike (-1) from another server.
pub async fn receive_vote(
    ctx: &AppContext,
    voter: &account::Model,
    on: VoteOn<'_>,
    value: i16,
    ap_id: &str,
    arrival: Arrival,
) -> Result<()> {
    let (target, deleted, c) = on.resolve(ctx).await?;
    if c.domain.is_empty() {
        access_of(ctx, &c, voter).await?.vote(deleted)?;
    }
    let txn = crate::receipt::begin_write(ctx).await?;
    store_votes::set(&txn, voter.id, target, value.signum(), Some(ap_id.to_owned()), Utc::now()).await?;
    let told = if value > 0 { crate::notifying::upvoted(&txn, voter.id, target).await? } else { Vec::new() };
    commit_with_relay(ctx, txn, &c, arrival).await?;
    crate::live::notified(ctx, &told);
    Ok(())
}

/// An `Undo` of a remote vote.
pub async fn undo_vote(
    ctx: &AppContext,
    voter: &account::Model,
    vote_ap_id: &str,
    on: Option<VoteOn<'_>>,
    arrival: Arrival,
) -> Result<()> {
    let v = match (store_votes::find_by_ap_id(ctx.db(), vote_ap_id).await?, on) {
        (Some(v), _) => v,
        // Lemmy's Undo embeds the vote with a fresh id: the voter's vote on the object it names.
        (None, Some(on)) => {
            let (target, _, _) = on.resolve(ctx).await?;
            let Some(v) = store_votes::find(ctx.db(), voter.id, target).await? else { return Ok(()) };
            v
        }
        (None, None) => return Ok(()),
    };
    if v.account_id != voter.id {
        return Err(Denied::AuthorOnly.into());
    }
    let Some(target) = Target::of(&v) else { return Ok(()) };
    let community_id = match target {
        Target::Discussion(id) => store_discussions::find_by_id(ctx.db(), id).await?.map(|d| d.community_id),
        Target::Reply(id) => match store_discussions::find_reply(ctx.db(), id).await? {
            Some(r) => store_discussions::find_by_id(ctx.db(), r.discussion_id).await?.map(|d| d.community_id),
            None => None,
        },
        Target::Event(id) => guildhall_store::events::find_by_id(ctx.db(), id).await?.map(|e| e.community_id),
    };
    let Some(community_id) = community_id else { return Ok(()) };
    let c = store_communities::find_by_id(ctx.db(), community_id).await?.ok_or(Error::NotFound("community"))?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store_votes::remove(&txn, voter.id, target).await?;
    commit_with_relay(ctx, txn, &c, arrival).await
}

/// An author's edit of their discussion, from their server. An edit may make it members-only,
/// never public again.
pub async fn receive_discussion_edit(
    ctx: &AppContext,
    d: discussion::Model,
    editor: &account::Model,
    post: IncomingPost,
    arrival: Arrival,
) -> Result<()> {
    let c = community_of(ctx, &d).await?;
    access_of(ctx, &c, editor).await?.edit_post(d.author_id == editor.id, d.deleted_at.is_some())?;
    let title = validate::required_line("name", post.title.as_deref().unwrap_or(&d.title), Limits::DISCUSSION_TITLE)?;
    let (source, html) = body_of(&post)?;
    let members_only = guildhall_domain::policy::members_only_after_edit(d.members_only, post.members_only);
    let mut m: discussion::ActiveModel = d.into();
    m.members_only = Set(members_only);
    m.title = Set(title);
    m.body_source = Set(source);
    m.body_html = Set(html);
    // An edit replaces the content warning, attachments and tags with the new version's.
    let (content_warning, sensitive, extras) = store_discussions::extras_columns(&post.extras.bounded());
    (m.content_warning, m.sensitive, m.extras) = (Set(content_warning), Set(sensitive), Set(extras));
    m.edited_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    store_discussions::update(&txn, m).await?;
    commit_with_relay(ctx, txn, &c, arrival).await
}

/// An author's edit of their reply, from their server.
pub async fn receive_reply_edit(
    ctx: &AppContext,
    d: &discussion::Model,
    r: reply::Model,
    editor: &account::Model,
    post: IncomingPost,
    arrival: Arrival,
) -> Result<()> {
    let c = community_of(ctx, d).await?;
    access_of(ctx, &c, editor).await?.edit_post(r.author_id == editor.id, r.deleted_at.is_some())?;
    let (source, html) = body_of(&post)?;
    let mut m: reply::ActiveModel = r.into();
    m.body_source = Set(source);
    m.body_html = Set(html);
    let (content_warning, sensitive, extras) = store_discussions::extras_columns(&post.extras.bounded());
    (m.content_warning, m.sensitive, m.extras) = (Set(content_warning), Set(sensitive), Set(extras));
    m.edited_at = Set(Some(Utc::now()));
    let txn = crate::receipt::begin_write(ctx).await?;
    store_discussions::update_reply(&txn, m).await?;
    commit_with_relay(ctx, txn, &c, arrival).await
}

/// What a remote Delete removes.
pub enum Deleted {
    /// A discussion.
    Discussion(discussion::Model),
    /// A reply in a discussion (boxed: the two models are large beside the one).
    Reply(discussion::Model, Box<reply::Model>),
}

/// A Delete from another server: by the author, by a moderator of a local community, or by a
/// remote community (its server decides its moderation). A tombstone stays.
pub async fn receive_delete(
    ctx: &AppContext,
    target: Deleted,
    actor: Option<&account::Model>,
    from_community: bool,
    arrival: Arrival,
) -> Result<()> {
    let (d, author_id, already) = match &target {
        Deleted::Discussion(d) => (d, d.author_id, d.deleted_at.is_some()),
        Deleted::Reply(d, r) => (d, r.author_id, r.deleted_at.is_some()),
    };
    if already {
        return Ok(());
    }
    let c = community_of(ctx, d).await?;
    match (actor, from_community) {
        (_, true) if !c.domain.is_empty() => {}
        (Some(a), false) => access_of(ctx, &c, a).await?.delete_post(author_id == a.id, false)?,
        _ => return Err(Denied::ModeratorsOnly.into()),
    }
    let txn = crate::receipt::begin_write(ctx).await?;
    match target {
        Deleted::Discussion(d) => {
            store_discussions::tombstone(&txn, d, Utc::now()).await?;
        }
        Deleted::Reply(_, r) => {
            store_discussions::tombstone_reply(&txn, *r, Utc::now()).await?;
        }
    }
    commit_with_relay(ctx, txn, &c, arrival).await
}

/// Pin and lock state set by a remote community for one of its discussions.
pub async fn receive_moderation(
    ctx: &AppContext,
    d: discussion::Model,
    pinned: Option<bool>,
    locked: Option<bool>,
) -> Result<()> {
    let c = community_of(ctx, &d).await?;
    if c.domain.is_empty() {
        return Err(Denied::ModeratorsOnly.into());
    }
    let mut m: discussion::ActiveModel = d.into();
    if let Some(p) = pinned {
        m.pinned = Set(p);
    }
    if let Some(l) = locked {
        m.locked = Set(l);
    }
    store_discussions::update(ctx.db(), m).await?;
    Ok(())
}
