//! Timelines: discussions, replies and events of many communities as one list, newest first, with
//! keyset pagination on `(created_at, kind, id)` so pages stay stable while posts arrive.
//! Which communities may be read is decided above this crate; this only runs the query.

use chrono::{DateTime, Utc};
use guildhall_domain::{MembershipStatus, Visibility};
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement, UnionType};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, Order, QueryFilter, QuerySelect};

use crate::Result;
use crate::entities::{community, discussion, event, membership, reply};

/// Kind tag of a discussion in a timeline row (sorts before a reply at the same instant).
pub const DISCUSSION: i16 = 0;
/// Kind tag of a reply in a timeline row.
pub const REPLY: i16 = 1;
/// Kind tag of an event in a timeline row (listed when it was created).
pub const EVENT: i16 = 2;

/// A position in a timeline: a post's creation time, kind and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    /// When the post was created.
    pub created_at: DateTime<Utc>,
    /// `DISCUSSION`, `REPLY` or `EVENT`.
    pub kind: i16,
    /// Row id in its table.
    pub id: i64,
}

/// Which posts a timeline may hold.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Communities whose every post may be listed (members-only ones too).
    pub full: Vec<i64>,
    /// Communities whose posts may be listed unless members-only.
    pub open: Vec<i64>,
    /// Only posts by this account.
    pub author_id: Option<i64>,
    /// Leave replies out (a community's own statuses are its discussions and events).
    pub discussions_only: bool,
    /// List the communities' events too (when they were created), not only posts.
    pub events: bool,
    /// Only posts whose stored extras contain this text, ignoring case (a hashtag, `#name`);
    /// the caller checks the parsed tags again, as this is a substring match.
    pub extras_like: Option<String>,
}

/// Which side of the cursors a page is taken from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    /// Only posts older than this.
    pub before: Option<Cursor>,
    /// Only posts newer than this.
    pub after: Option<Cursor>,
    /// Take the oldest posts after `after` (Mastodon's `min_id`) instead of the newest.
    pub oldest_first: bool,
}

fn compare(c: &Cursor, newer: bool) -> Condition {
    let col = |n: &str| Expr::col((Alias::new("t"), Alias::new(n)));
    let (at, kind, id) = (col("created_at"), col("kind"), col("id"));
    let tie_kind = Condition::all().add(col("created_at").eq(c.created_at));
    let tie_id = Condition::all().add(col("created_at").eq(c.created_at)).add(col("kind").eq(c.kind));
    if newer {
        Condition::any().add(at.gt(c.created_at)).add(tie_kind.add(kind.gt(c.kind))).add(tie_id.add(id.gt(c.id)))
    } else {
        Condition::any().add(at.lt(c.created_at)).add(tie_kind.add(kind.lt(c.kind))).add(tie_id.add(id.lt(c.id)))
    }
}

fn in_scope(scope: &Scope, community: Expr, members_only: Expr) -> Condition {
    Condition::any()
        .add(community.clone().is_in(scope.full.iter().copied()))
        .add(Condition::all().add(community.is_in(scope.open.iter().copied())).add(members_only.eq(false)))
}

fn discussions(scope: &Scope) -> SelectStatement {
    let d = |c: discussion::Column| Expr::col((discussion::Entity, c));
    let mut q = Query::select();
    q.expr_as(d(discussion::Column::CreatedAt), Alias::new("created_at"))
        .expr_as(Expr::val(DISCUSSION), Alias::new("kind"))
        .expr_as(d(discussion::Column::Id), Alias::new("id"))
        .from(discussion::Entity)
        .and_where(d(discussion::Column::DeletedAt).is_null())
        .cond_where(in_scope(scope, d(discussion::Column::CommunityId), d(discussion::Column::MembersOnly)));
    if let Some(a) = scope.author_id {
        q.and_where(d(discussion::Column::AuthorId).eq(a));
    }
    if let Some(text) = &scope.extras_like {
        q.and_where(crate::search::lower_like((discussion::Entity, discussion::Column::Extras), text));
    }
    q
}

fn replies(scope: &Scope) -> SelectStatement {
    let r = |c: reply::Column| Expr::col((reply::Entity, c));
    let d = |c: discussion::Column| Expr::col((discussion::Entity, c));
    let mut q = Query::select();
    q.expr_as(r(reply::Column::CreatedAt), Alias::new("created_at"))
        .expr_as(Expr::val(REPLY), Alias::new("kind"))
        .expr_as(r(reply::Column::Id), Alias::new("id"))
        .from(reply::Entity)
        .inner_join(discussion::Entity, d(discussion::Column::Id).equals((reply::Entity, reply::Column::DiscussionId)))
        .and_where(r(reply::Column::DeletedAt).is_null())
        .and_where(d(discussion::Column::DeletedAt).is_null())
        .cond_where(in_scope(scope, d(discussion::Column::CommunityId), d(discussion::Column::MembersOnly)));
    if let Some(a) = scope.author_id {
        q.and_where(r(reply::Column::AuthorId).eq(a));
    }
    if let Some(text) = &scope.extras_like {
        q.and_where(crate::search::lower_like((reply::Entity, reply::Column::Extras), text));
    }
    q
}

fn events(scope: &Scope) -> SelectStatement {
    let e = |c: event::Column| Expr::col((event::Entity, c));
    let mut q = Query::select();
    q.expr_as(e(event::Column::CreatedAt), Alias::new("created_at"))
        .expr_as(Expr::val(EVENT), Alias::new("kind"))
        .expr_as(e(event::Column::Id), Alias::new("id"))
        .from(event::Entity)
        .and_where(e(event::Column::DeletedAt).is_null())
        .cond_where(in_scope(scope, e(event::Column::CommunityId), e(event::Column::MembersOnly)));
    if let Some(a) = scope.author_id {
        q.and_where(e(event::Column::OrganiserId).eq(a));
    }
    q
}

/// Up to `limit` posts in `scope` within `window`, newest first, and whether more lie beyond
/// the far end (older posts, or newer ones when `oldest_first`).
pub async fn page<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    window: Window,
    limit: u64,
) -> Result<(Vec<Cursor>, bool)> {
    if scope.full.is_empty() && scope.open.is_empty() {
        return Ok((Vec::new(), false));
    }
    let mut inner = discussions(scope);
    if !scope.discussions_only {
        inner.union(UnionType::All, replies(scope));
    }
    // Events carry no hashtags: a tag timeline has none.
    if scope.events && scope.extras_like.is_none() {
        inner.union(UnionType::All, events(scope));
    }
    let col = |n: &str| Expr::col((Alias::new("t"), Alias::new(n)));
    let mut q = Query::select();
    q.column((Alias::new("t"), Alias::new("created_at")))
        .column((Alias::new("t"), Alias::new("kind")))
        .column((Alias::new("t"), Alias::new("id")))
        .from_subquery(inner, Alias::new("t"));
    if let Some(c) = &window.before {
        q.cond_where(compare(c, false));
    }
    if let Some(c) = &window.after {
        q.cond_where(compare(c, true));
    }
    let order = if window.oldest_first { Order::Asc } else { Order::Desc };
    q.order_by_expr(col("created_at"), order.clone())
        .order_by_expr(col("kind"), order.clone())
        .order_by_expr(col("id"), order)
        .limit(limit + 1);
    let rows = db.query_all(&q).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(Cursor {
            created_at: row.try_get("", "created_at")?,
            kind: row.try_get("", "kind")?,
            id: row.try_get("", "id")?,
        });
    }
    let more = out.len() as u64 > limit;
    out.truncate(limit as usize);
    if window.oldest_first {
        out.reverse();
    }
    Ok((out, more))
}

/// Ids of the communities where `account_id` is an approved member.
pub async fn member_of<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<i64>> {
    Ok(membership::Entity::find()
        .select_only()
        .column(membership::Column::CommunityId)
        .filter(membership::Column::AccountId.eq(account_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Ids of communities with one of these visibilities; `local`: only ours (`Some(true)`), only
/// remote ones (`Some(false)`) or both.
pub async fn with_visibility<C: ConnectionTrait>(
    db: &C,
    visibilities: &[Visibility],
    local: Option<bool>,
) -> Result<Vec<i64>> {
    let mut q = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .filter(community::Column::Visibility.is_in(visibilities.iter().copied()));
    match local {
        Some(true) => q = q.filter(community::Column::Domain.eq("")),
        Some(false) => q = q.filter(community::Column::Domain.ne("")),
        None => {}
    }
    Ok(q.into_tuple::<i64>().all(db).await?)
}
