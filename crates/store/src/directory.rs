//! Storage for the published directory and the network map: which local communities and
//! guilds are listed, their recent activity and active guild links, and proposed external
//! communities of practice (`cop_proposals`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::entities::{community, cop_proposal, discussion, guild_link, reply};
use crate::{Page, Paged, Result};
use guildhall_domain::directory::ProposalStatus;
use guildhall_domain::guild::LinkState;

/// Local communities and guilds in the published directory: an explicit `listed`, else
/// listed unless private (the rule of `guildhall_domain::directory::is_listed`).
fn listed() -> Condition {
    Condition::all().add(community::Column::Domain.eq("")).add(
        Condition::any().add(community::Column::Listed.eq(true)).add(
            Condition::all().add(community::Column::Listed.is_null()).add(
                community::Column::Visibility
                    .is_in(crate::visibilities_where(|v| guildhall_domain::directory::is_listed(v, None))),
            ),
        ),
    )
}

/// How many listed local communities and guilds there are: `(communities, guilds)`.
pub async fn count_listed<C: ConnectionTrait>(db: &C) -> Result<(u64, u64)> {
    let guilds =
        community::Entity::find().filter(listed()).filter(community::Column::Kind.eq("guild")).count(db).await?;
    let all = community::Entity::find().filter(listed()).count(db).await?;
    Ok((all.saturating_sub(guilds), guilds))
}

/// Listed local communities and guilds, by id, from `offset` (at most `limit`).
pub async fn listed_slice<C: ConnectionTrait>(db: &C, offset: u64, limit: u64) -> Result<Vec<community::Model>> {
    Ok(community::Entity::find()
        .filter(listed())
        .order_by_asc(community::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// Every listed local community and guild, by id (for the map).
pub async fn all_listed<C: ConnectionTrait>(db: &C) -> Result<Vec<community::Model>> {
    Ok(community::Entity::find().filter(listed()).order_by_asc(community::Column::Id).all(db).await?)
}

#[derive(FromQueryResult)]
struct CountRow {
    community_id: i64,
    n: i64,
}

/// Discussions plus replies posted since `since` in each community (deleted ones excluded).
pub async fn activity_since<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    since: DateTime<Utc>,
) -> Result<HashMap<i64, u64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let discussions = discussion::Entity::find()
        .select_only()
        .column(discussion::Column::CommunityId)
        .column_as(discussion::Column::Id.count(), "n")
        .filter(discussion::Column::CommunityId.is_in(ids.iter().copied()))
        .filter(discussion::Column::CreatedAt.gte(since))
        .filter(discussion::Column::DeletedAt.is_null())
        .group_by(discussion::Column::CommunityId)
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let to_discussion: sea_orm::RelationDef = reply::Entity::belongs_to(discussion::Entity)
        .from(reply::Column::DiscussionId)
        .to(discussion::Column::Id)
        .into();
    let replies = reply::Entity::find()
        .select_only()
        .column_as(Expr::col((discussion::Entity, discussion::Column::CommunityId)), "community_id")
        .column_as(Expr::col((reply::Entity, reply::Column::Id)).count(), "n")
        .join(JoinType::InnerJoin, to_discussion)
        .filter(Expr::col((discussion::Entity, discussion::Column::CommunityId)).is_in(ids.iter().copied()))
        .filter(Expr::col((reply::Entity, reply::Column::CreatedAt)).gte(since))
        .filter(Expr::col((reply::Entity, reply::Column::DeletedAt)).is_null())
        .group_by(Expr::col((discussion::Entity, discussion::Column::CommunityId)))
        .into_model::<CountRow>()
        .all(db)
        .await?;
    let mut out: HashMap<i64, u64> = HashMap::new();
    for r in discussions.into_iter().chain(replies) {
        *out.entry(r.community_id).or_default() += Ord::max(r.n, 0) as u64;
    }
    Ok(out)
}

/// Active guild links touching any of `ids` (as guild or as member), with both ends' rows.
pub async fn active_links<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
) -> Result<Vec<(guild_link::Model, community::Model, community::Model)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let links = guild_link::Entity::find()
        .filter(guild_link::Column::State.eq(LinkState::Active))
        .filter(
            Condition::any()
                .add(guild_link::Column::GuildId.is_in(ids.iter().copied()))
                .add(guild_link::Column::CommunityId.is_in(ids.iter().copied())),
        )
        .order_by_asc(guild_link::Column::Id)
        .all(db)
        .await?;
    let mut ends: Vec<i64> = links.iter().flat_map(|l| [l.guild_id, l.community_id]).collect();
    ends.sort_unstable();
    ends.dedup();
    let rows: HashMap<i64, community::Model> = community::Entity::find()
        .filter(community::Column::Id.is_in(ends))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|l| {
            let guild = rows.get(&l.guild_id)?.clone();
            let member = rows.get(&l.community_id)?.clone();
            Some((l, guild, member))
        })
        .collect())
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// Name.
    pub name: String,
    /// URL.
    pub url: String,
    /// Summary.
    pub summary: String,
    /// Topic tags.
    pub topics: Vec<String>,
    /// Country or government.
    pub government: String,
    /// Department or organisation.
    pub organisation: String,
    /// Contact.
    pub contact: String,
    /// The proposing account.
    pub proposed_by: i64,
}

/// Stores a new, pending proposal.
pub async fn insert_proposal<C: ConnectionTrait>(
    db: &C,
    p: NewProposal,
    now: DateTime<Utc>,
) -> Result<cop_proposal::Model> {
    Ok(cop_proposal::ActiveModel {
        name: Set(p.name),
        url: Set(p.url),
        summary: Set(p.summary),
        topics: Set(crate::encode_list(&p.topics)),
        government: Set(p.government),
        organisation: Set(p.organisation),
        contact: Set(p.contact),
        proposed_by: Set(p.proposed_by),
        status: Set(ProposalStatus::Pending),
        decided_by: Set(None),
        created_at: Set(now),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// One proposal.
pub async fn find_proposal<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<cop_proposal::Model>> {
    Ok(cop_proposal::Entity::find_by_id(id).one(db).await?)
}

/// Proposals with `status`, oldest first.
pub async fn proposals_by_status<C: ConnectionTrait>(
    db: &C,
    status: ProposalStatus,
    page: Page,
) -> Result<Paged<cop_proposal::Model>> {
    let rows = cop_proposal::Entity::find()
        .filter(cop_proposal::Column::Status.eq(status))
        .order_by_asc(cop_proposal::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(db)
        .await?;
    Ok(Paged::from_overfetch(rows, page.limit))
}

/// Records an admin's decision on a pending proposal; `None` when it was not pending (decided
/// already, or by someone else at the same moment).
pub async fn decide_proposal<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: ProposalStatus,
    admin: i64,
    now: DateTime<Utc>,
) -> Result<Option<cop_proposal::Model>> {
    let r = cop_proposal::Entity::update_many()
        .col_expr(cop_proposal::Column::Status, Expr::value(status))
        .col_expr(cop_proposal::Column::DecidedBy, Expr::value(admin))
        .col_expr(cop_proposal::Column::DecidedAt, Expr::value(now))
        .filter(cop_proposal::Column::Id.eq(id))
        .filter(cop_proposal::Column::Status.eq(ProposalStatus::Pending))
        .exec(db)
        .await?;
    if r.rows_affected == 0 {
        return Ok(None);
    }
    find_proposal(db, id).await
}

/// How many approved (published) external entries there are.
pub async fn count_approved<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(cop_proposal::Entity::find().filter(cop_proposal::Column::Status.eq(ProposalStatus::Approved)).count(db).await?)
}

/// Approved proposals, by id, from `offset` (at most `limit`).
pub async fn approved_slice<C: ConnectionTrait>(db: &C, offset: u64, limit: u64) -> Result<Vec<cop_proposal::Model>> {
    Ok(cop_proposal::Entity::find()
        .filter(cop_proposal::Column::Status.eq(ProposalStatus::Approved))
        .order_by_asc(cop_proposal::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?)
}

/// How many proposals of `account` wait for a decision.
pub async fn count_pending_by<C: ConnectionTrait>(db: &C, account: i64) -> Result<u64> {
    Ok(cop_proposal::Entity::find()
        .filter(cop_proposal::Column::ProposedBy.eq(account))
        .filter(cop_proposal::Column::Status.eq(ProposalStatus::Pending))
        .count(db)
        .await?)
}
