//! Guilds: groups of communities around a role or a focus area, across instances. A guild is
//! stored as a community of kind `guild` (so it is a federated `Group` that Mastodon, Lemmy
//! and Guildhall users can follow); its stewards are its moderators. Communities join by
//! mutual consent (`links`); the guild shows their public discussions and events (`feed`).

pub mod feed;
pub mod links;

use guildhall_domain::Visibility;
use guildhall_domain::guild::{GuildFocus, LinkState};
use guildhall_store::entities::community;
use guildhall_store::{communities as store_communities, guilds as store};
use serde::Serialize;
use utoipa::ToSchema;

use crate::communities::{NewCommunity, load};
use crate::views::{CommunityView, List};
use crate::{AppContext, Error, Page, Result, Viewer};

/// A new guild.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
pub struct NewGuild {
    /// Name used in URLs and handles (shared with communities and usernames).
    pub name: String,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: Option<String>,
    /// Charter (Markdown): what member communities agree to.
    pub charter: Option<String>,
    /// Topic tags.
    pub tags: Option<Vec<String>>,
    /// A role (e.g. UX designers) or a focus area (e.g. digital identity).
    pub focus: GuildFocus,
}

/// A guild as a viewer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuildView {
    /// The guild as a community (name, handle, title, description, charter, tags, followers).
    #[serde(flatten)]
    pub group: CommunityView,
    /// Role or focus area.
    pub focus: GuildFocus,
    /// Its stewards (`name` or `name@domain`).
    pub stewards: Vec<String>,
    /// Member communities (active links).
    pub communities: Vec<GuildMemberView>,
    /// Whether the viewer is a steward here (may invite, accept and remove).
    pub can_manage: bool,
}

/// A community in a guild (or asking or invited to join one).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuildMemberView {
    /// `name` or `name@domain`.
    pub handle: String,
    /// Title.
    pub title: String,
    /// Description as sanitised HTML.
    pub description_html: String,
    /// The instance it lives on ('' for this one).
    pub instance: String,
    /// The department or organisation running that instance ('' when not known: remote ones
    /// are learnt from the network map).
    pub department: String,
    /// Visibility: a private community shows only its name and description in a guild.
    pub visibility: Visibility,
    /// Link state.
    pub state: LinkState,
}

/// A community's membership of a guild, as the community's managers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuildLinkView {
    /// The guild's handle.
    pub guild: String,
    /// Its title.
    pub title: String,
    /// The instance it lives on ('' for this one).
    pub instance: String,
    /// Link state.
    pub state: LinkState,
}

pub(crate) fn handle_of(c: &community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

pub(crate) fn focus_of(c: &community::Model) -> Result<GuildFocus> {
    GuildFocus::parse(&c.guild_focus).ok_or(Error::NotFound("guild"))
}

pub(crate) fn is_guild(c: &community::Model) -> bool {
    c.kind == "guild"
}

fn member_view(l: &guildhall_store::entities::guild_link::Model, c: &community::Model) -> Result<GuildMemberView> {
    Ok(GuildMemberView {
        handle: handle_of(c),
        title: c.title.clone(),
        description_html: crate::markdown::render(&c.description),
        instance: c.domain.clone(),
        department: String::new(),
        visibility: c.visibility,
        state: l.state,
    })
}

/// Creates a guild; the creator becomes its first steward. Guilds are public: they gather
/// what their member communities share openly.
pub async fn create(ctx: &AppContext, viewer: &Viewer, new: NewGuild) -> Result<GuildView> {
    let as_community = NewCommunity {
        name: new.name,
        title: new.title,
        description: new.description,
        charter: new.charter,
        welcome_message: None,
        tags: new.tags,
        visibility: Some(Visibility::Public),
        member_domains: None,
        join_question: None,
    };
    let created = crate::communities::create_with(ctx, viewer, as_community, Some(new.focus)).await?;
    tracing::info!(account = %viewer.username, guild = %created.name, "guild created");
    get(ctx, Some(viewer), &created.name).await
}

/// Loads a guild (by `name` or `name@domain`) with the viewer's access.
pub(crate) async fn load_guild(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    handle: &str,
) -> Result<crate::communities::Loaded> {
    let l = load(ctx, viewer, handle).await.map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound("guild"),
        other => other,
    })?;
    if !is_guild(&l.community) {
        return Err(Error::NotFound("guild"));
    }
    Ok(l)
}

/// One guild with its stewards and member communities.
pub async fn get(ctx: &AppContext, viewer: Option<&Viewer>, handle: &str) -> Result<GuildView> {
    let l = load_guild(ctx, viewer, handle).await?;
    let g = &l.community;
    let count = store_communities::member_counts(ctx.db(), &[g.id]).await?.get(&g.id).copied().unwrap_or(0);
    let group = CommunityView::build(g, count, l.access.role, true)?;
    let stewards = store::moderators(ctx.db(), g.id).await?.iter().map(crate::accounts::handle_of).collect();
    let can_manage = g.domain.is_empty() && l.access.moderate().is_ok();
    let links = store::links_of_guild(ctx.db(), g.id).await?;
    let domains: Vec<String> = links.iter().map(|(_, c)| c.domain.clone()).filter(|d| !d.is_empty()).collect();
    let organisations = store::organisations_of(ctx.db(), &domains).await?;
    let ours = guildhall_store::settings::get(ctx.db()).await?.organisation;
    let mut communities = Vec::new();
    for (link, c) in links {
        let mut v = member_view(&link, &c)?;
        v.department =
            if c.domain.is_empty() { ours.clone() } else { organisations.get(&c.domain).cloned().unwrap_or_default() };
        // Pending requests and invitations are the stewards' business.
        if v.state == LinkState::Active || can_manage {
            communities.push(v);
        }
    }
    Ok(GuildView { group, focus: focus_of(g)?, stewards, communities, can_manage })
}

/// Guilds known here (local ones and those followed on other instances), by name.
pub async fn list(ctx: &AppContext, viewer: Option<&Viewer>, page: Page) -> Result<List<GuildView>> {
    let rows = store::list_guilds(ctx.db(), page).await?;
    let mut items = Vec::with_capacity(rows.items.len());
    for g in &rows.items {
        items.push(get(ctx, viewer, &handle_of(g)).await?);
    }
    Ok(List::new(items, page, rows.has_more))
}

/// The guilds a community belongs to (everyone who may see the community), plus pending
/// requests and invitations for its moderators.
pub async fn of_community(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<Vec<GuildLinkView>> {
    let l = load(ctx, viewer, community).await?;
    let manager = l.access.moderate().is_ok();
    let mut out = Vec::new();
    for (link, g) in store::links_of_community(ctx.db(), l.community.id).await? {
        let state = link.state;
        if state == LinkState::Active || manager {
            out.push(GuildLinkView { guild: handle_of(&g), title: g.title.clone(), instance: g.domain.clone(), state });
        }
    }
    Ok(out)
}
