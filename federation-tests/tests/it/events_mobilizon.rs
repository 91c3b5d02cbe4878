//! Mobilizon's event activities (fixtures/mobilizon/), delivered by a fake server to a real
//! Guildhall instance: a group's `Create{Event}` and `Update{Event}` (cancelled) are stored and
//! shown with their time, place and link; our member's `Join` is accepted by id (Mobilizon's
//! `Accept`); a person's `Join` of a local event is answered with `Accept` and listed to the
//! organiser, their `Leave` removes them, a `Join` of an event that takes no RSVPs gets an
//! `Ignore`, and a `Join` the policy refuses gets a `Reject`.

use std::time::Duration;

use federation_tests::community::{LocalCommunity, join_remote};
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{FakeActor, FakePeer, Software, public_key_pem};
use federation_tests::{StatusCode, Value, expect_status, id_of, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);

fn load(name: &str, vars: &mut Vars) -> Value {
    vars.insert("ID", random_hex(16));
    vars.insert("ID2", random_hex(16));
    let path = fixtures::dir().join("mobilizon").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&fixtures::substitute(&text, vars)).expect("fixture JSON")
}

async fn send(actor: &FakeActor, inbox: &str, activity: &Value) {
    let (status, body) = actor.sign_and_post(inbox, activity).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{} answered {status}: {body}", activity["type"]);
}

/// Serves `actor` as a Mobilizon-like `Group`.
fn serve_group(peer: &FakePeer, actor: &FakeActor) {
    let id = actor.id().to_owned();
    let path = reqwest::Url::parse(&id).unwrap().path().to_owned();
    peer.serve(
        &path,
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id, "type": "Group", "preferredUsername": actor.name(), "name": "Vélo Lyon",
            "summary": "<p>Ateliers vélo</p>", "inbox": actor.inbox(), "outbox": format!("{id}/outbox"),
            "followers": format!("{id}/followers"), "manuallyApprovesFollowers": false,
            "publicKey": {"id": actor.key_id(), "owner": id, "publicKeyPem": public_key_pem(&actor.key())},
            "endpoints": {"sharedInbox": format!("{}/inbox", peer.base_url())}
        }),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mobilizon_events_joins_and_leaves() {
    let (instance, peer) =
        tokio::join!(federation_tests::InProcessInstance::start("mobilizon"), FakePeer::start(Software::Mastodon));
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let mia = peer.add_actor("mia");
    let group = peer.add_actor("velo");
    serve_group(&peer, &group);
    let mut vars = Vars::new();
    vars.insert("BASE", peer.base_url());
    vars.insert("ACTOR", mia.id().to_owned());
    vars.insert("GROUP", group.id().to_owned());
    vars.insert("EVENT_UUID", "0b6bd1a4-6f23-4f67-9d8a-3c2d10f0c0de".to_owned());

    // A group event from Mobilizon reaches a Guildhall member who follows the group.
    let handle = group.handle();
    let joined = join_remote(&community.owner, &handle).await;
    assert_eq!(joined["status"], "requested", "{joined}");
    let follow = poll_until(DEADLINE, "the Follow at the group", || async {
        peer.received().into_iter().find(|a| a["type"] == "Follow" && a["object"] == group.id())
    })
    .await;
    let accept = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/accept/{}", peer.base_url(), random_hex(8)), "type": "Accept",
        "actor": group.id(), "object": follow
    });
    send(&group, &community.shared_inbox, &accept).await;
    poll_until(DEADLINE, "membership of the group", || async {
        let (_, c) = community.owner.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
    let create = load("create_event", &mut vars);
    send(&group, &community.shared_inbox, &create).await;
    let e = poll_until(DEADLINE, "the Mobilizon event", || async {
        let (_, body) = community.owner.get(&format!("/api/guildhall/v1/communities/{handle}/events")).await;
        body["items"].as_array().and_then(|a| a.first().cloned())
    })
    .await;
    assert_eq!(e["title"], "Atelier vélo: réparer sa roue");
    assert_eq!((e["starts_at"].as_str(), e["timezone"].as_str()), (Some("2030-06-13T16:00:00Z"), Some("Europe/Paris")));
    assert_eq!(e["starts_at_local"], "2030-06-13T18:00:00+02:00");
    assert_eq!(
        (e["place_name"].as_str(), e["place_address"].as_str()),
        (Some("Atelier du Coin"), Some("12 rue des Cyclistes, 69001, Lyon, France"))
    );
    assert_eq!(e["online_url"], "https://visio.example/atelier-velo");
    assert_eq!((e["join_mode"].as_str(), e["status"].as_str()), (Some("approval"), Some("confirmed")));
    assert_eq!((e["capacity"].as_i64(), e["going_count"].as_i64()), (Some(12), Some(3)));
    assert_eq!(e["organiser"]["username"], mia.handle());
    assert_eq!(e["url"], create["object"]["url"]);
    let html = e["description_html"].as_str().unwrap();
    assert!(html.contains("<strong>changer une chambre à air</strong>") && !html.contains("script"), "{html}");
    let id = id_of(&e["id"]);
    let (status, ics) = community.owner.get(&format!("/api/guildhall/v1/events/{id}/calendar.ics")).await;
    assert_eq!(status, StatusCode::OK);
    let ics = ics.as_str().unwrap();
    assert!(ics.contains("DTSTART;TZID=Europe/Paris:20300613T180000"), "{ics}");
    assert!(ics.contains(&format!("UID:{}", create["object"]["id"].as_str().unwrap())), "{ics}");

    // Our member RSVPs: the Join goes to the group; Mobilizon's Accept names it by id.
    let r = community.owner.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), &json!({"status": "going"})).await;
    assert_eq!(expect_status(r, StatusCode::OK, "rsvp")["my_rsvp"], "pending");
    let join = poll_until(DEADLINE, "our Join at the group", || async {
        peer.received().into_iter().find(|a| a["type"] == "Join" && a["object"] == create["object"]["id"])
    })
    .await;
    vars.insert("JOIN", join["id"].as_str().unwrap().to_owned());
    vars.insert("PARTICIPANT", community.owner_url.clone());
    send(&mia, &community.shared_inbox, &load("accept_join", &mut vars)).await;
    poll_until(DEADLINE, "our member going", || async {
        let (_, e) = community.owner.get(&format!("/api/guildhall/v1/events/{id}")).await;
        (e["my_rsvp"] == "going").then_some(())
    })
    .await;

    // Mobilizon cancels it.
    let update = load("update_event_cancelled", &mut vars);
    send(&group, &community.shared_inbox, &update).await;
    let e = poll_until(DEADLINE, "the cancellation", || async {
        let (_, e) = community.owner.get(&format!("/api/guildhall/v1/events/{id}")).await;
        (e["status"] == "cancelled").then_some(e)
    })
    .await;
    assert_eq!(e["sequence"], 1, "{e}");

    // A Mobilizon person joins a local event (after following the community) and leaves it.
    mia.follow(&community.url).await;
    let local = expect_status(
        community
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/events",
                &json!({"title": "Show and tell", "starts_at": "2030-03-01T17:00", "ends_at": "2030-03-01T19:00",
                        "timezone": "Europe/Paris", "capacity": 10}),
            )
            .await,
        StatusCode::CREATED,
        "local event",
    );
    let local_id = id_of(&local["id"]);
    vars.insert("EVENT", format!("http://{}/e/{local_id}", instance.domain()));
    vars.insert("EVENT_ORGANISER", community.owner_url.clone());
    let join = load("join", &mut vars);
    let join_id = join["id"].as_str().unwrap().to_owned();
    send(&mia, &community.shared_inbox, &join).await;
    let answer = mia.wait_for_answer(&join_id, "Accept").await;
    assert_eq!(answer["actor"], community.url.as_str(), "{answer}");
    let attendees = |id: String| {
        let owner = &community.owner;
        async move {
            let body = expect_status(
                owner.get(&format!("/api/guildhall/v1/events/{id}/attendees")).await,
                StatusCode::OK,
                "attendees",
            );
            body["items"].as_array().unwrap().clone()
        }
    };
    let list = attendees(local_id.clone()).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(
        (list[0]["account"]["username"].as_str(), list[0]["status"].as_str()),
        (Some(mia.handle().as_str()), Some("going"))
    );
    assert_eq!(list[0]["remote"], true);

    vars.insert("JOIN", join_id);
    let leave = load("leave", &mut vars);
    send(&mia, &community.shared_inbox, &leave).await;
    poll_until(DEADLINE, "the Leave", || async { attendees(local_id.clone()).await.is_empty().then_some(()) }).await;

    // An event that takes no RSVPs here: the Join is refused (403) and answered with
    // Mobilizon's Ignore (RSVPs closed for everyone), not a Reject.
    let external = expect_status(
        community
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/events",
                &json!({"title": "Conference", "starts_at": "2030-04-01T09:00", "ends_at": "2030-04-01T17:00",
                        "timezone": "Europe/Paris", "join_mode": "external", "external_url": "https://tickets.example/c"}),
            )
            .await,
        StatusCode::CREATED,
        "external event",
    );
    vars.insert("EVENT", format!("http://{}/e/{}", instance.domain(), id_of(&external["id"])));
    let join = load("join", &mut vars);
    let (status, body) = mia.sign_and_post(&community.shared_inbox, &join).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let ignore = mia.wait_for_answer(join["id"].as_str().unwrap(), "Ignore").await;
    assert_eq!(ignore["actor"], community.url.as_str(), "{ignore}");
    assert_eq!(ignore["object"]["id"], join["id"], "{ignore}");
    assert!(
        !peer.received().iter().any(|a| a["type"] == "Reject" && a["object"]["id"] == join["id"]),
        "a closed event's Join is ignored, not rejected"
    );

    // A policy refusal (someone who is not a member) is still a Reject.
    let open = expect_status(
        community
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/events",
                &json!({"title": "Open night", "starts_at": "2030-05-01T18:00", "ends_at": "2030-05-01T21:00",
                        "timezone": "Europe/Paris"}),
            )
            .await,
        StatusCode::CREATED,
        "free event",
    );
    let stranger = peer.add_actor("nia");
    vars.insert("ACTOR", stranger.id().to_owned());
    vars.insert("EVENT", format!("http://{}/e/{}", instance.domain(), id_of(&open["id"])));
    let join = load("join", &mut vars);
    let (status, body) = stranger.sign_and_post(&community.shared_inbox, &join).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let reject = stranger.wait_for_answer(join["id"].as_str().unwrap(), "Reject").await;
    assert_eq!(reject["actor"], community.url.as_str(), "{reject}");
}
