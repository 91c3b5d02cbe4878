//! Events across two real instances: an event created on alpha reaches beta's members (as an
//! `Event` announced by the community); beta members RSVP with `Join` and appear in alpha's
//! attendee list, answered by `Accept`; with capacity 1 the second RSVP is waitlisted; the
//! attendance follows; the cancellation reaches beta; `/e/{id}` serves the `Event` in
//! Mobilizon's shape.

use std::time::Duration;

use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(30);

async fn join_and_wait(client: &Client, handle: &str) {
    let joined = join_remote(client, handle).await;
    assert_eq!(joined["status"], "requested", "{joined}");
    poll_until(DEADLINE, "the remote community's Accept", || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

async fn remote_event(client: &Client, handle: &str, title: &str) -> Option<Value> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/communities/{handle}/events")).await;
    if status != StatusCode::OK {
        return None;
    }
    body["items"].as_array()?.iter().find(|e| e["title"] == title).cloned()
}

async fn attendees(client: &Client, id: &str) -> Vec<(String, String)> {
    let body = expect_status(
        client.get(&format!("/api/guildhall/v1/events/{id}/attendees")).await,
        StatusCode::OK,
        "attendees",
    );
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["account"]["username"].as_str().unwrap().to_owned(), p["status"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn events_federate_with_rsvps_waitlist_and_cancellation() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
    let (ada, bob, cyd) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"), member(&beta, "cyd"));
    expect_status(
        ada.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "meetups", "title": "Meetups", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "community on alpha",
    );
    let handle = format!("meetups@{}", alpha.domain());
    join_and_wait(&bob, &handle).await;
    join_and_wait(&cyd, &handle).await;

    // Ada plans an event with one place.
    let created = expect_status(
        ada.post(
            "/api/guildhall/v1/communities/meetups/events",
            &json!({
                "title": "Rust night", "description": "Bring a **laptop**.",
                "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00", "timezone": "Europe/Paris",
                "place_name": "Salle 3", "place_address": "1 rue de la Paix, Paris",
                "online_url": "https://meet.example/rust", "capacity": 1
            }),
        )
        .await,
        StatusCode::CREATED,
        "create event on alpha",
    );
    let alpha_id = id_of(&created["id"]);

    // The Event as other servers fetch it.
    let (status, object) = alpha.client().get(&format!("/e/{alpha_id}")).await;
    assert_eq!(status, StatusCode::OK, "{object}");
    assert_eq!((object["type"].as_str(), object["timezone"].as_str()), (Some("Event"), Some("Europe/Paris")));
    assert_eq!(object["startTime"], "2030-12-01T18:30:00+01:00");
    assert_eq!((object["joinMode"].as_str(), object["ical:status"].as_str()), (Some("free"), Some("CONFIRMED")));
    assert_eq!(object["maximumAttendeeCapacity"], 1);
    assert_eq!(object["location"][0]["type"], "Place");
    assert_eq!(object["location"][1], json!({"type": "VirtualLocation", "url": "https://meet.example/rust"}));
    let content = object["content"].as_str().unwrap();
    assert!(content.contains("18:30") && content.contains(&format!("/e/{alpha_id}")), "Mastodon summary: {content}");
    // Lemmy shows the Markdown source: it carries when, where and the link too.
    let source = object["source"]["content"].as_str().unwrap();
    assert!(source.starts_with("🗓 ") && source.contains("18:30") && source.contains("Salle 3"), "source: {source}");
    assert!(source.contains(&format!("/e/{alpha_id}>")) && source.ends_with("Bring a **laptop**."), "source: {source}");

    // It reaches beta's members, times and place intact.
    let e = poll_until(DEADLINE, "the event on beta", || remote_event(&bob, &handle, "Rust night")).await;
    assert_eq!((e["starts_at"].as_str(), e["timezone"].as_str()), (Some("2030-12-01T17:30:00Z"), Some("Europe/Paris")));
    assert_eq!((e["place_name"].as_str(), e["capacity"].as_i64()), (Some("Salle 3"), Some(1)));
    let description = e["description_html"].as_str().unwrap();
    assert!(description.contains("<strong>laptop</strong>") && !description.contains("🗓"), "no header twice: {e}");
    assert_eq!(e["organiser"]["username"], format!("ada@{}", alpha.domain()));
    let beta_id = id_of(&e["id"]);

    // Bob RSVPs on beta: pending until alpha answers, then going; alpha lists him.
    let r = expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/rsvp"), &json!({"status": "going"})).await,
        StatusCode::OK,
        "bob rsvp",
    );
    assert_eq!(r["my_rsvp"], "pending", "{r}");
    let bob_handle = format!("bob@{}", beta.domain());
    poll_until(DEADLINE, "bob among alpha's attendees", || async {
        attendees(&ada, &alpha_id).await.contains(&(bob_handle.clone(), "going".to_owned())).then_some(())
    })
    .await;
    poll_until(DEADLINE, "alpha's Accept of bob's Join", || async {
        let (_, e) = bob.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
        (e["my_rsvp"] == "going").then_some(())
    })
    .await;
    // The new attendance follows as an Update, which is not a new version of the event.
    let e = poll_until(DEADLINE, "attendance on beta", || async {
        let (_, e) = cyd.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
        (e["going_count"] == 1).then_some(e)
    })
    .await;
    assert_eq!((e["remaining"].as_i64(), e["sequence"].as_i64()), (Some(0), Some(0)), "{e}");

    // Cyd is second for one place: waitlisted on alpha, still waiting on beta.
    expect_status(
        cyd.post(&format!("/api/guildhall/v1/events/{beta_id}/rsvp"), &json!({"status": "going"})).await,
        StatusCode::OK,
        "cyd rsvp",
    );
    let cyd_handle = format!("cyd@{}", beta.domain());
    poll_until(DEADLINE, "cyd on alpha's waitlist", || async {
        attendees(&ada, &alpha_id).await.contains(&(cyd_handle.clone(), "waitlisted".to_owned())).then_some(())
    })
    .await;
    let (_, e) = cyd.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
    assert_eq!(e["my_rsvp"], "pending", "waitlisted people wait: {e}");

    // Bob leaves: alpha promotes Cyd, and its Accept reaches beta.
    expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/rsvp"), &json!({"status": "not_going"})).await,
        StatusCode::OK,
        "bob leaves",
    );
    poll_until(DEADLINE, "cyd promoted on alpha", || async {
        let list = attendees(&ada, &alpha_id).await;
        (list == vec![(cyd_handle.clone(), "going".to_owned())]).then_some(())
    })
    .await;
    poll_until(DEADLINE, "cyd going on beta", || async {
        let (_, e) = cyd.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
        (e["my_rsvp"] == "going").then_some(())
    })
    .await;

    // Cancelling on alpha reaches beta, with the new sequence.
    expect_status(
        ada.post(&format!("/api/guildhall/v1/events/{alpha_id}/cancel"), &json!({})).await,
        StatusCode::OK,
        "cancel",
    );
    let e = poll_until(DEADLINE, "the cancellation on beta", || async {
        let (_, e) = bob.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
        (e["status"] == "cancelled").then_some(e)
    })
    .await;
    assert_eq!(e["sequence"], 1, "one edit, whatever the attendance updates: {e}");
    let (status, ics) = bob.get(&format!("/api/guildhall/v1/events/{beta_id}/calendar.ics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ics.as_str().unwrap().contains("STATUS:CANCELLED"), "{ics}");

    // Deleting it removes it from beta too.
    expect_status(ada.delete(&format!("/api/guildhall/v1/events/{alpha_id}")).await, StatusCode::NO_CONTENT, "delete");
    poll_until(DEADLINE, "the deletion on beta", || async {
        let (status, _) = bob.get(&format!("/api/guildhall/v1/events/{beta_id}")).await;
        (status == StatusCode::NOT_FOUND).then_some(())
    })
    .await;
}

/// Replies of `client`'s instance to event `id`: (author, HTML).
async fn event_replies(client: &Client, id: &str) -> Vec<(String, String)> {
    let (status, body) = client.get(&format!("/api/guildhall/v1/events/{id}/replies")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array()
        .map(|r| {
            r.iter()
                .map(|x| (x["author"]["username"].as_str().unwrap_or("").to_owned(), x["body_html"].to_string()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn mastodon_replies_to_an_event_are_kept_and_relayed() {
    use federation_tests::fixtures::{self, Vars};
    use federation_tests::peer::{FakePeer, Software};

    let (alpha, beta, masto) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        FakePeer::start(Software::Mastodon)
    );
    let (ada, bob) = tokio::join!(member(&alpha, "ada"), member(&beta, "bob"));
    expect_status(
        ada.post(
            "/api/guildhall/v1/communities",
            &json!({"name": "meetups", "title": "Meetups", "visibility": "public"}),
        )
        .await,
        StatusCode::CREATED,
        "community on alpha",
    );
    let handle = format!("meetups@{}", alpha.domain());
    join_and_wait(&bob, &handle).await;
    let base = format!("http://{}", alpha.domain());
    let (group, shared_inbox) = (format!("{base}/c/meetups"), format!("{base}/inbox"));
    let (mal, stranger) = (masto.add_actor("mal"), masto.add_actor("stranger"));
    mal.follow_via(&group, &shared_inbox).await;

    let created = expect_status(
        ada.post(
            "/api/guildhall/v1/communities/meetups/events",
            &json!({"title": "Board games", "starts_at": "2030-12-02T18:30", "ends_at": "2030-12-02T21:00",
                    "timezone": "Europe/Paris"}),
        )
        .await,
        StatusCode::CREATED,
        "create event on alpha",
    );
    let alpha_id = id_of(&created["id"]);
    let event_url = format!("{base}/e/{alpha_id}");
    let on_beta = poll_until(DEADLINE, "the event on beta", || remote_event(&bob, &handle, "Board games")).await;
    let beta_id = id_of(&on_beta["id"]);
    poll_until(DEADLINE, "the Event at Mastodon", || async {
        masto.received().into_iter().find(|a| a["type"] == "Announce" && a["object"]["id"] == event_url.as_str())
    })
    .await;

    // Mastodon shows the event as a post; mal answers it (Mastodon's reply, by the fixture).
    let reply = |actor: &federation_tests::peer::FakeActor, text_id: String| {
        let mut v = Vars::new();
        v.insert("ACTOR", actor.id().to_owned());
        v.insert("ACTOR_NAME", actor.name().to_owned());
        v.insert("BASE", masto.base_url());
        v.insert("PEER_HOST", masto.host().to_owned());
        v.insert("INSTANCE_HOST", alpha.domain());
        v.insert("ID", text_id);
        v.insert("NOW", chrono::Utc::now().to_rfc3339());
        v.insert("DISCUSSION", event_url.clone());
        v.insert("DISCUSSION_AUTHOR", format!("{base}/u/ada"));
        v.insert("DISCUSSION_AUTHOR_NAME", "ada".to_owned());
        fixtures::load(Software::Mastodon, "create_note_reply", &v)
    };
    let create = reply(&mal, federation_tests::random_hex(12));
    // Mastodon serves its status, for servers the community relays it to.
    let note_path =
        reqwest::Url::parse(create["object"]["id"].as_str().unwrap_or_default()).expect("id").path().to_owned();
    let mut note = create["object"].clone();
    note["@context"] = create["@context"].clone();
    masto.serve(&note_path, note);
    let (status, body) = mal.sign_and_post(&shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let replies = event_replies(&ada, &alpha_id).await;
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(replies[0].0, format!("mal@{}", masto.host()));
    assert!(replies[0].1.contains("count me in"), "{replies:?}");
    // The same activity again is not a second reply.
    let (status, _) = mal.sign_and_post(&shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(event_replies(&ada, &alpha_id).await.len(), 1);
    // Shown with the event, sanitised.
    let page = reqwest::get(alpha.url(&format!("/events/{alpha_id}"))).await.expect("event page");
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("count me in") && html.contains("id=\"replies\""), "the reply on the event page");
    assert!(!html.contains("<span class=\"h-card\""), "sanitised: Mastodon's markup is cleaned");

    // Relayed by the community: beta's copy of the event shows it too.
    poll_until(DEADLINE, "the reply on beta", || async {
        (event_replies(&bob, &beta_id).await.len() == 1).then_some(())
    })
    .await;

    // Someone who is not a member may not reply (as in a discussion): refused, nothing stored.
    let (status, _) = stranger.sign_and_post(&shared_inbox, &reply(&stranger, federation_tests::random_hex(12))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(event_replies(&ada, &alpha_id).await.len(), 1);
}
