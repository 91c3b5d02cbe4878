//! The map's graph rules: sources merged, filters, edges only between shown nodes.

use super::*;

fn inst(domain: &str, government: &str) -> SourceInstance {
    SourceInstance {
        domain: domain.into(),
        organisation: format!("Org of {domain}"),
        government: government.into(),
        url: String::new(),
    }
}

fn entry(id: &str, kind: &str, tags: &[&str], active: u64, links: &[&str]) -> DirectoryEntry {
    DirectoryEntry {
        id: id.into(),
        kind: kind.into(),
        name: id.rsplit('/').next().unwrap_or(id).into(),
        title: format!("Title {id}"),
        summary: String::new(),
        url: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        visibility: "public".into(),
        member_count: 3,
        active_30d: active,
        lifecycle: "active".into(),
        guild_focus: if kind == "guild" { "role".into() } else { String::new() },
        organisation: String::new(),
        government: String::new(),
        contact: String::new(),
        links: links.iter().map(|t| t.to_string()).collect(),
    }
}

fn sample() -> (Vec<SourceInstance>, Vec<(String, DirectoryEntry)>) {
    let instances = vec![inst("a.example", "Canada"), inst("b.example", "France"), inst("c.example", "Canada")];
    let entries = vec![
        ("a.example".into(), entry("https://a.example/c/guild", "guild", &["design"], 0, &["https://b.example/c/ux"])),
        (
            "b.example".into(),
            entry("https://b.example/c/ux", "community", &["design", "forms"], 5, &["https://a.example/c/guild"]),
        ),
        ("b.example".into(), entry("https://b.example/c/data", "community", &["data"], 0, &[])),
        ("a.example".into(), entry("https://a.example/directory/external/1", "external", &["data"], 0, &[])),
        // The same id again from a stale source: ignored.
        ("c.example".into(), entry("https://b.example/c/ux", "community", &["stale"], 0, &[])),
    ];
    (instances, entries)
}

fn ids(g: &MapGraph) -> Vec<&str> {
    g.nodes.iter().map(|n| n.id.as_str()).collect()
}

#[test]
fn everything_with_hosting_and_membership_edges() {
    let (i, e) = sample();
    let g = build(i, e, &MapFilter::default());
    assert_eq!(
        ids(&g),
        [
            "instance:a.example",
            "instance:b.example",
            "instance:c.example",
            "https://a.example/directory/external/1",
            "https://a.example/c/guild",
            "https://b.example/c/data",
            "https://b.example/c/ux",
        ]
    );
    let member_of: Vec<_> = g.edges.iter().filter(|e| e.kind == "member_of").collect();
    assert_eq!(member_of.len(), 1, "stated by both sides, drawn once");
    assert_eq!(
        (member_of[0].from.as_str(), member_of[0].to.as_str()),
        ("https://b.example/c/ux", "https://a.example/c/guild")
    );
    assert_eq!(g.edges.iter().filter(|e| e.kind == "hosted_on").count(), 4);
    let ux = g.nodes.iter().find(|n| n.id == "https://b.example/c/ux").unwrap();
    assert_eq!(
        (ux.government.as_str(), ux.organisation.as_str()),
        ("France", "Org of b.example"),
        "instance's by default"
    );
    assert_eq!(ux.tags, ["design", "forms"], "first source wins");
}

#[test]
fn filters_narrow_nodes_and_drop_dangling_edges() {
    let (i, e) = sample();
    let f = |filter: MapFilter| build(i.clone(), e.clone(), &filter.normalised());
    let g = f(MapFilter { topic: Some(" #Design ".into()), ..Default::default() });
    assert_eq!(
        ids(&g),
        ["instance:a.example", "instance:b.example", "https://a.example/c/guild", "https://b.example/c/ux"]
    );
    assert_eq!(g.edges.len(), 3);
    let g = f(MapFilter { active: Some(true), ..Default::default() });
    assert_eq!(ids(&g), ["instance:b.example", "https://b.example/c/ux"]);
    assert!(g.edges.iter().all(|e| e.kind == "hosted_on"), "the guild is filtered out, so is the edge");
    let g = f(MapFilter { government: Some("canada".into()), ..Default::default() });
    assert_eq!(ids(&g), ["instance:a.example", "https://a.example/directory/external/1", "https://a.example/c/guild"]);
    let g = f(MapFilter { kind: Some("external".into()), ..Default::default() });
    assert_eq!(ids(&g), ["instance:a.example", "https://a.example/directory/external/1"]);
    let g = f(MapFilter { focus: Some("role".into()), ..Default::default() });
    assert_eq!(
        ids(&g),
        ["instance:a.example", "instance:b.example", "https://a.example/c/guild", "https://b.example/c/ux"]
    );
    let g = f(MapFilter { focus: Some("focus_area".into()), ..Default::default() });
    assert!(g.nodes.is_empty() && g.edges.is_empty());
    let g = f(MapFilter { topic: Some("  ".into()), active: Some(false), ..Default::default() });
    assert_eq!(g.nodes.len(), 7, "blank filters do not filter");
}
