//! Network-wide search, a Guildhall extension: this instance asks the other Guildhall
//! instances it knows for their public results, within a time budget, and answers theirs
//! (`GET /api/guildhall/v1/search/public`, docs/federation.md). Either side is off when the
//! admin turned `network_search` off. Peers are not trusted: their answers are bounded,
//! checked and cleaned (`wire`), and one that is slow never holds the others up.

mod wire;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use guildhall_domain::Invalid;
use guildhall_domain::directory::MapInstanceStatus;
use guildhall_domain::search::MAX_QUERY_CHARS;
use moka::future::Cache;
use tokio::task::JoinSet;

use crate::search::{SearchHit, SearchKind, SearchQuery};
use crate::{AppContext, Error, Result};

/// The path other instances are asked at.
pub const PUBLIC_PATH: &str = "/api/guildhall/v1/search/public";
/// How long a network search waits for other instances unless configured.
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(3000);
/// The largest answer read from another instance.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;
/// Most results an instance gives (and is accepted from) per request.
pub const MAX_RESULTS: u64 = wire::MAX_RESULTS as u64;
/// How long another instance's answer to the same query is reused.
const ANSWER_TTL: Duration = Duration::from_secs(60);

/// A result from another instance.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RemoteHit {
    /// The instance that answered (its domain).
    pub instance: String,
    /// The department or organisation that runs it, when it says.
    pub department: Option<String>,
    /// The result as that instance described it; `url` is absolute, on that instance.
    pub hit: SearchHit,
}

/// An instance that was asked but gave no results in time.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Skipped {
    /// Its domain.
    pub instance: String,
    /// Why: `timeout`, `refused`, `bad_answer` or `unreachable`.
    pub reason: String,
}

/// What the network answered.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct NetworkResults {
    /// Results from other instances, merged best first.
    pub hits: Vec<RemoteHit>,
    /// Instances that were asked and did not answer usefully in time.
    pub skipped: Vec<Skipped>,
}

/// What this instance answers another instance's network search.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicResults {
    /// This instance's domain.
    pub instance: String,
    /// The department or organisation that runs it, if the admin said.
    pub department: Option<String>,
    /// Its own public results, best first; `url` is absolute.
    pub results: Vec<SearchHit>,
    /// Whether more results follow.
    pub has_more: bool,
}

/// How one instance answered (cached when it did answer).
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Answered { department: Option<String>, hits: Vec<SearchHit> },
    Refused(String),
    BadAnswer(String),
    Unreachable(String),
    Timeout,
}

/// Other instances' recent answers, by `domain` and request.
pub(crate) type Answers = Cache<String, Arc<Outcome>>;

/// The cache the context keeps for [`ask`].
pub(crate) fn answers_cache() -> Answers {
    Cache::builder().max_capacity(10_000).time_to_live(ANSWER_TTL).build()
}

/// Whether this instance takes part in network search (the admin's `network_search`).
pub async fn enabled(ctx: &AppContext) -> Result<bool> {
    Ok(crate::admin::settings(ctx).await?.network_search)
}

/// This instance's answer to another's network search for `text`: what an anonymous visitor
/// may read of this instance's own content (never remote content it holds, which its own
/// instance answers for), at most `limit` (1–20) results. `None` when network search is off.
pub async fn public_results(
    ctx: &AppContext,
    text: &str,
    kinds: Vec<SearchKind>,
    limit: u64,
) -> Result<Option<PublicResults>> {
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(Invalid::new("limit", format!("from 1 to {MAX_RESULTS}")).into());
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Invalid::new("q", format!("at most {MAX_QUERY_CHARS} characters")).into());
    }
    let settings = crate::admin::settings(ctx).await?;
    if !settings.network_search {
        return Ok(None);
    }
    let instance = ctx.instance().domain.clone();
    let q = SearchQuery { text: text.to_owned(), kinds, instance: Some(instance.clone()), limit, ..Default::default() };
    let page = crate::search::find(ctx, None, &q).await?;
    let base = ctx.instance().base_url();
    let results = page
        .hits
        .into_iter()
        .map(|mut h| {
            if h.url.starts_with('/') {
                h.url = format!("{base}{}", h.url);
            }
            h
        })
        .collect();
    let department = Some(settings.organisation.trim().to_owned()).filter(|d| !d.is_empty());
    Ok(Some(PublicResults { instance, department, results, has_more: page.has_more }))
}

/// An instance to ask: its domain and the department the map knows for it.
#[derive(Debug, Clone)]
struct Peer {
    domain: String,
    department: Option<String>,
}

/// The other Guildhall instances this one knows (on the network map, or hosting remote
/// communities known here), less this one and those the federation policy blocks or limits.
async fn peers(ctx: &AppContext) -> Result<Vec<Peer>> {
    let own = ctx.instance().domain.to_ascii_lowercase();
    let policy = crate::admin::federation_policy(ctx).await?;
    let mut found: BTreeMap<String, Option<String>> = BTreeMap::new();
    for row in guildhall_store::map_crawl::all_instances(ctx.db()).await? {
        // The map keeps "name version", as the directory says it.
        let name = row.software.split_whitespace().next().unwrap_or_default();
        if name.eq_ignore_ascii_case("guildhall") && row.status != MapInstanceStatus::Blocked {
            let department = Some(row.organisation.trim().to_owned()).filter(|d| !d.is_empty());
            found.insert(row.domain.to_ascii_lowercase(), department);
        }
    }
    let remote = guildhall_store::communities::remote_domains(ctx.db()).await?;
    for (domain, software) in crate::federation::peers::software_of(ctx, &remote).await? {
        if software == "guildhall" {
            found.entry(domain.to_ascii_lowercase()).or_insert(None);
        }
    }
    Ok(found
        .into_iter()
        .filter(|(d, _)| *d != own && policy.allows(d) && !policy.is_limited(d))
        .map(|(domain, department)| Peer { domain, department })
        .collect())
}

/// The request's path and query, as asked of every instance.
fn request_of(q: &SearchQuery, text: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("q", text);
    if !q.kinds.is_empty() {
        let kinds: Vec<&str> = q.kinds.iter().map(|k| k.as_str()).collect();
        query.append_pair("kind", &kinds.join(","));
    }
    let limit = if q.limit == 0 { 10 } else { q.limit.min(MAX_RESULTS) };
    query.append_pair("limit", &limit.to_string());
    format!("{PUBLIC_PATH}?{}", query.finish())
}

/// Asks the other Guildhall instances this one knows for their public results for `q`: its
/// words, kinds and limit (other filters are this instance's own; `instance` picks one peer).
/// Instances are asked at once; those that have not answered within the budget are listed as
/// `timeout`. Nothing is asked when network search is off here or the query is empty.
pub async fn ask(ctx: &AppContext, q: &SearchQuery) -> Result<NetworkResults> {
    let text = q.text.trim();
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(Invalid::new("q", format!("at most {MAX_QUERY_CHARS} characters")).into());
    }
    if text.is_empty() || !ctx.has_network() || !enabled(ctx).await? {
        return Ok(NetworkResults::default());
    }
    let mut peers = peers(ctx).await?;
    if let Some(only) = &q.instance {
        peers.retain(|p| p.domain.eq_ignore_ascii_case(only.trim()));
    }
    if peers.is_empty() {
        return Ok(NetworkResults::default());
    }
    let request = request_of(q, text);
    let budget = ctx.network_search_budget();
    let deadline = tokio::time::Instant::now() + budget;
    let mut tasks = JoinSet::new();
    for (i, peer) in peers.iter().enumerate() {
        let (ctx, domain, request) = (ctx.clone(), peer.domain.clone(), request.clone());
        tasks.spawn(async move { (i, ask_one(&ctx, &domain, &request, budget).await) });
    }
    let mut outcomes: Vec<Option<Arc<Outcome>>> = vec![None; peers.len()];
    while let Ok(Some(joined)) = tokio::time::timeout_at(deadline, tasks.join_next()).await {
        match joined {
            Ok((i, outcome)) => outcomes[i] = Some(outcome),
            Err(e) => tracing::warn!(error = %e, "a network search request failed"),
        }
    }
    // Whoever has not answered by now is not waited for.
    tasks.abort_all();
    Ok(merge(&peers, outcomes))
}

/// One instance's answer to `request`, from the cache when it answered within the minute.
async fn ask_one(ctx: &AppContext, domain: &str, request: &str, budget: Duration) -> Arc<Outcome> {
    let key = format!("{domain} {request}");
    if let Some(known) = ctx.network_search_answers().get(&key).await {
        return known;
    }
    let scheme = if ctx.instance().https { "https" } else { "http" };
    let url = format!("{scheme}://{domain}{request}");
    let outcome = match ctx.network() {
        // The request's own timeout is a little longer than the budget: the budget decides.
        Ok(net) => match net.get_public(ctx, &url, MAX_ANSWER_BYTES, budget + Duration::from_millis(500)).await {
            Ok(a) if a.status == 200 => match wire::check(&a.body, scheme, domain) {
                Ok(c) => Outcome::Answered { department: c.department, hits: c.hits },
                Err(why) => Outcome::BadAnswer(why),
            },
            Ok(a) => Outcome::Refused(format!("HTTP {}", a.status)),
            // The crawler's fetcher says so when the body passes the cap.
            Err(Error::Remote(why)) if why.contains("too large") => Outcome::BadAnswer(why),
            Err(Error::Remote(why)) if why.contains("timed out") => Outcome::Timeout,
            Err(e) => Outcome::Unreachable(e.to_string()),
        },
        Err(e) => Outcome::Unreachable(e.to_string()),
    };
    let outcome = Arc::new(outcome);
    // Answers (good, refused or bad) are kept so a peer is asked once a minute per query;
    // failures to reach it are not, as they may pass.
    if !matches!(*outcome, Outcome::Unreachable(_) | Outcome::Timeout) {
        ctx.network_search_answers().insert(key, outcome.clone()).await;
    }
    outcome
}

/// The results, interleaved by each instance's order (each instance's best first), and the
/// instances skipped, logged.
fn merge(peers: &[Peer], outcomes: Vec<Option<Arc<Outcome>>>) -> NetworkResults {
    let mut lists: Vec<Vec<RemoteHit>> = Vec::new();
    let mut skipped = Vec::new();
    for (peer, outcome) in peers.iter().zip(outcomes) {
        let (reason, detail) = match outcome.as_deref() {
            Some(Outcome::Answered { department, hits }) => {
                let department = department.clone().or_else(|| peer.department.clone());
                let list = hits
                    .iter()
                    .map(|h| RemoteHit {
                        instance: peer.domain.clone(),
                        department: department.clone(),
                        hit: h.clone(),
                    })
                    .collect();
                lists.push(list);
                continue;
            }
            Some(Outcome::Refused(why)) => ("refused", why.as_str()),
            Some(Outcome::BadAnswer(why)) => ("bad_answer", why.as_str()),
            Some(Outcome::Unreachable(why)) => ("unreachable", why.as_str()),
            Some(Outcome::Timeout) | None => ("timeout", "no answer within the budget"),
        };
        tracing::info!(domain = %peer.domain, reason, detail, "network search skipped an instance");
        skipped.push(Skipped { instance: peer.domain.clone(), reason: reason.to_owned() });
    }
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    let mut hits = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut lists: Vec<_> = lists.into_iter().map(Vec::into_iter).collect();
    for _ in 0..longest {
        hits.extend(lists.iter_mut().filter_map(Iterator::next));
    }
    NetworkResults { hits, skipped }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(n: i64) -> SearchHit {
        SearchHit {
            kind: SearchKind::Discussion,
            object_id: n,
            title: format!("t{n}"),
            snippet: vec![],
            url: format!("https://x.example/d/{n}"),
            community: None,
            instance: "x.example".into(),
            author: None,
            published_at: chrono::Utc::now(),
            language: None,
        }
    }

    #[test]
    fn results_are_interleaved_by_each_instances_order_and_skips_named() {
        let peers: Vec<Peer> = ["a.example", "b.example", "c.example", "d.example"]
            .into_iter()
            .map(|d| Peer { domain: d.into(), department: Some("Map dept".into()) })
            .collect();
        let outcomes = vec![
            Some(Arc::new(Outcome::Answered { department: None, hits: vec![hit(1), hit(2), hit(3)] })),
            Some(Arc::new(Outcome::BadAnswer("x".into()))),
            Some(Arc::new(Outcome::Answered { department: Some("C".into()), hits: vec![hit(10)] })),
            None,
        ];
        let r = merge(&peers, outcomes);
        let order: Vec<(&str, i64)> = r.hits.iter().map(|h| (h.instance.as_str(), h.hit.object_id)).collect();
        assert_eq!(order, [("a.example", 1), ("c.example", 10), ("a.example", 2), ("a.example", 3)]);
        assert_eq!(r.hits[0].department.as_deref(), Some("Map dept"), "the map's when the answer says none");
        assert_eq!(r.hits[1].department.as_deref(), Some("C"));
        let skipped: Vec<(&str, &str)> = r.skipped.iter().map(|s| (s.instance.as_str(), s.reason.as_str())).collect();
        assert_eq!(skipped, [("b.example", "bad_answer"), ("d.example", "timeout")]);
    }

    #[test]
    fn the_request_carries_words_kinds_and_a_bounded_limit() {
        let q = SearchQuery { kinds: vec![SearchKind::Wiki, SearchKind::Event], limit: 50, ..Default::default() };
        assert_eq!(
            request_of(&q, "budget & plan"),
            format!("{PUBLIC_PATH}?q=budget+%26+plan&kind=wiki%2Cevent&limit=20")
        );
    }
}
