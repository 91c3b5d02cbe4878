//! Communities and memberships.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

use crate::entities::{account, community, membership};
use crate::{Page, Paged, Result, conflict_on_unique};
use guildhall_domain::MembershipStatus;

/// Fields of a new community.
pub struct NewCommunity {
    /// Normalised name (already claimed).
    pub name: String,
    /// Title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Markdown charter.
    pub charter: String,
    /// Markdown welcome message.
    pub welcome_message: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// `public`, `approval` or `private`.
    pub visibility: guildhall_domain::Visibility,
    /// Creator.
    pub created_by: i64,
    /// Instance domains members must come from (empty: any).
    pub member_domains: Vec<String>,
    /// Question for join requests ('' for none).
    pub join_question: String,
}

/// Inserts a community.
pub async fn insert<C: ConnectionTrait>(db: &C, new: NewCommunity, now: DateTime<Utc>) -> Result<community::Model> {
    let model = community::ActiveModel {
        name: Set(new.name),
        domain: Set(String::new()),
        title: Set(new.title),
        description: Set(new.description),
        charter: Set(new.charter),
        welcome_message: Set(new.welcome_message),
        tags: Set(crate::encode_list(&new.tags)),
        visibility: Set(new.visibility),
        member_domains: Set(crate::encode_list(&new.member_domains)),
        join_question: Set(new.join_question),
        created_by: Set(new.created_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    model.insert(db).await.map_err(|e| conflict_on_unique(e, "name"))
}

/// Finds a local community by name.
pub async fn find_by_name<C: ConnectionTrait>(db: &C, name: &str) -> Result<Option<community::Model>> {
    Ok(community::Entity::find()
        .filter(community::Column::Name.eq(name))
        .filter(community::Column::Domain.eq(""))
        .one(db)
        .await?)
}

/// Finds a community by id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<community::Model>> {
    Ok(community::Entity::find_by_id(id).one(db).await?)
}

/// The condition that leaves out communities hosted on `hidden_domains` unless `member` (an
/// account id) is an active member there; `None` when nothing is hidden.
pub(crate) fn shown_despite_hidden(hidden_domains: &[String], member: Option<i64>) -> Option<Condition> {
    if hidden_domains.is_empty() {
        return None;
    }
    let mut shown = Condition::any().add(community::Column::Domain.is_not_in(hidden_domains.iter().cloned()));
    if let Some(account_id) = member {
        shown = shown.add(community::Column::Id.in_subquery(active_communities_of(account_id)));
    }
    Some(shown)
}

/// The ids of the communities where `account_id` is an active member, as a subquery.
pub(crate) fn active_communities_of(account_id: i64) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(membership::Column::CommunityId)
        .from(membership::Entity)
        .and_where(membership::Column::AccountId.eq(account_id))
        .and_where(membership::Column::Status.eq(MembershipStatus::Active))
        .to_owned()
}

/// Communities (not guilds) by name order, leaving out those hosted on `hidden_domains` (exact
/// `communities.domain` values) unless `member` (an account id) is an active member. The
/// filter is part of the query, so pages stay full.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    page: Page,
    hidden_domains: &[String],
    member: Option<i64>,
) -> Result<Paged<community::Model>> {
    // Guilds have their own list.
    let mut q = community::Entity::find().filter(community::Column::Kind.eq("community"));
    if let Some(shown) = shown_despite_hidden(hidden_domains, member) {
        q = q.filter(shown);
    }
    let rows = q
        .order_by_asc(community::Column::Name)
        .order_by_asc(community::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// The distinct instances remote communities are hosted on.
pub async fn remote_domains<C: ConnectionTrait>(db: &C) -> Result<Vec<String>> {
    Ok(community::Entity::find()
        .select_only()
        .column(community::Column::Domain)
        .distinct()
        .filter(community::Column::Domain.ne(""))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Saves changed community fields.
pub async fn update<C: ConnectionTrait>(db: &C, model: community::ActiveModel) -> Result<community::Model> {
    Ok(model.update(db).await?)
}

#[derive(FromQueryResult)]
struct CountRow {
    community_id: i64,
    n: i64,
}

/// Active member counts for several communities in one query.
pub async fn member_counts<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<HashMap<i64, u64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = membership::Entity::find()
        .select_only()
        .column(membership::Column::CommunityId)
        .column_as(membership::Column::Id.count(), "n")
        .filter(membership::Column::CommunityId.is_in(ids.iter().copied()))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .group_by(membership::Column::CommunityId)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let mut counts: HashMap<i64, u64> = rows.into_iter().map(|r| (r.community_id, r.n.max(0) as u64)).collect();
    // A remote community's own count includes our members (they follow it too).
    let stated: Vec<(i64, Option<i64>)> = community::Entity::find()
        .select_only()
        .column(community::Column::Id)
        .column(community::Column::RemoteFollowerCount)
        .filter(community::Column::Id.is_in(ids.iter().copied()))
        .filter(community::Column::RemoteFollowerCount.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for (id, n) in stated {
        let local = counts.get(&id).copied().unwrap_or(0);
        counts.insert(id, local.max(n.unwrap_or(0).max(0) as u64));
    }
    Ok(counts)
}

/// Records a remote community's follower count as its server states it.
pub async fn set_remote_follower_count<C: ConnectionTrait>(db: &C, id: i64, count: i64) -> Result<()> {
    community::Entity::update_many()
        .col_expr(community::Column::RemoteFollowerCount, sea_orm::sea_query::Expr::value(count))
        .filter(community::Column::Id.eq(id))
        .filter(community::Column::Domain.ne(""))
        .exec(db)
        .await?;
    Ok(())
}

/// One account's membership in one community.
pub async fn find_membership<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    account_id: i64,
) -> Result<Option<membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// One account's memberships in several communities, keyed by community id.
pub async fn memberships_of<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    community_ids: &[i64],
) -> Result<HashMap<i64, membership::Model>> {
    if community_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = membership::Entity::find()
        .filter(membership::Column::AccountId.eq(account_id))
        .filter(membership::Column::CommunityId.is_in(community_ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.community_id, m)).collect())
}

/// Fields of a new membership row.
pub struct NewMembership {
    /// Community.
    pub community_id: i64,
    /// Account.
    pub account_id: i64,
    /// `active` or `pending`.
    pub status: MembershipStatus,
    /// Moderator?
    pub is_moderator: bool,
    /// Message with a join request.
    pub request_message: Option<String>,
    /// When the charter was accepted.
    pub charter_accepted_at: Option<DateTime<Utc>>,
    /// The Follow activity, for federated memberships.
    pub follow_ap_id: Option<String>,
}

/// Inserts a membership (or join request).
pub async fn insert_membership<C: ConnectionTrait>(
    db: &C,
    new: NewMembership,
    now: DateTime<Utc>,
) -> Result<membership::Model> {
    let model = membership::ActiveModel {
        community_id: Set(new.community_id),
        account_id: Set(new.account_id),
        status: Set(new.status),
        is_moderator: Set(new.is_moderator),
        request_message: Set(new.request_message),
        charter_accepted_at: Set(new.charter_accepted_at),
        created_at: Set(now),
        decided_at: Set(None),
        decided_by: Set(None),
        follow_ap_id: Set(new.follow_ap_id),
        ban_reason: Set(None),
        ban_expires_at: Set(None),
        ..Default::default()
    };
    model.insert(db).await.map_err(|e| conflict_on_unique(e, "membership"))
}

/// Saves a changed membership.
pub async fn update_membership<C: ConnectionTrait>(
    db: &C,
    model: membership::ActiveModel,
) -> Result<membership::Model> {
    Ok(model.update(db).await?)
}

/// Deletes a membership row.
pub async fn delete_membership<C: ConnectionTrait>(db: &C, id: i64) -> Result<()> {
    membership::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Number of active moderators.
pub async fn count_moderators<C: ConnectionTrait>(db: &C, community_id: i64) -> Result<u64> {
    Ok(membership::Entity::find()
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .filter(membership::Column::IsModerator.eq(true))
        .count(db)
        .await?)
}

/// Memberships with a status (moderators first, then by join time) and their accounts.
pub async fn list_memberships<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    status: MembershipStatus,
    page: Page,
) -> Result<Paged<(membership::Model, account::Model)>> {
    let rows = membership::Entity::find()
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::Status.eq(status))
        .order_by_desc(membership::Column::IsModerator)
        .order_by_asc(membership::Column::CreatedAt)
        .order_by_asc(membership::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    let page_rows = Paged::from_overfetch(rows, page.limit);
    let ids: Vec<i64> = page_rows.items.iter().map(|m| m.account_id).collect();
    let mut accounts = crate::accounts::find_many(db, &ids).await?;
    let mut items = Vec::with_capacity(page_rows.items.len());
    for m in page_rows.items {
        let a = accounts
            .remove(&m.account_id)
            .ok_or_else(|| crate::Error::Corrupt(format!("membership {} without account", m.id)))?;
        items.push((m, a));
    }
    Ok(Paged { items, has_more: page_rows.has_more })
}

/// Locks a community row until the transaction ends (PostgreSQL `FOR UPDATE`; on SQLite the
/// write transaction already excludes other writers), so checks such as "keep one
/// moderator" cannot race.
pub async fn lock<C: ConnectionTrait>(db: &C, id: i64) -> Result<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        community::Entity::find_by_id(id).lock_exclusive().one(db).await?;
    }
    Ok(())
}
