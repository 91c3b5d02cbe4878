//! Following, in Guildhall's terms: following a group account joins its community (and
//! accepts its charter, which the group account links in its `fields`); a community that
//! approves members answers `requested: true` until a moderator decides. People cannot be
//! followed: Guildhall has no person-to-person following. Follow requests are the join
//! requests in the communities the viewer moderates.

use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use guildhall_app::{AppContext, Viewer};
use serde::Deserialize;

use crate::auth::Authed;
use crate::body::Params;
use crate::entities::{Account, Relationship};
use crate::error::{MastoError, Result};
use crate::ids::AccountId;
use crate::render;

/// The message for following a person.
pub const NO_PERSON_FOLLOWS: &str =
    "Guildhall has no following of people; follow a community (a group account) to see its discussions";

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/accounts/{id}/follow", post(follow))
        .route("/api/v1/accounts/{id}/unfollow", post(unfollow))
        .route("/api/v1/accounts/relationships", get(relationships))
        .route("/api/v1/follow_requests", get(follow_requests))
        .route("/api/v1/follow_requests/{id}/authorize", post(authorize))
        .route("/api/v1/follow_requests/{id}/reject", post(reject))
}

/// A relationship with nothing in it (a person, or a community the viewer is not in).
pub fn blank(id: String) -> Relationship {
    Relationship {
        id,
        following: false,
        showing_reblogs: false,
        notifying: false,
        languages: None,
        followed_by: false,
        blocking: false,
        blocked_by: false,
        muting: false,
        muting_notifications: false,
        requested: false,
        requested_by: false,
        domain_blocking: false,
        endorsed: false,
        note: String::new(),
    }
}

/// The viewer's relationship to one account; `None` for ids that name nothing.
async fn relationship(ctx: &AppContext, viewer: &Viewer, id: AccountId) -> Result<Option<Relationship>> {
    match id {
        AccountId::Group(g) => match guildhall_app::interactions::community(ctx, Some(viewer), g).await {
            Ok((c, _)) => {
                let (following, requested) = render::following(c.my_role);
                // `notifying`: the member watches the community (new discussions and events).
                let level = guildhall_app::notify_prefs::level_for(ctx, viewer, c.id).await?;
                let notifying = level == guildhall_app::notify_prefs::NotifyLevel::Watch;
                let muting_notifications = level == guildhall_app::notify_prefs::NotifyLevel::Mute;
                Ok(Some(Relationship {
                    following,
                    requested,
                    showing_reblogs: following,
                    notifying,
                    muting_notifications,
                    ..blank(id.to_string())
                }))
            }
            Err(guildhall_app::Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        },
        AccountId::Person(p) => Ok(guildhall_app::lookup::account(ctx, p).await?.map(|_| blank(id.to_string()))),
    }
}

fn account_id(raw: &str) -> Result<AccountId> {
    AccountId::parse(raw).ok_or_else(MastoError::not_found)
}

/// `POST /api/v1/accounts/:id/follow`'s parameters.
#[derive(Debug, Default, Deserialize)]
struct FollowParams {
    /// `true`: watch the community (hear of every new discussion and event); `false`: back to
    /// normal; absent: unchanged.
    #[serde(default, deserialize_with = "crate::body::flexible_bool")]
    notify: Option<bool>,
}

async fn follow(
    State(ctx): State<AppContext>,
    authed: Authed,
    Path(id): Path<String>,
    Params(params): Params<FollowParams>,
) -> Result<Json<Relationship>> {
    authed.require("write:follows")?;
    let id = account_id(&id)?;
    match id {
        AccountId::Group(g) => {
            let (c, _) = guildhall_app::interactions::community(&ctx, Some(&authed.viewer), g).await?;
            guildhall_app::interactions::follow_community(&ctx, &authed.viewer, g).await.or_else(already)?;
            if let Some(notify) = params.notify {
                let level = if notify { "watch" } else { "normal" };
                // A community not yet readable (a join request waiting): nothing to watch yet,
                // and the relationship says so (`notifying: false`).
                match guildhall_app::notify_prefs::set_level(&ctx, &authed.viewer, &c.handle, level).await {
                    Ok(_) | Err(guildhall_app::Error::NotFound(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        AccountId::Person(p) => {
            guildhall_app::lookup::account(&ctx, p).await?.ok_or_else(MastoError::not_found)?;
            return Err(MastoError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, NO_PERSON_FOLLOWS));
        }
    }
    relationship(&ctx, &authed.viewer, id).await?.map(Json).ok_or_else(MastoError::not_found)
}

/// Following again what one already follows (or asked to) answers the relationship, as
/// Mastodon does.
fn already(e: guildhall_app::Error) -> std::result::Result<guildhall_app::views::JoinView, guildhall_app::Error> {
    use guildhall_domain::Denied;
    match e {
        guildhall_app::Error::Denied(Denied::AlreadyMember | Denied::AlreadyPending) => {
            Ok(guildhall_app::views::JoinView { status: "unchanged".into(), welcome_message: None })
        }
        other => Err(other),
    }
}

async fn unfollow(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Relationship>> {
    authed.require("write:follows")?;
    let id = account_id(&id)?;
    if let AccountId::Group(g) = id {
        guildhall_app::interactions::unfollow_community(&ctx, &authed.viewer, g).await?;
    }
    relationship(&ctx, &authed.viewer, id).await?.map(Json).ok_or_else(MastoError::not_found)
}

#[derive(Debug, Default, Deserialize)]
struct Ids {
    #[serde(default)]
    id: Vec<String>,
}

/// `id[]=1&id[]=2`, or a single `id=1`.
fn ids_of(uri: &Uri) -> Result<Vec<String>> {
    let q = uri.query().unwrap_or("");
    #[derive(Deserialize)]
    struct One {
        id: Option<String>,
    }
    let qs = serde_qs::Config::new(5, false);
    match qs.deserialize_str::<Ids>(q) {
        Ok(ids) if !ids.id.is_empty() => Ok(ids.id),
        _ => Ok(qs.deserialize_str::<One>(q).ok().and_then(|o| o.id).into_iter().collect()),
    }
}

async fn relationships(State(ctx): State<AppContext>, authed: Authed, uri: Uri) -> Result<Json<Vec<Relationship>>> {
    authed.require("read:follows")?;
    let mut out = Vec::new();
    // Mastodon caps this list; so do we, so one request cannot ask about everyone.
    for raw in ids_of(&uri)?.iter().take(100) {
        let Some(id) = AccountId::parse(raw) else { continue };
        if let Some(r) = relationship(&ctx, &authed.viewer, id).await? {
            out.push(r);
        }
    }
    Ok(Json(out))
}

#[derive(Debug, Deserialize)]
struct Limit {
    limit: Option<String>,
}

/// Mastodon's `limit` (default 40 here, at most 80), lenient about junk as Mastodon is.
pub fn limit_of(raw: Option<&str>, default: u64, max: u64) -> u64 {
    raw.and_then(|l| l.trim().parse::<u64>().ok()).unwrap_or(default).clamp(1, max)
}

async fn follow_requests(
    State(ctx): State<AppContext>,
    authed: Authed,
    Query(q): Query<Limit>,
) -> Result<Json<Vec<Account>>> {
    authed.require("read:follows")?;
    // paging: one page without Link headers until paging.rs lands.
    let limit = limit_of(q.limit.as_deref(), 40, 80);
    let people = guildhall_app::interactions::follow_requests(&ctx, &authed.viewer, limit).await?;
    Ok(Json(people.iter().map(|a| render::person(&ctx, a)).collect()))
}

async fn decide(ctx: &AppContext, authed: &Authed, raw: &str, accept: bool) -> Result<Json<Relationship>> {
    authed.require("write:follows")?;
    let AccountId::Person(p) = account_id(raw)? else { return Err(MastoError::not_found()) };
    guildhall_app::interactions::decide_follow_request(ctx, &authed.viewer, p, accept).await?;
    // The person now follows (is a member of) the viewer's community, or does not.
    Ok(Json(Relationship { followed_by: accept, ..blank(raw.to_string()) }))
}

async fn authorize(
    State(ctx): State<AppContext>,
    authed: Authed,
    Path(id): Path<String>,
) -> Result<Json<Relationship>> {
    decide(&ctx, &authed, &id, true).await
}

async fn reject(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Relationship>> {
    decide(&ctx, &authed, &id, false).await
}
