//! Discussions and replies as one kind of thing, a post, for readers that mix them (the
//! Mastodon API's statuses). Every read goes through `discussions::load_discussion`, so a
//! post is only ever returned to a viewer who may read its discussion.

use guildhall_store::discussions as store;
use guildhall_store::votes::{self, Target};
use guildhall_store::{accounts, communities};

use crate::discussions::{self, load_discussion};
use crate::views::{CommunityView, DiscussionView, ReplyView};
use crate::{AppContext, Error, Result, Viewer};

/// Which post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostRef {
    /// A discussion's opening post.
    Discussion(i64),
    /// A reply.
    Reply(i64),
}

/// The post itself.
#[derive(Debug, Clone)]
pub enum PostBody {
    /// A discussion's opening post (with its poll, if any).
    Discussion(Box<DiscussionView>),
    /// A reply.
    Reply(Box<ReplyView>),
}

/// A post with what a reader needs around it.
#[derive(Debug, Clone)]
pub struct Post {
    /// The post.
    pub body: PostBody,
    /// Its community as the viewer sees it.
    pub community: CommunityView,
    /// The community's ActivityPub id when it lives on another server.
    pub community_ap_id: Option<String>,
    /// Whether the discussion is readable by members only.
    pub members_only: bool,
    /// The viewer's vote (1, -1 or 0); `None` for anonymous readers.
    pub my_vote: Option<i16>,
    /// For a reply: the account id of the author of what it answers.
    pub parent_author_id: Option<i64>,
}

/// One post, if the viewer may read it (else `NotFound`, never a hint that it exists).
pub async fn one(ctx: &AppContext, viewer: Option<&Viewer>, post: PostRef) -> Result<Post> {
    let (body, d, l, target, parent_author_id) = match post {
        PostRef::Discussion(id) => {
            let (d, l) = load_discussion(ctx, viewer, id).await?;
            let view = discussions::get(ctx, viewer, id).await?;
            (PostBody::Discussion(Box::new(view)), d, l, Target::Discussion(id), None)
        }
        PostRef::Reply(id) => {
            let r = store::find_reply(ctx.db(), id).await?.ok_or(Error::NotFound("reply"))?;
            let (d, l) = load_discussion(ctx, viewer, r.discussion_id).await.map_err(|e| match e {
                Error::NotFound(_) => Error::NotFound("reply"),
                other => other,
            })?;
            let author = accounts::find_by_id(ctx.db(), r.author_id).await?;
            let t = Target::Reply(r.id);
            let tally = votes::tallies(ctx.db(), &[t]).await?.get(&t).copied().unwrap_or_default();
            let parent_author = match r.parent_id {
                Some(p) => store::find_reply(ctx.db(), p).await?.map(|p| p.author_id),
                None => Some(d.author_id),
            };
            let view = ReplyView::build(&r, author.as_ref(), tally);
            (PostBody::Reply(Box::new(view)), d, l, t, parent_author)
        }
    };
    let count =
        communities::member_counts(ctx.db(), &[l.community.id]).await?.get(&l.community.id).copied().unwrap_or(0);
    let community = CommunityView::build(&l.community, count, l.access.role, l.access.can_read_content())?;
    let my_vote = match viewer {
        Some(v) => Some(votes::find(ctx.db(), v.account_id, target).await?.map_or(0, |v| v.value)),
        None => None,
    };
    Ok(Post {
        body,
        community_ap_id: if l.community.domain.is_empty() { None } else { l.community.ap_id.clone() },
        community,
        members_only: d.members_only,
        my_vote,
        parent_author_id,
    })
}
