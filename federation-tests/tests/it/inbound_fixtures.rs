//! Activities in the exact shapes Mastodon, Lemmy, PieFed, Mbin, GoToSocial and Misskey send
//! (fixtures/), delivered by a fake server of that software to a real Guildhall instance:
//! follow a community and get an Accept, post discussions and replies (HTML sanitised), send
//! votes, boosts, edits, deletions and an unknown type (202, nothing harmful), unfollow.

use std::time::Duration;

use federation_tests::community::{LocalCommunity, assert_sanitised};
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{FakeActor, FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);

fn display(software: Software) -> &'static str {
    match software {
        Software::Mastodon => "Mastodon",
        Software::Lemmy => "Lemmy",
        Software::PieFed => "PieFed",
        Software::Mbin => "Mbin",
        Software::GoToSocial => "GoToSocial",
        Software::Misskey => "Misskey",
    }
}

/// Title expected for a top-level Note: its first line of text.
fn note_title(software: Software) -> &'static str {
    match software {
        Software::Mastodon => "Mastodon: lunch and learn on Friday?",
        Software::GoToSocial => "GoToSocial: quiet room booking",
        Software::Misskey => "Misskey: board games night",
        _ => unreachable!("no top-level Note fixture"),
    }
}

struct Run {
    software: Software,
    actor: FakeActor,
    community: LocalCommunity,
    vars: Vars,
    inbox: String,
}

impl Run {
    /// Loads a fixture with fresh ids.
    fn load(&mut self, name: &str) -> Value {
        self.vars.insert("ID", random_hex(16));
        self.vars.insert("ID2", random_hex(16));
        self.vars.insert("NOW", "2024-05-02T10:00:00Z".to_owned());
        fixtures::load(self.software, name, &self.vars)
    }

    fn has(&self, name: &str) -> bool {
        fixtures::names(self.software).iter().any(|n| n == name)
    }

    async fn send(&self, name: &str, activity: &Value) {
        let (status, body) = self.actor.sign_and_post(&self.inbox, activity).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{} {name} answered {status}: {body}", display(self.software));
    }
}

async fn scenario(software: Software) {
    let (instance, peer) = tokio::join!(InProcessInstance::start(software.slug()), FakePeer::start(software));
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let actor = peer.add_actor("alice");
    let mut vars = Vars::new();
    vars.insert("ACTOR", actor.id().to_owned());
    vars.insert("ACTOR_NAME", actor.name().to_owned());
    vars.insert("BASE", peer.base_url());
    vars.insert("PEER_HOST", peer.host().to_owned());
    vars.insert("COMMUNITY", community.url.clone());
    vars.insert("COMMUNITY_NAME", community.name.clone());
    vars.insert("INSTANCE_HOST", instance.domain());
    vars.insert("DISCUSSION", community.discussion_url.clone());
    vars.insert("DISCUSSION_AUTHOR", community.owner_url.clone());
    vars.insert("DISCUSSION_AUTHOR_NAME", community.owner_name.clone());
    // GoToSocial and PieFed deliver to the community's own inbox, the others to the shared one.
    let inbox = match software {
        Software::GoToSocial | Software::PieFed => community.inbox.clone(),
        _ => community.shared_inbox.clone(),
    };
    let mut run = Run { software, actor, community, vars, inbox };
    let who = display(software);

    // Follow -> Accept delivered (signed) to the follower's server; the follower is a member.
    let follow = run.load("follow");
    let follow_id = follow["id"].as_str().unwrap().to_owned();
    run.send("follow", &follow).await;
    let accept = run.actor.wait_for_answer(&follow_id, "Accept").await;
    assert_eq!(accept["actor"], run.community.url.as_str(), "{who}: Accept by the community: {accept}");
    let delivery = peer.deliveries().into_iter().find(|d| d.body["type"] == "Accept").unwrap();
    assert!(delivery.signed && delivery.has_digest, "{who}: the Accept must be signed: {delivery:?}");
    let handle = run.actor.handle();
    let members = run.community.members().await;
    assert!(members.contains(&handle), "{who}: {handle} not among members {members:?}");
    run.vars.insert("FOLLOW", follow_id);

    // A new discussion: Create{Page} (threadiverse) or a top-level Note mentioning the group.
    let (name, expected_title) =
        if run.has("create_page") { ("create_page", None) } else { ("create_note_top", Some(note_title(software))) };
    let create = run.load(name);
    let expected_title =
        expected_title.map(str::to_owned).unwrap_or_else(|| create["object"]["name"].as_str().unwrap().to_owned());
    run.send(name, &create).await;
    let discussion =
        poll_until(DEADLINE, &format!("{who}'s discussion"), || run.community.discussion_titled(&expected_title)).await;
    assert_eq!(discussion["author"]["username"], handle.as_str(), "{who}: author of {discussion}");
    let body = discussion["body_html"].as_str().unwrap_or_default();
    assert_sanitised(body);
    assert!(!body.trim().is_empty(), "{who}: empty body: {discussion}");
    run.vars.insert("PAGE", create["object"]["id"].as_str().unwrap().to_owned());

    // A reply to the local discussion, with a Mention tag.
    let reply = run.load("create_note_reply");
    run.send("create_note_reply", &reply).await;
    let marker = format!("{who} reply");
    let discussion_id = run.community.discussion_id.clone();
    let stored = poll_until(DEADLINE, &format!("{who}'s reply"), || async {
        run.community
            .replies(&discussion_id)
            .await
            .into_iter()
            .find(|r| r["body_html"].as_str().is_some_and(|b| b.contains(&marker)))
    })
    .await;
    assert_eq!(stored["author"]["username"], handle.as_str(), "{who}: reply author: {stored}");
    assert_sanitised(stored["body_html"].as_str().unwrap_or_default());
    run.vars.insert("NOTE", reply["object"]["id"].as_str().unwrap().to_owned());

    // Votes, boosts, edits, deletions and an unknown type: 202, nothing harmful.
    let before = run.community.discussions().await;
    let local_before = before.iter().find(|d| d["title"] == run.community.discussion_title.as_str()).cloned().unwrap();
    let replies_before = run.community.replies(&discussion_id).await.len();
    for name in ["like", "dislike", "announce", "update", "delete"] {
        if run.has(name) {
            let activity = run.load(name);
            run.send(name, &activity).await;
        }
    }
    let bite = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": run.actor.new_id("bite"), "type": "Bite", "actor": run.actor.id(),
        "target": run.community.discussion_url, "to": [run.community.owner_url]
    });
    run.send("unknown type", &bite).await;
    let after = run.community.discussions().await;
    assert_eq!(after.len(), before.len(), "{who}: the number of discussions changed: {after:?}");
    let local_after = after.iter().find(|d| d["id"] == local_before["id"]).cloned();
    let local_after = local_after.unwrap_or_else(|| panic!("{who}: the local discussion disappeared: {after:?}"));
    assert_eq!(local_after["title"], local_before["title"], "{who}: local title changed");
    assert_eq!(local_after["body_html"], local_before["body_html"], "{who}: local body changed");
    assert_eq!(local_after["author"], local_before["author"], "{who}: local author changed");
    let replies_after = run.community.replies(&discussion_id).await;
    assert!(
        replies_after.len() <= replies_before,
        "{who}: replies appeared from votes/boosts/edits: {replies_after:?}"
    );

    // Undo{Follow}: no longer a member.
    let undo = run.load("undo_follow");
    run.send("undo_follow", &undo).await;
    poll_until(DEADLINE, &format!("{who} leaving"), || async {
        (!run.community.members().await.contains(&handle)).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mastodon() {
    scenario(Software::Mastodon).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lemmy() {
    scenario(Software::Lemmy).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn piefed() {
    scenario(Software::PieFed).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mbin() {
    scenario(Software::Mbin).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn gotosocial() {
    scenario(Software::GoToSocial).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn misskey() {
    scenario(Software::Misskey).await;
}
