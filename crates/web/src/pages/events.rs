//! Events: a community's upcoming and past events, one event (when, where, status, places,
//! RSVP, attendees, calendar links), creating, editing, cancelling and deleting events, and
//! the iCalendar files behind the "add to calendar" links.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use guildhall_app::When;
use guildhall_app::event_pages::{self, EventAbilities};
use guildhall_app::events::{self, AttendeeView, EventInput, EventView, ical, rsvp};
use guildhall_app::views::CommunityView;
use guildhall_app::{AppContext, Error, communities};
use guildhall_domain::event::{EventStatus, JoinMode, ParticipantStatus};
use guildhall_domain::{Denied, Invalid};
use serde::Deserialize;

use super::actions::ConfirmDeletePage;
use super::{OrPage, PageError, TokenForm, community_path, form_refusal, render, render_form, see_other};
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// `GET /communities/{handle}/events`: upcoming (soonest first) or past (latest first).
#[derive(Template)]
#[template(path = "events.html")]
pub(crate) struct EventsPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub past: bool,
    pub events: Vec<EventView>,
    pub page: u64,
    pub has_more: bool,
    pub may_create: bool,
}

impl EventsPage {
    fn page_link(&self, page: u64) -> String {
        format!(
            "{}/events?when={}&page={page}",
            community_path(&self.co.handle),
            if self.past { "past" } else { "upcoming" }
        )
    }
}

/// `?when=&page=` on the events list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EventsQuery {
    #[serde(default)]
    when: String,
    page: Option<u64>,
}

/// `GET /communities/{handle}/events`.
pub(crate) async fn list(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    q: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    let past = q.when == "past";
    let when = if past { When::Past } else { When::Upcoming };
    let l =
        events::list(&ctx, v.viewer(), &co.handle, when, guildhall_app::page(q.page, Some(20))).await.or_page(&v)?;
    let may_create = event_pages::may_create(&ctx, v.viewer(), &co.handle).await.or_page(&v)?;
    let page = EventsPage { c: v.chrome(), co, past, events: l.items, page: l.page, has_more: l.has_more, may_create };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /events/{id}`.
#[derive(Template)]
#[template(path = "event.html")]
pub(crate) struct EventPage {
    pub c: Chrome,
    pub e: EventView,
    pub co: CommunityView,
    pub can: EventAbilities,
    /// `Some` for those allowed to see who attends.
    pub attendees: Option<Vec<AttendeeView>>,
    /// The viewer's time zone, when they chose one.
    pub viewer_zone: Option<String>,
    /// Replies from other servers (Mastodon users answer the event as a post).
    pub replies: Vec<guildhall_app::events::replies::EventReplyView>,
}

impl EventPage {
    /// The viewer's time zone when it differs from the event's (its times are shown first).
    fn my_zone(&self) -> Option<&str> {
        self.viewer_zone.as_deref().filter(|z| *z != self.e.timezone)
    }

    /// The UTC line: for viewers without a time zone, when the event is not in UTC.
    fn show_utc(&self) -> bool {
        self.viewer_zone.is_none() && !self.in_utc()
    }

    /// Where the vote buttons post.
    fn vote_action(&self) -> String {
        format!("/events/{}/vote", self.e.id)
    }

    fn cancelled(&self) -> bool {
        self.e.status == EventStatus::Cancelled
    }

    fn ended(&self) -> bool {
        self.e.ends_at < chrono::Utc::now()
    }

    fn in_utc(&self) -> bool {
        self.e.timezone == "UTC" || self.e.timezone == "Etc/UTC"
    }

    fn rsvp_state(&self) -> &'static str {
        match self.e.my_rsvp {
            Some(ParticipantStatus::Going) => "going",
            Some(ParticipantStatus::Waitlisted) => "waitlisted",
            Some(ParticipantStatus::Pending) => "pending",
            Some(ParticipantStatus::Rejected) => "rejected",
            None => "none",
        }
    }

    fn external(&self) -> bool {
        self.e.join_mode == JoinMode::External
    }

    fn approval(&self) -> bool {
        self.e.join_mode == JoinMode::Approval
    }

    fn full(&self) -> bool {
        self.e.remaining == Some(0)
    }

    fn status_name(&self, s: &ParticipantStatus) -> &'static str {
        s.as_str()
    }
}

/// `GET /events/{id}`.
pub(crate) async fn show(State(ctx): State<AppContext>, v: Visit, Path(id): Path<i64>) -> Result<Response, PageError> {
    let e = events::get(&ctx, v.viewer(), id).await.or_page(&v)?;
    let co = communities::get(&ctx, v.viewer(), &e.community).await.or_page(&v)?;
    let can = event_pages::abilities(&ctx, v.viewer(), id).await.or_page(&v)?;
    let attendees = if can.see_attendees {
        match rsvp::attendees(&ctx, v.viewer(), id, guildhall_app::page(None, Some(100))).await {
            Ok(l) => Some(l.items),
            Err(Error::Denied(_)) => None,
            Err(e) => return Err(PageError::app(&v, e)),
        }
    } else {
        None
    };
    let replies = events::replies::list(&ctx, v.viewer(), id).await.or_page(&v)?;
    let viewer_zone = v.signed.as_ref().and_then(|s| s.time_zone.clone());
    Ok(render(StatusCode::OK, &EventPage { c: v.chrome(), e, co, can, attendees, viewer_zone, replies }))
}

/// The event form's fields (create and edit).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EventForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub place_name: String,
    #[serde(default)]
    pub place_address: String,
    #[serde(default)]
    pub online_url: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub join_mode: String,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `2026-12-01T18:30:00+01:00` → `2026-12-01T18:30`, for `datetime-local` inputs.
fn wall_clock(local: &str) -> String {
    local.get(..16).unwrap_or(local).to_owned()
}

impl EventForm {
    fn of(e: &EventView) -> Self {
        EventForm {
            title: e.title.clone(),
            description: e.description.clone(),
            starts_at: wall_clock(&e.starts_at_local),
            ends_at: wall_clock(&e.ends_at_local),
            timezone: e.timezone.clone(),
            place_name: e.place_name.clone(),
            place_address: e.place_address.clone(),
            online_url: e.online_url.clone(),
            capacity: e.capacity.map(|c| c.to_string()).unwrap_or_default(),
            join_mode: e.join_mode.as_str().into(),
            external_url: e.external_url.clone(),
            status: e.status.as_str().into(),
            csrf_token: String::new(),
        }
    }

    /// The input for the use case, or the capacity's error when it is not a whole number.
    fn input(&self, lang: crate::i18n::Lang, editing: bool) -> Result<EventInput, Errors> {
        let raw = self.capacity.trim();
        let capacity = if raw.is_empty() {
            None
        } else {
            match raw.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => return Err(Errors::one("capacity", lang.t("error-capacity"))),
            }
        };
        let status = if editing && !self.status.is_empty() { Some(self.status.clone()) } else { None };
        let join_mode = if self.join_mode.is_empty() { "free".to_owned() } else { self.join_mode.clone() };
        Ok(EventInput {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            starts_at: Some(self.starts_at.clone()),
            ends_at: Some(self.ends_at.clone()),
            timezone: Some(self.timezone.clone()),
            place_name: Some(self.place_name.clone()),
            place_address: Some(self.place_address.clone()),
            online_url: Some(self.online_url.clone()),
            capacity: Some(capacity),
            join_mode: Some(join_mode),
            external_url: Some(self.external_url.clone()),
            status,
        })
    }
}

/// The event form: creating (`event` is `None`) or editing.
#[derive(Template)]
#[template(path = "event_form.html")]
pub(crate) struct EventFormPage {
    pub c: Chrome,
    pub co: CommunityView,
    /// The event being edited.
    pub event: Option<i64>,
    pub form: EventForm,
    pub errors: Errors,
}

impl EventFormPage {
    fn join_mode_is(&self, m: &str) -> bool {
        self.form.join_mode == m || (self.form.join_mode.is_empty() && m == "free")
    }

    fn status_is(&self, s: &str) -> bool {
        self.form.status == s || (self.form.status.is_empty() && s == "confirmed")
    }

    /// The id of a radio button: the first takes the field's name (error summaries link to it).
    fn radio_id(&self, name: &str, value: &str, first: &str) -> String {
        if value == first { name.to_owned() } else { format!("{name}-{value}") }
    }

    fn action(&self) -> String {
        match self.event {
            Some(id) => format!("/events/{id}/edit"),
            None => format!("{}/events/new", community_path(&self.co.handle)),
        }
    }
}

/// `GET /communities/{handle}/events/new`.
pub(crate) async fn new_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    match event_pages::may_create(&ctx, v.viewer(), &co.handle).await {
        Ok(true) => {}
        Ok(false) => return Err(PageError::app(&v, Denied::ModeratorsOnly.into())),
        Err(e) => return Err(PageError::app(&v, e)),
    }
    let form = EventForm { timezone: "America/Toronto".into(), ..Default::default() };
    Ok(render(StatusCode::OK, &EventFormPage { c: v.chrome(), co, event: None, form, errors: Errors::default() }))
}

/// The form error for a refused event, on the field it names.
fn event_error(v: &Visit, e: Error) -> Result<Errors, PageError> {
    match e {
        Error::Invalid(Invalid { field: "community", .. }) => Err(PageError::app(v, e)),
        e => form_refusal(v, e, "title"),
    }
}

/// `POST /communities/{handle}/events/new`.
pub(crate) async fn create(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<EventForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let errors = match form.input(v.lang, false) {
        Err(errors) => errors,
        Ok(input) => match events::create(&ctx, &s.viewer, &handle, &input).await {
            Ok(e) => return Ok(see_other(&format!("/events/{}", e.id), Some("event-created"))),
            Err(e) => event_error(&v, e)?,
        },
    };
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render_form(&errors, &EventFormPage { c: v.chrome(), co, event: None, form, errors: errors.clone() }))
}

/// Loads an event for its organiser or a moderator (forms to change it).
async fn managed(ctx: &AppContext, v: &Visit, id: i64) -> Result<(EventView, CommunityView), PageError> {
    let e = events::get(ctx, v.viewer(), id).await.or_page(v)?;
    let can = event_pages::abilities(ctx, v.viewer(), id).await.or_page(v)?;
    if !can.manage {
        return Err(PageError::app(v, Denied::ModeratorsOnly.into()));
    }
    let co = communities::get(ctx, v.viewer(), &e.community).await.or_page(v)?;
    Ok((e, co))
}

/// `GET /events/{id}/edit`.
pub(crate) async fn edit_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    v.require()?;
    let (e, co) = managed(&ctx, &v, id).await?;
    let form = EventForm::of(&e);
    Ok(render(StatusCode::OK, &EventFormPage { c: v.chrome(), co, event: Some(id), form, errors: Errors::default() }))
}

/// `POST /events/{id}/edit`.
pub(crate) async fn edit(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<EventForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let errors = match form.input(v.lang, true) {
        Err(errors) => errors,
        Ok(input) => match events::update(&ctx, &s.viewer, id, &input).await {
            Ok(_) => return Ok(see_other(&format!("/events/{id}"), Some("saved"))),
            Err(e) => event_error(&v, e)?,
        },
    };
    let (_, co) = managed(&ctx, &v, id).await?;
    Ok(render_form(&errors, &EventFormPage { c: v.chrome(), co, event: Some(id), form, errors: errors.clone() }))
}

/// `POST /events/{id}/cancel`.
pub(crate) async fn cancel(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    events::cancel(&ctx, &s.viewer, id).await.or_page(&v)?;
    Ok(see_other(&format!("/events/{id}"), Some("event-cancelled")))
}

/// `GET /events/{id}/delete`: asks first.
pub(crate) async fn confirm_delete(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    v.require()?;
    let (e, _) = managed(&ctx, &v, id).await?;
    let page = ConfirmDeletePage {
        c: v.chrome(),
        action: format!("/events/{id}/delete"),
        back: format!("/events/{id}"),
        what: e.title,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /events/{id}/delete`.
pub(crate) async fn delete(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    let e = events::get(&ctx, Some(&s.viewer), id).await.or_page(&v)?;
    events::delete(&ctx, &s.viewer, id).await.or_page(&v)?;
    Ok(see_other(&format!("{}/events", community_path(&e.community)), Some("event-deleted")))
}

/// A form with a CSRF token and one value.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ValueForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    who: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /events/{id}/rsvp`: `value` is going or not_going.
pub(crate) async fn rsvp_to(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ValueForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let back = format!("/events/{id}#rsvp");
    match form.value.as_str() {
        "going" => {
            let e = rsvp::going(&ctx, &s.viewer, id).await.or_page(&v)?;
            let done = match e.my_rsvp {
                Some(ParticipantStatus::Waitlisted) => "rsvp-waitlisted",
                Some(ParticipantStatus::Pending) => "rsvp-pending",
                _ => "rsvp-going",
            };
            Ok(see_other(&back, Some(done)))
        }
        "not_going" => {
            rsvp::not_going(&ctx, &s.viewer, id).await.or_page(&v)?;
            Ok(see_other(&back, Some("rsvp-removed")))
        }
        _ => Err(PageError::app(&v, Invalid::new("value", "must be going or not_going").into())),
    }
}

/// `POST /events/{id}/attendees`: `value` accept or reject for `who`.
pub(crate) async fn decide(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<ValueForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let (accept, done) = match form.value.as_str() {
        "accept" => (true, "accepted"),
        "reject" => (false, "rejected"),
        _ => return Err(PageError::app(&v, Invalid::new("value", "must be accept or reject").into())),
    };
    rsvp::decide(&ctx, &s.viewer, id, &form.who, accept).await.or_page(&v)?;
    Ok(see_other(&format!("/events/{id}#attendees"), Some(done)))
}

/// An iCalendar file.
fn ics(body: String, name: &str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.ics\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /events/{id}/calendar.ics`: "add to calendar".
pub(crate) async fn event_ics(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let body = ical::event_ics(&ctx, v.viewer(), id).await.or_page(&v)?;
    Ok(ics(body, &format!("event-{id}")))
}

/// `GET /communities/{handle}/calendar.ics`: the community's events.
pub(crate) async fn community_ics(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let body = ical::community_ics(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(ics(body, &handle.replace(['@', '.', ':'], "-")))
}
