//! The network-map crawler across real instances: alpha knows beta (a member of alpha joined a
//! community there), and beta's community belongs to a guild on gamma, which alpha has never
//! heard of; `guildhall map crawl` on alpha finds beta's directory and, through the guild
//! link listed there, gamma's, leaves out the community beta unlisted, records the instance
//! alpha's admin blocked without contacting it, and never fetches alpha itself. The admin API
//! shows the instances and runs the same crawl in the background.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::hostile::{Behaviour, HostileServer};
use federation_tests::{Instance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(60);

async fn create_community(client: &federation_tests::Client, name: &str) {
    expect_status(
        client
            .post(
                "/api/guildhall/v1/communities",
                &json!({"name": name, "title": format!("{name} community"), "visibility": "public"}),
            )
            .await,
        StatusCode::CREATED,
        "create community",
    );
}

/// Unlists a community through the community API (`listed`).
async fn unlist(owner: &federation_tests::Client, name: &str) {
    let body = expect_status(
        owner.patch(&format!("/api/guildhall/v1/communities/{name}"), &json!({"listed": false})).await,
        StatusCode::OK,
        "unlist",
    );
    assert_eq!(body["listed"], false, "{body}");
}

fn instance_row<'a>(rows: &'a Value, domain: &str) -> &'a Value {
    rows.as_array()
        .and_then(|r| r.iter().find(|r| r["domain"] == domain))
        .unwrap_or_else(|| panic!("{domain} is not on the map: {rows}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_crawler_finds_directories_respects_opt_outs_and_blocks() {
    let (alpha, beta, gamma) =
        tokio::join!(Instance::start("alpha"), Instance::start("beta"), Instance::start("gamma"));
    let blocked = HostileServer::start(Behaviour::Directory).await;
    blocked.set_pages(vec![vec![blocked.entry("blocked-one", &[])]]);

    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    create_community(&bob, "ux-design").await;
    create_community(&bob, "quiet-room").await;
    unlist(&bob, "quiet-room").await;
    create_community(&cyd, "digital-identity").await;
    // beta's community joins a guild on gamma (both sides say yes): beta's directory links it.
    let guild = json!({"name": "id-guild", "title": "Identity guild", "focus": "focus_area"});
    expect_status(cyd.post("/api/guildhall/v1/guilds", &guild).await, StatusCode::CREATED, "create guild");
    let guild_handle = format!("id-guild@{}", gamma.domain());
    let ask_path = format!("/api/guildhall/v1/communities/ux-design/guilds/{guild_handle}");
    expect_status(bob.request(reqwest::Method::PUT, &ask_path, None).await, StatusCode::OK, "ask to join the guild");
    let member_handle = format!("ux-design@{}", beta.domain());
    // The steward's yes completes beta's request, or crosses it as an invitation: either way
    // both sides agreed.
    let yes_path = format!("/api/guildhall/v1/guilds/id-guild/communities/{member_handle}");
    expect_status(cyd.request(reqwest::Method::PUT, &yes_path, None).await, StatusCode::OK, "the guild says yes");
    poll_until(DEADLINE, "beta hears the guild said yes", || async {
        let (_, links) = bob.get("/api/guildhall/v1/communities/ux-design/guilds").await;
        links.as_array()?.iter().any(|l| l["state"] == "active").then_some(())
    })
    .await;

    // Alpha federates with beta: ada joins a community there.
    join_remote(&ada, &format!("ux-design@{}", beta.domain())).await;

    let admin = alpha.admin_client().await;
    expect_status(
        admin
            .patch(
                "/api/guildhall/v1/admin/settings",
                &json!({"federation_mode": "blocklist", "federation_domains": [blocked.host()]}),
            )
            .await,
        StatusCode::OK,
        "block the fourth host",
    );

    let out =
        alpha.cli(&["map", "crawl", "--seed", blocked.host(), "--interval-ms", "10", "--timeout-ms", "10000"]).await;
    assert!(out.contains("map crawl finished"), "{out}");

    let (status, rows) = admin.get("/api/guildhall/v1/admin/map/instances").await;
    assert_eq!(status, StatusCode::OK, "{rows}");
    for (instance, want) in [(&beta, 1), (&gamma, 2)] {
        let row = instance_row(&rows, &instance.domain());
        assert_eq!(row["status"], "ok", "{row}\nCLI output:\n{out}");
        assert_eq!(row["entries_count"], want, "{row}");
        assert!(row["last_error"].is_null(), "{row}");
    }
    assert_eq!(instance_row(&rows, &gamma.domain())["discovered_from"], beta.domain(), "found through the guild link");
    let b = instance_row(&rows, blocked.host());
    assert_eq!(b["status"], "blocked", "{b}");
    assert_eq!(blocked.requests(), 0, "the blocked host received no request");
    assert!(
        !rows.as_array().unwrap().iter().any(|r| r["domain"] == alpha.domain()),
        "alpha never crawls itself: {rows}"
    );

    // What is on alpha's map: beta's listed community and gamma's, not beta's unlisted one.
    let db = guildhall_store::connect(alpha.database_url()).await.expect("open alpha's database");
    let beta_entries = guildhall_store::map_crawl::entries_of(&db, &beta.domain()).await.unwrap();
    let names: Vec<&str> = beta_entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, vec!["ux-design"], "the unlisted community is absent");
    assert_eq!(beta_entries[0].ap_id, format!("http://{}/c/ux-design", beta.domain()));
    let gamma_entries = guildhall_store::map_crawl::entries_of(&db, &gamma.domain()).await.unwrap();
    let mut gamma_names: Vec<&str> = gamma_entries.iter().map(|e| e.name.as_str()).collect();
    gamma_names.sort_unstable();
    assert_eq!(gamma_names, vec!["digital-identity", "id-guild"]);
    let guild_id = format!("http://{}/c/id-guild", gamma.domain());
    assert!(beta_entries[0].links.contains(&guild_id), "beta's entry links the guild: {}", beta_entries[0].links);
    db.close().await.ok();

    // Admins only.
    let (status, _) = ada.get("/api/guildhall/v1/admin/map/instances").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = ada.post("/api/guildhall/v1/admin/map/crawl", &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The same crawl from the admin API, in the background; progress is readable.
    let started = expect_status(
        admin.post("/api/guildhall/v1/admin/map/crawl?force=true", &json!({})).await,
        StatusCode::ACCEPTED,
        "start a crawl",
    );
    assert!(started["started_at"].is_string(), "{started}");
    let done = poll_until(DEADLINE, "the background crawl to end", || async {
        let (_, s) = admin.get("/api/guildhall/v1/admin/map/crawl").await;
        (s["running"] == false && s["finished_at"].is_string()).then_some(s)
    })
    .await;
    assert!(done["error"].is_null(), "{done}");
    assert_eq!(done["progress"]["done"], 2, "beta and gamma again (forced): {done}");
    assert_eq!(done["progress"]["blocked"], 1, "{done}");
    assert_eq!(blocked.requests(), 0);
}
