//! A community's page, joining and leaving, creating a community and its settings.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::discussions::Sort;
use guildhall_app::views::{CommunityView, DiscussionView};
use guildhall_app::{AppContext, Error, communities, discussions, markdown, membership};
use guildhall_domain::{Denied, Visibility};
use serde::Deserialize;

use super::{OrPage, PageError, TokenForm, community_path, form_refusal, render, render_form, see_other};
use crate::forms::{Errors, split_list};
use crate::visit::{Chrome, Visit};

/// `GET /communities/{handle}`: about, charter, welcome, join or leave, and the discussions.
#[derive(Template)]
#[template(path = "community.html")]
pub(crate) struct CommunityPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub welcome_html: String,
    /// `None` when the viewer may not read the discussions.
    pub discussions: Option<Vec<DiscussionView>>,
    pub sort: &'static str,
    pub page: u64,
    pub has_more: bool,
    /// The next few events, when the viewer may read them.
    pub events: Vec<guildhall_app::events::EventView>,
    /// Its guilds (with pending requests and invitations for its moderators).
    pub guilds: Vec<guildhall_app::guilds::GuildLinkView>,
    /// Communities and guilds like this one.
    pub related: Vec<guildhall_app::guilds::feed::RelatedView>,
    /// The viewer's notification level, when signed in and allowed to read it.
    pub notify_level: Option<guildhall_app::notify_prefs::NotifyLevel>,
}

impl CommunityPage {
    /// The guilds it is a member of.
    fn active_guilds(&self) -> Vec<&guildhall_app::guilds::GuildLinkView> {
        self.guilds.iter().filter(|l| l.state == guildhall_domain::guild::LinkState::Active).collect()
    }

    /// The levels the notification control offers.
    fn notify_levels(&self) -> &'static [&'static str] {
        super::notify_settings::LEVELS
    }

    /// Whether `name` is the viewer's level.
    fn notify_is(&self, name: &str) -> bool {
        self.notify_level.is_some_and(|l| l.as_str() == name)
    }

    /// Whether the guild links are offered for management (a local community's moderators).
    fn manages_guilds(&self) -> bool {
        self.co.local && self.c.moderates(self.co.my_role)
    }
}

/// `?sort=&page=` on a community page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CommunityQuery {
    #[serde(default)]
    sort: String,
    page: Option<u64>,
}

/// `GET /communities/{handle}`.
pub(crate) async fn show(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    q: Result<Query<CommunityQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    let (sort, sort_name) = if q.sort == "new" { (Sort::New, "new") } else { (Sort::Active, "active") };
    let page = guildhall_app::page(q.page, Some(20));
    let (list, number, has_more) = match discussions::list(&ctx, v.viewer(), &co.handle, sort, page).await {
        Ok(l) => (Some(l.items), l.page, l.has_more),
        Err(Error::Denied(Denied::MembersOnly)) => (None, 1, false),
        Err(e) => return Err(PageError::app(&v, e)),
    };
    let welcome_html = match (&co.welcome_message, co.my_role.is_member()) {
        (Some(w), true) if !w.trim().is_empty() => markdown::render(w),
        _ => String::new(),
    };
    let events = if list.is_some() {
        let first = guildhall_app::page(Some(1), Some(3));
        match guildhall_app::events::list(&ctx, v.viewer(), &co.handle, guildhall_app::When::Upcoming, first).await {
            Ok(l) => l.items,
            Err(Error::Denied(_)) => Vec::new(),
            Err(e) => return Err(PageError::app(&v, e)),
        }
    } else {
        Vec::new()
    };
    let guilds = guildhall_app::guilds::of_community(&ctx, v.viewer(), &co.handle).await.or_page(&v)?;
    let related = guildhall_app::guilds::feed::related(&ctx, v.viewer(), &co.handle).await.or_page(&v)?;
    let notify_level = super::notify_settings::level_on_page(&ctx, &v, co.id, list.is_some()).await;
    let page = CommunityPage {
        notify_level,
        c: v.chrome(),
        co,
        welcome_html,
        discussions: list,
        sort: sort_name,
        page: number,
        has_more,
        events,
        guilds,
        related,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `GET /communities/{handle}/join`: the charter and the join form.
#[derive(Template)]
#[template(path = "join.html")]
pub(crate) struct JoinPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub message: String,
    pub errors: Errors,
}

impl JoinPage {
    fn asks_message(&self) -> bool {
        !self.co.local || self.co.visibility != Visibility::Public || !self.co.join_question.is_empty()
    }
}

/// `GET /communities/{handle}/join`.
pub(crate) async fn join_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &JoinPage { c: v.chrome(), co, message: String::new(), errors: Errors::default() }))
}

/// The join form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct JoinForm {
    #[serde(default)]
    accept_charter: Option<String>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /communities/{handle}/join`: joins (public) or asks to (approval, private, remote).
pub(crate) async fn join(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<JoinForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let accepted = form.accept_charter.is_some();
    let message = Some(form.message.as_str()).filter(|m| !m.trim().is_empty());
    let errors = match membership::join(&ctx, &s.viewer, &handle, accepted, message).await {
        Ok(j) if j.status == "joined" => return Ok(see_other(&community_path(&handle), Some("joined"))),
        Ok(_) => return Ok(see_other(&community_path(&handle), Some("requested"))),
        Err(e) => form_refusal(&v, e, "accept_charter")?,
    };
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render_form(&errors, &JoinPage { c: v.chrome(), co, message: form.message, errors: errors.clone() }))
}

/// `POST /communities/{handle}/leave`: leaves, or withdraws a join request.
pub(crate) async fn leave(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    membership::leave(&ctx, &s.viewer, &handle).await.or_page(&v)?;
    Ok(see_other(&community_path(&handle), Some("left")))
}

/// The fields of the community form (create and settings).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CommunityForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub charter: String,
    #[serde(default)]
    pub welcome_message: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub member_domains: String,
    #[serde(default)]
    pub join_question: String,
    /// `default`, `listed` or `unlisted` (settings only).
    #[serde(default)]
    pub listed: String,
    /// Lifecycle stage (settings only).
    #[serde(default)]
    pub lifecycle: String,
    #[serde(default)]
    pub csrf_token: String,
}

impl CommunityForm {
    fn from_view(co: &CommunityView) -> Self {
        CommunityForm {
            name: co.name.clone(),
            title: co.title.clone(),
            description: co.description.clone(),
            charter: co.charter.clone(),
            welcome_message: co.welcome_message.clone().unwrap_or_default(),
            tags: co.tags.join(", "),
            visibility: co.visibility.as_str().into(),
            member_domains: co.member_domains.join("\n"),
            join_question: co.join_question.clone(),
            listed: super::map_admin::listed_choice(co.listed).into(),
            lifecycle: co.lifecycle.clone(),
            csrf_token: String::new(),
        }
    }

    fn visibility(&self) -> Option<Visibility> {
        Visibility::parse(&self.visibility)
    }
}

/// The community form: creating (`handle` empty) or editing settings.
#[derive(Template)]
#[template(path = "community_form.html")]
pub(crate) struct CommunityFormPage {
    pub c: Chrome,
    /// The community being edited; `None` when creating.
    pub co: Option<CommunityView>,
    pub form: CommunityForm,
    pub errors: Errors,
}

impl CommunityFormPage {
    fn visibility_is(&self, v: &str) -> bool {
        self.form.visibility == v || (self.form.visibility.is_empty() && v == "public")
    }
    fn listed_is(&self, v: &str) -> bool {
        self.form.listed == v || (self.form.listed.is_empty() && v == "default")
    }
    fn lifecycle_is(&self, v: &str) -> bool {
        self.form.lifecycle == v || (self.form.lifecycle.is_empty() && v == "active")
    }
}

/// `GET /create-community`.
pub(crate) async fn new_form(v: Visit) -> Result<Response, PageError> {
    v.require()?;
    Ok(render(
        StatusCode::OK,
        &CommunityFormPage { c: v.chrome(), co: None, form: CommunityForm::default(), errors: Errors::default() },
    ))
}

/// `POST /communities`: creates a community; the creator becomes its moderator.
pub(crate) async fn create(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<CommunityForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let new = communities::NewCommunity {
        name: form.name.clone(),
        title: form.title.clone(),
        description: Some(form.description.clone()),
        charter: Some(form.charter.clone()),
        welcome_message: Some(form.welcome_message.clone()),
        tags: Some(split_list(&form.tags)),
        visibility: form.visibility(),
        member_domains: Some(split_list(&form.member_domains)),
        join_question: Some(form.join_question.clone()),
    };
    let errors = match communities::create(&ctx, &s.viewer, new).await {
        Ok(co) => return Ok(see_other(&community_path(&co.handle), Some("created"))),
        Err(e) => form_refusal(&v, e, "name")?,
    };
    Ok(render_form(&errors, &CommunityFormPage { c: v.chrome(), co: None, form, errors: errors.clone() }))
}

/// `GET /communities/{handle}/settings` (moderators).
pub(crate) async fn settings_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    if !v.chrome().moderates(co.my_role) || !co.local {
        return Err(PageError::app(&v, Denied::ModeratorsOnly.into()));
    }
    let form = CommunityForm::from_view(&co);
    Ok(render(StatusCode::OK, &CommunityFormPage { c: v.chrome(), co: Some(co), form, errors: Errors::default() }))
}

/// `POST /communities/{handle}/settings`.
pub(crate) async fn save_settings(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<CommunityForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let change = communities::CommunityChange {
        title: Some(form.title.clone()),
        description: Some(form.description.clone()),
        charter: Some(form.charter.clone()),
        welcome_message: Some(form.welcome_message.clone()),
        tags: Some(split_list(&form.tags)),
        visibility: form.visibility(),
        member_domains: Some(split_list(&form.member_domains)),
        join_question: Some(form.join_question.clone()),
        listed: super::map_admin::listed_from_choice(&form.listed),
        lifecycle: (!form.lifecycle.is_empty()).then(|| form.lifecycle.clone()),
    };
    let errors = match communities::update(&ctx, &s.viewer, &handle, change).await {
        Ok(co) => return Ok(see_other(&format!("{}/settings", community_path(&co.handle)), Some("saved"))),
        Err(e) => form_refusal(&v, e, "title")?,
    };
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render_form(&errors, &CommunityFormPage { c: v.chrome(), co: Some(co), form, errors: errors.clone() }))
}
