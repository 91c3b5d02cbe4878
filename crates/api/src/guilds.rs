//! Guilds: creating them, the mutual-consent links with communities, and what a guild shows
//! (member communities, combined feed and calendar, managers to contact).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use guildhall_app::AppContext;
use guildhall_app::events::EventView;
use guildhall_app::guilds::feed::{self, GuildContactView, GuildFeedItem, RelatedView};
use guildhall_app::guilds::{self, GuildLinkView, GuildMemberView, GuildView, NewGuild, links};
use guildhall_app::views::List;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::error::{ApiResult, ErrorBody};
use crate::events::Ics;
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};
use crate::federation::remote_error;

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(discussions))
        .routes(routes!(events))
        .routes(routes!(calendar_ics))
        .routes(routes!(contacts))
        .routes(routes!(invite, remove))
        .routes(routes!(community_guilds))
        .routes(routes!(join, leave))
        .routes(routes!(related))
}

fn viewer(s: &Option<Session>) -> Option<&guildhall_app::Viewer> {
    s.as_ref().map(|s| &s.viewer)
}

/// A community or guild named by `name` (here) or `name@domain` (fetched if new).
async fn resolve(ctx: &AppContext, handle: &str) -> ApiResult<guildhall_app::entities::community::Model> {
    if let Some(known) = guildhall_app::communities::find(ctx, handle).await? {
        return Ok(known);
    }
    if !handle.contains('@') {
        return Err(guildhall_app::Error::NotFound("community").into());
    }
    guildhall_app::remote::resolve_community(ctx, handle).await.map_err(remote_error)
}

/// Guilds known here: this instance's and those followed on others.
#[utoipa::path(get, path = "/api/guildhall/v1/guilds", tag = "guilds", params(PageQuery),
    responses((status = 200, body = List<GuildView>)))]
async fn list(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<GuildView>>> {
    Ok(Json(guilds::list(&ctx, viewer(&s), guildhall_app::page(q.page, q.limit)).await?))
}

/// Creates a guild; you become its first steward. Co-stewards are appointed like community
/// moderators (`POST /api/guildhall/v1/communities/{guild}/moderators`), also from other instances.
#[utoipa::path(post, path = "/api/guildhall/v1/guilds", tag = "guilds", request_body = NewGuild,
    responses((status = 201, body = GuildView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(new): ApiJson<NewGuild>,
) -> ApiResult<(StatusCode, Json<GuildView>)> {
    Ok((StatusCode::CREATED, Json(guilds::create(&ctx, &s.viewer, new).await?)))
}

/// One guild: stewards and member communities (pending ones for its stewards only).
#[utoipa::path(get, path = "/api/guildhall/v1/guilds/{handle}", tag = "guilds", params(("handle" = String, Path)),
    responses((status = 200, body = GuildView), (status = 404, body = ErrorBody)))]
async fn get(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(handle): ApiPath<String>,
) -> ApiResult<Json<GuildView>> {
    Ok(Json(guilds::get(&ctx, viewer(&s), &handle).await?))
}

/// The guild's combined feed: public discussions of its member communities (private members
/// contribute nothing), newest first.
#[utoipa::path(get, path = "/api/guildhall/v1/guilds/{handle}/discussions", tag = "guilds", params(("handle" = String, Path), PageQuery),
    responses((status = 200, body = List<GuildFeedItem>), (status = 404, body = ErrorBody)))]
async fn discussions(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(handle): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<GuildFeedItem>>> {
    Ok(Json(feed::feed(&ctx, viewer(&s), &handle, guildhall_app::page(q.page, q.limit)).await?))
}

/// The guild's combined calendar: upcoming public events of its member communities.
#[utoipa::path(get, path = "/api/guildhall/v1/guilds/{handle}/events", tag = "guilds", params(("handle" = String, Path), PageQuery),
    responses((status = 200, body = List<EventView>), (status = 404, body = ErrorBody)))]
async fn events(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(handle): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<EventView>>> {
    Ok(Json(feed::calendar(&ctx, viewer(&s), &handle, guildhall_app::page(q.page, q.limit)).await?))
}

/// The guild's combined calendar as iCalendar (`text/calendar`).
#[utoipa::path(get, path = "/api/guildhall/v1/guilds/{handle}/calendar.ics", tag = "guilds", params(("handle" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
async fn calendar_ics(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(handle): ApiPath<String>,
) -> ApiResult<Ics> {
    Ok(Ics(feed::calendar_ics(&ctx, viewer(&s), &handle).await?))
}

/// The managers of the guild's member communities, to contact (private members: none).
#[utoipa::path(get, path = "/api/guildhall/v1/guilds/{handle}/contacts", tag = "guilds", params(("handle" = String, Path)),
    responses((status = 200, body = Vec<GuildContactView>), (status = 404, body = ErrorBody)))]
async fn contacts(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(handle): ApiPath<String>,
) -> ApiResult<Json<Vec<GuildContactView>>> {
    if let Some(g) = guildhall_app::communities::find(&ctx, &handle).await?.filter(|g| g.kind == "guild") {
        // Managers of communities on other instances are read from there, a few per request.
        guildhall_app::remote::refresh_guild_contacts(&ctx, &g, 3).await;
    }
    Ok(Json(feed::contacts(&ctx, viewer(&s), &handle).await?))
}

/// Stewards invite a community (`name` or `name@domain`) into the guild, or accept its
/// request. The link is active once both sides said yes.
#[utoipa::path(put, path = "/api/guildhall/v1/guilds/{handle}/communities/{community}", tag = "guilds",
    params(("handle" = String, Path), ("community" = String, Path)),
    responses((status = 200, body = GuildMemberView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
async fn invite(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((handle, community)): ApiPath<(String, String)>,
) -> ApiResult<Json<GuildMemberView>> {
    // The steward check comes first: no remote lookups for people who may not invite.
    guilds::get(&ctx, Some(&s.viewer), &handle)
        .await?
        .can_manage
        .then_some(())
        .ok_or(guildhall_app::Error::Denied(guildhall_domain::Denied::ModeratorsOnly))?;
    let c = resolve(&ctx, &community).await?;
    Ok(Json(links::guild_invites(&ctx, &s.viewer, &handle, &c).await?))
}

/// Stewards remove a community from the guild, decline its request or withdraw an invitation.
#[utoipa::path(delete, path = "/api/guildhall/v1/guilds/{handle}/communities/{community}", tag = "guilds",
    params(("handle" = String, Path), ("community" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn remove(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((handle, community)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    links::guild_removes(&ctx, &s.viewer, &handle, &community).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The guilds a community belongs to (pending requests and invitations for its moderators).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/guilds", tag = "guilds", params(("name" = String, Path)),
    responses((status = 200, body = Vec<GuildLinkView>), (status = 404, body = ErrorBody)))]
async fn community_guilds(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Vec<GuildLinkView>>> {
    Ok(Json(guilds::of_community(&ctx, viewer(&s), &name).await?))
}

/// A community's moderators ask to join a guild (`name` or `name@domain`), or accept its
/// invitation. The link is active once both sides said yes.
#[utoipa::path(put, path = "/api/guildhall/v1/communities/{name}/guilds/{guild}", tag = "guilds",
    params(("name" = String, Path), ("guild" = String, Path)),
    responses((status = 200, body = GuildLinkView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
async fn join(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, guild)): ApiPath<(String, String)>,
) -> ApiResult<Json<GuildLinkView>> {
    let community = guildhall_app::communities::get(&ctx, Some(&s.viewer), &name).await?;
    if community.my_role != guildhall_domain::CommunityRole::Moderator && !s.viewer.is_admin {
        return Err(guildhall_app::Error::Denied(guildhall_domain::Denied::ModeratorsOnly).into());
    }
    let g = resolve(&ctx, &guild).await?;
    Ok(Json(links::community_joins(&ctx, &s.viewer, &name, &g).await?))
}

/// A community's moderators leave a guild, decline its invitation or withdraw their request.
#[utoipa::path(delete, path = "/api/guildhall/v1/communities/{name}/guilds/{guild}", tag = "guilds",
    params(("name" = String, Path), ("guild" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn leave(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((name, guild)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    links::community_leaves(&ctx, &s.viewer, &name, &guild).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Communities and guilds like this one, here and on known instances, by shared topic tags
/// and shared members (private ones are never suggested).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/related", tag = "guilds", params(("name" = String, Path)),
    responses((status = 200, body = Vec<RelatedView>), (status = 404, body = ErrorBody)))]
async fn related(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<Vec<RelatedView>>> {
    Ok(Json(feed::related(&ctx, viewer(&s), &name).await?))
}
