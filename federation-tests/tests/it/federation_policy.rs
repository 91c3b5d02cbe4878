//! An instance admin decides which instances this one federates with: a blocked instance's
//! activities are refused and nothing is delivered to it; in allowlist mode only listed
//! instances take part. A change applies at once.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

async fn set_policy(instance: &InProcessInstance, mode: &str, domains: &[String]) {
    let admin = instance.admin_client().await;
    let s = expect_status(
        admin
            .patch("/api/guildhall/v1/admin/settings", &json!({"federation_mode": mode, "federation_domains": domains}))
            .await,
        StatusCode::OK,
        "set federation policy",
    );
    assert_eq!(s["federation_mode"], mode);
}

async fn role(client: &Client, handle: &str) -> Value {
    client.get(&format!("/api/guildhall/v1/communities/{handle}")).await.1["my_role"].clone()
}

/// How many of `from`'s deliveries `to` has accepted.
async fn delivered(from: &InProcessInstance, to: &InProcessInstance) -> u64 {
    count(from, to, "delivered").await
}

/// How many of `from`'s deliveries `to` has refused (answered 4xx).
async fn refused(from: &InProcessInstance, to: &InProcessInstance) -> u64 {
    count(from, to, "refused").await
}

/// One of the per-instance delivery counts `from`'s admins see for `to`.
async fn count(from: &InProcessInstance, to: &InProcessInstance, field: &str) -> u64 {
    let admin = from.admin_client().await;
    let (_, rows) = admin.get("/api/guildhall/v1/admin/federation/instances").await;
    rows.as_array()
        .and_then(|r| r.iter().find(|x| x["domain"] == to.domain()))
        .and_then(|x| x[field].as_u64())
        .unwrap_or(0)
}

/// Waits until `from`'s delivery queue to `to` is empty and has been answered once.
async fn deliveries_settled(from: &InProcessInstance, to: &InProcessInstance) {
    let admin = from.admin_client().await;
    poll_until(DEADLINE, "deliveries answered", || async {
        let (_, rows) = admin.get("/api/guildhall/v1/admin/federation/instances").await;
        let row = rows.as_array()?.iter().find(|r| r["domain"] == to.domain())?.clone();
        (row["pending"] == 0 && !row["last_success_at"].is_null()).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn blocklists_and_allowlists_apply_to_follows_and_deliveries() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    expect_status(
        bob.post("/api/guildhall/v1/communities", &json!({"name": "ux-design", "title": "UX"})).await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("ux-design@{}", beta.domain());

    // Bad input is refused and changes nothing.
    let admin = beta.admin_client().await;
    let (status, body) =
        admin.patch("/api/guildhall/v1/admin/settings", &json!({"federation_domains": ["mastodon.so/cial"]})).await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("federation_domains")));

    // Beta blocks alpha: ada's Follow is refused; cyd on gamma joins normally.
    set_policy(&beta, "blocklist", &[alpha.domain()]).await;
    join_remote(&ada, &handle).await;
    join_remote(&cyd, &handle).await;
    poll_until(DEADLINE, "cyd admitted", || async { (role(&cyd, &handle).await == "member").then_some(()) }).await;
    deliveries_settled(&alpha, &beta).await;
    assert_eq!(role(&ada, &handle).await, "pending", "a blocked instance's follow is never accepted");
    let (_, members) = bob.get("/api/guildhall/v1/communities/ux-design/members").await;
    assert!(
        !members["items"].as_array().unwrap().iter().any(|m| m["username"] == format!("ada@{}", alpha.domain())),
        "{members}"
    );

    // Gamma switches to an allowlist without beta: beta's deliveries are refused there.
    set_policy(&gamma, "allowlist", &[alpha.domain()]).await;
    let (before, refused_before) = (delivered(&beta, &gamma).await, refused(&beta, &gamma).await);
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities/ux-design/discussions",
            &json!({"title": "Not for gamma", "body": "x"}),
        )
        .await,
        StatusCode::CREATED,
        "post",
    );
    // Both Announces (of the Create and of the Page) were refused by gamma: beta counts them
    // as refused, not as delivered.
    poll_until(DEADLINE, "gamma refused beta's deliveries", || async {
        (refused(&beta, &gamma).await >= refused_before + 2).then_some(())
    })
    .await;
    assert_eq!(delivered(&beta, &gamma).await, before, "a refusal is not a delivery");

    // Gamma lists beta again: the next post arrives (and, since deliveries to one instance go
    // in order, the refused one was attempted before it).
    set_policy(&gamma, "allowlist", &[beta.domain()]).await;
    expect_status(
        bob.post("/api/guildhall/v1/communities/ux-design/discussions", &json!({"title": "For gamma", "body": "y"}))
            .await,
        StatusCode::CREATED,
        "post",
    );
    poll_until(DEADLINE, "the post on gamma", || async {
        let (_, list) = cyd.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
        list["items"].as_array()?.iter().any(|d| d["title"] == "For gamma").then_some(())
    })
    .await;
    let (_, list) = cyd.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    assert!(!list["items"].as_array().unwrap().iter().any(|d| d["title"] == "Not for gamma"), "{list}");

    // Beta now blocks gamma: nothing more is sent there, and beta's admin sees it refused.
    set_policy(&beta, "blocklist", &[alpha.domain(), gamma.domain()]).await;
    expect_status(
        bob.post("/api/guildhall/v1/communities/ux-design/discussions", &json!({"title": "Blocked", "body": "z"}))
            .await,
        StatusCode::CREATED,
        "post",
    );
    poll_until(DEADLINE, "delivery to gamma refused by beta's policy", || async {
        let (_, rows) = admin.get("/api/guildhall/v1/admin/federation/instances").await;
        let row = rows.as_array()?.iter().find(|r| r["domain"] == gamma.domain())?.clone();
        (row["pending"] == 0 && row["failed"].as_u64()? >= 1).then_some(())
    })
    .await;
    let (_, list) = cyd.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
    assert!(!list["items"].as_array().unwrap().iter().any(|d| d["title"] == "Blocked"), "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn communities_admit_members_from_listed_instances_only() {
    let (alpha, beta, gamma) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma")
    );
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&gamma, "cyd"));
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "inner", "title": "Inner", "member_domains": [alpha.domain()]}),
        )
        .await,
        StatusCode::CREATED,
        "create",
    );
    let handle = format!("inner@{}", beta.domain());
    join_remote(&ada, &handle).await;
    join_remote(&cyd, &handle).await;
    poll_until(DEADLINE, "ada admitted", || async { (role(&ada, &handle).await == "member").then_some(()) }).await;
    poll_until(DEADLINE, "cyd refused", || async { (role(&cyd, &handle).await == "non_member").then_some(()) }).await;
}
