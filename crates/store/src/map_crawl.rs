//! Storage for the network-map crawler: the instances it knows (`map_instances`), the entries
//! their directories list (`map_entries`), and the peers it starts from.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use guildhall_domain::directory::MapInstanceStatus;

use crate::Result;
use crate::entities::{map_entry, map_instance, remote_instance};

/// What an instance says about itself at the top of its directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstanceMeta {
    /// Display name.
    pub name: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// Software name and version, e.g. `guildhall 0.1.0`.
    pub software: String,
}

/// One directory entry, checked and bounded by the crawler.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewEntry {
    /// Actor id (or external id).
    pub ap_id: String,
    /// `community`, `guild` or `external`.
    pub kind: String,
    /// Short name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Where a person goes to see it.
    pub url: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Visibility as published.
    pub visibility: String,
    /// Members.
    pub member_count: i64,
    /// Posts in the last 30 days.
    pub active_30d: i64,
    /// Lifecycle stage.
    pub lifecycle: String,
    /// Role or focus area of a guild.
    pub guild_focus: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// Contact.
    pub contact: String,
    /// Linked actor ids.
    pub links: Vec<String>,
}

/// Hosts (`host` or `host:port`) of every remote account, community and delivery peer.
pub async fn known_peer_hosts<C: ConnectionTrait>(db: &C) -> Result<Vec<String>> {
    let mut hosts = crate::peers::known_domains(db).await?;
    let peers: Vec<String> = remote_instance::Entity::find()
        .select_only()
        .column(remote_instance::Column::Domain)
        .into_tuple()
        .all(db)
        .await?;
    hosts.extend(peers);
    hosts.sort();
    hosts.dedup();
    Ok(hosts)
}

/// Every known map instance, by domain.
pub async fn all_instances<C: ConnectionTrait>(db: &C) -> Result<Vec<map_instance::Model>> {
    Ok(map_instance::Entity::find().order_by_asc(map_instance::Column::Domain).all(db).await?)
}

/// One map instance.
pub async fn find_instance<C: ConnectionTrait>(db: &C, domain: &str) -> Result<Option<map_instance::Model>> {
    Ok(map_instance::Entity::find().filter(map_instance::Column::Domain.eq(domain)).one(db).await?)
}

/// Returns the instance's row, inserting it as `pending` if it is new.
pub async fn ensure_instance<C: ConnectionTrait>(
    db: &C,
    domain: &str,
    discovered_from: Option<&str>,
    now: DateTime<Utc>,
) -> Result<map_instance::Model> {
    if let Some(row) = find_instance(db, domain).await? {
        return Ok(row);
    }
    let row = map_instance::ActiveModel {
        domain: Set(domain.to_owned()),
        name: Set(String::new()),
        organisation: Set(String::new()),
        government: Set(String::new()),
        software: Set(String::new()),
        status: Set(MapInstanceStatus::Pending),
        last_error: Set(None),
        last_crawled_at: Set(None),
        next_page: Set(None),
        discovered_from: Set(discovered_from.map(str::to_owned)),
        entries_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let inserted = map_instance::Entity::insert(row)
        .on_conflict(OnConflict::column(map_instance::Column::Domain).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    debug_assert!(inserted <= 1);
    find_instance(db, domain).await?.ok_or_else(|| crate::Error::Corrupt(format!("map instance {domain} vanished")))
}

async fn update_instance<C: ConnectionTrait>(
    db: &C,
    domain: &str,
    change: impl FnOnce(&mut map_instance::ActiveModel),
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(row) = find_instance(db, domain).await? else { return Ok(()) };
    let mut active: map_instance::ActiveModel = row.into();
    change(&mut active);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(())
}

/// Stores one directory page: the instance's description, its entries (inserted or updated by
/// id) and where the crawl continues (`None` when this was the last page).
pub async fn record_page<C: ConnectionTrait>(
    db: &C,
    domain: &str,
    meta: &InstanceMeta,
    entries: &[NewEntry],
    next_page: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    if !entries.is_empty() {
        let rows = entries.iter().map(|e| map_entry::ActiveModel {
            ap_id: Set(e.ap_id.clone()),
            instance_domain: Set(domain.to_owned()),
            kind: Set(e.kind.clone()),
            name: Set(e.name.clone()),
            title: Set(e.title.clone()),
            summary: Set(e.summary.clone()),
            url: Set(e.url.clone()),
            tags: Set(crate::encode_list(&e.tags)),
            visibility: Set(e.visibility.clone()),
            member_count: Set(e.member_count),
            active30d: Set(e.active_30d),
            lifecycle: Set(e.lifecycle.clone()),
            guild_focus: Set(e.guild_focus.clone()),
            organisation: Set(e.organisation.clone()),
            government: Set(e.government.clone()),
            contact: Set(e.contact.clone()),
            links: Set(crate::encode_list(&e.links)),
            fetched_at: Set(now),
            ..Default::default()
        });
        use map_entry::Column as C;
        map_entry::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(C::ApId)
                    .update_columns([
                        C::InstanceDomain,
                        C::Kind,
                        C::Name,
                        C::Title,
                        C::Summary,
                        C::Url,
                        C::Tags,
                        C::Visibility,
                        C::MemberCount,
                        C::Active30d,
                        C::Lifecycle,
                        C::GuildFocus,
                        C::Organisation,
                        C::Government,
                        C::Contact,
                        C::Links,
                        C::FetchedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    let meta = meta.clone();
    let next = next_page.map(str::to_owned);
    update_instance(
        db,
        domain,
        move |a| {
            a.name = Set(meta.name);
            a.organisation = Set(meta.organisation);
            a.government = Set(meta.government);
            a.software = Set(meta.software);
            a.next_page = Set(next);
            a.status = Set(MapInstanceStatus::Pending);
        },
        now,
    )
    .await
}

/// Ends a crawl of `domain` as `ok` (complete) or `error` (with `error`). When `prune_before`
/// is set (a crawl that read every page from the first), entries not fetched since then are
/// removed: the instance no longer lists them.
pub async fn finish_instance<C: ConnectionTrait>(
    db: &C,
    domain: &str,
    error: Option<&str>,
    prune_before: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<u64> {
    if let Some(cutoff) = prune_before {
        map_entry::Entity::delete_many()
            .filter(map_entry::Column::InstanceDomain.eq(domain))
            .filter(map_entry::Column::FetchedAt.lt(cutoff))
            .exec(db)
            .await?;
    }
    let count = count_entries(db, domain).await?;
    let error = error.map(str::to_owned);
    update_instance(
        db,
        domain,
        move |a| {
            a.status = Set(if error.is_some() { MapInstanceStatus::Error } else { MapInstanceStatus::Ok });
            a.last_error = Set(error);
            a.last_crawled_at = Set(Some(now));
            a.next_page = Set(None);
            a.entries_count = Set(i32::try_from(count).unwrap_or(i32::MAX));
        },
        now,
    )
    .await?;
    Ok(count)
}

/// Records a failed attempt: status `error` with the reason; entries and the resume point are
/// kept, so the next crawl continues where this one stopped.
pub async fn record_error<C: ConnectionTrait>(db: &C, domain: &str, error: &str, now: DateTime<Utc>) -> Result<()> {
    let error = error.to_owned();
    update_instance(
        db,
        domain,
        move |a| {
            a.status = Set(MapInstanceStatus::Error);
            a.last_error = Set(Some(error));
            a.last_crawled_at = Set(Some(now));
        },
        now,
    )
    .await
}

/// Records an instance that is not crawled (`opted_out` or `blocked`) and removes its entries.
pub async fn record_excluded<C: ConnectionTrait>(
    db: &C,
    domain: &str,
    status: MapInstanceStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    map_entry::Entity::delete_many().filter(map_entry::Column::InstanceDomain.eq(domain)).exec(db).await?;
    update_instance(
        db,
        domain,
        move |a| {
            a.status = Set(status);
            a.last_error = Set(None);
            a.next_page = Set(None);
            a.entries_count = Set(0);
            if status == MapInstanceStatus::OptedOut {
                a.last_crawled_at = Set(Some(now));
            }
        },
        now,
    )
    .await
}

/// How many entries `domain` lists.
pub async fn count_entries<C: ConnectionTrait>(db: &C, domain: &str) -> Result<u64> {
    Ok(map_entry::Entity::find().filter(map_entry::Column::InstanceDomain.eq(domain)).count(db).await?)
}

/// The entries `domain` lists, by id.
pub async fn entries_of<C: ConnectionTrait>(db: &C, domain: &str) -> Result<Vec<map_entry::Model>> {
    Ok(map_entry::Entity::find()
        .filter(map_entry::Column::InstanceDomain.eq(domain))
        .order_by_asc(map_entry::Column::ApId)
        .all(db)
        .await?)
}

/// Links (JSON lists) of every entry `domain` lists, for discovery when its crawl is skipped.
pub async fn links_of<C: ConnectionTrait>(db: &C, domain: &str) -> Result<Vec<String>> {
    Ok(map_entry::Entity::find()
        .select_only()
        .column(map_entry::Column::Links)
        .filter(map_entry::Column::InstanceDomain.eq(domain))
        .filter(map_entry::Column::Links.ne("[]"))
        .into_tuple()
        .all(db)
        .await?)
}

/// Total entries on the map.
pub async fn total_entries<C: ConnectionTrait>(db: &C) -> Result<u64> {
    Ok(map_entry::Entity::find().count(db).await?)
}
