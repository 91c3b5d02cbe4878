//! Each peer is sent what its software accepts, learnt from its NodeInfo: a Lemmy instance
//! is not sent the plain `Announce` of a post that Mastodon needs (Lemmy refuses it), nor the
//! community's own `Update` for pin and lock (it gets `Add` and `Lock`), and gets a poll as a
//! `Page` listing the options; a Mastodon instance in the same community still gets all of
//! those.

use std::time::Duration;

use federation_tests::community::{FixtureMember, LocalCommunity};
use federation_tests::peer::{FakePeer, Software};
use federation_tests::{InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const DEADLINE: Duration = Duration::from_secs(20);

/// Whether `d` is the group's Announce of a post object itself (not of an activity).
fn plain_announce(d: &Value, needle: &str) -> bool {
    d["type"] == "Announce" && d["object"]["type"] != "Create" && d["object"].to_string().contains(needle)
}

fn announced_create(d: &Value, needle: &str) -> Option<Value> {
    (d["type"] == "Announce" && d["object"]["type"] == "Create" && d.to_string().contains(needle))
        .then(|| d["object"]["object"].clone())
}

#[tokio::test(flavor = "multi_thread")]
async fn lemmy_gets_only_the_shapes_it_accepts_and_mastodon_all() {
    let (instance, lemmy, mastodon) = tokio::join!(
        InProcessInstance::start("shapes"),
        FakePeer::start(Software::Lemmy),
        FakePeer::start(Software::Mastodon)
    );
    let community = LocalCommunity::create(&instance, "host", "shapes").await;
    FixtureMember::join(&lemmy, "lee", &community).await;
    FixtureMember::join(&mastodon, "max", &community).await;
    let owner = &community.owner;
    let path = &format!("/api/guildhall/v1/communities/{}/discussions", community.name);
    let post = |body: Value| async move { expect_status(owner.post(path, &body).await, StatusCode::CREATED, "post") };

    // A discussion: both get the announced Create; only Mastodon the plain Announce.
    let d = post(json!({"title": "Shapes news", "body": "For everyone."})).await;
    let id = d["id"].as_str().map(str::to_owned).unwrap_or_else(|| d["id"].to_string());
    poll_until(DEADLINE, "Mastodon gets both announces", || async {
        let got = mastodon.received();
        (got.iter().any(|d| plain_announce(d, "Shapes news"))
            && got.iter().any(|d| announced_create(d, "Shapes news").is_some()))
        .then_some(())
    })
    .await;
    poll_until(DEADLINE, "Lemmy gets the announced Create", || async {
        lemmy.received().iter().any(|d| announced_create(d, "Shapes news").is_some()).then_some(())
    })
    .await;

    // A poll: Mastodon gets a Question; Lemmy a Page whose text lists the options.
    post(json!({"title": "Lunch vote", "body": "Pick **one**",
                "poll": {"options": ["Soup", "Salad"], "closes_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()}}))
    .await;
    let page = poll_until(DEADLINE, "Lemmy gets the poll as a Page", || async {
        lemmy.received().iter().find_map(|d| announced_create(d, "Lunch vote"))
    })
    .await;
    assert_eq!(page["type"], "Page", "{page}");
    assert!(page.get("oneOf").is_none() && page.get("anyOf").is_none(), "{page}");
    let html = page["content"].as_str().unwrap_or_default();
    assert!(html.contains("<li>Soup</li>") && html.contains("<li>Salad</li>") && html.contains("Vote at"), "{html}");
    assert!(page["source"]["content"].as_str().unwrap_or_default().contains("- Soup\n"), "{page}");
    poll_until(DEADLINE, "Mastodon gets the poll as a Question", || async {
        mastodon
            .received()
            .iter()
            .find_map(|d| announced_create(d, "Lunch vote"))
            .filter(|q| q["type"] == "Question")
            .map(|_| ())
    })
    .await;

    // Pin: Lemmy gets the moderator's Add to `featured`, never the community's Update.
    expect_status(
        owner.post(&format!("/api/guildhall/v1/discussions/{id}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    poll_until(DEADLINE, "Mastodon gets the community's Update", || async {
        mastodon.received().iter().any(|d| d["type"] == "Update" && d.to_string().contains("Shapes news")).then_some(())
    })
    .await;
    poll_until(DEADLINE, "Lemmy gets the Add", || async {
        lemmy
            .received()
            .iter()
            .any(|d| d["type"] == "Announce" && d["object"]["type"] == "Add" && d.to_string().contains("featured"))
            .then_some(())
    })
    .await;

    let lemmy_got = lemmy.received();
    let refused: Vec<&Value> = lemmy_got
        .iter()
        .filter(|d| {
            plain_announce(d, "Shapes news")
                || plain_announce(d, "Lunch vote")
                || (d["type"] == "Update" && d["actor"] == community.url.as_str())
        })
        .collect();
    assert!(refused.is_empty(), "Lemmy was sent shapes it refuses: {refused:?}");
    assert!(
        !lemmy_got.iter().any(|d| d.to_string().contains("\"Question\"")),
        "Lemmy has no polls: no Question is sent to it"
    );
}
