//! Timelines: home (the viewer's communities and guilds), public, hashtag; lists are empty.
//! Home, public and a community's statuses list its events too, as read-only statuses.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::timelines::{self, At, Bounds, Timeline};
use guildhall_app::{AppContext, Viewer, posts::PostRef};
use serde::Deserialize;

use crate::auth::Authed;
use crate::body::flexible_bool;
use crate::entities::Status;
use crate::error::{MastoError, Result};
use crate::ids::StatusId;
use crate::paging::{PageQuery, Paged};
use crate::render;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/timelines/home", get(home))
        .route("/api/v1/timelines/public", get(public))
        .route("/api/v1/timelines/tag/{hashtag}", get(tag))
        .route("/api/v1/timelines/list/{id}", get(list_timeline))
        .route("/api/v1/lists", get(lists))
}

fn at(id: Option<&str>) -> Option<At> {
    Some(match StatusId::parse(id?)? {
        StatusId::Discussion(d) => At::Post(PostRef::Discussion(d)),
        StatusId::Reply(r) => At::Post(PostRef::Reply(r)),
        StatusId::Event(e) => At::Event(e),
    })
}

/// The app's page bounds from Mastodon's paging parameters.
pub(crate) fn bounds(q: &PageQuery) -> Bounds {
    Bounds { max: at(q.max_id()), since: at(q.since_id()), min: at(q.min_id()), limit: q.limit() }
}

/// One page of `timeline` as statuses, with its `Link` header.
pub(crate) async fn statuses(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    timeline: &Timeline,
    q: &PageQuery,
    uri: &axum::http::Uri,
) -> Result<Paged<Status>> {
    let (entries, more) = timelines::page(ctx, viewer, timeline, bounds(q)).await?;
    let mut out = Vec::with_capacity(entries.len());
    for e in &entries {
        out.push(render::entry(ctx, e, viewer.is_some()).await?);
    }
    // With `min_id` the page walks towards newer posts; older ones exist by construction.
    let older = more || q.min_id().is_some();
    Ok(Paged::new(out, &ctx.instance().base_url(), uri, older, |s| s.id.clone()))
}

async fn home(
    State(ctx): State<AppContext>,
    authed: Authed,
    OriginalUri(uri): OriginalUri,
    Query(q): Query<PageQuery>,
) -> Result<Paged<Status>> {
    authed.require("read:statuses")?;
    statuses(&ctx, Some(&authed.viewer), &Timeline::Home, &q, &uri).await
}

#[derive(Debug, Default, Deserialize)]
struct PublicQuery {
    #[serde(default, deserialize_with = "flexible_bool")]
    local: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    remote: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    only_media: Option<bool>,
    #[serde(flatten)]
    page: PageQuery,
}

fn viewer_of(authed: &Option<Authed>) -> Result<Option<&Viewer>> {
    match authed {
        Some(a) => {
            a.require("read:statuses")?;
            Ok(Some(&a.viewer))
        }
        None => Ok(None),
    }
}

fn parse<T: serde::de::DeserializeOwned + Default>(uri: &axum::http::Uri) -> Result<T> {
    serde_qs::Config::new(5, false)
        .deserialize_str(uri.query().unwrap_or(""))
        .map_err(|e| MastoError::new(axum::http::StatusCode::BAD_REQUEST, e.to_string()))
}

async fn public(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    OriginalUri(uri): OriginalUri,
) -> Result<Paged<Status>> {
    let viewer = viewer_of(&authed)?;
    let q: PublicQuery = parse(&uri)?;
    if q.only_media == Some(true) {
        // Guildhall keeps remote attachments as links only; no media-only view yet.
        return Ok(Paged::empty());
    }
    let local = match (q.local.unwrap_or(false), q.remote.unwrap_or(false)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        (true, true) => return Ok(Paged::empty()),
        (false, false) => None,
    };
    statuses(&ctx, viewer, &Timeline::Public { local }, &q.page, &uri).await
}

async fn tag(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    OriginalUri(uri): OriginalUri,
    Path(hashtag): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Paged<Status>> {
    let viewer = viewer_of(&authed)?;
    let name = hashtag.trim_start_matches('#');
    // Mastodon's hashtags are letters, digits and underscores; anything else matches nothing.
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Ok(Paged::empty());
    }
    statuses(&ctx, viewer, &Timeline::Tag { name: name.to_string() }, &q, &uri).await
}

async fn lists(authed: Authed) -> Result<Json<Vec<serde_json::Value>>> {
    authed.require("read:lists")?;
    Ok(Json(Vec::new()))
}

async fn list_timeline(authed: Authed) -> Result<Json<Vec<Status>>> {
    authed.require("read:lists")?;
    Err(MastoError::not_found())
}
