//! `Page`s in shapes besides the plain new post: one that answers something (`inReplyTo`) is a
//! reply, and one addressed to a person before its community (a mention, no `audience`) still
//! reaches the community.

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn a_page_reply_is_a_reply_and_a_mention_first_still_finds_the_community() {
    let (instance, peer) = tokio::join!(InProcessInstance::start("pages"), FakePeer::start(Software::Lemmy));
    let community = LocalCommunity::create(&instance, "host", "pages").await;
    let mut pat = FixtureMember::join(&peer, "pat", &community).await;

    // A Page answering the local discussion becomes a reply in it, not a new discussion.
    let before = community.discussions().await.len();
    let mut reply = pat.load("create_page");
    reply["object"]["inReplyTo"] = json!(community.discussion_url);
    reply["object"]["name"] = json!("");
    reply["object"]["content"] = json!("<p>A Page that answers</p>");
    reply["object"]["source"]["content"] = json!("A Page that answers");
    pat.send(&reply).await;
    let discussion_id = community.discussion_id.clone();
    poll_until(DEADLINE, "the Page as a reply", || async {
        let replies = community.replies(&discussion_id).await;
        replies.iter().any(|r| r["body_html"].as_str().is_some_and(|b| b.contains("A Page that answers"))).then_some(())
    })
    .await;
    assert_eq!(community.discussions().await.len(), before, "no new discussion from a reply");

    // A Page addressed to a person first, with no audience: still the community's post.
    let mut mention = pat.load("create_page");
    let object = mention["object"].as_object_mut().unwrap();
    object.remove("audience");
    object.insert("name".into(), json!("Mention first"));
    object.insert(
        "to".into(),
        json!([community.owner_url, community.url, "https://www.w3.org/ns/activitystreams#Public"]),
    );
    mention.as_object_mut().unwrap().remove("audience");
    pat.send(&mention).await;
    poll_until(DEADLINE, "the post with a mention first", || community.discussion_titled("Mention first")).await;
}
