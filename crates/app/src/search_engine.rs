//! The search engine behind [`crate::search::find`]: the viewer's reach into every community is
//! worked out with the same [`guildhall_domain::Access`] reading uses, then handed to one query
//! in the database as sets, so a page of results is exactly a page of readable results.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use guildhall_domain::search::{MAX_QUERY_CHARS, Reach, query_terms, snippet};
use guildhall_domain::{Invalid, InvalidCode};
use guildhall_store::search_index::{self as store, Search};

use crate::communities::access_in;
use crate::search::{HitCommunity, SearchHit, SearchKind, SearchPage, SearchQuery};
use crate::{AppContext, Result, Viewer};

/// Characters of text around the first match.
const SNIPPET_CHARS: usize = 240;

/// Queued changes one search indexes before it runs.
const CATCH_UP: u64 = 500;

/// The most results one page holds.
pub const MAX_LIMIT: u64 = 50;

/// How far a page may start (deeper paging is refused as pointless and expensive).
pub const MAX_OFFSET: u64 = 1_000;

fn day_start(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0)
}

pub(crate) async fn find(ctx: &AppContext, viewer: Option<&Viewer>, q: &SearchQuery) -> Result<SearchPage> {
    let empty = SearchPage { hits: Vec::new(), offset: q.offset, has_more: false };
    if q.text.chars().count() > MAX_QUERY_CHARS {
        return Err(Invalid::coded(
            "q",
            InvalidCode::TooLong { max: MAX_QUERY_CHARS },
            format!("a search is at most {MAX_QUERY_CHARS} characters"),
        )
        .into());
    }
    if let Some(l) = q.language.as_deref()
        && !matches!(l, "en" | "fr")
    {
        return Err(Invalid::new("language", "language is en or fr").into());
    }
    if q.offset > MAX_OFFSET {
        return Err(Invalid::new("offset", format!("offset is at most {MAX_OFFSET}")).into());
    }
    let terms = query_terms(&q.text);
    if terms.is_empty() {
        return Ok(empty);
    }
    // Read your writes: what was committed before this search is in it. A backlog bigger than
    // one batch (a reindex) is left to the background indexer.
    // (A deleted discussion queues its replies, hence a second round.)
    let mut caught_up = 0;
    while caught_up < CATCH_UP {
        match crate::search_index::drain(ctx, CATCH_UP - caught_up).await? {
            0 => break,
            n => caught_up += n,
        }
    }
    let mut s = Search {
        terms: terms.iter().map(|t| (t.stems.clone(), t.prefix.then(|| t.word.clone()))).collect(),
        kinds: q.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        now: Utc::now().timestamp() / 86_400 * 86_400,
        offset: q.offset,
        limit: q.limit.clamp(1, MAX_LIMIT),
        since: q.since.map(day_start),
        until: q.until.map(|d| day_start(d) + 86_400),
        language: q.language.clone(),
        ..Default::default()
    };
    reach(ctx, viewer, &mut s).await?;
    // Filters naming something unknown find nothing rather than everything.
    if let Some(h) = q.community.as_deref().filter(|h| !h.trim().is_empty()) {
        match crate::communities::find(ctx, h).await? {
            Some(c) => s.communities = Some(vec![c.id]),
            None => return Ok(empty),
        }
    }
    if let Some(h) = q.guild.as_deref().filter(|h| !h.trim().is_empty()) {
        let Some(g) = crate::communities::find(ctx, h).await?.filter(|g| g.kind == "guild") else { return Ok(empty) };
        let mut ids: Vec<i64> = guildhall_store::guilds::links_of_guild(ctx.db(), g.id)
            .await?
            .into_iter()
            .filter(|(l, _)| l.state == guildhall_domain::guild::LinkState::Active)
            .map(|(_, c)| c.id)
            .collect();
        ids.push(g.id);
        s.communities = Some(match s.communities.take() {
            Some(one) => one.into_iter().filter(|id| ids.contains(id)).collect(),
            None => ids,
        });
    }
    if let Some(i) = q.instance.as_deref().map(|i| i.trim().to_ascii_lowercase()).filter(|i| !i.is_empty()) {
        s.domain = Some(if i == ctx.instance().domain { String::new() } else { i });
    }
    let mut rows = store::search(ctx.db(), &s).await?;
    let has_more = rows.len() as u64 > s.limit;
    rows.truncate(s.limit as usize);
    let hits = hits(ctx, rows.into_iter().map(|(d, _)| d).collect(), &terms).await?;
    Ok(SearchPage { hits, offset: q.offset, has_more })
}

/// Fills in the viewer's reach: for each community, the domain's reading rule decides.
async fn reach(ctx: &AppContext, viewer: Option<&Viewer>, s: &mut Search) -> Result<()> {
    let policy = crate::admin::federation_policy(ctx).await?;
    let rows = store::community_reach_rows(ctx.db()).await?;
    let mine = match viewer {
        Some(v) => store::memberships_of_account(ctx.db(), v.account_id).await?,
        None => HashMap::new(),
    };
    let mut limited_domains = Vec::new();
    for (id, visibility, domain) in rows {
        let on_limited = !domain.is_empty() && policy.is_limited(&domain);
        if on_limited && !limited_domains.contains(&domain) {
            limited_domains.push(domain.clone());
        }
        let access = access_in(
            visibility,
            domain.is_empty(),
            mine.get(&id),
            viewer.is_some(),
            viewer.is_some_and(|v| v.is_admin),
        )?;
        // Remote communities on limited instances are listed to their members only; search is
        // a list, so their content is found by members only too.
        if !guildhall_domain::policy::listed_in_directory(on_limited, access.role) {
            continue;
        }
        s.listed.push(id);
        let r = Reach::of(access);
        if r.members_only {
            s.all_content.push(id);
        } else if r.open {
            s.open_content.push(id);
        }
        if r.limited_authors {
            s.limited_ok.push(id);
        }
    }
    // People on limited instances are not found (they are reachable by their address).
    let known = guildhall_store::search_index::person_domains(ctx.db()).await?;
    s.hidden_people_domains = known.into_iter().filter(|d| policy.is_limited(d)).collect();
    for d in &s.hidden_people_domains {
        if !limited_domains.contains(d) {
            limited_domains.push(d.clone());
        }
    }
    s.limited_domains = limited_domains;
    Ok(())
}

/// Results as the viewer sees them: community and author names, snippet, address.
async fn hits(
    ctx: &AppContext,
    docs: Vec<guildhall_store::entities::search_document::Model>,
    terms: &[guildhall_domain::search::QueryTerm],
) -> Result<Vec<SearchHit>> {
    let community_ids: Vec<i64> = docs.iter().filter_map(|d| d.community_id).collect();
    let communities: HashMap<i64, _> = guildhall_store::guilds::communities_by_ids(ctx.db(), &community_ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let author_ids: Vec<i64> = docs.iter().filter_map(|d| d.author_id).collect();
    let authors = guildhall_store::accounts::find_many(ctx.db(), &author_ids).await?;
    let own = ctx.instance().domain.clone();
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let Some(kind) = SearchKind::parse(&d.kind) else { continue };
        let community = d.community_id.and_then(|id| communities.get(&id)).map(|c| HitCommunity {
            handle: if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) },
            title: c.title.clone(),
        });
        let author = d
            .author_id
            .and_then(|id| authors.get(&id))
            .map(|a| if a.domain.is_empty() { a.username.clone() } else { format!("{}@{}", a.username, a.domain) });
        out.push(SearchHit {
            kind,
            object_id: d.object_id,
            snippet: snippet(&d.body, terms, SNIPPET_CHARS),
            title: d.title,
            url: d.path,
            community,
            instance: if d.domain.is_empty() { own.clone() } else { d.domain },
            author,
            published_at: chrono::DateTime::from_timestamp(d.published_ts, 0).unwrap_or_default(),
            language: d.language,
        });
    }
    Ok(out)
}
