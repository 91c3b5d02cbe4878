//! Creating, finding and editing communities.

use chrono::Utc;
use guildhall_domain::{
    Access, CommunityRole, Denied, InvalidCode, MembershipStatus, Visibility, validate, validate::Limits,
};
use guildhall_store::entities::{community, membership};
use guildhall_store::{Set, accounts, communities as store, encode_list};

use crate::views::{CommunityView, List};
use crate::{AppContext, Error, Page, Result, Viewer, admin};

/// A new community.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewCommunity {
    /// Name used in URLs and handles.
    pub name: String,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: Option<String>,
    /// Charter (Markdown).
    pub charter: Option<String>,
    /// Welcome message for newcomers (Markdown).
    pub welcome_message: Option<String>,
    /// Topic tags.
    pub tags: Option<Vec<String>>,
    /// Visibility (default public).
    pub visibility: Option<Visibility>,
    /// Admit members from these instances only (`gc.ca` covers its subdomains); empty: any.
    pub member_domains: Option<Vec<String>>,
    /// A question people answer when they ask to join (approval and private communities).
    pub join_question: Option<String>,
}

/// Changes to a community; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct CommunityChange {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Charter.
    pub charter: Option<String>,
    /// Welcome message.
    pub welcome_message: Option<String>,
    /// Topic tags.
    pub tags: Option<Vec<String>>,
    /// Visibility. Opening a private community keeps its existing discussions members-only.
    pub visibility: Option<Visibility>,
    /// Admit members from these instances only; an empty list admits any.
    pub member_domains: Option<Vec<String>>,
    /// Question for join requests ('' for none).
    pub join_question: Option<String>,
    /// In the published directory: `true`, `false`, or null for the default (listed unless
    /// private); absent leaves it as it is.
    #[serde(default, deserialize_with = "crate::directory::present")]
    #[schema(value_type = Option<bool>)]
    pub listed: Option<Option<bool>>,
    /// Lifecycle stage: `forming`, `active`, `dormant` or `archived`.
    pub lifecycle: Option<String>,
}

pub(crate) fn role_of(signed_in: bool, m: Option<&membership::Model>) -> Result<CommunityRole> {
    // An expired ban is no ban: the person is an outsider again and may ask to rejoin.
    let m = m.filter(|m| !(m.status == MembershipStatus::Banned && m.ban_expires_at.is_some_and(|t| t <= Utc::now())));
    let membership = m.map(|m| (m.status, m.is_moderator));
    Ok(CommunityRole::from_membership(signed_in, membership))
}

/// What the policies need about a person from another server (signed, so "signed in"; never
/// an admin here) in a community.
pub(crate) fn remote_access(c: &community::Model, m: Option<&membership::Model>) -> Result<Access> {
    Ok(Access { visibility: c.visibility, role: role_of(true, m)?, instance_admin: false })
}

/// A community, the viewer's membership row and what the policies say about them.
pub(crate) struct Loaded {
    pub community: community::Model,
    pub membership: Option<membership::Model>,
    pub access: Access,
}

/// Loads a community by `name` (local) or `name@domain` (federated) with the viewer's access.
pub(crate) async fn load(ctx: &AppContext, viewer: Option<&Viewer>, name: &str) -> Result<Loaded> {
    let community = find(ctx, name).await?.ok_or(Error::NotFound("community"))?;
    load_for(ctx, viewer, community).await
}

/// Finds a community by `name` or `name@domain`.
pub async fn find(ctx: &AppContext, handle: &str) -> Result<Option<community::Model>> {
    let handle = handle.trim().trim_start_matches('!').trim_start_matches('@').to_ascii_lowercase();
    match handle.split_once('@') {
        Some((name, domain)) if domain != ctx.instance().domain => {
            Ok(guildhall_store::federation::find_community(ctx.db(), name, domain).await?)
        }
        Some((name, _)) => Ok(store::find_by_name(ctx.db(), name).await?),
        None => Ok(store::find_by_name(ctx.db(), &handle).await?),
    }
}

/// Adds the viewer's access to an already loaded community.
pub(crate) async fn load_for(ctx: &AppContext, viewer: Option<&Viewer>, community: community::Model) -> Result<Loaded> {
    let membership = match viewer {
        Some(v) => store::find_membership(ctx.db(), community.id, v.account_id).await?,
        None => None,
    };
    let access = access_of(&community, membership.as_ref(), viewer.is_some(), viewer.is_some_and(|v| v.is_admin))?;
    Ok(Loaded { community, membership, access })
}

/// What the policies say about a local person (or an anonymous visitor) in `c`, from their
/// membership row and whether they administer this instance.
pub(crate) fn access_of(
    c: &community::Model,
    m: Option<&membership::Model>,
    signed_in: bool,
    is_admin: bool,
) -> Result<Access> {
    access_in(c.visibility, c.domain.is_empty(), m, signed_in, is_admin)
}

/// [`access_of`] from just a community's visibility and whether it is local.
pub(crate) fn access_in(
    visibility: Visibility,
    local: bool,
    m: Option<&membership::Model>,
    signed_in: bool,
    is_admin: bool,
) -> Result<Access> {
    Ok(Access {
        visibility,
        role: role_of(signed_in, m)?,
        instance_admin: is_admin && guildhall_domain::visibility::admin_powers_apply(local, visibility),
    })
}

fn check_domains(raw: Option<&[String]>) -> Result<Option<Vec<String>>> {
    let Some(list) = raw else { return Ok(None) };
    if list.len() > 100 {
        return Err(
            guildhall_domain::Invalid::coded("member_domains", InvalidCode::TooMany, "at most 100 instances").into()
        );
    }
    let mut out = Vec::new();
    for d in list {
        let n = guildhall_domain::federation_policy::normalise_host(d).ok_or_else(|| {
            guildhall_domain::Invalid::coded(
                "member_domains",
                InvalidCode::NotAHost,
                format!("'{d}' is not a host name such as gc.ca"),
            )
        })?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(Some(out))
}

fn check_text(field: &'static str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    Ok(v.map(|t| validate::text(field, t, max, false)).transpose()?)
}

/// Creates a community; the creator becomes its first moderator.
pub async fn create(ctx: &AppContext, viewer: &Viewer, new: NewCommunity) -> Result<CommunityView> {
    let c = create_with(ctx, viewer, new, None).await?;
    tracing::info!(account = %viewer.username, community = %c.name, "community created");
    CommunityView::build(&c, 1, CommunityRole::Moderator, true)
}

/// Creates a community, or a guild when `guild` names its focus; the creator becomes its
/// first moderator (a guild's first steward).
pub(crate) async fn create_with(
    ctx: &AppContext,
    viewer: &Viewer,
    new: NewCommunity,
    guild: Option<guildhall_domain::guild::GuildFocus>,
) -> Result<community::Model> {
    let name = validate::name("name", &new.name)?;
    let title = validate::required_line("title", &new.title, Limits::TITLE)?;
    let description = check_text("description", new.description.as_deref(), Limits::DESCRIPTION)?.unwrap_or_default();
    let charter = check_text("charter", new.charter.as_deref(), Limits::CHARTER)?.unwrap_or_default();
    let welcome =
        check_text("welcome_message", new.welcome_message.as_deref(), Limits::DESCRIPTION)?.unwrap_or_default();
    let tags = validate::tags("tags", new.tags.as_deref().unwrap_or_default())?;
    let visibility = new.visibility.unwrap_or(Visibility::Public);
    let member_domains = check_domains(new.member_domains.as_deref())?.unwrap_or_default();
    let join_question =
        validate::optional_line("join_question", new.join_question.as_deref().unwrap_or(""), Limits::SHORT)?;
    if !admin::settings(ctx).await?.community_creation.allows(viewer.is_admin) {
        return Err(Denied::AdminsOnly.into());
    }
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    accounts::claim_name(&txn, &name, "community").await?;
    let c = store::insert(
        &txn,
        store::NewCommunity {
            name,
            title,
            description,
            charter,
            welcome_message: welcome,
            tags,
            visibility,
            created_by: viewer.account_id,
            member_domains,
            join_question,
        },
        now,
    )
    .await?;
    store::insert_membership(
        &txn,
        store::NewMembership {
            community_id: c.id,
            account_id: viewer.account_id,
            status: MembershipStatus::Active,
            is_moderator: true,
            request_message: None,
            charter_accepted_at: Some(now),
            follow_ap_id: None,
        },
        now,
    )
    .await?;
    let c = match guild {
        Some(focus) => guildhall_store::guilds::make_guild(&txn, c, focus.as_str()).await?,
        None => c,
    };
    txn.commit().await?;
    Ok(c)
}

/// One community as the viewer may see it.
pub async fn get(ctx: &AppContext, viewer: Option<&Viewer>, name: &str) -> Result<CommunityView> {
    let l = load(ctx, viewer, name).await?;
    let count = store::member_counts(ctx.db(), &[l.community.id]).await?.get(&l.community.id).copied().unwrap_or(0);
    CommunityView::build(&l.community, count, l.access.role, l.access.can_read_content())
}

/// All communities by name, with counts and the viewer's role, without N+1 queries. Remote
/// communities on limited instances are listed to their members only.
pub async fn list(ctx: &AppContext, viewer: Option<&Viewer>, page: Page) -> Result<List<CommunityView>> {
    let policy = admin::federation_policy(ctx).await?;
    let hidden = if policy.limited.is_empty() {
        Vec::new()
    } else {
        // Match hosts with the domain's rule, then filter by exact domains in the query; the
        // query lets members through, as `listed_in_directory` says.
        let known = store::remote_domains(ctx.db()).await?;
        known.into_iter().filter(|d| policy.is_limited(d)).collect()
    };
    let rows = store::list(ctx.db(), page, &hidden, viewer.map(|v| v.account_id)).await?;
    let ids: Vec<i64> = rows.items.iter().map(|c| c.id).collect();
    let counts = store::member_counts(ctx.db(), &ids).await?;
    let mine = match viewer {
        Some(v) => store::memberships_of(ctx.db(), v.account_id, &ids).await?,
        None => Default::default(),
    };
    let mut items = Vec::with_capacity(rows.items.len());
    for c in &rows.items {
        let access = access_of(c, mine.get(&c.id), viewer.is_some(), viewer.is_some_and(|v| v.is_admin))?;
        items.push(CommunityView::build(
            c,
            counts.get(&c.id).copied().unwrap_or(0),
            access.role,
            access.can_read_content(),
        )?);
    }
    Ok(List::new(items, page, rows.has_more))
}

/// Edits a community (moderators and admins). Opening a private community (to approval or
/// public) marks its existing discussions members-only in the same transaction, so what was
/// posted in private stays private; discussions started afterwards follow the new visibility.
pub async fn update(ctx: &AppContext, viewer: &Viewer, name: &str, change: CommunityChange) -> Result<CommunityView> {
    let l = load(ctx, Some(viewer), name).await?;
    l.access.moderate()?;
    let title = change.title.as_deref().map(|t| validate::required_line("title", t, Limits::TITLE)).transpose()?;
    let description = check_text("description", change.description.as_deref(), Limits::DESCRIPTION)?;
    let charter = check_text("charter", change.charter.as_deref(), Limits::CHARTER)?;
    let welcome = check_text("welcome_message", change.welcome_message.as_deref(), Limits::DESCRIPTION)?;
    let tags = change.tags.as_deref().map(|t| validate::tags("tags", t)).transpose()?;
    let member_domains = check_domains(change.member_domains.as_deref())?;
    let join_question = change
        .join_question
        .as_deref()
        .map(|q| validate::optional_line("join_question", q, Limits::SHORT))
        .transpose()?;
    let lifecycle = change
        .lifecycle
        .as_deref()
        .map(|l| {
            guildhall_domain::directory::Lifecycle::parse(l.trim()).ok_or_else(|| {
                guildhall_domain::Invalid::new("lifecycle", "must be forming, active, dormant or archived")
            })
        })
        .transpose()?;
    let txn = crate::receipt::begin_write(ctx).await?;
    // Re-read under the lock: whether the community was private must be what this write
    // changes, not what another edit left before it.
    store::lock(&txn, l.community.id).await?;
    let current = store::find_by_id(&txn, l.community.id).await?.ok_or(Error::NotFound("community"))?;
    let was = current.visibility;
    let mut active: community::ActiveModel = current.into();
    if let Some(v) = member_domains {
        active.member_domains = Set(encode_list(&v));
    }
    if let Some(v) = join_question {
        active.join_question = Set(v);
    }
    if let Some(v) = title {
        active.title = Set(v);
    }
    if let Some(v) = description {
        active.description = Set(v);
    }
    if let Some(v) = charter {
        active.charter = Set(v);
    }
    if let Some(v) = welcome {
        active.welcome_message = Set(v);
    }
    if let Some(v) = tags {
        active.tags = Set(encode_list(&v));
    }
    if let Some(v) = change.listed {
        active.listed = Set(v);
    }
    if let Some(v) = lifecycle {
        active.lifecycle = Set(v.as_str().into());
    }
    // Discussions marked members-only by this change, for the log.
    let mut marked = 0;
    if let Some(v) = change.visibility {
        // Pending requests stay pending when a community opens up; moderators decide them.
        active.visibility = Set(v);
        if guildhall_domain::policy::opening_keeps_past_private(was, v) {
            marked = guildhall_store::discussions::mark_members_only(&txn, l.community.id).await?;
        }
    }
    active.updated_at = Set(Utc::now());
    let saved = store::update(&txn, active).await?;
    txn.commit().await?;
    tracing::info!(account = %viewer.username, community = %saved.name, marked, "community updated");
    get(ctx, Some(viewer), &saved.name).await
}
