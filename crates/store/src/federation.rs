//! Storage for federation: remote actors, stored activities, the outbox, deliveries and
//! remote instance health.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use crate::entities::delivery::DeliveryStatus;
use crate::entities::{account, activity, community, delivery, membership, outbox, remote_instance};
use crate::{Error, Result};
use guildhall_domain::MembershipStatus;

/// Adds an outbox intent.
pub async fn insert_outbox<C: ConnectionTrait>(db: &C, row: outbox::ActiveModel) -> Result<outbox::Model> {
    Ok(row.insert(db).await?)
}

/// Unprocessed intents with an id above `after`, oldest first (one sweep of the outbox does
/// not retry, in the same round, an intent it had to leave for later).
pub async fn pending_outbox_after<C: ConnectionTrait>(db: &C, after: i64, limit: u64) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::ProcessedAt.is_null())
        .filter(outbox::Column::Id.gt(after))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Unprocessed intents, oldest first.
pub async fn pending_outbox<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<outbox::Model>> {
    pending_outbox_after(db, 0, limit).await
}

/// Records a failed attempt to turn an intent into activities: a permanent failure also marks
/// it processed (not retried); a transient one leaves it pending. Returns the attempts so far.
pub async fn record_outbox_failure<C: ConnectionTrait>(
    db: &C,
    id: i64,
    error: &str,
    permanent: bool,
    now: DateTime<Utc>,
) -> Result<i32> {
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Error, Expr::value(error.chars().take(2000).collect::<String>()))
        .col_expr(outbox::Column::Attempts, sea_orm::ExprTrait::add(Expr::col(outbox::Column::Attempts), 1));
    if permanent {
        update = update.col_expr(outbox::Column::ProcessedAt, Expr::value(now));
    }
    update.filter(outbox::Column::Id.eq(id)).filter(outbox::Column::ProcessedAt.is_null()).exec(db).await?;
    let row = outbox::Entity::find_by_id(id).one(db).await?;
    Ok(row.map(|r| r.attempts).unwrap_or_default())
}

/// One outbox intent.
pub async fn find_outbox<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<outbox::Model>> {
    Ok(outbox::Entity::find_by_id(id).one(db).await?)
}

/// Intents that failed, newest first: those given up (processed with an error) and those
/// still waiting after a transient failure.
pub async fn failed_outbox<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<outbox::Model>> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Error.is_not_null())
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Claims an unprocessed intent (call inside the transaction that stores its deliveries);
/// false if another worker already took it.
pub async fn claim_outbox<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool> {
    // A failure recorded in an earlier round is over once the intent is planned.
    let res = outbox::Entity::update_many()
        .col_expr(outbox::Column::ProcessedAt, Expr::value(now))
        .col_expr(outbox::Column::Error, Expr::value(Option::<String>::None))
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::ProcessedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Leases a due delivery to this worker until `until`; false if another worker has it.
pub async fn lease_delivery<C: ConnectionTrait>(
    db: &C,
    id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool> {
    let res = delivery::Entity::update_many()
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(until))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Stores an activity. Returns `None` if one with the same id exists (a duplicate delivery).
pub async fn insert_activity<C: ConnectionTrait>(
    db: &C,
    ap_id: &str,
    kind: &str,
    actor: &str,
    local: bool,
    json: String,
    now: DateTime<Utc>,
) -> Result<Option<activity::Model>> {
    let row = activity::ActiveModel {
        ap_id: Set(ap_id.to_owned()),
        kind: Set(kind.to_owned()),
        actor: Set(actor.to_owned()),
        local: Set(local),
        json: Set(json),
        created_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(m) => Ok(Some(m)),
        Err(e) => match crate::conflict_on_unique(e, "activity") {
            Error::Conflict(_) => Ok(None),
            other => Err(other),
        },
    }
}

/// Finds a stored activity by id.
pub async fn find_activity<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<activity::Model>> {
    Ok(activity::Entity::find_by_id(id).one(db).await?)
}

/// Finds a stored activity by its ActivityPub id.
pub async fn find_activity_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<activity::Model>> {
    Ok(activity::Entity::find().filter(activity::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Who signs a delivery; stored as `deliveries.sender_kind` (`account`, `community` or
/// `instance`) and `sender_id` (0 for the instance actor), mapped here only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sender {
    /// A person (account row id).
    Account(i64),
    /// A community or guild (community row id).
    Community(i64),
    /// The instance actor.
    Instance,
}

impl Sender {
    /// The stored `(sender_kind, sender_id)`.
    pub fn to_columns(self) -> (&'static str, i64) {
        match self {
            Sender::Account(id) => ("account", id),
            Sender::Community(id) => ("community", id),
            Sender::Instance => ("instance", 0),
        }
    }

    /// The sender a stored row names; `None` for a kind this version does not know.
    pub fn from_columns(kind: &str, id: i64) -> Option<Sender> {
        match kind {
            "account" => Some(Sender::Account(id)),
            "community" => Some(Sender::Community(id)),
            "instance" => Some(Sender::Instance),
            _ => None,
        }
    }
}

/// A new delivery of an activity to one inbox.
pub struct NewDelivery {
    /// The stored activity.
    pub activity_id: i64,
    /// Who signs it.
    pub sender: Sender,
    /// Target inbox URL.
    pub inbox: String,
    /// Target host (for per-instance ordering and health).
    pub domain: String,
}

/// Queues deliveries.
pub async fn insert_deliveries<C: ConnectionTrait>(db: &C, rows: Vec<NewDelivery>, now: DateTime<Utc>) -> Result<()> {
    // An inbox that answered 410 Gone is sent nothing more.
    let gone = crate::federation_counts::gone_among(db, rows.iter().map(|d| d.inbox.clone()).collect()).await?;
    let rows: Vec<NewDelivery> = rows.into_iter().filter(|d| !gone.contains(&d.inbox)).collect();
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows.into_iter().map(|d| {
        let (sender_kind, sender_id) = d.sender.to_columns();
        delivery::ActiveModel {
            activity_id: Set(d.activity_id),
            sender_kind: Set(sender_kind.to_owned()),
            sender_id: Set(sender_id),
            inbox: Set(d.inbox),
            domain: Set(d.domain),
            status: Set(DeliveryStatus::Pending),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
    });
    delivery::Entity::insert_many(models).exec(db).await?;
    Ok(())
}

/// Pending deliveries that are due, oldest first.
pub async fn due_deliveries<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<delivery::Model>> {
    // Order per instance holds across rounds: a delivery waits while an earlier one to the
    // same instance is still pending and not due (backing off, or leased and in flight).
    use sea_orm::sea_query::ExprTrait;
    let earlier = sea_orm::sea_query::Alias::new("earlier");
    let waiting = sea_orm::sea_query::Query::select()
        .expr(Expr::val(1))
        .from_as(delivery::Entity, earlier.clone())
        .and_where(
            Expr::col((earlier.clone(), delivery::Column::Domain)).equals((delivery::Entity, delivery::Column::Domain)),
        )
        .and_where(
            Expr::col((earlier.clone(), delivery::Column::Status))
                .eq(sea_orm::ActiveEnum::to_value(&DeliveryStatus::Pending)),
        )
        .and_where(
            Expr::col((earlier.clone(), delivery::Column::Id)).lt(Expr::col((delivery::Entity, delivery::Column::Id))),
        )
        .and_where(Expr::col((earlier, delivery::Column::NextAttemptAt)).gt(now))
        .to_owned();
    Ok(delivery::Entity::find()
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(Expr::not_exists(waiting))
        .order_by_asc(delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// When the next pending delivery is due, if any.
pub async fn next_due_at<C: ConnectionTrait>(db: &C) -> Result<Option<DateTime<Utc>>> {
    Ok(delivery::Entity::find()
        .filter(delivery::Column::Status.eq(DeliveryStatus::Pending))
        .order_by_asc(delivery::Column::NextAttemptAt)
        .one(db)
        .await?
        .map(|d| d.next_attempt_at))
}

/// Records a successful (or permanently refused) delivery.
pub async fn finish_delivery<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: DeliveryStatus,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status))
        .col_expr(delivery::Column::LastError, Expr::value(error))
        .col_expr(delivery::Column::FinishedAt, Expr::value(now))
        .filter(delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn retry_delivery<C: ConnectionTrait>(
    db: &C,
    id: i64,
    attempts: i32,
    next: DateTime<Utc>,
    error: String,
) -> Result<()> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Attempts, Expr::value(attempts))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
        .col_expr(delivery::Column::LastError, Expr::value(Some(error)))
        .filter(delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Delivery counts for one remote instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainQueue {
    /// host[:port].
    pub domain: String,
    /// Waiting (including retries).
    pub pending: u64,
    /// Given up, or refused by our federation policy.
    pub failed: u64,
    /// Accepted by the instance.
    pub delivered: u64,
    /// Refused by the instance (4xx).
    pub refused: u64,
}

#[derive(sea_orm::FromQueryResult)]
struct StatusCount {
    domain: String,
    status: DeliveryStatus,
    n: i64,
}

/// Delivery counts per remote instance, in one grouped query.
pub async fn queue_by_domain<C: ConnectionTrait>(db: &C) -> Result<Vec<DomainQueue>> {
    let rows = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Domain)
        .column(delivery::Column::Status)
        .column_as(delivery::Column::Id.count(), "n")
        .group_by(delivery::Column::Domain)
        .group_by(delivery::Column::Status)
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    let mut map: std::collections::BTreeMap<String, DomainQueue> = Default::default();
    for r in rows {
        let e = map
            .entry(r.domain.clone())
            .or_insert_with(|| DomainQueue { domain: r.domain.clone(), ..Default::default() });
        let n = r.n.max(0) as u64;
        match r.status {
            DeliveryStatus::Pending => e.pending += n,
            DeliveryStatus::Failed => e.failed += n,
            DeliveryStatus::Done => e.delivered += n,
            DeliveryStatus::Refused => e.refused += n,
        }
    }
    Ok(map.into_values().collect())
}

/// Health of one remote instance.
pub async fn instance_health<C: ConnectionTrait>(db: &C, domain: &str) -> Result<Option<remote_instance::Model>> {
    Ok(remote_instance::Entity::find_by_id(domain.to_owned()).one(db).await?)
}

/// All known remote instances' health.
pub async fn all_instance_health<C: ConnectionTrait>(db: &C) -> Result<Vec<remote_instance::Model>> {
    Ok(remote_instance::Entity::find().order_by_asc(remote_instance::Column::Domain).all(db).await?)
}

/// Saves a remote instance's health row (insert or update).
pub async fn save_instance_health<C: ConnectionTrait>(db: &C, row: remote_instance::Model) -> Result<()> {
    let exists = remote_instance::Entity::find_by_id(row.domain.clone()).count(db).await? > 0;
    let active = remote_instance::ActiveModel {
        domain: Set(row.domain),
        failures: Set(row.failures),
        failing_since: Set(row.failing_since),
        last_success_at: Set(row.last_success_at),
        unreachable: Set(row.unreachable),
    };
    if exists {
        active.update(db).await?;
    } else {
        active.insert(db).await?;
    }
    Ok(())
}

/// Finds any account (local or remote) by ActivityPub id.
pub async fn find_account_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<account::Model>> {
    Ok(account::Entity::find().filter(account::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Finds any community (local or remote) by ActivityPub id.
pub async fn find_community_by_ap_id<C: ConnectionTrait>(db: &C, ap_id: &str) -> Result<Option<community::Model>> {
    Ok(community::Entity::find().filter(community::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Finds a community by name and domain ('' = local).
pub async fn find_community<C: ConnectionTrait>(db: &C, name: &str, domain: &str) -> Result<Option<community::Model>> {
    Ok(community::Entity::find()
        .filter(community::Column::Name.eq(name))
        .filter(community::Column::Domain.eq(domain))
        .one(db)
        .await?)
}

/// Inserts a remote account row.
pub async fn insert_remote_account<C: ConnectionTrait>(db: &C, m: account::ActiveModel) -> Result<account::Model> {
    m.insert(db).await.map_err(|e| crate::conflict_on_unique(e, "remote account"))
}

/// Inserts a remote community row.
pub async fn insert_remote_community<C: ConnectionTrait>(
    db: &C,
    m: community::ActiveModel,
) -> Result<community::Model> {
    m.insert(db).await.map_err(|e| crate::conflict_on_unique(e, "remote community"))
}

/// Remote members' inboxes of a community: (shared inbox or inbox, domain; each member's own
/// inbox for a private community). Only members
/// admitted by `as_of` count, so content posted while someone waited for approval does not
/// reach them when the delivery is planned later.
pub async fn remote_follower_inboxes<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<(String, String)>> {
    let members = membership::Entity::find()
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .all(db)
        .await?;
    let ids: Vec<i64> =
        members.iter().filter(|m| m.decided_at.unwrap_or(m.created_at) <= as_of).map(|m| m.account_id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let accounts = account::Entity::find()
        .filter(account::Column::Id.is_in(ids))
        .filter(account::Column::Domain.ne(""))
        .all(db)
        .await?;
    // A private community's content goes to each member's own inbox: a shared inbox would
    // hand it to a server that must then work out who may see it (SECURITY.md §6).
    let private = community::Entity::find_by_id(community_id)
        .one(db)
        .await?
        .is_some_and(|c| guildhall_domain::visibility::personal_inboxes_only(c.visibility));
    let mut out: Vec<(String, String)> = accounts
        .into_iter()
        .filter_map(|a| {
            let inbox = if private { a.inbox_url.or(a.shared_inbox_url) } else { a.shared_inbox_url.or(a.inbox_url) };
            inbox.map(|i| (i, a.domain))
        })
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// Finds a membership by the Follow activity that created it.
pub async fn find_membership_by_follow<C: ConnectionTrait>(
    db: &C,
    follow_ap_id: &str,
) -> Result<Option<membership::Model>> {
    Ok(membership::Entity::find().filter(membership::Column::FollowApId.eq(follow_ap_id)).one(db).await?)
}

/// Finds a membership by id.
pub async fn find_membership_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<membership::Model>> {
    Ok(membership::Entity::find_by_id(id).one(db).await?)
}

/// Finds a discussion or reply by its ActivityPub id.
pub async fn find_discussion_by_ap_id<C: ConnectionTrait>(
    db: &C,
    ap_id: &str,
) -> Result<Option<crate::entities::discussion::Model>> {
    use crate::entities::discussion;
    Ok(discussion::Entity::find().filter(discussion::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Finds a reply by its ActivityPub id.
pub async fn find_reply_by_ap_id<C: ConnectionTrait>(
    db: &C,
    ap_id: &str,
) -> Result<Option<crate::entities::reply::Model>> {
    use crate::entities::reply;
    Ok(reply::Entity::find().filter(reply::Column::ApId.eq(ap_id)).one(db).await?)
}

/// Saves the instance actor's keys unless it has some.
pub async fn save_instance_keys<C: ConnectionTrait>(db: &C, public: String, private: String) -> Result<()> {
    use crate::entities::instance_settings;
    instance_settings::Entity::update_many()
        .col_expr(instance_settings::Column::PublicKeyPem, Expr::value(Some(public)))
        .col_expr(instance_settings::Column::PrivateKeyPem, Expr::value(Some(private)))
        .filter(instance_settings::Column::PrivateKeyPem.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Finds an account by username and domain ('' = local).
pub async fn find_account<C: ConnectionTrait>(db: &C, username: &str, domain: &str) -> Result<Option<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .filter(account::Column::Domain.eq(domain))
        .one(db)
        .await?)
}

/// Stores an account's keys unless it already has some (concurrent first uses agree on one).
pub async fn set_account_keys_if_absent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    public: String,
    private: String,
) -> Result<()> {
    account::Entity::update_many()
        .col_expr(account::Column::PublicKeyPem, Expr::value(Some(public)))
        .col_expr(account::Column::PrivateKeyPem, Expr::value(Some(private)))
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::PrivateKeyPem.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a community's keys unless it already has some.
pub async fn set_community_keys_if_absent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    public: String,
    private: String,
) -> Result<()> {
    community::Entity::update_many()
        .col_expr(community::Column::PublicKeyPem, Expr::value(Some(public)))
        .col_expr(community::Column::PrivateKeyPem, Expr::value(Some(private)))
        .filter(community::Column::Id.eq(id))
        .filter(community::Column::PrivateKeyPem.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets a received activity (it was refused, so a corrected resend must not count as a
/// duplicate).
pub async fn delete_activity<C: ConnectionTrait>(db: &C, id: i64) -> Result<()> {
    activity::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Who on `domain` may fetch a community's private content: whether the actor `ap_id` is an
/// active member, and whether any account on `domain` is one.
pub async fn private_fetch_grants<C: ConnectionTrait>(
    db: &C,
    community_id: i64,
    ap_id: &str,
    domain: &str,
) -> Result<(bool, bool)> {
    let members: Vec<i64> = membership::Entity::find()
        .filter(membership::Column::CommunityId.eq(community_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.account_id)
        .collect();
    if members.is_empty() {
        return Ok((false, false));
    }
    let on_domain = account::Entity::find()
        .filter(account::Column::Id.is_in(members))
        .filter(account::Column::Domain.eq(domain))
        .all(db)
        .await?;
    let is_member = on_domain.iter().any(|a| a.ap_id.as_deref() == Some(ap_id));
    Ok((is_member, !on_domain.is_empty()))
}
