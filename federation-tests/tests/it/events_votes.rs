//! Votes on events, as on posts: a Lemmy member's `Like`/`Dislike` on a local event is
//! stored, relayed by the community to its followers, and withdrawn by Lemmy's `Undo` (whose
//! embedded vote has a fresh id) or an `Undo` naming the vote by id; a member on a second
//! instance votes on its copy of the event and the vote reaches the event's instance. Bad
//! input: a vote on an event we do not have is 404, one by a non-member on an event of a
//! private community is 403.

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity, join_remote, member};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{
    Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until, random_hex,
};

const DEADLINE: Duration = Duration::from_secs(30);

async fn create_event(client: &Client, community: &str, title: &str) -> String {
    let created = expect_status(
        client
            .post(
                &format!("/api/guildhall/v1/communities/{community}/events"),
                &json!({"title": title, "starts_at": "2030-12-03T18:30", "ends_at": "2030-12-03T21:00",
                        "timezone": "Europe/Paris"}),
            )
            .await,
        StatusCode::CREATED,
        "create event",
    );
    id_of(&created["id"])
}

async fn event(client: &Client, id: &str) -> Value {
    expect_status(client.get(&format!("/api/guildhall/v1/events/{id}")).await, StatusCode::OK, "the event")
}

async fn score_becomes(client: &Client, id: &str, wanted: i64, what: &str) {
    poll_until(DEADLINE, what, || async { (event(client, id).await["score"].as_i64() == Some(wanted)).then_some(()) })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lemmy_votes_on_a_local_event_are_stored_relayed_and_undone() {
    let (alpha, lemmy, masto) = tokio::join!(
        InProcessInstance::start("evotes"),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Mastodon)
    );
    let community = LocalCommunity::create(&alpha, "host", "meetups").await;
    let mut lee = FixtureMember::join(&lemmy, "lee", &community).await;
    // A follower on another server, to see the community relay the vote.
    let mal = masto.add_actor("mal");
    mal.follow_via(&community.url, &community.shared_inbox).await;
    let id = create_event(&community.owner, &community.name, "Rust night").await;
    let base = format!("http://{}", alpha.domain());
    let event_url = format!("{base}/e/{id}");
    let owner = &community.owner;
    assert_eq!(event(owner, &id).await["score"], 0);

    // Lemmy's Like on the event: stored, and relayed as received inside the community's Announce.
    let mut like = lee.load("like");
    like["object"] = json!(event_url);
    lee.send(&like).await;
    score_becomes(owner, &id, 1, "Lemmy's like on the event").await;
    let like_id = like["id"].as_str().unwrap_or_default().to_owned();
    poll_until(DEADLINE, "the like relayed to the community's followers", || async {
        masto.received().into_iter().find(|a| a["type"] == "Announce" && a["object"]["id"] == like_id.as_str())
    })
    .await;

    // Lemmy's Undo embeds the Like with a fresh id: found by voter and event.
    let mut fresh = like.clone();
    fresh["id"] = json!(format!("{}/activities/like/{}", lemmy.base_url(), random_hex(16)));
    let undo = json!({
        "@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
        "id": format!("{}/activities/undo/{}", lemmy.base_url(), random_hex(16)),
        "type": "Undo", "actor": lee.actor.id(), "object": fresh, "audience": community.url,
    });
    lee.send(&undo).await;
    score_becomes(owner, &id, 0, "Lemmy's like withdrawn (fresh id)").await;

    // A Dislike, then an Undo naming it by id.
    let mut dislike = lee.load("dislike");
    dislike["object"] = json!(event_url);
    lee.send(&dislike).await;
    score_becomes(owner, &id, -1, "Lemmy's dislike on the event").await;
    lee.send(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/undo/{}", lemmy.base_url(), random_hex(16)),
        "type": "Undo", "actor": lee.actor.id(), "object": dislike["id"],
    }))
    .await;
    score_becomes(owner, &id, 0, "the dislike withdrawn by id").await;

    // Bad input: a vote on an event this instance does not have.
    let mut unknown = lee.load("like");
    unknown["object"] = json!(format!("{base}/e/999999"));
    let (status, body) = lee.actor.sign_and_post(&community.shared_inbox, &unknown).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Bad input: a non-member votes on an event of a private community.
    expect_status(
        owner
            .post(
                "/api/guildhall/v1/communities",
                &json!({"name": "cabinet", "title": "Cabinet", "visibility": "private"}),
            )
            .await,
        StatusCode::CREATED,
        "private community",
    );
    let private_id = create_event(owner, "cabinet", "Budget meeting").await;
    let mut intrusive = lee.load("like");
    intrusive["object"] = json!(format!("{base}/e/{private_id}"));
    intrusive["audience"] = json!(format!("{base}/c/cabinet"));
    let (status, body) = lee.actor.sign_and_post(&community.shared_inbox, &intrusive).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(event(owner, &private_id).await["score"], 0, "nothing stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_on_another_instance_votes_on_a_remote_event() {
    let (alpha, beta) = tokio::join!(InProcessInstance::start("alpha"), InProcessInstance::start("beta"));
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
    let joined = join_remote(&bob, &handle).await;
    assert_eq!(joined["status"], "requested", "{joined}");
    poll_until(DEADLINE, "the remote community's Accept", || async {
        let (_, c) = bob.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
    let alpha_id = create_event(&ada, "meetups", "Board games").await;
    let beta_id = poll_until(DEADLINE, "the event on beta", || async {
        let (_, body) = bob.get(&format!("/api/guildhall/v1/communities/{handle}/events")).await;
        body["items"].as_array()?.iter().find(|e| e["title"] == "Board games").map(|e| id_of(&e["id"]))
    })
    .await;

    // Bob upvotes beta's copy: counted on beta at once, and on alpha once the Like arrives.
    let voted = expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/vote"), &json!({"value": 1})).await,
        StatusCode::OK,
        "vote",
    );
    assert_eq!((voted["score"].as_i64(), voted["my_vote"].as_i64()), (Some(1), Some(1)), "{voted}");
    assert_eq!(event(&bob, &beta_id).await["my_vote"], 1);
    score_becomes(&ada, &alpha_id, 1, "bob's like on alpha").await;

    // Changed to a downvote, then withdrawn (Undo).
    expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/vote"), &json!({"value": -1})).await,
        StatusCode::OK,
        "down",
    );
    score_becomes(&ada, &alpha_id, -1, "bob's dislike on alpha").await;
    expect_status(
        bob.post(&format!("/api/guildhall/v1/events/{beta_id}/vote"), &json!({"value": 0})).await,
        StatusCode::OK,
        "clear",
    );
    score_becomes(&ada, &alpha_id, 0, "bob's vote withdrawn on alpha").await;
    assert_eq!(event(&bob, &beta_id).await["score"], 0);

    // Bad input through the API: out of range, and an event that does not exist.
    let (status, _) = bob.post(&format!("/api/guildhall/v1/events/{beta_id}/vote"), &json!({"value": 2})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = bob.post("/api/guildhall/v1/events/999999/vote", &json!({"value": 1})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
