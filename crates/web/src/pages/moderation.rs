//! Members with their roles, join requests, moderators and bans.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::bans::{self, BanView, NewBan};
use guildhall_app::views::{CommunityView, JoinRequestView, MemberView};
use guildhall_app::{AppContext, communities, membership};
use serde::Deserialize;

use super::{OrPage, PageError, PageQuery, community_path, form_refusal, render, render_form, see_other};
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// `GET /communities/{handle}/members`.
#[derive(Template)]
#[template(path = "members.html")]
pub(crate) struct MembersPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub members: Vec<MemberView>,
    pub page: u64,
    pub has_more: bool,
}

/// `GET /communities/{handle}/members`: everyone who may read sees the list; moderators also get
/// buttons to appoint or remove moderators and a link to ban.
pub(crate) async fn members(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let number = q.ok().and_then(|Query(q)| q.page);
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    let list =
        membership::members(&ctx, v.viewer(), &handle, guildhall_app::page(number, Some(50))).await.or_page(&v)?;
    Ok(render(
        StatusCode::OK,
        &MembersPage { c: v.chrome(), co, members: list.items, page: list.page, has_more: list.has_more },
    ))
}

/// `GET /communities/{handle}/requests` (moderators).
#[derive(Template)]
#[template(path = "requests.html")]
pub(crate) struct RequestsPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub requests: Vec<JoinRequestView>,
}

/// `GET /communities/{handle}/requests`.
pub(crate) async fn requests(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    let list =
        membership::join_requests(&ctx, &s.viewer, &handle, guildhall_app::page(None, Some(100))).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &RequestsPage { c: v.chrome(), co, requests: list.items }))
}

/// A moderator's decision or action about one person.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /communities/{handle}/requests`: `value` is accept or reject.
pub(crate) async fn decide(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let accept = form.value == "accept";
    membership::decide_request(&ctx, &s.viewer, &handle, &form.username, accept).await.or_page(&v)?;
    Ok(see_other(&format!("{}/requests", community_path(&handle)), Some(if accept { "accepted" } else { "rejected" })))
}

/// `POST /communities/{handle}/moderators`: `value` is add or remove.
pub(crate) async fn moderators(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let back = format!("{}/members", community_path(&handle));
    let result = if form.value == "add" {
        membership::add_moderator(&ctx, &s.viewer, &handle, &form.username).await.map(|_| "moderator-added")
    } else {
        membership::remove_moderator(&ctx, &s.viewer, &handle, &form.username).await.map(|()| "moderator-removed")
    };
    let done = result.or_page(&v)?;
    Ok(see_other(&back, Some(done)))
}

/// `GET /communities/{handle}/bans` (moderators): current bans and the ban form.
#[derive(Template)]
#[template(path = "bans.html")]
pub(crate) struct BansPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub bans: Vec<BanView>,
    pub form: BanForm,
    pub errors: Errors,
}

/// The ban form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BanForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `?username=` prefills the ban form (from the members list).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BanQuery {
    #[serde(default)]
    username: String,
}

async fn bans_page(
    ctx: &AppContext,
    v: &Visit,
    handle: &str,
    form: BanForm,
    errors: Errors,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let co = communities::get(ctx, v.viewer(), handle).await.or_page(v)?;
    let list = bans::list(ctx, &s.viewer, handle, guildhall_app::page(None, Some(100))).await.or_page(v)?;
    Ok(render_form(&errors, &BansPage { c: v.chrome(), co, bans: list.items, form, errors: errors.clone() }))
}

/// `GET /communities/{handle}/bans`.
pub(crate) async fn bans_list(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    q: Result<Query<BanQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let username = q.ok().map(|Query(q)| q.username).unwrap_or_default();
    bans_page(&ctx, &v, &handle, BanForm { username, ..Default::default() }, Errors::default()).await
}

/// `POST /communities/{handle}/bans`.
pub(crate) async fn ban(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<BanForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let days = form.days.trim();
    let expires_in_days = if days.is_empty() {
        None
    } else {
        match days.parse::<i64>() {
            Ok(d) => Some(d),
            Err(_) => {
                let errors = Errors::one("days", v.lang.t("error-days"));
                return bans_page(&ctx, &v, &handle, form, errors).await;
            }
        }
    };
    let new = NewBan { username: form.username.trim().to_owned(), reason: Some(form.reason.clone()), expires_in_days };
    let errors = match bans::ban(&ctx, &s.viewer, &handle, new).await {
        Ok(_) => return Ok(see_other(&format!("{}/bans", community_path(&handle)), Some("banned"))),
        Err(guildhall_app::Error::NotFound("account")) => Errors::one("username", v.lang.t("error-no-such-person")),
        Err(guildhall_app::Error::Invalid(i)) if i.field == "expires_in_days" => {
            Errors::one("days", v.lang.t("error-days"))
        }
        Err(e) => form_refusal(&v, e, "username")?,
    };
    bans_page(&ctx, &v, &handle, form, errors).await
}

/// `POST /communities/{handle}/bans/lift` with `username`.
pub(crate) async fn unban(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    bans::unban(&ctx, &s.viewer, &handle, &form.username).await.or_page(&v)?;
    Ok(see_other(&format!("{}/bans", community_path(&handle)), Some("unbanned")))
}

/// `GET /communities/{handle}/reports` (moderators).
#[derive(Template)]
#[template(path = "reports.html")]
pub(crate) struct ReportsPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub reports: Vec<guildhall_app::reports::ReportView>,
}

/// `GET /communities/{handle}/reports`: reports other servers sent, newest first.
pub(crate) async fn reports(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    let list = guildhall_app::reports::list(&ctx, &s.viewer, &handle, guildhall_app::page(None, Some(100)))
        .await
        .or_page(&v)?;
    Ok(render(StatusCode::OK, &ReportsPage { c: v.chrome(), co, reports: list.items }))
}
