//! A deterministic layout of the network map for the server-rendered SVG: each instance sits
//! on a large circle, its communities, guilds and external entries on rings around it.
//! Clusters are spaced so they never overlap, and everything is translated into a viewBox
//! that contains every node and label. Pure: the same graph always gives the same picture.

use std::collections::BTreeMap;
use std::f64::consts::PI;

use guildhall_app::map::MapGraph;

/// Radius of an instance's circle.
pub const INSTANCE_R: f64 = 24.0;
/// Radius of an entry's circle.
pub const ENTRY_R: f64 = 10.0;
/// Distance of the first ring of entries from the instance's centre.
const FIRST_RING: f64 = 80.0;
/// Distance between rings.
const RING_GAP: f64 = 60.0;
/// Room kept around nodes for their labels.
const LABEL_MARGIN: f64 = 70.0;
/// Gap between neighbouring clusters.
const CLUSTER_GAP: f64 = 40.0;

/// Where one node goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Radius.
    pub r: f64,
}

/// The picture: a `0 0 width height` viewBox and a position per node, in the graph's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// viewBox width.
    pub width: f64,
    /// viewBox height.
    pub height: f64,
    /// One per node of the graph, same order.
    pub nodes: Vec<Placed>,
}

/// How many entries ring `i` (0-based) holds.
fn ring_capacity(i: usize) -> usize {
    8 * (i + 1)
}

/// Offsets of `n` entries around their instance, ring by ring.
fn ring_offsets(n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n);
    let mut ring = 0;
    while out.len() < n {
        let here = ring_capacity(ring).min(n - out.len());
        let radius = FIRST_RING + RING_GAP * ring as f64;
        // Stagger alternate rings so labels do not line up.
        let start = -PI / 2.0 + if ring % 2 == 1 { PI / here as f64 } else { 0.0 };
        for k in 0..here {
            let a = start + 2.0 * PI * k as f64 / here as f64;
            out.push((radius * a.cos(), radius * a.sin()));
        }
        ring += 1;
    }
    out
}

/// The radius a cluster of `n` entries needs (label room included).
fn cluster_radius(n: usize) -> f64 {
    if n == 0 {
        return INSTANCE_R + LABEL_MARGIN;
    }
    let (mut ring, mut left) = (0, n);
    while left > ring_capacity(ring) {
        left -= ring_capacity(ring);
        ring += 1;
    }
    FIRST_RING + RING_GAP * ring as f64 + ENTRY_R + LABEL_MARGIN
}

/// Lays out `g`.
pub fn layout(g: &MapGraph) -> Layout {
    // Clusters in order of first appearance (instances come first in the graph).
    let mut order: Vec<String> = Vec::new();
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, n) in g.nodes.iter().enumerate() {
        if !members.contains_key(&n.instance) {
            order.push(n.instance.clone());
        }
        if n.kind != "instance" {
            members.entry(n.instance.clone()).or_default().push(i);
        } else {
            members.entry(n.instance.clone()).or_default();
        }
    }
    let radii: Vec<f64> = order.iter().map(|d| cluster_radius(members[d].len())).collect();
    let count = order.len();
    // The big circle: neighbours' chords must fit both clusters plus a gap.
    let big = if count <= 1 {
        0.0
    } else {
        let half = (PI / count as f64).sin();
        (0..count).map(|i| (radii[i] + radii[(i + 1) % count] + CLUSTER_GAP) / (2.0 * half)).fold(0.0, f64::max)
    };
    let mut centres = BTreeMap::new();
    for (i, d) in order.iter().enumerate() {
        let a = -PI / 2.0 + 2.0 * PI * i as f64 / count.max(1) as f64;
        centres.insert(d.clone(), (big * a.cos(), big * a.sin()));
    }
    let mut nodes = vec![Placed { x: 0.0, y: 0.0, r: ENTRY_R }; g.nodes.len()];
    for d in &order {
        let (cx, cy) = centres[d];
        for (idx, (dx, dy)) in members[d].iter().zip(ring_offsets(members[d].len())) {
            nodes[*idx] = Placed { x: cx + dx, y: cy + dy, r: ENTRY_R };
        }
    }
    for (i, n) in g.nodes.iter().enumerate() {
        if n.kind == "instance" {
            let (x, y) = centres[&n.instance];
            nodes[i] = Placed { x, y, r: INSTANCE_R };
        }
    }
    // Translate into a viewBox with room for labels on every side.
    let extent =
        |f: fn(&Placed) -> f64, r: fn(&Placed) -> f64| nodes.iter().map(|p| f(p) - r(p)).fold(f64::INFINITY, f64::min);
    let (min_x, min_y) =
        if nodes.is_empty() { (0.0, 0.0) } else { (extent(|p| p.x, |p| p.r), extent(|p| p.y, |p| p.r)) };
    let max_x = nodes.iter().map(|p| p.x + p.r).fold(f64::NEG_INFINITY, f64::max);
    let max_y = nodes.iter().map(|p| p.y + p.r).fold(f64::NEG_INFINITY, f64::max);
    if nodes.is_empty() {
        return Layout { width: 400.0, height: 200.0, nodes };
    }
    let (ox, oy) = (LABEL_MARGIN - min_x, LABEL_MARGIN - min_y);
    for p in &mut nodes {
        p.x = round(p.x + ox);
        p.y = round(p.y + oy);
    }
    Layout {
        width: round((max_x - min_x + 2.0 * LABEL_MARGIN).max(400.0)),
        height: round(max_y - min_y + 2.0 * LABEL_MARGIN),
        nodes,
    }
}

/// One decimal place, so the SVG text is stable and short.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Where a node of `g` is: its index, for drawing edges.
pub fn index_of(g: &MapGraph) -> BTreeMap<&str, usize> {
    g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use guildhall_app::map::{MapNode, instance_node_id as instance_id};

    fn node(id: &str, kind: &str, instance: &str) -> MapNode {
        MapNode {
            id: id.into(),
            kind: kind.into(),
            label: id.into(),
            instance: instance.into(),
            government: String::new(),
            organisation: String::new(),
            tags: vec![],
            member_count: 0,
            active_30d: 0,
            url: String::new(),
            guild_focus: String::new(),
        }
    }

    fn graph(instances: usize, per: usize) -> MapGraph {
        let mut nodes = Vec::new();
        for i in 0..instances {
            nodes.push(node(&instance_id(&format!("i{i}.example")), "instance", &format!("i{i}.example")));
        }
        for i in 0..instances {
            for k in 0..(per + i * 7) {
                nodes.push(node(&format!("https://i{i}.example/c/{k}"), "community", &format!("i{i}.example")));
            }
        }
        MapGraph { nodes, edges: vec![] }
    }

    #[test]
    fn positions_are_deterministic() {
        let g = graph(5, 6);
        assert_eq!(layout(&g), layout(&g));
    }

    #[test]
    fn instance_clusters_do_not_overlap() {
        for (instances, per) in [(1, 0), (2, 1), (3, 30), (7, 3), (12, 12)] {
            let g = graph(instances, per);
            let l = layout(&g);
            let centres: Vec<(&Placed, usize)> = g
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.kind == "instance")
                .map(|(i, n)| {
                    (&l.nodes[i], g.nodes.iter().filter(|m| m.instance == n.instance && m.kind != "instance").count())
                })
                .collect();
            for (a, (pa, na)) in centres.iter().enumerate() {
                for (pb, nb) in centres.iter().skip(a + 1) {
                    let d = ((pa.x - pb.x).powi(2) + (pa.y - pb.y).powi(2)).sqrt();
                    assert!(
                        d >= cluster_radius(*na) + cluster_radius(*nb) - 0.5,
                        "{instances}×{per}: clusters overlap ({d})"
                    );
                }
            }
        }
    }

    #[test]
    fn every_node_is_inside_the_view_box() {
        for (instances, per) in [(0, 0), (1, 1), (4, 20), (9, 2)] {
            let g = graph(instances, per);
            let l = layout(&g);
            assert_eq!(l.nodes.len(), g.nodes.len());
            for p in &l.nodes {
                assert!(p.x - p.r >= 0.0 && p.y - p.r >= 0.0, "{p:?}");
                assert!(p.x + p.r <= l.width && p.y + p.r <= l.height, "{p:?} in {}×{}", l.width, l.height);
            }
        }
    }

    #[test]
    fn entries_of_one_instance_do_not_share_a_spot() {
        let g = graph(1, 40);
        let l = layout(&g);
        for (i, a) in l.nodes.iter().enumerate() {
            for b in l.nodes.iter().skip(i + 1) {
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(d >= 2.0 * ENTRY_R, "{a:?} and {b:?} overlap");
            }
        }
    }
}
