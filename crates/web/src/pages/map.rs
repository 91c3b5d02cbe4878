//! `/map`: the network map as a server-rendered SVG picture (layout in `map_layout`), a table
//! that says the same for screen readers, download links for the data, a filter form, and
//! (for signed-in members) a form to propose a community of practice outside Guildhall.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::AppContext;
use guildhall_app::map::{self, MapFilter, MapGraph};
use guildhall_app::proposals::{self, NewCop};
use serde::Deserialize;

use super::map_layout::{self, layout};
use super::{OrPage, PageError, form_refusal, render, see_other};
use crate::forms::{Errors, split_list};
use crate::visit::{Chrome, Visit};

/// The filter form, as sent (every field a string).
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct MapQuery {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub government: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub active: String,
}

impl MapQuery {
    fn filter(&self) -> MapFilter {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        MapFilter {
            topic: some(&self.topic),
            focus: some(&self.focus),
            government: some(&self.government),
            kind: some(&self.kind),
            active: Some(matches!(self.active.as_str(), "on" | "true" | "1")),
        }
        .normalised()
    }

    /// The query string of the current filter, for download links (`?…` or '').
    fn query_string(&self) -> String {
        let f = self.filter();
        let mut parts = Vec::new();
        for (k, v) in [("topic", &f.topic), ("focus", &f.focus), ("government", &f.government), ("kind", &f.kind)] {
            if let Some(v) = v {
                parts.push(format!("{k}={}", encode(v)));
            }
        }
        if f.active == Some(true) {
            parts.push("active=true".into());
        }
        if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A node as drawn.
pub(crate) struct SvgNode {
    pub x: String,
    pub y: String,
    pub r: String,
    pub label_y: String,
    pub fill: &'static str,
    pub label: String,
    pub title: String,
    pub instance: bool,
}

/// An edge as drawn.
pub(crate) struct SvgLine {
    pub x1: String,
    pub y1: String,
    pub x2: String,
    pub y2: String,
    pub member_of: bool,
}

/// A row of the table equivalent.
pub(crate) struct MapRow {
    pub instance: String,
    pub kind: String,
    pub name: String,
    pub url: String,
    pub topics: String,
    pub members: u64,
    pub activity: u64,
    pub guilds: String,
}

/// The proposal form's fields.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ProposalForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub topics: String,
    #[serde(default)]
    pub government: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `GET /map`.
#[derive(Template)]
#[template(path = "map.html")]
pub(crate) struct MapPage {
    pub c: Chrome,
    pub q: MapQuery,
    pub downloads: String,
    pub width: String,
    pub height: String,
    /// Drawn size: small maps are scaled up to 720 px wide (CSS shrinks it on narrow screens).
    pub display_width: String,
    pub display_height: String,
    pub nodes: Vec<SvgNode>,
    pub lines: Vec<SvgLine>,
    pub rows: Vec<MapRow>,
    pub instances: usize,
    pub signed_in: bool,
    pub form: ProposalForm,
    pub errors: Errors,
}

impl MapPage {
    fn focus_is(&self, v: &str) -> bool {
        self.q.focus == v
    }
    fn kind_is(&self, v: &str) -> bool {
        self.q.kind == v
    }
    fn active_checked(&self) -> bool {
        self.q.filter().active == Some(true)
    }
}

fn short(label: &str) -> String {
    let mut chars = label.chars();
    let head: String = chars.by_ref().take(22).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

fn fill(kind: &str) -> &'static str {
    match kind {
        "instance" => "#1d4f91",
        "guild" => "#7b1fa2",
        "external" => "#a35200",
        _ => "#2e7d32",
    }
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// Builds the page's picture and table from the graph.
fn page(c: Chrome, q: MapQuery, g: &MapGraph, signed_in: bool, form: ProposalForm, errors: Errors) -> MapPage {
    let l = layout(g);
    let at = map_layout::index_of(g);
    let kind_name = |k: &str| c.tk("map-kind-", k);
    let nodes = g
        .nodes
        .iter()
        .zip(&l.nodes)
        .map(|(n, p)| {
            let mut title = format!("{} ({})", n.label, kind_name(&n.kind));
            if n.kind != "instance" {
                title.push_str(&format!(" – {}", n.instance));
            }
            SvgNode {
                x: num(p.x),
                y: num(p.y),
                r: num(p.r),
                // Instance labels go above (their entries' first ring starts at the top, further out).
                label_y: num(if n.kind == "instance" { p.y - p.r - 8.0 } else { p.y + p.r + 14.0 }),
                fill: fill(&n.kind),
                label: short(&n.label),
                title,
                instance: n.kind == "instance",
            }
        })
        .collect();
    let lines = g
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (&l.nodes[*at.get(e.from.as_str())?], &l.nodes[*at.get(e.to.as_str())?]);
            Some(SvgLine { x1: num(a.x), y1: num(a.y), x2: num(b.x), y2: num(b.y), member_of: e.kind == "member_of" })
        })
        .collect();
    let labels: BTreeMap<&str, &str> = g.nodes.iter().map(|n| (n.id.as_str(), n.label.as_str())).collect();
    let mut guilds_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in g.edges.iter().filter(|e| e.kind == "member_of") {
        guilds_of.entry(e.from.as_str()).or_default().push(labels.get(e.to.as_str()).copied().unwrap_or_default());
        guilds_of.entry(e.to.as_str()).or_default().push(labels.get(e.from.as_str()).copied().unwrap_or_default());
    }
    let rows = g
        .nodes
        .iter()
        .filter(|n| n.kind != "instance")
        .map(|n| MapRow {
            instance: n.instance.clone(),
            kind: kind_name(&n.kind),
            name: n.label.clone(),
            url: n.url.clone(),
            topics: n.tags.join(", "),
            members: n.member_count,
            activity: n.active_30d,
            guilds: guilds_of.get(n.id.as_str()).map(|v| v.join(", ")).unwrap_or_default(),
        })
        .collect();
    MapPage {
        downloads: q.query_string(),
        width: num(l.width),
        height: num(l.height),
        display_width: num(l.width.max(720.0)),
        display_height: num(l.height * l.width.max(720.0) / l.width),
        instances: g.nodes.iter().filter(|n| n.kind == "instance").count(),
        nodes,
        lines,
        rows,
        q,
        signed_in,
        form,
        errors,
        c,
    }
}

async fn show_page(
    ctx: &AppContext,
    v: &Visit,
    q: MapQuery,
    form: ProposalForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let g = map::graph(ctx, q.filter()).await.or_page(v)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &page(v.chrome(), q, &g, v.viewer().is_some(), form, errors)))
}

/// `GET /map`.
pub(crate) async fn show(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<MapQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    show_page(&ctx, &v, q, ProposalForm::default(), Errors::default()).await
}

/// `POST /map/proposals`: a signed-in member proposes an external community of practice.
pub(crate) async fn propose(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<ProposalForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let new = NewCop {
        name: form.name.clone(),
        url: form.url.clone(),
        summary: form.summary.clone(),
        topics: split_list(&form.topics),
        government: form.government.clone(),
        organisation: form.organisation.clone(),
        contact: form.contact.clone(),
    };
    let errors = match proposals::propose(&ctx, &s.viewer, new).await {
        Ok(_) => return Ok(see_other("/map#propose-heading", Some("proposed"))),
        Err(e) => form_refusal(&v, e, "name")?,
    };
    show_page(&ctx, &v, MapQuery::default(), form, errors).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_links_keep_the_filter_encoded() {
        let q = MapQuery { topic: "#Data & AI".into(), active: "on".into(), kind: " ".into(), ..Default::default() };
        assert_eq!(q.query_string(), "?topic=data%20%26%20ai&active=true");
        assert_eq!(MapQuery::default().query_string(), "");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(short("Short"), "Short");
        assert_eq!(short(&"x".repeat(30)), format!("{}…", "x".repeat(22)));
    }
}
