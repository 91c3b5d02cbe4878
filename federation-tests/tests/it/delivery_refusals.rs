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
    let health =
        || async { expect_status(admin.get("/api/v1/admin/federation/instances").await, StatusCode::OK, "health") };
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
                &format!("/api/v1/communities/{}/discussions", community.name),
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
                &format!("/api/v1/communities/{}/discussions", community.name),
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
