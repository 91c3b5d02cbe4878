//! Discussions and replies.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use guildhall_domain::extras::PostExtras;

use crate::entities::{account, discussion, reply};
use crate::{Page, Paged, Result};

/// How a community's discussions are ordered (pinned ones always first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest first.
    New,
    /// Most recent reply (or creation) first.
    Active,
}

/// The parts every post (discussion or reply) has.
pub struct NewPost {
    /// Author account.
    pub author_id: i64,
    /// ActivityPub id, for posts from other servers.
    pub ap_id: Option<String>,
    /// Markdown source ('' when only HTML was received).
    pub body_source: String,
    /// Sanitised HTML.
    pub body_html: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Content warning, sensitive flag, attachments and tags (posts from other servers).
    pub extras: PostExtras,
}

/// The stored columns of a post's extras: content warning, sensitive, attachments and tags.
pub fn extras_columns(e: &PostExtras) -> (Option<String>, bool, Option<String>) {
    let json = e.stored().and_then(|s| serde_json::to_string(&s).ok());
    (e.content_warning.clone(), e.sensitive, json)
}

/// A post's extras from its stored columns (a column that no longer parses reads as none).
pub fn extras_of(content_warning: &Option<String>, sensitive: bool, json: &Option<String>) -> PostExtras {
    let stored = json.as_deref().and_then(|j| serde_json::from_str(j).ok());
    PostExtras::from_stored(content_warning.clone(), sensitive, stored)
}

/// Inserts a discussion; `members_only` keeps it from non-members whatever the community's
/// visibility.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    title: String,
    members_only: bool,
    post: NewPost,
) -> Result<discussion::Model> {
    let (content_warning, sensitive, extras) = extras_columns(&post.extras);
    let model = discussion::ActiveModel {
        content_warning: Set(content_warning),
        sensitive: Set(sensitive),
        extras: Set(extras),
        community_id: Set(community_id),
        author_id: Set(post.author_id),
        ap_id: Set(post.ap_id),
        title: Set(title),
        body_source: Set(post.body_source),
        body_html: Set(post.body_html),
        pinned: Set(false),
        locked: Set(false),
        members_only: Set(members_only),
        reply_count: Set(0),
        created_at: Set(post.created_at),
        edited_at: Set(None),
        deleted_at: Set(None),
        last_activity_at: Set(post.created_at),
        ..Default::default()
    };
    Ok(model.insert(db).await?)
}

/// Finds a discussion by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<discussion::Model>> {
    Ok(discussion::Entity::find_by_id(id).one(db).await?)
}

/// What a list of a community's discussions leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Leave out members-only discussions.
    pub members_only: bool,
    /// Leave out discussions whose author's account has one of these `accounts.domain`
    /// values (exact; the caller decides which hosts match).
    pub author_domains: Vec<String>,
}

/// A community's discussions as anyone who may read the community sees them (members-only
/// ones left out), pinned first, then in `sort` order.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    sort: Sort,
    page: Page,
) -> Result<Paged<discussion::Model>> {
    list_visible(db, community_id, sort, &Hidden { members_only: true, author_domains: Vec::new() }, page).await
}

/// A community's discussions without the `hidden` ones, pinned first, then in `sort` order.
/// The filter is part of the query, so pages stay full and `has_more` stays right.
pub async fn list_visible<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    sort: Sort,
    hidden: &Hidden,
    page: Page,
) -> Result<Paged<discussion::Model>> {
    let order_col = match sort {
        Sort::New => discussion::Column::CreatedAt,
        Sort::Active => discussion::Column::LastActivityAt,
    };
    let mut q = discussion::Entity::find().filter(discussion::Column::CommunityId.eq(community_id));
    if hidden.members_only {
        q = q.filter(discussion::Column::MembersOnly.eq(false));
    }
    if !hidden.author_domains.is_empty() {
        let authors = Query::select()
            .column(account::Column::Id)
            .from(account::Entity)
            .and_where(account::Column::Domain.is_in(hidden.author_domains.iter().cloned()))
            .to_owned();
        q = q.filter(discussion::Column::AuthorId.not_in_subquery(authors));
    }
    let rows = q
        .order_by_desc(discussion::Column::Pinned)
        .order_by_desc(order_col)
        .order_by_desc(discussion::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// The distinct instances (`accounts.domain`) of remote authors of a community's discussions.
pub async fn author_domains<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<Vec<String>> {
    let authors = Query::select()
        .column(discussion::Column::AuthorId)
        .from(discussion::Entity)
        .and_where(discussion::Column::CommunityId.eq(community_id))
        .to_owned();
    Ok(account::Entity::find()
        .select_only()
        .column(account::Column::Domain)
        .distinct()
        .filter(account::Column::Domain.ne(""))
        .filter(account::Column::Id.in_subquery(authors))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Marks every discussion of a community members-only; returns how many changed.
pub async fn mark_members_only<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<u64> {
    let res = discussion::Entity::update_many()
        .col_expr(discussion::Column::MembersOnly, Expr::value(true))
        .filter(discussion::Column::CommunityId.eq(community_id))
        .filter(discussion::Column::MembersOnly.eq(false))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Saves a changed discussion.
pub async fn update<C: ConnectionTrait>(db: &C, model: discussion::ActiveModel) -> Result<discussion::Model> {
    Ok(model.update(db).await?)
}

/// Records a new reply on its discussion: count and last activity, in one statement.
pub async fn touch_for_reply<C: ConnectionTrait>(db: &C, discussion_id: i64, now: DateTime<Utc>) -> Result<()> {
    discussion::Entity::update_many()
        .col_expr(discussion::Column::ReplyCount, Expr::col(discussion::Column::ReplyCount).add(1))
        .col_expr(discussion::Column::LastActivityAt, Expr::value(now))
        .filter(discussion::Column::Id.eq(discussion_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Width of one id in a reply path; ids up to 10^12 keep lexical order equal to numeric.
const PATH_WIDTH: usize = 12;

/// Inserts a reply under `parent` (a reply of the same discussion) or at the top level.
pub async fn insert_reply<C: ConnectionTrait>(
    db: &C,
    discussion_id: i64,
    parent: Option<&reply::Model>,
    post: NewPost,
) -> Result<reply::Model> {
    let (content_warning, sensitive, extras) = extras_columns(&post.extras);
    let model = reply::ActiveModel {
        content_warning: Set(content_warning),
        sensitive: Set(sensitive),
        extras: Set(extras),
        discussion_id: Set(discussion_id),
        parent_id: Set(parent.map(|p| p.id)),
        author_id: Set(post.author_id),
        ap_id: Set(post.ap_id),
        // The path needs the new id; it is set right after the insert, in the same transaction.
        path: Set(String::new()),
        depth: Set(parent.map_or(0, |p| p.depth + 1)),
        body_source: Set(post.body_source),
        body_html: Set(post.body_html),
        created_at: Set(post.created_at),
        edited_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    };
    let inserted = model.insert(db).await?;
    let own = format!("{:0width$}", inserted.id, width = PATH_WIDTH);
    let path = match parent {
        Some(p) => format!("{}/{own}", p.path),
        None => own,
    };
    let mut active: reply::ActiveModel = inserted.into();
    active.path = Set(path);
    Ok(active.update(db).await?)
}

/// Finds a reply by id.
pub async fn find_reply<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<reply::Model>> {
    Ok(reply::Entity::find_by_id(id).one(db).await?)
}

/// A discussion's replies in threaded order (each reply follows its parent).
pub async fn list_replies<C: ConnectionTrait>(db: &C, discussion_id: i64, page: Page) -> Result<Paged<reply::Model>> {
    let rows = reply::Entity::find()
        .filter(reply::Column::DiscussionId.eq(discussion_id))
        .order_by_asc(reply::Column::Path)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Saves a changed reply.
pub async fn update_reply<C: ConnectionTrait>(db: &C, model: reply::ActiveModel) -> Result<reply::Model> {
    Ok(model.update(db).await?)
}

/// Deletes a discussion's content, keeping a tombstone so its replies keep their place.
pub async fn tombstone<C: ConnectionTrait>(
    db: &C,
    d: discussion::Model,
    now: DateTime<Utc>,
) -> Result<discussion::Model> {
    let mut m: discussion::ActiveModel = d.into();
    m.title = Set(String::new());
    m.body_source = Set(String::new());
    m.body_html = Set(String::new());
    m.pinned = Set(false);
    m.content_warning = Set(None);
    m.sensitive = Set(false);
    m.extras = Set(None);
    m.deleted_at = Set(Some(now));
    update(db, m).await
}

/// Deletes a reply's content, keeping a tombstone in the thread.
pub async fn tombstone_reply<C: ConnectionTrait>(db: &C, r: reply::Model, now: DateTime<Utc>) -> Result<reply::Model> {
    let mut m: reply::ActiveModel = r.into();
    m.body_source = Set(String::new());
    m.body_html = Set(String::new());
    m.content_warning = Set(None);
    m.sensitive = Set(false);
    m.extras = Set(None);
    m.deleted_at = Set(Some(now));
    update_reply(db, m).await
}
