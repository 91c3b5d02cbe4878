//! `GET /api/v1/markers` and `POST /api/v1/markers`: where the person stopped reading their
//! home timeline and notifications, shared by all their apps.

use std::collections::BTreeMap;

use axum::extract::{OriginalUri, State};
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::AppContext;
use guildhall_app::markers::{self, Marker};
use serde::{Deserialize, Serialize};

use crate::auth::Authed;
use crate::body::Params;
use crate::entities::time;
use crate::error::{MastoError, Result};

pub(crate) fn routes() -> Router<AppContext> {
    Router::new().route("/api/v1/markers", get(show).post(save))
}

/// Mastodon's Marker entity.
#[derive(Debug, Serialize)]
struct MarkerEntity {
    last_read_id: String,
    version: i32,
    updated_at: String,
}

fn entities(list: Vec<Marker>) -> BTreeMap<String, MarkerEntity> {
    list.into_iter()
        .map(|m| {
            let e = MarkerEntity { last_read_id: m.last_read_id, version: m.version, updated_at: time(m.updated_at) };
            (m.timeline, e)
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct Which {
    #[serde(default)]
    timeline: Vec<String>,
}

async fn show(
    State(ctx): State<AppContext>,
    authed: Authed,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<BTreeMap<String, MarkerEntity>>> {
    authed.require("read:statuses")?;
    let which: Which =
        serde_qs::Config::new(2, false).deserialize_str(uri.query().unwrap_or("")).map_err(MastoError::validation)?;
    Ok(Json(entities(markers::get(&ctx, &authed.viewer, &which.timeline).await?)))
}

#[derive(Debug, Deserialize)]
struct Position {
    last_read_id: String,
}

#[derive(Debug, Deserialize)]
struct Save {
    home: Option<Position>,
    notifications: Option<Position>,
}

async fn save(
    State(ctx): State<AppContext>,
    authed: Authed,
    Params(body): Params<Save>,
) -> Result<Json<BTreeMap<String, MarkerEntity>>> {
    authed.require("write:statuses")?;
    let mut saved = vec![];
    for (timeline, position) in [("home", body.home), ("notifications", body.notifications)] {
        if let Some(p) = position {
            saved.push(markers::set(&ctx, &authed.viewer, timeline, &p.last_read_id).await?);
        }
    }
    if saved.is_empty() {
        return Err(MastoError::validation("give home[last_read_id] or notifications[last_read_id]"));
    }
    Ok(Json(entities(saved)))
}
