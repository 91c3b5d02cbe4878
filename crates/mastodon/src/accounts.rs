//! Accounts: the signed-in person, people, and communities and guilds as group accounts.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::timelines::Timeline;
use guildhall_app::{AppContext, Viewer, communities, lookup};
use guildhall_domain::AccountStatus;
use serde::Deserialize;

use crate::auth::Authed;
use crate::body::flexible_bool;
use crate::entities::{Account, Status};
use crate::error::{MastoError, Result};
use crate::ids::AccountId;
use crate::paging::{PageQuery, Paged};
use crate::{render, timelines};

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/accounts/verify_credentials", get(verify_credentials))
        .route("/api/v1/accounts/lookup", get(lookup_acct))
        .route("/api/v1/accounts/{id}", get(show))
        .route("/api/v1/accounts/{id}/statuses", get(statuses))
        .route("/api/v1/accounts/{id}/followers", get(members))
        .route("/api/v1/accounts/{id}/following", get(members))
}

/// Checks the read scope when a token was sent; anonymous reads are allowed.
fn viewer_of<'a>(authed: &'a Option<Authed>, scope: &str) -> Result<Option<&'a Viewer>> {
    match authed {
        Some(a) => {
            a.require(scope)?;
            Ok(Some(&a.viewer))
        }
        None => Ok(None),
    }
}

async fn verify_credentials(State(ctx): State<AppContext>, authed: Authed) -> Result<Json<Account>> {
    authed.require("read:accounts")?;
    let a = lookup::account(&ctx, authed.viewer.account_id).await?.ok_or_else(MastoError::invalid_token)?;
    Ok(Json(render::credential(&ctx, &a)))
}

/// A community or guild by row id, as the viewer may know it (404 otherwise).
pub(crate) async fn group(ctx: &AppContext, viewer: Option<&Viewer>, id: i64) -> Result<Account> {
    let c = lookup::community(ctx, id).await?.ok_or_else(MastoError::not_found)?;
    let handle = if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) };
    let view = communities::get(ctx, viewer, &handle).await?;
    Ok(render::group(ctx, &view, c.ap_id.as_deref()))
}

/// A person by row id: an active local account or a known remote one.
pub(crate) async fn person(ctx: &AppContext, id: i64) -> Result<Account> {
    let a = lookup::account(ctx, id)
        .await?
        .filter(|a| a.status == AccountStatus::Active)
        .ok_or_else(MastoError::not_found)?;
    Ok(render::person(ctx, &a))
}

/// An account by Mastodon id.
pub(crate) async fn account(ctx: &AppContext, viewer: Option<&Viewer>, id: AccountId) -> Result<Account> {
    match id {
        AccountId::Person(p) => person(ctx, p).await,
        AccountId::Group(g) => group(ctx, viewer, g).await,
    }
}

/// A person or community by handle (`name`, `@name`, `name@domain`), among those this
/// instance knows: never a network request. People and communities share one name space.
pub(crate) async fn by_handle(ctx: &AppContext, viewer: Option<&Viewer>, acct: &str) -> Result<Option<Account>> {
    let acct = acct.trim().trim_start_matches('@');
    if acct.is_empty() {
        return Ok(None);
    }
    if let Some(a) = guildhall_app::accounts::find_handle(ctx, acct).await?
        && a.status == AccountStatus::Active
    {
        return Ok(Some(render::person(ctx, &a)));
    }
    match communities::find(ctx, acct).await? {
        Some(c) => match group(ctx, viewer, c.id).await {
            Ok(g) => Ok(Some(g)),
            Err(e) if e.status() == axum::http::StatusCode::NOT_FOUND => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

fn parse_id(id: &str) -> Result<AccountId> {
    AccountId::parse(id).ok_or_else(MastoError::not_found)
}

async fn show(State(ctx): State<AppContext>, authed: Option<Authed>, Path(id): Path<String>) -> Result<Json<Account>> {
    let viewer = viewer_of(&authed, "read:accounts")?;
    Ok(Json(account(&ctx, viewer, parse_id(&id)?).await?))
}

#[derive(Debug, Deserialize)]
struct LookupQuery {
    acct: Option<String>,
}

async fn lookup_acct(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Query(q): Query<LookupQuery>,
) -> Result<Json<Account>> {
    let viewer = viewer_of(&authed, "read:accounts")?;
    let acct = q.acct.unwrap_or_default();
    by_handle(&ctx, viewer, &acct).await?.map(Json).ok_or_else(MastoError::not_found)
}

#[derive(Debug, Default, Deserialize)]
struct StatusesQuery {
    #[serde(default, deserialize_with = "flexible_bool")]
    pinned: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    only_media: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    exclude_replies: Option<bool>,
    #[serde(default)]
    tagged: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn statuses(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
) -> Result<Paged<Status>> {
    let viewer = viewer_of(&authed, "read:statuses")?;
    let q: StatusesQuery = serde_qs::Config::new(5, false)
        .deserialize_str(uri.query().unwrap_or(""))
        .map_err(|e| MastoError::new(axum::http::StatusCode::BAD_REQUEST, e.to_string()))?;
    let id = parse_id(&id)?;
    // The account itself must be visible: a hidden community answers 404, not an empty list.
    account(&ctx, viewer, id).await?;
    if q.pinned == Some(true) || q.only_media == Some(true) || q.tagged.is_some() {
        // Not kept per account: pinned statuses, media-only and tag filters list nothing.
        return Ok(Paged::empty());
    }
    let timeline = match id {
        AccountId::Group(g) => Timeline::Community(g),
        AccountId::Person(p) => Timeline::Author { id: p, discussions_only: q.exclude_replies == Some(true) },
    };
    timelines::statuses(&ctx, viewer, &timeline, &q.page, &uri).await
}

/// Followers and following: Guildhall does not show member lists to apps.
async fn members(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Path(id): Path<String>,
) -> Result<Paged<Account>> {
    let viewer = viewer_of(&authed, "read:accounts")?;
    account(&ctx, viewer, parse_id(&id)?).await?;
    Ok(Paged::empty())
}
