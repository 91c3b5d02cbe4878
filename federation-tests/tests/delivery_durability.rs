//! Nothing is lost: deliveries to an instance that is down wait and drain when it returns,
//! and a sender killed right after accepting a post delivers it after its restart.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, Instance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(40);

async fn join(client: &Client, handle: &str) {
    join_remote(client, handle).await;
    poll_until(DEADLINE, "accepted", || async {
        let (_, c) = client.get(&format!("/api/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

async fn titles(client: &Client, community: &str) -> Vec<String> {
    let (_, body) = client.get(&format!("/api/v1/communities/{community}/discussions?limit=100")).await;
    body["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["title"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

async fn has_all(client: &Client, community: &str, wanted: &[&str]) -> Option<()> {
    let have = titles(client, community).await;
    wanted.iter().all(|w| have.iter().any(|h| h == w)).then_some(())
}

fn instance_row<'a>(rows: &'a Value, domain: &str) -> Option<&'a Value> {
    rows.as_array()?.iter().find(|r| r["domain"] == domain)
}

#[tokio::test(flavor = "multi_thread")]
async fn backlog_drains_when_an_instance_returns_and_a_killed_sender_resumes() {
    let (alpha, mut beta, mut gamma) =
        tokio::join!(Instance::start("alpha"), Instance::start("beta"), Instance::start("gamma"));
    let (ada, mut bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    expect_status(
        bob.post("/api/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("ops@{}", beta.domain());
    tokio::join!(join(&ada, &handle), join(&cyd, &handle));

    // Gamma goes down; bob keeps posting.
    gamma.stop().await;
    let posts = ["one", "two", "three"];
    for t in posts {
        expect_status(
            bob.post("/api/v1/communities/ops/discussions", &json!({"title": t, "body": t})).await,
            StatusCode::CREATED,
            "post",
        );
    }
    poll_until(DEADLINE, "all posts on alpha", || has_all(&ada, &handle, &posts)).await;

    // Beta's admin sees the backlog and the failures for gamma.
    let admin = beta.admin_client().await;
    poll_until(DEADLINE, "gamma's backlog visible to beta's admin", || async {
        let (_, rows) = admin.get("/api/v1/admin/federation/instances").await;
        let row = instance_row(&rows, &gamma.domain())?;
        (row["pending"].as_u64()? >= 1 && row["failures"].as_i64()? >= 1).then_some(())
    })
    .await;

    // Gamma returns: the backlog drains, in full.
    gamma.restart().await;
    poll_until(DEADLINE, "the backlog on gamma", || has_all(&cyd, &handle, &posts)).await;
    poll_until(DEADLINE, "gamma healthy again", || async {
        let (_, rows) = admin.get("/api/v1/admin/federation/instances").await;
        let row = instance_row(&rows, &gamma.domain())?;
        (row["pending"] == 0 && row["failures"] == 0).then_some(())
    })
    .await;

    // Beta is killed right after accepting a post; after its restart the post still arrives.
    expect_status(
        bob.post("/api/v1/communities/ops/discussions", &json!({"title": "four", "body": "four"})).await,
        StatusCode::CREATED,
        "post before the crash",
    );
    beta.kill();
    beta.restart().await;
    bob.login("bob", "correct horse battery").await;
    poll_until(DEADLINE, "the post on alpha after beta's restart", || has_all(&ada, &handle, &["four"])).await;
    poll_until(DEADLINE, "the post on gamma after beta's restart", || has_all(&cyd, &handle, &["four"])).await;
    // Each post exactly once.
    for (who, c) in [("alpha", &ada), ("gamma", &cyd)] {
        let t = titles(c, &handle).await;
        assert_eq!(t.len(), 4, "{who} has {t:?}");
    }
}
