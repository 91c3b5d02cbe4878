//! The published directory: this instance's listed communities and guilds, and the external
//! communities of practice its admins approved, as other instances' map crawlers read them
//! (JSON at `/api/guildhall/v1/directory`, an ActivityPub collection at `/directory`, counts in
//! NodeInfo). What a listing shows is decided by `guildhall_domain::directory`.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use guildhall_domain::Visibility;
use guildhall_domain::directory::{self as rules, PAGE_SIZE};
use guildhall_store::entities::{community, cop_proposal, instance_settings};
use guildhall_store::{decode_list, directory as store, settings as store_settings};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{AppContext, Result};

/// The instance publishing the directory.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct DirectoryInstance {
    /// Public host[:port].
    pub domain: String,
    /// Display name (the domain; instances have no separate name yet).
    pub name: String,
    /// Department or organisation that runs it.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// Always `guildhall`.
    pub software: String,
    /// Software version.
    pub version: String,
}

/// One listed community, guild or external community of practice.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// Actor id, or `<base>/directory/external/<id>` for an external one.
    pub id: String,
    /// `community`, `guild` or `external`.
    pub kind: String,
    /// Short name (the handle's local part; for externals, the name given).
    pub name: String,
    /// Title.
    pub title: String,
    /// Summary (the description's Markdown source).
    pub summary: String,
    /// Web page, or the external community's own address.
    pub url: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// `public`, `approval` or `private`.
    pub visibility: String,
    /// Active members (0 for private communities and externals).
    pub member_count: u64,
    /// Discussions and replies in the last 30 days (0 for private communities and externals).
    pub active_30d: u64,
    /// `forming`, `active`, `dormant` or `archived`.
    pub lifecycle: String,
    /// `role` or `focus_area` for guilds, '' otherwise.
    pub guild_focus: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// How to reach it ('' for local ones: their page lists their managers).
    pub contact: String,
    /// Actor ids of the guilds a community actively belongs to, or of a guild's members.
    pub links: Vec<String>,
}

/// One page of the directory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryPage {
    /// Who publishes it.
    pub instance: DirectoryInstance,
    /// Entries on this page (communities and guilds first, then externals).
    pub entries: Vec<DirectoryEntry>,
    /// 1-based page number.
    pub page: u64,
    /// Entries in the whole directory.
    pub total: u64,
    /// Absolute URL of the next page, or null on the last.
    pub next: Option<String>,
}

/// The directory's summary, for NodeInfo.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
pub struct DirectoryCounts {
    /// Whether the instance publishes its directory.
    pub listed: bool,
    /// Listed communities.
    pub communities: u64,
    /// Listed guilds.
    pub guilds: u64,
    /// Approved external communities of practice.
    pub external: u64,
}

/// The JSON directory's address.
pub fn directory_url(ctx: &AppContext) -> String {
    format!("{}/api/guildhall/v1/directory", ctx.instance().base_url())
}

/// The id of an approved external entry.
pub fn external_id(ctx: &AppContext, id: i64) -> String {
    format!("{}/directory/external/{id}", ctx.instance().base_url())
}

/// A local community's or guild's actor id.
pub fn actor_id(ctx: &AppContext, name: &str) -> String {
    crate::urls::Urls::new(ctx).group(name).to_string()
}

/// The instance as it describes itself.
pub fn instance_of(ctx: &AppContext, s: &instance_settings::Model) -> DirectoryInstance {
    DirectoryInstance {
        domain: ctx.instance().domain.clone(),
        name: ctx.instance().domain.clone(),
        organisation: s.organisation.clone(),
        government: s.government.clone(),
        software: "guildhall".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

/// Counts for NodeInfo (zeros when the instance opted out).
pub async fn counts(ctx: &AppContext) -> Result<DirectoryCounts> {
    let s = store_settings::get(ctx.db()).await?;
    if !s.directory_listed {
        return Ok(DirectoryCounts { listed: false, communities: 0, guilds: 0, external: 0 });
    }
    let (communities, guilds) = store::count_listed(ctx.db()).await?;
    let external = store::count_approved(ctx.db()).await?;
    Ok(DirectoryCounts { listed: true, communities, guilds, external })
}

/// Page `number` (1-based) of the directory; `None` when the instance opted out.
pub async fn page(ctx: &AppContext, number: u64) -> Result<Option<DirectoryPage>> {
    let s = store_settings::get(ctx.db()).await?;
    if !s.directory_listed {
        return Ok(None);
    }
    let number = number.clamp(1, crate::MAX_PAGE_NUMBER);
    let (communities, guilds) = store::count_listed(ctx.db()).await?;
    let local_total = communities + guilds;
    let total = local_total + store::count_approved(ctx.db()).await?;
    let offset = (number - 1) * PAGE_SIZE;
    let mut entries = Vec::new();
    if offset < local_total {
        let rows = store::listed_slice(ctx.db(), offset, PAGE_SIZE).await?;
        entries = local_entries(ctx, &s, rows).await?;
    }
    let room = PAGE_SIZE - entries.len() as u64;
    if room > 0 && offset + PAGE_SIZE > local_total {
        let from = offset.saturating_sub(local_total);
        for p in store::approved_slice(ctx.db(), from, room).await? {
            entries.push(external_entry(ctx, &p)?);
        }
    }
    let next = (offset + PAGE_SIZE < total).then(|| format!("{}?page={}", directory_url(ctx), number + 1));
    tracing::debug!(page = number, entries = entries.len(), total, "directory page served");
    Ok(Some(DirectoryPage { instance: instance_of(ctx, &s), entries, page: number, total, next }))
}

/// Every entry of the directory (for the map); empty when the instance opted out.
pub async fn all_entries(ctx: &AppContext) -> Result<(DirectoryInstance, bool, Vec<DirectoryEntry>)> {
    let s = store_settings::get(ctx.db()).await?;
    let instance = instance_of(ctx, &s);
    if !s.directory_listed {
        return Ok((instance, false, vec![]));
    }
    let rows = store::all_listed(ctx.db()).await?;
    let mut entries = local_entries(ctx, &s, rows).await?;
    let mut from = 0;
    loop {
        let batch = store::approved_slice(ctx.db(), from, 500).await?;
        let n = batch.len() as u64;
        for p in &batch {
            entries.push(external_entry(ctx, p)?);
        }
        if n < 500 {
            break;
        }
        from += n;
    }
    Ok((instance, true, entries))
}

/// The id another instance may see for a link end: local ones only when listed, remote ones
/// only when not private (a private community's membership of a guild is its own business
/// unless its managers list it).
fn link_end(ctx: &AppContext, c: &community::Model) -> Option<String> {
    let v = c.visibility;
    if c.domain.is_empty() {
        rules::is_listed(v, c.listed).then(|| actor_id(ctx, &c.name))
    } else {
        (v != Visibility::Private).then(|| c.ap_id.clone()).flatten()
    }
}

/// Builds entries for listed local rows: counts (when the rules allow) and active links.
async fn local_entries(
    ctx: &AppContext,
    s: &instance_settings::Model,
    rows: Vec<community::Model>,
) -> Result<Vec<DirectoryEntry>> {
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let members = guildhall_store::communities::member_counts(ctx.db(), &ids).await?;
    let activity = store::activity_since(ctx.db(), &ids, Utc::now() - Duration::days(30)).await?;
    let mut links: HashMap<i64, Vec<String>> = HashMap::new();
    for (_, guild, member) in store::active_links(ctx.db(), &ids).await? {
        if let Some(id) = link_end(ctx, &guild) {
            links.entry(member.id).or_default().push(id);
        }
        if let Some(id) = link_end(ctx, &member) {
            links.entry(guild.id).or_default().push(id);
        }
    }
    let base = ctx.instance().base_url();
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let v = c.visibility;
        let shows = rules::disclosure(v);
        let guild = c.kind == "guild";
        let mut linked = links.remove(&c.id).unwrap_or_default();
        linked.sort();
        linked.dedup();
        out.push(DirectoryEntry {
            id: actor_id(ctx, &c.name),
            kind: if guild { "guild" } else { "community" }.into(),
            url: format!("{base}/{}/{}", if guild { "guilds" } else { "communities" }, c.name),
            title: c.title.clone(),
            summary: c.description.clone(),
            tags: decode_list(&c.tags)?,
            visibility: v.as_str().into(),
            member_count: if shows.counts { members.get(&c.id).copied().unwrap_or(0) } else { 0 },
            active_30d: if shows.counts { activity.get(&c.id).copied().unwrap_or(0) } else { 0 },
            lifecycle: c.lifecycle.clone(),
            guild_focus: c.guild_focus.clone(),
            organisation: s.organisation.clone(),
            government: s.government.clone(),
            contact: String::new(),
            links: linked,
            name: c.name,
        });
    }
    Ok(out)
}

/// An approved proposal as an entry.
pub(crate) fn external_entry(ctx: &AppContext, p: &cop_proposal::Model) -> Result<DirectoryEntry> {
    Ok(DirectoryEntry {
        id: external_id(ctx, p.id),
        kind: "external".into(),
        name: p.name.clone(),
        title: p.name.clone(),
        summary: p.summary.clone(),
        url: p.url.clone(),
        tags: decode_list(&p.topics)?,
        visibility: Visibility::Public.as_str().into(),
        member_count: 0,
        active_30d: 0,
        lifecycle: rules::Lifecycle::Active.as_str().into(),
        guild_focus: String::new(),
        organisation: p.organisation.clone(),
        government: p.government.clone(),
        contact: p.contact.clone(),
        links: vec![],
    })
}

/// Deserialises a field that may be absent (`None`), null (`Some(None)`) or a value.
pub(crate) fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
