//! What notification email needs from the database: members' email settings, notifications
//! not yet emailed, digests claimed once, waiting join requests, the unsubscribe secret; all
//! in bulk (a digest run covers thousands of members).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use guildhall_domain::{AccountStatus, MembershipStatus};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use crate::Result;
use crate::entities::{account, community, discussion, email_secret, email_setting, event, membership, notification};

/// Local, active accounts with a confirmed address (the only ones email may reach: an
/// unconfirmed address may be someone else's, typed by a stranger at sign-up).
fn reachable() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .and_where(account::Column::Domain.eq(""))
        .and_where(account::Column::Status.eq(AccountStatus::Active))
        .and_where(account::Column::Email.is_not_null())
        .and_where(account::Column::Email.ne(""))
        .and_where(account::Column::EmailConfirmedAt.is_not_null())
        .to_owned()
}

/// One member's settings row, if they saved any.
pub async fn settings<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Option<email_setting::Model>> {
    Ok(email_setting::Entity::find_by_id(account_id).one(db).await?)
}

/// The settings rows of `ids` (members without one use the defaults).
pub async fn settings_of<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, email_setting::Model>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = email_setting::Entity::find()
            .filter(email_setting::Column::AccountId.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|r| (r.account_id, r)));
    }
    Ok(out)
}

/// Saves a member's settings (mode, kinds off, quiet hours, digest mark), creating the row.
pub async fn save_settings<C: ConnectionTrait>(db: &C, s: email_setting::Model) -> Result<()> {
    use email_setting::Column as C;
    let row = email_setting::ActiveModel {
        account_id: Set(s.account_id),
        mode: Set(s.mode),
        kinds_off: Set(s.kinds_off),
        quiet_start: Set(s.quiet_start),
        quiet_end: Set(s.quiet_end),
        last_digest_at: Set(s.last_digest_at),
        last_moderator_digest_at: Set(s.last_moderator_digest_at),
        updated_at: Set(s.updated_at),
    };
    email_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::AccountId)
                .update_columns([C::Mode, C::KindsOff, C::QuietStart, C::QuietEnd, C::LastDigestAt, C::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Makes sure each of `ids` has a settings row (with `defaults`' values), so digests can be
/// claimed on it.
pub async fn ensure_rows<C: ConnectionTrait>(db: &C, ids: &[i64], kinds_off: &str, now: DateTime<Utc>) -> Result<()> {
    for chunk in ids.chunks(200) {
        let rows = chunk.iter().map(|id| email_setting::ActiveModel {
            account_id: Set(*id),
            mode: Set("immediate".into()),
            kinds_off: Set(kinds_off.to_owned()),
            quiet_start: Set(None),
            quiet_end: Set(None),
            last_digest_at: Set(None),
            last_moderator_digest_at: Set(None),
            updated_at: Set(now),
        });
        if chunk.is_empty() {
            continue;
        }
        email_setting::Entity::insert_many(rows)
            .on_conflict(OnConflict::column(email_setting::Column::AccountId).do_nothing().to_owned())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Notifications not yet emailed nor read, made after `after` and at or before `before`, of reachable members in
/// immediate mode (no row, or `immediate`), by member; at most `limit`.
pub async fn unemailed<C: ConnectionTrait>(
    db: &C,
    after: DateTime<Utc>,
    before: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<notification::Model>> {
    let not_immediate = Query::select()
        .column(email_setting::Column::AccountId)
        .from(email_setting::Entity)
        .and_where(email_setting::Column::Mode.ne("immediate"))
        .to_owned();
    Ok(notification::Entity::find()
        .filter(notification::Column::EmailedAt.is_null())
        .filter(notification::Column::ReadAt.is_null())
        .filter(notification::Column::CreatedAt.lte(before))
        .filter(notification::Column::CreatedAt.gt(after))
        .filter(notification::Column::AccountId.in_subquery(reachable()))
        .filter(notification::Column::AccountId.not_in_subquery(not_immediate))
        .order_by_asc(notification::Column::AccountId)
        .order_by_asc(notification::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Marks notifications `ids` emailed at `now` where no one did yet; returns how many this
/// call marked (fewer than `ids.len()`: another process got there first).
pub async fn mark_emailed<C: ConnectionTrait>(db: &C, ids: &[i64], now: DateTime<Utc>) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        n += notification::Entity::update_many()
            .col_expr(notification::Column::EmailedAt, Expr::value(now))
            .filter(notification::Column::Id.is_in(chunk.iter().copied()))
            .filter(notification::Column::EmailedAt.is_null())
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(n)
}

/// Reachable members in a digest mode (`daily`, `weekly`), with their settings.
pub async fn digest_members<C: ConnectionTrait>(db: &C) -> Result<Vec<(email_setting::Model, account::Model)>> {
    let rows = email_setting::Entity::find()
        .filter(email_setting::Column::Mode.is_in(["daily", "weekly"]))
        .filter(email_setting::Column::AccountId.in_subquery(reachable()))
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
    let accounts = accounts_of(db, &ids).await?;
    Ok(rows.into_iter().filter_map(|s| accounts.get(&s.account_id).cloned().map(|a| (s, a))).collect())
}

/// Accounts by id, in chunks.
pub async fn accounts_of<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, account::Model>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = account::Entity::find().filter(account::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        out.extend(rows.into_iter().map(|a| (a.id, a)));
    }
    Ok(out)
}

/// Claims a member's digest: moves `last_digest_at` from `seen` to `now`; false when another
/// process (or an earlier run) already did.
pub async fn claim_digest<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    seen: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    moderators: bool,
) -> Result<bool> {
    let col =
        if moderators { email_setting::Column::LastModeratorDigestAt } else { email_setting::Column::LastDigestAt };
    let done = email_setting::Entity::update_many()
        .col_expr(col, Expr::value(now))
        .filter(email_setting::Column::AccountId.eq(account_id))
        .filter(match seen {
            Some(t) => col.eq(t),
            None => col.is_null(),
        })
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Unread notifications of `ids` created after `after`, oldest first.
pub async fn unread_of<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    after: Option<DateTime<Utc>>,
) -> Result<Vec<notification::Model>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = notification::Entity::find()
            .filter(notification::Column::AccountId.is_in(chunk.iter().copied()))
            .filter(notification::Column::ReadAt.is_null());
        if let Some(t) = after {
            q = q.filter(notification::Column::CreatedAt.gt(t));
        }
        out.extend(q.order_by_asc(notification::Column::Id).all(db).await?);
    }
    Ok(out)
}

/// What a batch of notifications is about, for re-checking access and phrasing.
#[derive(Debug, Default)]
pub struct Subjects {
    /// Communities by id.
    pub communities: HashMap<i64, community::Model>,
    /// Discussions by id.
    pub discussions: HashMap<i64, discussion::Model>,
    /// Events by id.
    pub events: HashMap<i64, event::Model>,
    /// Memberships by (community, account).
    pub memberships: HashMap<(i64, i64), membership::Model>,
    /// Actors (and readers) by id.
    pub accounts: HashMap<i64, account::Model>,
}

/// Loads, in a few queries, what `rows` (read by `readers`) are about; `event_ids` are the
/// events their links name.
pub async fn subjects<C: ConnectionTrait>(db: &C, rows: &[notification::Model], event_ids: &[i64]) -> Result<Subjects> {
    let uniq = |mut v: Vec<i64>| {
        v.sort_unstable();
        v.dedup();
        v
    };
    let community_ids = uniq(rows.iter().filter_map(|n| n.community_id).collect());
    let discussion_ids = uniq(rows.iter().filter_map(|n| n.discussion_id).collect());
    let account_ids = uniq(rows.iter().flat_map(|n| [Some(n.account_id), n.actor_id]).flatten().collect());
    let reader_ids = uniq(rows.iter().map(|n| n.account_id).collect());
    let mut s = Subjects { accounts: accounts_of(db, &account_ids).await?, ..Default::default() };
    for chunk in community_ids.chunks(500) {
        let found =
            community::Entity::find().filter(community::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        s.communities.extend(found.into_iter().map(|c| (c.id, c)));
    }
    for chunk in discussion_ids.chunks(500) {
        let found =
            discussion::Entity::find().filter(discussion::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        s.discussions.extend(found.into_iter().map(|d| (d.id, d)));
    }
    for chunk in uniq(event_ids.to_vec()).chunks(500) {
        let found = event::Entity::find().filter(event::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        s.events.extend(found.into_iter().map(|e| (e.id, e)));
    }
    for chunk in reader_ids.chunks(500) {
        let found = membership::Entity::find()
            .filter(membership::Column::AccountId.is_in(chunk.iter().copied()))
            .filter(membership::Column::CommunityId.is_in(community_ids.iter().copied()))
            .all(db)
            .await?;
        s.memberships.extend(found.into_iter().map(|m| ((m.community_id, m.account_id), m)));
    }
    Ok(s)
}

/// Join requests waiting now, as (moderator, community, requests waiting) for every active
/// moderator who is a reachable member of this server.
pub async fn waiting_requests<C: ConnectionTrait>(db: &C) -> Result<Vec<(i64, i64, i64)>> {
    let pending: Vec<(i64, i64)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::CommunityId)
        .column_as(membership::Column::Id.count(), "n")
        .filter(membership::Column::Status.eq(MembershipStatus::Pending))
        .group_by(membership::Column::CommunityId)
        .into_tuple()
        .all(db)
        .await?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let counts: HashMap<i64, i64> = pending.into_iter().collect();
    let mods: Vec<(i64, i64)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::AccountId)
        .column(membership::Column::CommunityId)
        .filter(membership::Column::IsModerator.eq(true))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::CommunityId.is_in(counts.keys().copied()))
        .filter(membership::Column::AccountId.in_subquery(reachable()))
        .order_by_asc(membership::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(mods.into_iter().map(|(a, c)| (a, c, counts.get(&c).copied().unwrap_or(0))).collect())
}

/// Communities by id.
pub async fn communities_of<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, community::Model>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let found =
            community::Entity::find().filter(community::Column::Id.is_in(chunk.iter().copied())).all(db).await?;
        out.extend(found.into_iter().map(|c| (c.id, c)));
    }
    Ok(out)
}

/// The instance's unsubscribe secret, made from `fresh` on first use (two processes racing
/// both read the one that won).
pub async fn secret<C: ConnectionTrait>(db: &C, fresh: String) -> Result<String> {
    if let Some(s) = email_secret::Entity::find_by_id(1).one(db).await? {
        return Ok(s.secret);
    }
    email_secret::Entity::insert(email_secret::ActiveModel { id: Set(1), secret: Set(fresh) })
        .on_conflict(OnConflict::column(email_secret::Column::Id).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(email_secret::Entity::find_by_id(1).one(db).await?.map(|s| s.secret).unwrap_or_default())
}

/// Turns a member's notification email off (one-click unsubscribe), creating the row.
pub async fn set_off<C: ConnectionTrait>(db: &C, account_id: i64, kinds_off: &str, now: DateTime<Utc>) -> Result<()> {
    ensure_rows(db, &[account_id], kinds_off, now).await?;
    email_setting::Entity::update_many()
        .col_expr(email_setting::Column::Mode, Expr::value("off"))
        .col_expr(email_setting::Column::UpdatedAt, Expr::value(now))
        .filter(email_setting::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}
