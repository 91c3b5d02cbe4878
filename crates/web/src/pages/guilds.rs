//! Guilds: the list, creating one, a guild's page (members, combined feed and calendar,
//! managers to contact, and the stewards' invitations), and a community's side of the
//! links (joining, accepting an invitation, leaving).

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::entities::community;
use guildhall_app::events::EventView;
use guildhall_app::guilds::feed::{self, GuildContactView, GuildFeedItem};
use guildhall_app::guilds::{self, GuildMemberView, GuildView, NewGuild, links};
use guildhall_app::views::CommunityView;
use guildhall_app::{AppContext, Error, communities};
use guildhall_domain::Denied;
use guildhall_domain::guild::{GuildFocus, LinkRefused, LinkState};
use serde::Deserialize;

use super::{OrPage, PageError, PageQuery, TokenForm, community_path, form_refusal, render, render_form, see_other};
use crate::forms::{Errors, form_error, split_list};
use crate::i18n::Lang;
use crate::visit::{Chrome, Visit};

/// The URL path of a guild page.
pub(crate) fn guild_path(handle: &str) -> String {
    format!("/guilds/{handle}")
}

/// `GET /guilds`: the guilds known here.
#[derive(Template)]
#[template(path = "guilds.html")]
pub(crate) struct GuildsPage {
    pub c: Chrome,
    pub guilds: Vec<GuildView>,
    pub page: u64,
    pub has_more: bool,
}

impl GuildsPage {
    /// How many communities are active members (pending links are the stewards' business).
    fn members(&self, g: &GuildView) -> usize {
        g.communities.iter().filter(|m| m.state == LinkState::Active).count()
    }

    /// The server a guild lives on, from its `name@domain` handle.
    fn instance<'a>(&self, g: &'a GuildView) -> &'a str {
        g.group.handle.split_once('@').map_or("", |(_, d)| d)
    }
}

/// `GET /guilds`.
pub(crate) async fn list(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let number = q.ok().and_then(|Query(q)| q.page);
    let l = guilds::list(&ctx, v.viewer(), guildhall_app::page(number, Some(20))).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &GuildsPage { c: v.chrome(), guilds: l.items, page: l.page, has_more: l.has_more }))
}

/// The fields of the guild form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct GuildForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub charter: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `GET /guilds/new`: the form to create a guild.
#[derive(Template)]
#[template(path = "guild_form.html")]
pub(crate) struct GuildFormPage {
    pub c: Chrome,
    pub form: GuildForm,
    pub errors: Errors,
}

impl GuildFormPage {
    /// The focus choices, by stable name.
    fn focuses(&self) -> Vec<&'static str> {
        GuildFocus::ALL.iter().map(|f| f.as_str()).collect()
    }
}

/// `GET /guilds/new`.
pub(crate) async fn new_form(v: Visit) -> Result<Response, PageError> {
    v.require()?;
    Ok(render(StatusCode::OK, &GuildFormPage { c: v.chrome(), form: GuildForm::default(), errors: Errors::default() }))
}

/// `POST /guilds/new`: creates a guild; the creator becomes its first steward.
pub(crate) async fn create(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<GuildForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    // The focus is a radio button: an unknown value means nothing was chosen.
    let Some(focus) = GuildFocus::parse(&form.focus) else {
        let errors = Errors::one("focus", v.lang.t("guild-error-focus"));
        return Ok(render_form(&errors, &GuildFormPage { c: v.chrome(), form, errors: errors.clone() }));
    };
    let new = NewGuild {
        name: form.name.clone(),
        title: form.title.clone(),
        description: Some(form.description.clone()),
        charter: Some(form.charter.clone()),
        tags: Some(split_list(&form.tags)),
        focus,
    };
    let errors = match guilds::create(&ctx, &s.viewer, new).await {
        Ok(g) => return Ok(see_other(&guild_path(&g.group.handle), None)),
        Err(e) => form_refusal(&v, e, "name")?,
    };
    Ok(render_form(&errors, &GuildFormPage { c: v.chrome(), form, errors: errors.clone() }))
}

/// `GET /guilds/{handle}`: about, members, the combined feed and calendar, contacts, and
/// for stewards the pending links and the invite form.
#[derive(Template)]
#[template(path = "guild.html")]
pub(crate) struct GuildPage {
    pub c: Chrome,
    pub g: GuildView,
    pub feed: Vec<GuildFeedItem>,
    pub events: Vec<EventView>,
    pub contacts: Vec<GuildContactView>,
    /// What was typed in the invite form.
    pub invite: String,
    pub errors: Errors,
}

impl GuildPage {
    /// Active member communities.
    fn members(&self) -> Vec<&GuildMemberView> {
        self.g.communities.iter().filter(|m| m.state == LinkState::Active).collect()
    }

    /// Requests and invitations waiting for an answer.
    fn pending(&self) -> Vec<&GuildMemberView> {
        self.g.communities.iter().filter(|m| m.state != LinkState::Active).collect()
    }

    /// Whether a member community is private (only its name is shown).
    fn private(&self, m: &GuildMemberView) -> bool {
        guildhall_domain::visibility::name_only_in_guild(m.visibility)
    }
}

async fn guild_page(
    ctx: &AppContext,
    v: &Visit,
    handle: &str,
    invite: String,
    errors: Errors,
) -> Result<Response, PageError> {
    let g = guilds::get(ctx, v.viewer(), handle).await.or_page(v)?;
    if !g.group.local {
        // Managers of members on other servers are read from there, a few per visit.
        if let Ok(Some(model)) = communities::find(ctx, handle).await {
            guildhall_app::remote::refresh_guild_contacts(ctx, &model, 3).await;
        }
    }
    let first = |n| guildhall_app::page(Some(1), Some(n));
    let feed = feed::feed(ctx, v.viewer(), handle, first(10)).await.or_page(v)?.items;
    let events = feed::calendar(ctx, v.viewer(), handle, first(5)).await.or_page(v)?.items;
    let contacts = feed::contacts(ctx, v.viewer(), handle).await.or_page(v)?;
    Ok(render_form(&errors, &GuildPage { c: v.chrome(), g, feed, events, contacts, invite, errors: errors.clone() }))
}

/// `GET /guilds/{handle}`.
pub(crate) async fn show(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    guild_page(&ctx, &v, &handle, String::new(), Errors::default()).await
}

/// Why a `name` or `name@domain` typed in a form could not be found.
enum NotResolved {
    /// A form error, in the page language.
    Field(String),
    /// Not the form's fault.
    Failed(Error),
}

/// Finds a community or guild by `name` (here) or `name@domain` (fetched when new), like
/// the follow form. Without federation only known ones are found.
async fn resolve(ctx: &AppContext, lang: Lang, handle: &str) -> Result<community::Model, NotResolved> {
    let handle = handle.trim().trim_start_matches(['@', '!']);
    if handle.is_empty() {
        return Err(NotResolved::Field(lang.t("guild-error-address")));
    }
    match communities::find(ctx, handle).await {
        Ok(Some(c)) => return Ok(c),
        Ok(None) => {}
        Err(e) => return Err(NotResolved::Failed(e)),
    }
    if !(ctx.has_network() && handle.contains('@')) {
        return Err(NotResolved::Field(lang.t("follow-error-not-found")));
    }
    match guildhall_app::remote::resolve_community(ctx, handle).await {
        Ok(c) => Ok(c),
        Err(Error::BadAddress(_)) => Err(NotResolved::Field(lang.t("guild-error-address"))),
        Err(Error::NotFound(_)) => Err(NotResolved::Field(lang.t("follow-error-not-found"))),
        Err(e) => {
            tracing::info!(error = %e, "remote lookup failed");
            Err(NotResolved::Field(lang.t("follow-error-unreachable")))
        }
    }
}

/// A refused link as an error on the form's one field (the app names the refusal's field
/// `guild` whichever side asked), or `None` when it is not the form's fault.
fn link_error(lang: Lang, e: &Error, field: &str) -> Option<Errors> {
    // The app reports a `LinkRefused` as an `Invalid` with its text; compared with the typed
    // refusal's own text until the app error carries the refusal itself.
    let message = match e {
        Error::Invalid(i) if i.message == LinkRefused::NotAGuild.to_string() => lang.t("guild-error-not-a-guild"),
        Error::Invalid(i) if i.message == LinkRefused::GuildInGuild.to_string() => lang.t("guild-error-guild-in-guild"),
        _ => form_error(lang, e, field)?.list.into_iter().next()?.message,
    };
    Some(Errors::one(field, message))
}

/// The invite form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    community: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /guilds/{handle}/invite`: stewards invite a community (or accept its request).
pub(crate) async fn invite(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    // The steward check comes first: no remote lookups for people who may not invite.
    match guilds::get(&ctx, Some(&s.viewer), &handle).await {
        Ok(g) if g.can_manage => {}
        Ok(_) => return Err(PageError::app(&v, Denied::ModeratorsOnly.into())),
        Err(e) => return Err(PageError::app(&v, e)),
    }
    let errors = match resolve(&ctx, v.lang, &form.community).await {
        Ok(c) => match links::guild_invites(&ctx, &s.viewer, &handle, &c).await {
            Ok(_) => return Ok(see_other(&format!("{}#pending-heading", guild_path(&handle)), None)),
            Err(e) => match link_error(v.lang, &e, "community") {
                Some(errors) => errors,
                None => return Err(PageError::app(&v, e)),
            },
        },
        Err(NotResolved::Field(m)) => Errors::one("community", m),
        Err(NotResolved::Failed(e)) => return Err(PageError::app(&v, e)),
    };
    guild_page(&ctx, &v, &handle, form.community, errors).await
}

/// `POST /guilds/{handle}/communities/{community}/accept`: stewards accept a request.
pub(crate) async fn accept(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, member)): Path<(String, String)>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    accept_known(&ctx, &v, &given, links::Side::Guild, &handle, &member).await
}

/// Says yes for `side` (the guild or community `handle`) to `other`, which asked or invited
/// and so is known here already: no lookup elsewhere.
async fn accept_known(
    ctx: &AppContext,
    v: &Visit,
    given: &str,
    side: links::Side,
    handle: &str,
    other: &str,
) -> Result<Response, PageError> {
    let s = v.authorize(given)?;
    let what = if side == links::Side::Guild { "community" } else { "guild" };
    let m = match communities::find(ctx, other).await {
        Ok(Some(m)) => m,
        Ok(None) => return Err(PageError::app(v, Error::NotFound(what))),
        Err(e) => return Err(PageError::app(v, e)),
    };
    let (done, back) = match side {
        links::Side::Guild => (links::guild_invites(ctx, &s.viewer, handle, &m).await.map(|_| ()), guild_path(handle)),
        links::Side::Community => {
            (links::community_joins(ctx, &s.viewer, handle, &m).await.map(|_| ()), community_path(handle))
        }
    };
    done.or_page(v)?;
    Ok(see_other(&back, Some("accepted")))
}

/// `POST /guilds/{handle}/communities/{community}/remove`: stewards remove a member,
/// decline a request or withdraw an invitation.
pub(crate) async fn remove(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, member)): Path<(String, String)>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    links::guild_removes(&ctx, &s.viewer, &handle, &member).await.or_page(&v)?;
    Ok(see_other(&guild_path(&handle), None))
}

/// `POST /communities/{handle}/guilds` with errors: the join form on its own page.
#[derive(Template)]
#[template(path = "guild_join.html")]
pub(crate) struct GuildJoinPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub guild: String,
    pub errors: Errors,
}

/// The join form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct JoinForm {
    #[serde(default)]
    guild: String,
    #[serde(default)]
    csrf_token: String,
}

/// The community, if the signed-in viewer may manage its guild links.
async fn managed(ctx: &AppContext, v: &Visit, handle: &str) -> Result<CommunityView, PageError> {
    let co = communities::get(ctx, v.viewer(), handle).await.or_page(v)?;
    if !v.chrome().moderates(co.my_role) {
        return Err(PageError::app(v, Denied::ModeratorsOnly.into()));
    }
    Ok(co)
}

/// `POST /communities/{handle}/guilds`: moderators ask to join a guild (or accept its
/// invitation).
pub(crate) async fn join(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<JoinForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    // The moderator check comes first: no remote lookups for people who may not ask.
    let co = managed(&ctx, &v, &handle).await?;
    let errors = match resolve(&ctx, v.lang, &form.guild).await {
        Ok(g) => match links::community_joins(&ctx, &s.viewer, &handle, &g).await {
            Ok(_) => return Ok(see_other(&format!("{}#guilds-heading", community_path(&handle)), None)),
            Err(e) => match link_error(v.lang, &e, "guild") {
                Some(errors) => errors,
                None => return Err(PageError::app(&v, e)),
            },
        },
        Err(NotResolved::Field(m)) => Errors::one("guild", m),
        Err(NotResolved::Failed(e)) => return Err(PageError::app(&v, e)),
    };
    Ok(render_form(&errors, &GuildJoinPage { c: v.chrome(), co, guild: form.guild, errors: errors.clone() }))
}

/// `POST /communities/{handle}/guilds/{guild}/accept`: moderators accept an invitation.
pub(crate) async fn community_accept(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, guild)): Path<(String, String)>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    accept_known(&ctx, &v, &given, links::Side::Community, &handle, &guild).await
}

/// `POST /communities/{handle}/guilds/{guild}/leave`: moderators leave a guild, decline its
/// invitation or withdraw their request.
pub(crate) async fn community_leave(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, guild)): Path<(String, String)>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    links::community_leaves(&ctx, &s.viewer, &handle, &guild).await.or_page(&v)?;
    Ok(see_other(&format!("{}#guilds-heading", community_path(&handle)), None))
}
