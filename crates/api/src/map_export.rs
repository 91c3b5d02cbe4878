//! Writing the map as CSV (the `csv` crate: quoting, embedded newlines and commas) and as
//! GraphML (a small, escaped XML document).

use guildhall_app::map::MapGraph;

/// Spreadsheets run cells that start with these as formulas; such cells get a leading `'`
/// (the map holds text from other servers).
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    String::from_utf8(bytes).map_err(|e| csv::Error::from(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// One row per node: id, kind, label, instance, government, organisation, tags (`;`),
/// member_count, active_30d, url, guild_focus.
pub fn nodes_csv(g: &MapGraph) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "kind",
        "label",
        "instance",
        "government",
        "organisation",
        "tags",
        "member_count",
        "active_30d",
        "url",
        "guild_focus",
    ])?;
    for n in &g.nodes {
        w.write_record([
            defuse(&n.id),
            n.kind.clone(),
            defuse(&n.label),
            defuse(&n.instance),
            defuse(&n.government),
            defuse(&n.organisation),
            defuse(&n.tags.join(";")),
            n.member_count.to_string(),
            n.active_30d.to_string(),
            defuse(&n.url),
            n.guild_focus.clone(),
        ])?;
    }
    finish(w)
}

/// One row per edge: from, to, kind.
pub fn edges_csv(g: &MapGraph) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["from", "to", "kind"])?;
    for e in &g.edges {
        w.write_record([defuse(&e.from), defuse(&e.to), e.kind.clone()])?;
    }
    finish(w)
}

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The graph as GraphML, node attributes as `<data>` keys.
pub fn graphml(g: &MapGraph) -> String {
    const KEYS: [(&str, &str, &str); 9] = [
        ("kind", "node", "string"),
        ("label", "node", "string"),
        ("instance", "node", "string"),
        ("government", "node", "string"),
        ("organisation", "node", "string"),
        ("tags", "node", "string"),
        ("member_count", "node", "long"),
        ("active_30d", "node", "long"),
        ("url", "node", "string"),
    ];
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n",
    );
    for (name, on, ty) in KEYS {
        out.push_str(&format!("  <key id=\"{name}\" for=\"{on}\" attr.name=\"{name}\" attr.type=\"{ty}\"/>\n"));
    }
    out.push_str("  <key id=\"edge_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n");
    out.push_str("  <graph id=\"guildhall-map\" edgedefault=\"directed\">\n");
    for n in &g.nodes {
        out.push_str(&format!("    <node id=\"{}\">\n", xml(&n.id)));
        let values = [
            n.kind.clone(),
            n.label.clone(),
            n.instance.clone(),
            n.government.clone(),
            n.organisation.clone(),
            n.tags.join(";"),
            n.member_count.to_string(),
            n.active_30d.to_string(),
            n.url.clone(),
        ];
        for ((key, _, _), v) in KEYS.iter().zip(values) {
            out.push_str(&format!("      <data key=\"{key}\">{}</data>\n", xml(&v)));
        }
        out.push_str("    </node>\n");
    }
    for (i, e) in g.edges.iter().enumerate() {
        out.push_str(&format!(
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"edge_kind\">{}</data></edge>\n",
            xml(&e.from),
            xml(&e.to),
            xml(&e.kind)
        ));
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use guildhall_app::map::{MapEdge, MapNode};

    fn graph() -> MapGraph {
        let node = |id: &str, label: &str| MapNode {
            id: id.into(),
            kind: "community".into(),
            label: label.into(),
            instance: "a.example".into(),
            government: "Canada".into(),
            organisation: String::new(),
            tags: vec!["a".into(), "b".into()],
            member_count: 2,
            active_30d: 0,
            url: id.into(),
            guild_focus: String::new(),
        };
        MapGraph {
            nodes: vec![
                node("https://a.example/c/x", "Say \"hi\", then\nleave"),
                node("https://a.example/c/y", "=HYPERLINK(\"x\")"),
            ],
            edges: vec![MapEdge { from: "https://a.example/c/x".into(), to: "<&>".into(), kind: "member_of".into() }],
        }
    }

    #[test]
    fn csv_quotes_commas_quotes_newlines_and_defuses_formulas() {
        let text = nodes_csv(&graph()).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][2], "Say \"hi\", then\nleave", "round-trips intact");
        assert_eq!(&rows[0][6], "a;b");
        assert_eq!(&rows[1][2], "'=HYPERLINK(\"x\")", "formula defused");
        assert!(text.starts_with(
            "id,kind,label,instance,government,organisation,tags,member_count,active_30d,url,guild_focus\n"
        ));
        let edges = edges_csv(&graph()).unwrap();
        assert_eq!(edges, "from,to,kind\nhttps://a.example/c/x,<&>,member_of\n");
    }

    #[test]
    fn graphml_escapes_markup() {
        let x = graphml(&graph());
        assert!(x.contains("<data key=\"label\">Say &quot;hi&quot;, then\nleave</data>"));
        assert!(x.contains("target=\"&lt;&amp;&gt;\""));
        assert!(!x.contains("<&>"));
        assert_eq!(x.matches("<node ").count(), 2);
        assert_eq!(x.matches("<edge ").count(), 1);
        assert_eq!(xml("a\u{1}b\u{FFFF}c"), "abc", "characters XML forbids are dropped");
    }
}
