//! Notifications about another server's events and polls: a member on alpha going to an event
//! of beta's community hears once that it was edited and once that it was cancelled; a poll on
//! beta she voted in tells her once that it closed.

use std::time::Duration;

use chrono::Utc;
use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

/// `client`'s notifications of `kind`.
async fn of_kind(client: &Client, kind: &str) -> Vec<Value> {
    let (_, body) = client.get("/api/guildhall/v1/notifications?limit=100").await;
    body["items"].as_array().map(|a| a.iter().filter(|n| n["kind"] == kind).cloned().collect()).unwrap_or_default()
}

/// `client`'s notifications of `kind`, once there is at least one.
async fn notified(client: &Client, kind: &str, what: &str) -> Vec<Value> {
    poll_until(DEADLINE, what, || async {
        let found = of_kind(client, kind).await;
        (!found.is_empty()).then_some(found)
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_events_edit_cancellation_and_closed_poll_are_notified_once() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, bob) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"));
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "meetups", "title": "Meetups", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "community on beta",
    );
    let handle = format!("meetups@{}", beta.domain());
    join_remote(&ada, &handle).await;
    poll_until(DEADLINE, "ada is a member", || async {
        let (_, c) = ada.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;

    let created = expect_status(
        bob.post(
            "/api/guildhall/v1/communities/meetups/events",
            &json!({"title": "Rust night", "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00", "timezone": "Europe/Paris"}),
        )
        .await,
        StatusCode::CREATED,
        "event on beta",
    );
    let beta_id = id_of(&created["id"]);
    let on_alpha = id_of(
        &poll_until(DEADLINE, "the event on alpha", || async {
            let (_, body) = ada.get(&format!("/api/guildhall/v1/communities/{handle}/events")).await;
            body["items"].as_array()?.iter().find(|e| e["title"] == "Rust night").cloned()
        })
        .await["id"],
    );
    expect_status(
        ada.post(&format!("/api/guildhall/v1/events/{on_alpha}/rsvp"), &json!({"status": "going"})).await,
        StatusCode::OK,
        "ada rsvp",
    );
    poll_until(DEADLINE, "beta's Accept of ada's Join", || async {
        let (_, e) = ada.get(&format!("/api/guildhall/v1/events/{on_alpha}")).await;
        (e["my_rsvp"] == "going").then_some(())
    })
    .await;

    // Bob renames it: ada hears it once, from bob, linking to alpha's copy.
    expect_status(
        bob.patch(&format!("/api/guildhall/v1/events/{beta_id}"), &json!({"title": "Rust night #2"})).await,
        StatusCode::OK,
        "edit on beta",
    );
    let updated = notified(&ada, "event_updated", "ada hears of the edit").await;
    assert_eq!(updated.len(), 1, "{updated:?}");
    assert_eq!(updated[0]["title"], "Rust night #2");
    assert_eq!(updated[0]["actor"]["handle"], format!("bob@{}", beta.domain()).as_str());
    assert_eq!(updated[0]["link"], format!("/events/{on_alpha}").as_str());

    expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/cancel"), &json!({})).await,
        StatusCode::OK,
        "cancel on beta",
    );
    let cancelled = notified(&ada, "event_cancelled", "ada hears of the cancellation").await;
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");

    // A poll on beta ada votes in: its close reaches alpha and tells her once.
    let closes_at = (Utc::now() + chrono::Duration::seconds(8)).to_rfc3339();
    expect_status(
        bob.post(
            "/api/guildhall/v1/communities/meetups/discussions",
            &json!({"title": "Pizza or soup", "body": "Vote", "poll": {"options": ["Pizza", "Soup"], "closes_at": closes_at}}),
        )
        .await,
        StatusCode::CREATED,
        "poll on beta",
    );
    let poll_on_alpha = id_of(
        &poll_until(DEADLINE, "the poll on alpha", || async {
            let (_, body) = ada.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
            let d = body["items"].as_array()?.iter().find(|d| d["title"] == "Pizza or soup").cloned()?;
            let (_, full) = ada.get(&format!("/api/guildhall/v1/discussions/{}", id_of(&d["id"]))).await;
            full["poll"].is_object().then_some(d)
        })
        .await["id"],
    );
    expect_status(
        ada.post(&format!("/api/guildhall/v1/discussions/{poll_on_alpha}/poll/votes"), &json!({"choices": [0]})).await,
        StatusCode::OK,
        "ada votes",
    );
    let closed = notified(&ada, "poll_closed", "ada hears the poll closed").await;
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0]["title"], "Pizza or soup");
    assert_eq!(closed[0]["link"], format!("/discussions/{poll_on_alpha}").as_str());
    assert!(of_kind(&bob, "poll_closed").await.is_empty(), "bob did not vote in his own poll");

    // Nothing arrived twice meanwhile (re-deliveries, the community's Announce of each).
    for kind in ["event_updated", "event_cancelled", "poll_closed"] {
        assert_eq!(of_kind(&ada, kind).await.len(), 1, "{kind}");
    }
}
