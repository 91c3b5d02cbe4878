//! `Undo` in the shapes other software sends besides ours: Lemmy's, whose embedded vote has a
//! fresh id (the vote is found by voter and object), and an `Undo` naming its object by id
//! only (bovine's unfollow, some `Undo{Like}`), resolved through the activity we received.

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);

async fn score(community: &LocalCommunity) -> i64 {
    let d = community.discussion_titled(&community.discussion_title).await.expect("the local discussion");
    d["score"].as_i64().unwrap_or_else(|| panic!("no score in {d}"))
}

async fn score_becomes(community: &LocalCommunity, wanted: i64, what: &str) {
    poll_until(DEADLINE, what, || async { (score(community).await == wanted).then_some(()) }).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lemmy_undo_with_a_fresh_vote_id_and_undo_by_id_are_applied() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("undo"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "undo").await;
    let mut lee = FixtureMember::join(&peer, "lee", &community).await;
    let (actor, follow_id) = (lee.actor.clone(), lee.follow_id.clone());
    let base = score(&community).await;

    // Lemmy: Undo{Like} whose Like carries a new id, not the one it sent first.
    let like = lee.load("like");
    lee.send(&like).await;
    score_becomes(&community, base + 1, "Lemmy's like").await;
    let mut fresh = lee.load("like");
    fresh["id"] = json!(format!("{}/activities/like/{}", peer.base_url(), random_hex(16)));
    let undo = json!({
        "@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
        "id": format!("{}/activities/undo/{}", peer.base_url(), random_hex(16)),
        "type": "Undo", "actor": actor.id(), "object": fresh, "audience": community.url,
    });
    lee.send(&undo).await;
    score_becomes(&community, base, "Lemmy's like withdrawn (fresh id)").await;

    // Undo naming the Like by id only.
    let like = lee.load("like");
    let like_id = like["id"].as_str().unwrap().to_owned();
    lee.send(&like).await;
    score_becomes(&community, base + 1, "the like again").await;
    lee.send(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/undo/{}", peer.base_url(), random_hex(16)),
        "type": "Undo", "actor": actor.id(), "object": like_id,
    }))
    .await;
    score_becomes(&community, base, "the like withdrawn by id").await;

    // Someone else cannot undo it by naming its id.
    let like = lee.load("like");
    let like_id = like["id"].as_str().unwrap().to_owned();
    lee.send(&like).await;
    score_becomes(&community, base + 1, "the like once more").await;
    let mallory = peer.add_actor("mallory");
    let forged = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/undo/{}", peer.base_url(), random_hex(16)),
        "type": "Undo", "actor": mallory.id(), "object": like_id,
    });
    let (status, _) = mallory.sign_and_post(&community.shared_inbox, &forged).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "only the voter may undo the vote");
    assert_eq!(score(&community).await, base + 1, "the vote stays");

    // bovine: Undo{Follow} by id.
    let handle = actor.handle();
    assert!(community.members().await.contains(&handle));
    lee.send(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/activities/undo/{}", peer.base_url(), random_hex(16)),
        "type": "Undo", "actor": actor.id(), "object": follow_id,
    }))
    .await;
    poll_until(DEADLINE, "unfollowed by id", || async { (!community.members().await.contains(&handle)).then_some(()) })
        .await;
}
