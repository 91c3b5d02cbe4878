//! `Page`s in shapes besides the plain new post: one that answers something (`inReplyTo`) is a
//! reply, and one addressed to a person before its community (a mention, no `audience`) still
//! reaches the community.

use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, json, poll_until, random_hex};

const DEADLINE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn a_page_reply_is_a_reply_and_a_mention_first_still_finds_the_community() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("pages"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "pages").await;
    let actor = peer.add_actor("pat");
    let mut vars = Vars::new();
    for (k, v) in [
        ("ACTOR", actor.id().to_owned()),
        ("ACTOR_NAME", actor.name().to_owned()),
        ("BASE", peer.base_url()),
        ("COMMUNITY", community.url.clone()),
        ("COMMUNITY_NAME", community.name.clone()),
    ] {
        vars.insert(k, v);
    }
    let mut load = |name: &str| {
        vars.insert("ID", random_hex(16));
        vars.insert("ID2", random_hex(16));
        fixtures::load(Software::Lemmy, name, &vars)
    };
    let follow = load("follow");
    let follow_id = follow["id"].as_str().unwrap().to_owned();
    let send = |activity: serde_json::Value| {
        let (actor, inbox) = (&actor, community.shared_inbox.clone());
        async move {
            let (status, body) = actor.sign_and_post(&inbox, &activity).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{} answered {status}: {body}", activity["type"]);
        }
    };
    send(follow).await;
    actor.wait_for_answer(&follow_id, "Accept").await;

    // A Page answering the local discussion becomes a reply in it, not a new discussion.
    let before = community.discussions().await.len();
    let mut reply = load("create_page");
    reply["object"]["inReplyTo"] = json!(community.discussion_url);
    reply["object"]["name"] = json!("");
    reply["object"]["content"] = json!("<p>A Page that answers</p>");
    reply["object"]["source"]["content"] = json!("A Page that answers");
    send(reply).await;
    let discussion_id = community.discussion_id.clone();
    poll_until(DEADLINE, "the Page as a reply", || async {
        let replies = community.replies(&discussion_id).await;
        replies.iter().any(|r| r["body_html"].as_str().is_some_and(|b| b.contains("A Page that answers"))).then_some(())
    })
    .await;
    assert_eq!(community.discussions().await.len(), before, "no new discussion from a reply");

    // A Page addressed to a person first, with no audience: still the community's post.
    let mut mention = load("create_page");
    let object = mention["object"].as_object_mut().unwrap();
    object.remove("audience");
    object.insert("name".into(), json!("Mention first"));
    object.insert(
        "to".into(),
        json!([community.owner_url, community.url, "https://www.w3.org/ns/activitystreams#Public"]),
    );
    mention.as_object_mut().unwrap().remove("audience");
    send(mention).await;
    poll_until(DEADLINE, "the post with a mention first", || community.discussion_titled("Mention first")).await;
}
