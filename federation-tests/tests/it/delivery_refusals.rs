//! A peer that refuses what it is sent (a 4xx answer) is shown as refusing, never counted as
//! delivered: the refusal is final (not retried), its status and reason are kept, later
//! deliveries to the same peer still go, and the admin page counts them apart.

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

fn row<'a>(rows: &'a Value, host: &str) -> Option<&'a Value> {
    rows.as_array()?.iter().find(|r| r["domain"] == host)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusing_peer_is_counted_as_refusing_not_as_delivered() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("refused"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "refused").await;
    let admin = instance.admin_client().await;
    FixtureMember::join(&peer, "lee", &community).await;
    let host = peer.host().to_owned();
    let health = || async {
        expect_status(admin.get("/api/guildhall/v1/admin/federation/instances").await, StatusCode::OK, "health")
    };
    poll_until(DEADLINE, "the Accept counted as delivered", || async {
        let rows = health().await;
        let r = row(&rows, &host)?;
        (r["delivered"].as_u64() >= Some(1) && r["pending"] == 0).then_some(())
    })
    .await;
    let delivered_before = row(&health().await, &host).unwrap()["delivered"].as_u64().unwrap();

    // From now on the peer refuses everything, as Lemmy does a shape it does not accept.
    peer.refuse_inbox(Some((400, "{\"error\":\"invalid_community\"}")));
    peer.clear_received();
    expect_status(
        community
            .owner
            .post(
                &format!("/api/guildhall/v1/communities/{}/discussions", community.name),
                &json!({"title": "Refused news", "body": "They will say no."}),
            )
            .await,
        StatusCode::CREATED,
        "post",
    );
    let rows = poll_until(DEADLINE, "the refusals counted", || async {
        let rows = health().await;
        let r = row(&rows, &host)?;
        (r["refused"].as_u64() >= Some(1) && r["pending"] == 0).then_some(rows)
    })
    .await;
    let r = row(&rows, &host).unwrap();
    assert_eq!(r["delivered"].as_u64(), Some(delivered_before), "a refusal is not a delivery: {r}");
    assert_eq!(r["failures"], 0, "the peer answered: it is not failing, it is refusing: {r}");
    let refused = r["refused"].as_u64().unwrap();
    let sent = peer.received().len() as u64;
    assert_eq!(refused, sent, "each refused request counted once and never retried: {r}");

    // A refusal is final: nothing is retried, and the peer is still sent what comes next.
    peer.refuse_inbox(None);
    peer.clear_received();
    expect_status(
        community
            .owner
            .post(
                &format!("/api/guildhall/v1/communities/{}/discussions", community.name),
                &json!({"title": "Accepted news", "body": "This one goes through."}),
            )
            .await,
        StatusCode::CREATED,
        "post",
    );
    poll_until(DEADLINE, "the next post delivered", || async {
        let rows = health().await;
        let r = row(&rows, &host)?;
        (r["delivered"].as_u64() > Some(delivered_before) && r["pending"] == 0).then_some(())
    })
    .await;
    let resent = peer.received().iter().any(|d| d.to_string().contains("Refused news"));
    assert!(!resent, "a refused activity is not sent again");
    let r = row(&health().await, &host).cloned().unwrap();
    assert_eq!(r["refused"].as_u64(), Some(refused), "{r}");
}

/// The sum of one outgoing count over the instance's per-type rows.
fn by_type(r: &Value, field: &str) -> u64 {
    r["outgoing"].as_array().map_or(0, |rows| rows.iter().map(|o| o[field].as_u64().unwrap_or(0)).sum())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_admin_page_counts_refusals_throttling_failures_and_gone_inboxes_per_instance_and_type() {
    let (instance, refusing, throttling, failing, gone) = tokio::join!(
        InProcessInstance::start("answers"),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Lemmy),
    );
    let community = LocalCommunity::create(&instance, "host", "answers").await;
    let admin = instance.admin_client().await;
    let peers = [&refusing, &throttling, &failing, &gone];
    for (i, peer) in peers.iter().enumerate() {
        FixtureMember::join(peer, &format!("member{i}"), &community).await;
    }
    let health = || async {
        expect_status(admin.get("/api/guildhall/v1/admin/federation/instances").await, StatusCode::OK, "health")
    };
    poll_until(DEADLINE, "every Accept delivered", || async {
        let rows = health().await;
        peers
            .iter()
            .all(|p| row(&rows, p.host()).is_some_and(|r| r["delivered"] == 1 && r["pending"] == 0))
            .then_some(())
    })
    .await;
    for p in peers {
        p.clear_received();
    }
    refusing.refuse_inbox(Some((400, "{\"error\":\"invalid_community\"}")));
    throttling.refuse_inbox(Some((429, "slow down")));
    throttling.retry_after(Some("3600"));
    failing.refuse_inbox(Some((500, "database is down")));
    gone.refuse_inbox(Some((410, "")));
    let post = |title: &'static str| {
        let owner = &community.owner;
        let path = format!("/api/guildhall/v1/communities/{}/discussions", community.name);
        async move {
            expect_status(
                owner.post(&path, &json!({"title": title, "body": "Counted."})).await,
                StatusCode::CREATED,
                "post",
            )
        }
    };
    post("Counted news").await;

    let rows = poll_until(DEADLINE, "each peer's answer recorded", || async {
        let rows = health().await;
        let refused = row(&rows, refusing.host())?;
        let throttled = row(&rows, throttling.host())?;
        let failed = row(&rows, failing.host())?;
        let vanished = row(&rows, gone.host())?;
        // The failure count and the delivery's retry mark are two writes: wait for both.
        let retrying = |r: &Value| r["failures"].as_i64() >= Some(1) && by_type(r, "retrying") >= 1;
        (refused["refused"].as_u64() >= Some(1)
            && refused["pending"] == 0
            && retrying(throttled)
            && throttled["next_retry_at"].is_string()
            && retrying(failed)
            && vanished["refused"].as_u64() >= Some(1)
            && vanished["pending"] == 0
            && vanished["gone_inboxes"].as_array().is_some_and(|g| !g.is_empty()))
        .then_some(rows)
    })
    .await;

    // 4xx: refused, never retried, counted per type as well as in total.
    let r = row(&rows, refusing.host()).unwrap();
    assert_eq!(r["refused"].as_u64(), Some(refusing.received().len() as u64), "{r}");
    assert_eq!(by_type(r, "refused"), r["refused"].as_u64().unwrap(), "per type adds up: {r}");
    assert_eq!(by_type(r, "delivered"), 1, "the Accept, counted under its type: {r}");
    let accept = r["outgoing"].as_array().unwrap().iter().find(|o| o["kind"] == "Accept").cloned();
    assert_eq!(accept.map(|a| a["delivered"].clone()), Some(json!(1)), "{r}");
    assert_eq!(r["failures"], 0, "{r}");
    let per_post = r["refused"].as_u64().unwrap();

    // 429 with Retry-After: waiting, counted as retrying, and not tried again for an hour.
    let r = row(&rows, throttling.host()).unwrap();
    assert!(r["pending"].as_u64() >= Some(1) && by_type(r, "retrying") >= 1, "{r}");
    assert_eq!(r["refused"], 0, "throttling is not a refusal: {r}");
    let next: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(r["next_retry_at"].clone()).unwrap_or_else(|e| panic!("next_retry_at: {e}: {r}"));
    let wait = next - chrono::Utc::now();
    assert!(wait > chrono::Duration::minutes(55), "Retry-After: 3600 honoured, next try in {wait}: {r}");
    assert_eq!(throttling.received().len(), 1, "one attempt, then it waits (ordered: the rest waits behind it)");

    // 5xx: retried with backoff, delivered once the peer recovers.
    let r = row(&rows, failing.host()).unwrap();
    assert!(r["pending"].as_u64() >= Some(1) && by_type(r, "retrying") >= 1 && r["refused"] == 0, "{r}");
    let first_try = failing.received().len();
    failing.refuse_inbox(None);
    poll_until(DEADLINE, "the failed delivery retried and delivered", || async {
        let rows = health().await;
        let r = row(&rows, failing.host())?;
        (r["pending"] == 0 && r["failures"] == 0 && by_type(r, "retrying") == 0).then_some(())
    })
    .await;
    assert!(failing.received().len() > first_try, "sent again after the failure");
    let r = row(&health().await, failing.host()).cloned().unwrap();
    assert_eq!(first_try, 1, "the first failure holds back the rest, so they arrive in order");
    assert_eq!(r["delivered"].as_u64(), Some(1 + per_post), "the Accept and every activity of the post: {r}");

    // 410: the inbox is gone; shown, and nothing more is sent to it.
    let r = row(&rows, gone.host()).unwrap();
    let shared = gone.shared_inbox().unwrap();
    assert_eq!(r["gone_inboxes"], json!([shared]), "{r}");
    let refused_gone = r["refused"].as_u64().unwrap();
    gone.clear_received();
    gone.refuse_inbox(None);
    refusing.refuse_inbox(None);
    post("After the 410").await;
    poll_until(DEADLINE, "the next post delivered to the refusing peer", || async {
        let rows = health().await;
        let r = row(&rows, refusing.host())?;
        (r["delivered"].as_u64() > Some(1) && r["pending"] == 0).then_some(())
    })
    .await;
    let r = row(&health().await, gone.host()).cloned().unwrap();
    assert_eq!((r["pending"].as_u64(), r["refused"].as_u64()), (Some(0), Some(refused_gone)), "nothing queued: {r}");
    assert!(gone.received().is_empty(), "nothing sent to a gone inbox: {:?}", gone.received());
}
