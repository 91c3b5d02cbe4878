//! The network map as a graph: instances, communities, guilds and external communities of
//! practice (nodes) with `hosted_on` (entry → instance) and `member_of` (community → guild)
//! edges. Sources: this instance's own directory, computed live (so the map works before any
//! crawl), and what the crawler stored from other instances (`map_entries`, `map_instances`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use guildhall_store::map_crawl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::directory::{self, DirectoryEntry};
use crate::{AppContext, Result};

/// Which part of the map to show; absent fields do not filter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, PartialEq, Eq)]
#[into_params(parameter_in = Query)]
pub struct MapFilter {
    /// Only entries with this topic tag.
    pub topic: Option<String>,
    /// Only guilds with this focus (`role` or `focus_area`) and their member communities.
    pub focus: Option<String>,
    /// Only entries of this country or government (case-insensitive).
    pub government: Option<String>,
    /// Only entries with activity in the last 30 days.
    pub active: Option<bool>,
    /// Only `community`, `guild` or `external` entries.
    pub kind: Option<String>,
}

impl MapFilter {
    /// Blank strings count as absent (forms send every field).
    pub fn normalised(self) -> Self {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
        MapFilter {
            topic: clean(self.topic).map(|t| t.trim_start_matches('#').to_owned()),
            focus: clean(self.focus),
            government: clean(self.government),
            active: self.active.filter(|a| *a),
            kind: clean(self.kind),
        }
    }

    /// Whether any filter is set.
    pub fn is_empty(&self) -> bool {
        *self == MapFilter::default()
    }
}

/// One node of the map.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct MapNode {
    /// `instance:<domain>` for instances, else the entry's id (actor id or external id).
    pub id: String,
    /// `instance`, `community`, `guild` or `external`.
    pub kind: String,
    /// What to call it.
    pub label: String,
    /// The instance's domain (for an instance, itself).
    pub instance: String,
    /// Country or government.
    pub government: String,
    /// Department or organisation.
    pub organisation: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Members (0 when not published).
    pub member_count: u64,
    /// Discussions and replies in the last 30 days (0 when not published).
    pub active_30d: u64,
    /// Where a person goes to see it ('' for instances on other servers).
    pub url: String,
    /// `role` or `focus_area` for guilds, '' otherwise.
    pub guild_focus: String,
}

/// One edge of the map.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
pub struct MapEdge {
    /// Node id it starts from.
    pub from: String,
    /// Node id it points to.
    pub to: String,
    /// `hosted_on` (entry → instance) or `member_of` (community → guild).
    pub kind: String,
}

/// The map.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct MapGraph {
    /// Instances first (by domain), then entries (by instance, kind, label).
    pub nodes: Vec<MapNode>,
    /// Edges between nodes of this graph, sorted.
    pub edges: Vec<MapEdge>,
}

/// An instance as a source of the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInstance {
    /// Domain.
    pub domain: String,
    /// Department or organisation.
    pub organisation: String,
    /// Country or government.
    pub government: String,
    /// Its web address, if known.
    pub url: String,
}

/// The node id of an instance.
pub fn instance_node_id(domain: &str) -> String {
    format!("instance:{domain}")
}

/// The map with `filter` applied.
pub async fn graph(ctx: &AppContext, filter: MapFilter) -> Result<MapGraph> {
    let own = ctx.instance().domain.clone();
    let (me, listed, local) = directory::all_entries(ctx).await?;
    let mut instances = Vec::new();
    let mut entries: Vec<(String, DirectoryEntry)> = Vec::new();
    if listed {
        instances.push(SourceInstance {
            domain: own.clone(),
            organisation: me.organisation,
            government: me.government,
            url: ctx.instance().base_url(),
        });
        entries.extend(local.into_iter().map(|e| (own.clone(), e)));
    }
    let crawled = map_crawl::all_instances(ctx.db()).await?;
    for i in crawled.iter().filter(|i| i.domain != own) {
        let has_entries = i.entries_count > 0;
        if i.status == guildhall_domain::directory::MapInstanceStatus::Ok || has_entries {
            instances.push(SourceInstance {
                domain: i.domain.clone(),
                organisation: i.organisation.clone(),
                government: i.government.clone(),
                url: String::new(),
            });
        }
        for e in map_crawl::entries_of(ctx.db(), &i.domain).await? {
            entries.push((i.domain.clone(), stored_entry(e)));
        }
    }
    Ok(build(instances, entries, &filter.normalised()))
}

/// A crawled row as a directory entry.
fn stored_entry(e: guildhall_store::entities::map_entry::Model) -> DirectoryEntry {
    DirectoryEntry {
        tags: guildhall_store::decode_list(&e.tags).unwrap_or_default(),
        links: guildhall_store::decode_list(&e.links).unwrap_or_default(),
        id: e.ap_id,
        kind: e.kind,
        name: e.name,
        title: e.title,
        summary: e.summary,
        url: e.url,
        visibility: e.visibility,
        member_count: Ord::max(e.member_count, 0) as u64,
        active_30d: Ord::max(e.active30d, 0) as u64,
        lifecycle: e.lifecycle,
        guild_focus: e.guild_focus,
        organisation: e.organisation,
        government: e.government,
        contact: e.contact,
    }
}

/// Builds the graph from instances and `(instance domain, entry)` pairs, applying `filter`
/// (already normalised). Pure, so the rules are tested without a database.
pub fn build(instances: Vec<SourceInstance>, entries: Vec<(String, DirectoryEntry)>, filter: &MapFilter) -> MapGraph {
    let mut by_domain: BTreeMap<String, SourceInstance> =
        instances.into_iter().map(|i| (i.domain.clone(), i)).collect();
    // An entry's instance is always a node, even when its crawl did not finish.
    for (domain, _) in &entries {
        by_domain.entry(domain.clone()).or_insert_with(|| SourceInstance {
            domain: domain.clone(),
            organisation: String::new(),
            government: String::new(),
            url: String::new(),
        });
    }
    // Entry ids are unique: the first source wins (the live local directory comes first).
    let mut seen = BTreeSet::new();
    let entries: Vec<(String, DirectoryEntry)> =
        entries.into_iter().filter(|(_, e)| seen.insert(e.id.clone())).collect();
    // member_of pairs (community id, guild id) as either side states them.
    let kinds: HashMap<&str, &str> = entries.iter().map(|(_, e)| (e.id.as_str(), e.kind.as_str())).collect();
    let mut member_of: BTreeSet<(String, String)> = BTreeSet::new();
    for (_, e) in &entries {
        for l in &e.links {
            match (e.kind.as_str(), kinds.get(l.as_str()).copied()) {
                ("community", Some("guild")) => member_of.insert((e.id.clone(), l.clone())),
                ("guild", Some("community")) => member_of.insert((l.clone(), e.id.clone())),
                _ => false,
            };
        }
    }
    let government_of = |domain: &str, e: &DirectoryEntry| -> (String, String) {
        let i = by_domain.get(domain);
        let pick = |own: &str, inst: Option<&String>| {
            if own.is_empty() { inst.cloned().unwrap_or_default() } else { own.to_owned() }
        };
        (pick(&e.government, i.map(|i| &i.government)), pick(&e.organisation, i.map(|i| &i.organisation)))
    };
    // Guilds of the chosen focus, for the focus filter.
    let focus_guilds: BTreeSet<&str> = match &filter.focus {
        Some(f) => entries
            .iter()
            .filter(|(_, e)| e.kind == "guild" && &e.guild_focus == f)
            .map(|(_, e)| e.id.as_str())
            .collect(),
        None => BTreeSet::new(),
    };
    let keep = |domain: &str, e: &DirectoryEntry| -> bool {
        let (government, _) = government_of(domain, e);
        filter.topic.as_ref().is_none_or(|t| e.tags.iter().any(|x| x.to_lowercase() == *t))
            && filter.kind.as_ref().is_none_or(|k| &e.kind == k)
            && filter.government.as_ref().is_none_or(|g| government.to_lowercase() == *g)
            && (filter.active.is_none() || e.active_30d > 0)
            && (filter.focus.is_none()
                || focus_guilds.contains(e.id.as_str())
                || member_of.iter().any(|(c, g)| c == &e.id && focus_guilds.contains(g.as_str())))
    };
    let mut entry_nodes = Vec::new();
    let mut used_instances = BTreeSet::new();
    for (domain, e) in &entries {
        if !keep(domain, e) {
            continue;
        }
        used_instances.insert(domain.clone());
        let (government, organisation) = government_of(domain, e);
        let label = if e.title.trim().is_empty() { e.name.clone() } else { e.title.clone() };
        entry_nodes.push(MapNode {
            id: e.id.clone(),
            kind: e.kind.clone(),
            label,
            instance: domain.clone(),
            government,
            organisation,
            tags: e.tags.clone(),
            member_count: e.member_count,
            active_30d: e.active_30d,
            url: e.url.clone(),
            guild_focus: e.guild_focus.clone(),
        });
    }
    entry_nodes.sort_by(|a, b| (&a.instance, &a.kind, &a.label, &a.id).cmp(&(&b.instance, &b.kind, &b.label, &b.id)));
    let mut nodes: Vec<MapNode> = by_domain
        .values()
        .filter(|i| filter.is_empty() || used_instances.contains(&i.domain))
        .map(|i| MapNode {
            id: instance_node_id(&i.domain),
            kind: "instance".into(),
            label: if i.organisation.is_empty() { i.domain.clone() } else { i.organisation.clone() },
            instance: i.domain.clone(),
            government: i.government.clone(),
            organisation: i.organisation.clone(),
            tags: vec![],
            member_count: 0,
            active_30d: 0,
            url: i.url.clone(),
            guild_focus: String::new(),
        })
        .collect();
    let ids: BTreeSet<String> =
        entry_nodes.iter().map(|n| n.id.clone()).chain(nodes.iter().map(|n| n.id.clone())).collect();
    let mut edges: Vec<MapEdge> = entry_nodes
        .iter()
        .filter(|n| ids.contains(&instance_node_id(&n.instance)))
        .map(|n| MapEdge { from: n.id.clone(), to: instance_node_id(&n.instance), kind: "hosted_on".into() })
        .collect();
    edges.extend(member_of.into_iter().filter(|(c, g)| ids.contains(c) && ids.contains(g)).map(|(from, to)| MapEdge {
        from,
        to,
        kind: "member_of".into(),
    }));
    edges.sort();
    nodes.extend(entry_nodes);
    MapGraph { nodes, edges }
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
