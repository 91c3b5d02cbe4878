//! Search for the Mastodon API: communities and people by name, among what the viewer may
//! know exists (the same rule as the community list), and a post by its address.

use guildhall_store::entities::{account, community};
use guildhall_store::{communities as community_store, search as store};

use crate::communities::access_of;
use crate::views::CommunityView;
use crate::{AppContext, Result, Viewer};

/// Communities and guilds whose name or title contains `text`, as the viewer sees them, with
/// the actor id of remote ones. Remote communities on limited instances are found by their
/// members only, as in the community list.
pub async fn communities(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    text: &str,
    limit: u64,
) -> Result<Vec<(CommunityView, Option<String>)>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let policy = crate::admin::federation_policy(ctx).await?;
    let hidden = if policy.limited.is_empty() {
        Vec::new()
    } else {
        let known = community_store::remote_domains(ctx.db()).await?;
        known.into_iter().filter(|d| policy.is_limited(d)).collect()
    };
    let rows = store::communities(ctx.db(), text, &hidden, viewer.map(|v| v.account_id), limit).await?;
    views(ctx, viewer, &rows).await
}

/// The views of already-found communities, as the viewer sees them.
pub async fn views(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    rows: &[community::Model],
) -> Result<Vec<(CommunityView, Option<String>)>> {
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let counts = community_store::member_counts(ctx.db(), &ids).await?;
    let mine = match viewer {
        Some(v) => community_store::memberships_of(ctx.db(), v.account_id, &ids).await?,
        None => Default::default(),
    };
    let mut out = Vec::with_capacity(rows.len());
    for c in rows {
        let access = access_of(c, mine.get(&c.id), viewer.is_some(), viewer.is_some_and(|v| v.is_admin))?;
        let view =
            CommunityView::build(c, counts.get(&c.id).copied().unwrap_or(0), access.role, access.can_read_content())?;
        let ap_id = if c.domain.is_empty() { None } else { c.ap_id.clone() };
        out.push((view, ap_id));
    }
    Ok(out)
}

/// Active people (local or known remote) whose username or display name contains `text`.
pub async fn people(ctx: &AppContext, text: &str, limit: u64) -> Result<Vec<account::Model>> {
    let text = text.trim().trim_start_matches('@');
    if text.is_empty() {
        return Ok(Vec::new());
    }
    Ok(store::people(ctx.db(), text, limit).await?)
}

/// The post at `address` as the viewer may read it: a local post's address or page, or a
/// known remote post's id. Unknown addresses are not fetched; what the viewer may not read is
/// not found, as everywhere.
pub async fn post_at(ctx: &AppContext, viewer: Option<&Viewer>, address: &str) -> Result<Option<crate::posts::Post>> {
    use crate::posts::PostRef;
    let address = address.trim();
    let found = match crate::urls::Urls::new(ctx).local_post(address) {
        Some(p) => Some(p),
        None => match crate::lookup::discussion_by_ap_id(ctx, address).await? {
            Some(d) => Some(PostRef::Discussion(d.id)),
            None => crate::lookup::reply_by_ap_id(ctx, address).await?.map(|r| PostRef::Reply(r.id)),
        },
    };
    let Some(p) = found else { return Ok(None) };
    match crate::posts::one(ctx, viewer, p).await {
        Ok(post) => Ok(Some(post)),
        Err(crate::Error::NotFound(_) | crate::Error::Denied(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

// Full-text search over everything a viewer may read (see `search_engine.rs` for how).

pub use guildhall_domain::search::{SearchKind, Segment};

/// A full-text search: words plus filters. Every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// The words (at most [`guildhall_domain::search::MAX_QUERY_CHARS`] characters).
    pub text: String,
    /// Only these kinds; empty: every kind.
    pub kinds: Vec<SearchKind>,
    /// Only content of this community (`name` or `name@domain`).
    pub community: Option<String>,
    /// Only content of communities linked to this guild (`name` or `name@domain`).
    pub guild: Option<String>,
    /// Only things hosted on this instance (a domain; this instance's own domain for local).
    pub instance: Option<String>,
    /// Only things published on or after this day (UTC).
    pub since: Option<chrono::NaiveDate>,
    /// Only things published on or before this day (UTC).
    pub until: Option<chrono::NaiveDate>,
    /// Only things in this language (`en` or `fr`, as guessed from their words).
    pub language: Option<String>,
    /// Results to skip (paging).
    pub offset: u64,
    /// Results per page (1–50).
    pub limit: u64,
}

/// The community a result belongs to.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HitCommunity {
    /// `name` for a local community, `name@domain` for a remote one.
    pub handle: String,
    /// Its title.
    pub title: String,
}

/// One search result, as the viewer may see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// What it is.
    #[schema(value_type = String)]
    pub kind: SearchKind,
    /// The row id of the thing (a discussion, reply, wiki page, event, community or account).
    pub object_id: i64,
    /// Its title (a reply's is its discussion's; a person's is their name).
    pub title: String,
    /// Text around the first match, matches marked.
    pub snippet: Vec<Segment>,
    /// Where to open it on this instance.
    pub url: String,
    /// The community it is in (for content), or the community or guild itself.
    pub community: Option<HitCommunity>,
    /// The instance it is hosted on (this instance's domain for local things).
    pub instance: String,
    /// Who wrote it (content) as `name` or `name@domain`.
    pub author: Option<String>,
    /// When it was published (a person's or community's: when they joined or were created).
    pub published_at: chrono::DateTime<chrono::Utc>,
    /// Language guessed from its words (`en`, `fr`), if clear.
    pub language: Option<String>,
}

/// A page of results, best first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    /// The results.
    pub hits: Vec<SearchHit>,
    /// Results skipped before these.
    pub offset: u64,
    /// Whether another page follows.
    pub has_more: bool,
}

/// The results of `q` that `viewer` may read, best first: relevance (title words count more
/// than body words), then recency. An empty query finds nothing; a query over
/// [`guildhall_domain::search::MAX_QUERY_CHARS`] characters is refused as invalid.
pub async fn find(ctx: &AppContext, viewer: Option<&Viewer>, q: &SearchQuery) -> Result<SearchPage> {
    crate::search_engine::find(ctx, viewer, q).await
}
