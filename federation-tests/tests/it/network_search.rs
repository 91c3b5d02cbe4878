//! Network search across real instances: alpha knows beta and gamma (a member of alpha joined
//! a community on each, so alpha read their NodeInfo: Guildhall) and three more "Guildhall
//! instances" from its network map: one that accepts and never answers, one that answers
//! garbage, one whose answer never ends (over 256 KiB), and one alpha's admin blocked. Alpha's search gets beta's and gamma's public
//! results labelled with their instance, none of gamma's private community, within the time
//! budget; the hanging one is skipped as `timeout`, the garbage and endless ones as `bad_answer`, and the
//! blocked one is never contacted. With network search off, alpha asks no one.

use std::time::{Duration, Instant};

use federation_tests::community::{join_remote, member};
use federation_tests::hostile::{Behaviour, HostileServer};
use federation_tests::{Client, InProcessInstance, StatusCode, expect_status, json, poll_until};
use guildhall_app::network_search::{self, NetworkResults};
use guildhall_app::search::SearchQuery;

const DEADLINE: Duration = Duration::from_secs(60);
/// Alpha's budget for other instances' answers.
const BUDGET_MS: u64 = 1500;

async fn community(client: &Client, name: &str, visibility: &str) {
    let body = json!({"name": name, "title": format!("{name} community"), "visibility": visibility});
    expect_status(client.post("/api/guildhall/v1/communities", &body).await, StatusCode::CREATED, "create community");
}

async fn discussion(client: &Client, community: &str, title: &str) {
    let body = json!({"title": title, "body": "Where the money for the lighthouse goes."});
    let path = format!("/api/guildhall/v1/communities/{community}/discussions");
    expect_status(client.post(&path, &body).await, StatusCode::CREATED, "start a discussion");
}

/// Waits until `client`'s instance answers network search for `title` (its index caught up).
async fn indexed(client: &Client, title: &str) {
    poll_until(DEADLINE, &format!("{title} is searchable"), || async {
        let (status, r) = client.get("/api/guildhall/v1/search/public?q=lighthouse+budget").await;
        (status == StatusCode::OK && r["results"].as_array()?.iter().any(|h| h["title"] == title)).then_some(())
    })
    .await;
}

/// Records `host` on alpha's network map as a Guildhall instance.
async fn on_the_map(ctx: &guildhall_app::AppContext, host: &str) {
    let meta = guildhall_store::map_crawl::InstanceMeta {
        name: host.to_owned(),
        organisation: String::new(),
        government: String::new(),
        software: "guildhall 0.1.0".to_owned(),
    };
    let now = chrono::Utc::now();
    guildhall_store::map_crawl::ensure_instance(ctx.db(), host, None, now).await.expect("map instance");
    guildhall_store::map_crawl::record_page(ctx.db(), host, &meta, &[], None, now).await.expect("map page");
}

fn skipped(r: &NetworkResults) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = r.skipped.iter().map(|s| (s.instance.clone(), s.reason.clone())).collect();
    s.sort();
    s
}

#[tokio::test(flavor = "multi_thread")]
async fn alpha_searches_beta_and_gamma_and_skips_slow_bad_and_blocked_instances() {
    let budget = BUDGET_MS.to_string();
    let alpha_settings = [("GUILDHALL_NETWORK_SEARCH_BUDGET_MS", budget.as_str())];
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start_with("alpha", &alpha_settings),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma"),
    );
    let hang = HostileServer::start(Behaviour::Slow).await;
    let garbage = HostileServer::start(Behaviour::MalformedJson).await;
    let huge = HostileServer::start(Behaviour::HugeBody).await;
    let blocked = HostileServer::start(Behaviour::Slow).await;

    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    community(&bob, "harbour", "public").await;
    discussion(&bob, "harbour", "Lighthouse budget on beta").await;
    community(&cyd, "lights", "public").await;
    discussion(&cyd, "lights", "Lighthouse budget on gamma").await;
    community(&cyd, "vault", "private").await;
    discussion(&cyd, "vault", "Lighthouse budget kept secret").await;
    let gamma_admin = gamma.admin_client().await;
    let body = json!({"organisation": "Department of Lights"});
    expect_status(gamma_admin.patch("/api/guildhall/v1/admin/settings", &body).await, StatusCode::OK, "organisation");

    // Alpha meets beta and gamma through their communities (and reads their NodeInfo).
    join_remote(&ada, &format!("harbour@{}", beta.domain())).await;
    join_remote(&ada, &format!("lights@{}", gamma.domain())).await;
    let alpha_admin = alpha.admin_client().await;
    let block = json!({"federation_mode": "blocklist", "federation_domains": [blocked.host()]});
    expect_status(alpha_admin.patch("/api/guildhall/v1/admin/settings", &block).await, StatusCode::OK, "block");

    let ctx = alpha.second_context().await;
    let settings = guildhall_federation::Settings { debug: true, ..guildhall_federation::Settings::default() };
    guildhall_federation::network::FederationNetwork::install(&ctx, settings).expect("network port");
    for host in [hang.host(), garbage.host(), huge.host(), blocked.host()] {
        on_the_map(&ctx, host).await;
    }
    indexed(&bob, "Lighthouse budget on beta").await;
    indexed(&cyd, "Lighthouse budget on gamma").await;
    // The peers run Guildhall, as alpha learnt when it stored their communities.
    poll_until(DEADLINE, "alpha knows beta and gamma run Guildhall", || async {
        let known = guildhall_app::federation::peers::software_of(&ctx, &[beta.domain(), gamma.domain()]).await.ok()?;
        (known.values().filter(|s| *s == "guildhall").count() == 2).then_some(())
    })
    .await;

    let q = SearchQuery { text: "lighthouse budget".into(), limit: 10, ..Default::default() };
    let started = Instant::now();
    let r = network_search::ask(&ctx, &q).await.expect("network search");
    let took = started.elapsed();
    assert!(took < Duration::from_millis(BUDGET_MS + 2000), "answered in {took:?}, budget {BUDGET_MS} ms");

    let found: Vec<(&str, &str)> = r.hits.iter().map(|h| (h.instance.as_str(), h.hit.title.as_str())).collect();
    let (b, g) = (beta.domain(), gamma.domain());
    assert!(found.contains(&(b.as_str(), "Lighthouse budget on beta")), "{found:?}");
    assert!(found.contains(&(g.as_str(), "Lighthouse budget on gamma")), "{found:?}");
    assert!(!found.iter().any(|(_, t)| t.contains("secret")), "gamma's private community stays private: {found:?}");
    for h in &r.hits {
        assert!(h.hit.url.starts_with(&format!("http://{}/", h.instance)), "{:?}", h.hit);
        assert_eq!(h.hit.instance, h.instance);
    }
    let from_gamma = r.hits.iter().find(|h| h.instance == g).expect("a result from gamma");
    assert_eq!(from_gamma.department.as_deref(), Some("Department of Lights"));

    let mut want: Vec<(String, String)> =
        [(hang.host(), "timeout"), (garbage.host(), "bad_answer"), (huge.host(), "bad_answer")]
            .into_iter()
            .map(|(h, why)| (h.to_owned(), why.to_owned()))
            .collect();
    want.sort();
    assert_eq!(skipped(&r), want, "the blocked instance is not even listed");
    assert!(hang.requests() >= 1, "the hanging instance was asked");
    assert_eq!(blocked.requests(), 0, "the blocked instance was never contacted");

    // Network search off on alpha: no one is asked.
    let asked_before = hang.requests() + garbage.requests();
    let off = json!({"network_search": false});
    expect_status(alpha_admin.patch("/api/guildhall/v1/admin/settings", &off).await, StatusCode::OK, "opt out");
    let q = SearchQuery { text: "lighthouse plan".into(), limit: 10, ..Default::default() };
    let r = network_search::ask(&ctx, &q).await.expect("network search");
    assert!(r.hits.is_empty() && r.skipped.is_empty(), "{r:?}");
    assert_eq!(hang.requests() + garbage.requests(), asked_before);
    let (status, body) = alpha_admin.get("/api/guildhall/v1/search/public?q=lighthouse").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::NOT_FOUND, Some("network_search_off")), "{body}");
    assert_eq!(blocked.requests(), 0);
}
