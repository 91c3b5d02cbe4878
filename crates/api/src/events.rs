//! Events: create, edit, cancel, delete, list; RSVPs and attendees; iCalendar feeds.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::AppContext;
use guildhall_app::When;
use guildhall_app::events::{self, AttendeeView, CalendarTokenView, EventInput, EventView, ical, rsvp};
use guildhall_app::views::{List, VoteView};
use guildhall_domain::event::EventSettings;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::admin::PageQuery;
use crate::discussions::VoteRequest;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(community_ics))
        .routes(routes!(get, update, delete))
        .routes(routes!(cancel))
        .routes(routes!(rsvp_to))
        .routes(routes!(attendees))
        .routes(routes!(replies))
        .routes(routes!(vote))
        .routes(routes!(accept))
        .routes(routes!(reject))
        .routes(routes!(event_ics))
        .routes(routes!(mine))
        .routes(routes!(new_calendar_token))
        .routes(routes!(my_feed))
}

/// Which events.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum WhenParam {
    /// Not over yet, soonest first.
    #[default]
    Upcoming,
    /// Over, most recent first.
    Past,
}

/// List options.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// `upcoming` (default) or `past`.
    pub when: Option<WhenParam>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Items per page (1–100, default 20).
    pub limit: Option<u64>,
}

fn viewer(s: &Option<Session>) -> Option<&guildhall_app::Viewer> {
    s.as_ref().map(|s| &s.viewer)
}

pub(crate) struct Ics(pub(crate) String);

impl IntoResponse for Ics {
    fn into_response(self) -> Response {
        let mut r = self.0.into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
        r
    }
}

/// A community's events.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/events", tag = "events", params(("name" = String, Path), EventListQuery),
    responses((status = 200, body = List<EventView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
    ApiQuery(q): ApiQuery<EventListQuery>,
) -> ApiResult<Json<List<EventView>>> {
    let when = match q.when.unwrap_or_default() {
        WhenParam::Upcoming => When::Upcoming,
        WhenParam::Past => When::Past,
    };
    Ok(Json(events::list(&ctx, viewer(&s), &name, when, guildhall_app::page(q.page, q.limit)).await?))
}

/// Creates an event (moderators, or members when the community allows it).
#[utoipa::path(post, path = "/api/guildhall/v1/communities/{name}/events", tag = "events", params(("name" = String, Path)), request_body = EventInput,
    responses((status = 201, body = EventView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn create(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<EventInput>,
) -> ApiResult<(StatusCode, Json<EventView>)> {
    Ok((StatusCode::CREATED, Json(events::create(&ctx, &s.viewer, &name, &req).await?)))
}

/// A community's event settings.
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/event-settings", tag = "events", params(("name" = String, Path)),
    responses((status = 200, body = EventSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_settings(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<EventSettings>> {
    Ok(Json(events::settings(&ctx, viewer(&s), &name).await?))
}

/// Changes a community's event settings (moderators).
#[utoipa::path(put, path = "/api/guildhall/v1/communities/{name}/event-settings", tag = "events", params(("name" = String, Path)), request_body = EventSettings,
    responses((status = 200, body = EventSettings), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn put_settings(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(name): ApiPath<String>,
    ApiJson(req): ApiJson<EventSettings>,
) -> ApiResult<Json<EventSettings>> {
    Ok(Json(events::set_settings(&ctx, &s.viewer, &name, req).await?))
}

/// A community's recent and upcoming events as iCalendar (`text/calendar`).
#[utoipa::path(get, path = "/api/guildhall/v1/communities/{name}/calendar.ics", tag = "events", params(("name" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn community_ics(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Ics> {
    Ok(Ics(ical::community_ics(&ctx, viewer(&s), &name).await?))
}

/// One event.
#[utoipa::path(get, path = "/api/guildhall/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody)))]
async fn get(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<EventView>> {
    Ok(Json(events::get(&ctx, viewer(&s), id).await?))
}

/// Edits an event (organiser or moderator); omitted fields are kept. Every edit increments
/// `sequence`.
#[utoipa::path(patch, path = "/api/guildhall/v1/events/{id}", tag = "events", params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 200, body = EventView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn update(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<EventInput>,
) -> ApiResult<Json<EventView>> {
    Ok(Json(events::update(&ctx, &s.viewer, id, &req).await?))
}

/// Deletes an event (organiser or moderator).
#[utoipa::path(delete, path = "/api/guildhall/v1/events/{id}", tag = "events", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn delete(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<StatusCode> {
    events::delete(&ctx, &s.viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels an event (organiser or moderator); it stays listed as cancelled.
#[utoipa::path(post, path = "/api/guildhall/v1/events/{id}/cancel", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = EventView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn cancel(State(ctx): State<AppContext>, s: Session, ApiPath(id): ApiPath<i64>) -> ApiResult<Json<EventView>> {
    Ok(Json(events::cancel(&ctx, &s.viewer, id).await?))
}

/// An RSVP.
#[derive(Deserialize, ToSchema)]
pub struct RsvpRequest {
    /// `going` or `not_going`.
    pub status: String,
}

/// RSVPs going (you may be waitlisted when full, or wait for an organiser on approval events)
/// or not going (frees your place for the waitlist).
#[utoipa::path(post, path = "/api/guildhall/v1/events/{id}/rsvp", tag = "events", params(("id" = i64, Path)), request_body = RsvpRequest,
    responses((status = 200, body = EventView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn rsvp_to(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RsvpRequest>,
) -> ApiResult<Json<EventView>> {
    match req.status.as_str() {
        "going" => Ok(Json(rsvp::going(&ctx, &s.viewer, id).await?)),
        "not_going" => Ok(Json(rsvp::not_going(&ctx, &s.viewer, id).await?)),
        _ => {
            Err(guildhall_app::Error::from(guildhall_domain::Invalid::new("status", "must be going or not_going"))
                .into())
        }
    }
}

/// Replies to an event from other servers (Mastodon users answer it as a post), oldest
/// first; visible to whoever may read the event.
#[utoipa::path(get, path = "/api/guildhall/v1/events/{id}/replies", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<guildhall_app::events::replies::EventReplyView>), (status = 404, body = ErrorBody)))]
async fn replies(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<guildhall_app::events::replies::EventReplyView>>> {
    Ok(Json(events::replies::list(&ctx, viewer(&s), id).await?))
}

/// Votes on an event (members), as on a discussion.
#[utoipa::path(post, path = "/api/guildhall/v1/events/{id}/vote", tag = "events", params(("id" = i64, Path)), request_body = VoteRequest,
    responses((status = 200, body = VoteView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn vote(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<VoteRequest>,
) -> ApiResult<Json<VoteView>> {
    Ok(Json(guildhall_app::votes::vote(&ctx, &s.viewer, guildhall_app::votes::On::Event(id), req.value).await?))
}

/// Who RSVPed (organisers and moderators; members when the community's settings allow).
#[utoipa::path(get, path = "/api/guildhall/v1/events/{id}/attendees", tag = "events", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = List<AttendeeView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn attendees(
    State(ctx): State<AppContext>,
    s: Option<Session>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<AttendeeView>>> {
    Ok(Json(rsvp::attendees(&ctx, viewer(&s), id, guildhall_app::page(q.page, q.limit)).await?))
}

/// Accepts someone's RSVP (organiser or moderator): going if there is room, else waitlisted.
#[utoipa::path(post, path = "/api/guildhall/v1/events/{id}/attendees/{handle}/accept", tag = "events", params(("id" = i64, Path), ("handle" = String, Path)),
    responses((status = 200, body = AttendeeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn accept(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((id, handle)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AttendeeView>> {
    Ok(Json(rsvp::decide(&ctx, &s.viewer, id, &handle, true).await?))
}

/// Rejects someone's RSVP (organiser or moderator).
#[utoipa::path(post, path = "/api/guildhall/v1/events/{id}/attendees/{handle}/reject", tag = "events", params(("id" = i64, Path), ("handle" = String, Path)),
    responses((status = 200, body = AttendeeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
async fn reject(
    State(ctx): State<AppContext>,
    s: Session,
    ApiPath((id, handle)): ApiPath<(i64, String)>,
) -> ApiResult<Json<AttendeeView>> {
    Ok(Json(rsvp::decide(&ctx, &s.viewer, id, &handle, false).await?))
}

/// One event as iCalendar (`text/calendar`).
#[utoipa::path(get, path = "/api/guildhall/v1/events/{id}/calendar.ics", tag = "events", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
async fn event_ics(State(ctx): State<AppContext>, s: Option<Session>, ApiPath(id): ApiPath<i64>) -> ApiResult<Ics> {
    Ok(Ics(ical::event_ics(&ctx, viewer(&s), id).await?))
}

/// Upcoming events in every community you are a member of, soonest first.
#[utoipa::path(get, path = "/api/guildhall/v1/accounts/me/events", tag = "events", params(PageQuery),
    responses((status = 200, body = List<EventView>), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn mine(
    State(ctx): State<AppContext>,
    s: Session,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<List<EventView>>> {
    Ok(Json(events::mine(&ctx, &s.viewer, guildhall_app::page(q.page, q.limit)).await?))
}

/// Makes a new secret URL for your "my events" calendar feed; the previous one stops working.
#[utoipa::path(post, path = "/api/guildhall/v1/accounts/me/calendar-token", tag = "events",
    responses((status = 201, body = CalendarTokenView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn new_calendar_token(
    State(ctx): State<AppContext>,
    s: Session,
) -> ApiResult<(StatusCode, Json<CalendarTokenView>)> {
    Ok((StatusCode::CREATED, Json(ical::new_token(&ctx, &s.viewer).await?)))
}

/// A member's "my events" feed (iCalendar), at the secret URL from `calendar-token`.
#[utoipa::path(get, path = "/api/guildhall/v1/calendar/{token}/events.ics", tag = "events", params(("token" = String, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
async fn my_feed(State(ctx): State<AppContext>, ApiPath(token): ApiPath<String>) -> Result<Ics, ApiError> {
    Ok(Ics(ical::my_feed(&ctx, &token).await?))
}
