//! Polls across servers: a poll on alpha is a `Question` Mastodon renders; a member on beta
//! (Guildhall) and a Mastodon account vote; the counts converge everywhere through
//! `Update{Question}`; repeated votes are ignored and votes after the close are refused. And the
//! other way: polls from Mastodon and PieFed are stored and shown, a local member votes in them,
//! and the vote leaves in Mastodon's shape.

use std::time::Duration;

use chrono::Utc;
use federation_tests::community::{LocalCommunity, join_remote, member};
use federation_tests::fixtures::{self, Vars};
use federation_tests::peer::{ACTIVITY_JSON, FakeActor, FakePeer, Software};
use federation_tests::{
    Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until, random_hex,
};

const DEADLINE: Duration = Duration::from_secs(20);

async fn wait_member(client: &Client, handle: &str) {
    poll_until(DEADLINE, "membership accepted", || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
}

async fn discussion(client: &Client, community: &str, title: &str) -> Option<Value> {
    let (_, body) = client.get(&format!("/api/guildhall/v1/communities/{community}/discussions")).await;
    body["items"].as_array()?.iter().find(|d| d["title"].as_str().is_some_and(|t| t.contains(title))).cloned()
}

async fn poll_of(client: &Client, id: &str) -> Value {
    client.get(&format!("/api/guildhall/v1/discussions/{id}")).await.1["poll"].clone()
}

fn counts(poll: &Value) -> Vec<i64> {
    poll["options"]
        .as_array()
        .map(|o| o.iter().map(|x| x["votes"].as_i64().unwrap_or(-1)).collect())
        .unwrap_or_default()
}

async fn wait_counts(client: &Client, id: &str, want: &[i64], voters: i64, what: &str) {
    poll_until(DEADLINE, what, || async {
        let p = poll_of(client, id).await;
        (counts(&p) == want && p["voters_count"] == voters).then_some(())
    })
    .await;
}

async fn vote(client: &Client, id: &str, choices: Value) -> (StatusCode, Value) {
    client.post(&format!("/api/guildhall/v1/discussions/{id}/poll/votes"), &json!({ "choices": choices })).await
}

/// Mastodon's vote: a Note named after the option, answering the question, to its author.
fn mastodon_vote(actor: &FakeActor, question: &str, author: &str, option: &str) -> Value {
    let mut vars = Vars::new();
    vars.insert("ACTOR", actor.id().to_owned());
    vars.insert("ID", random_hex(16));
    vars.insert("OPTION", option.to_owned());
    vars.insert("DISCUSSION", question.to_owned());
    vars.insert("DISCUSSION_AUTHOR", author.to_owned());
    fixtures::load(Software::Mastodon, "vote", &vars)
}

async fn ap_get(url: &str) -> Value {
    let r = reqwest::Client::new().get(url).header("Accept", ACTIVITY_JSON).send().await.expect("GET");
    assert_eq!(r.status(), StatusCode::OK, "GET {url}");
    r.json().await.expect("JSON")
}

fn in_the(secs: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(secs)).to_rfc3339()
}

/// alpha's public `lounge`, followed by bob on beta (a Guildhall member) and by mal on a
/// Mastodon-shaped fake server. The instances live as long as the returned values.
async fn lounge_with_followers()
-> (InProcessInstance, InProcessInstance, FakePeer, LocalCommunity, Client, FakeActor, String) {
    let (alpha, beta, masto) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        FakePeer::start(Software::Mastodon)
    );
    let lounge = LocalCommunity::create(&alpha, "ada", "lounge").await;
    let bob = member(&beta, "bob").await;
    let handle = format!("lounge@{}", alpha.domain());
    join_remote(&bob, &handle).await;
    wait_member(&bob, &handle).await;
    let mal = masto.add_actor("mal");
    mal.follow_via(&lounge.url, &lounge.shared_inbox).await;
    (alpha, beta, masto, lounge, bob, mal, handle)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poll_on_alpha_voted_from_beta_and_mastodon() {
    let (alpha, _beta, masto, lounge, bob, mal, handle) = lounge_with_followers().await;

    let d = expect_status(
        lounge
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/discussions",
                &json!({"title": "Retro snacks", "body": "Vote **now**", "poll": {"options": ["Tea", "Coffee", "Water"], "closes_at": in_the(3600)}}),
            )
            .await,
        StatusCode::CREATED,
        "start a poll",
    );
    let on_alpha = id_of(&d["id"]);
    let question = format!("http://{}/d/{on_alpha}", alpha.domain());

    // A Question Mastodon renders, still a post (name, content, audience) for group software.
    let q = ap_get(&question).await;
    assert_eq!(q["type"], "Question", "{q}");
    assert_eq!(q["name"], "Retro snacks");
    assert!(q["content"].as_str().unwrap_or_default().contains("<strong>now</strong>"), "{q}");
    assert_eq!(q["audience"], lounge.url.as_str());
    assert_eq!(
        q["oneOf"][1],
        json!({"type": "Note", "name": "Coffee", "replies": {"type": "Collection", "totalItems": 0}})
    );
    assert!(q["endTime"].is_string() && q["closed"].is_null() && q["votersCount"] == 0, "{q}");

    // It reaches beta with its poll, and Mastodon as an announced Question.
    let on_beta =
        id_of(&poll_until(DEADLINE, "poll on beta", || discussion(&bob, &handle, "Retro snacks")).await["id"]);
    // The poll is stored with the post, possibly a moment after the post appears in lists.
    let p = poll_until(DEADLINE, "poll attached on beta", || async {
        let p = poll_of(&bob, &on_beta).await;
        p["options"].is_array().then_some(p)
    })
    .await;
    assert_eq!(p["options"][2]["name"], "Water", "{p}");
    assert_eq!((p["kind"].as_str(), p["closed"].as_bool()), (Some("single"), Some(false)));
    poll_until(DEADLINE, "Question at Mastodon", || async {
        masto.received().into_iter().find(|a| a["type"] == "Announce" && a["object"]["type"] == "Question")
    })
    .await;

    // Bob votes on beta; alpha counts it.
    expect_status(vote(&bob, &on_beta, json!([1])).await, StatusCode::OK, "bob votes");
    wait_counts(&lounge.owner, &on_alpha, &[0, 1, 0], 1, "bob's vote counted on alpha").await;
    // On another server's poll a vote is final.
    expect_status(vote(&bob, &on_beta, json!([0])).await, StatusCode::CONFLICT, "bob votes again");

    // Mal votes from Mastodon, to the poll's author.
    let author_inbox = format!("{}/inbox", lounge.owner_url);
    let (status, body) =
        mal.sign_and_post(&author_inbox, &mastodon_vote(&mal, &question, &lounge.owner_url, "Tea")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    wait_counts(&lounge.owner, &on_alpha, &[1, 1, 0], 2, "mal's vote counted on alpha").await;
    // Not a reply.
    assert!(lounge.replies(&on_alpha).await.is_empty(), "a vote is not a reply");

    // Counts converge on beta, and Mastodon hears them, through the author's own
    // Update{Question} (Mastodon does not act on an Announce of an Update).
    wait_counts(&bob, &on_beta, &[1, 1, 0], 2, "counts on beta").await;
    poll_until(DEADLINE, "Update{Question} at Mastodon", || async {
        question_updates(&masto, &question).into_iter().find(|q| q["votersCount"] == 2)
    })
    .await;

    // Repeats are ignored: the same option again, another option (single choice), the same
    // activity again.
    let again = mastodon_vote(&mal, &question, &lounge.owner_url, "Tea");
    for v in [again.clone(), mastodon_vote(&mal, &question, &lounge.owner_url, "Water"), again] {
        let (status, body) = mal.sign_and_post(&author_inbox, &v).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let p = poll_of(&lounge.owner, &on_alpha).await;
    assert_eq!((counts(&p), p["voters_count"].as_i64()), (vec![1, 1, 0], Some(2)), "repeats ignored: {p}");
    // An option that does not exist is refused.
    let (status, _) =
        mal.sign_and_post(&author_inbox, &mastodon_vote(&mal, &question, &lounge.owner_url, "Cocoa")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A poll that closes: votes after the close are refused on both servers.
    let d = expect_status(
        lounge
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/discussions",
                &json!({"title": "Quick poll", "body": "Fast", "poll": {"options": ["Yes", "No"], "closes_at": in_the(3)}}),
            )
            .await,
        StatusCode::CREATED,
        "start a short poll",
    );
    let short = id_of(&d["id"]);
    let short_url = format!("http://{}/d/{short}", alpha.domain());
    let short_on_beta =
        id_of(&poll_until(DEADLINE, "short poll on beta", || discussion(&bob, &handle, "Quick poll")).await["id"]);
    poll_until(DEADLINE, "the short poll to close", || async {
        (poll_of(&lounge.owner, &short).await["closed"] == true).then_some(())
    })
    .await;
    let (status, _) =
        mal.sign_and_post(&author_inbox, &mastodon_vote(&mal, &short_url, &lounge.owner_url, "Yes")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "vote after close");
    let (status, body) = vote(&bob, &short_on_beta, json!([0])).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("poll_closed")));
    let p = poll_of(&lounge.owner, &short).await;
    assert_eq!((counts(&p), p["voters_count"].as_i64()), (vec![0, 0], Some(0)));
    assert!(ap_get(&short_url).await["closed"].is_string(), "a closed Question says so");
}

/// The `Update{Question}`s about `question` a fake server received (plain, or inside the
/// community's `Announce`).
/// The poll author's own `Update{Question}`s at `peer` (what Mastodon refreshes a poll from;
/// the community's `Announce` of the same Update is not counted).
fn question_updates(peer: &FakePeer, question: &str) -> Vec<Value> {
    peer.received()
        .into_iter()
        .filter(|u| u["type"] == "Update" && u["object"]["type"] == "Question" && u["object"]["id"] == question)
        .filter(|u| u["actor"] == u["object"]["attributedTo"])
        .map(|u| u["object"].clone())
        .collect()
}

/// Starts a discussion and waits for the community's plain `Announce` of it at `peer`: since
/// deliveries to one server keep their order, whatever was queued for it before has arrived.
async fn marker(lounge: &LocalCommunity, peer: &FakePeer, title: &str) {
    let d = expect_status(
        lounge
            .owner
            .post("/api/guildhall/v1/communities/lounge/discussions", &json!({"title": title, "body": "marker"}))
            .await,
        StatusCode::CREATED,
        "start a marker discussion",
    );
    let url = lounge.url.replace(&format!("/c/{}", lounge.name), &format!("/d/{}", id_of(&d["id"])));
    poll_until(DEADLINE, "the marker at the fake server", || async {
        peer.received().into_iter().find(|a| a["type"] == "Announce" && a["object"]["id"] == url.as_str())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_poll_is_announced_with_its_totals_when_it_closes() {
    let (alpha, _beta, masto, lounge, bob, mal, handle) = lounge_with_followers().await;

    let d = expect_status(
        lounge
            .owner
            .post(
                "/api/guildhall/v1/communities/lounge/discussions",
                &json!({"title": "Secret ballot", "body": "Pick a colour",
                        "poll": {"options": ["Red", "Blue"], "closes_at": in_the(10), "hide_results": true}}),
            )
            .await,
        StatusCode::CREATED,
        "start a hidden poll",
    );
    let on_alpha = id_of(&d["id"]);
    let question = format!("http://{}/d/{on_alpha}", alpha.domain());
    expect_status(vote(&lounge.owner, &on_alpha, json!([1])).await, StatusCode::OK, "ada votes");
    let author_inbox = format!("{}/inbox", lounge.owner_url);
    let (status, body) =
        mal.sign_and_post(&author_inbox, &mastodon_vote(&mal, &question, &lounge.owner_url, "Blue")).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    // While it is open nothing is told: beta's copy has no counts, Mastodon got no Update.
    let on_beta =
        id_of(&poll_until(DEADLINE, "hidden poll on beta", || discussion(&bob, &handle, "Secret ballot")).await["id"]);
    let p = poll_until(DEADLINE, "poll attached on beta", || async {
        let p = poll_of(&bob, &on_beta).await;
        p["options"].is_array().then_some(p)
    })
    .await;
    marker(&lounge, &masto, "Marker before the close").await;
    if poll_of(&lounge.owner, &on_alpha).await["closed"] == false {
        assert!(question_updates(&masto, &question).is_empty(), "no Update while the poll is open");
        assert!(p["voters_count"].is_null() && counts(&p) == vec![-1, -1], "hidden on beta: {p}");
    }

    // At the close the final totals go out once, as Update{Question}.
    poll_until(Duration::from_secs(40), "the hidden poll to close", || async {
        (poll_of(&lounge.owner, &on_alpha).await["closed"] == true).then_some(())
    })
    .await;
    let update = poll_until(DEADLINE, "Update{Question} with the totals at Mastodon", || async {
        question_updates(&masto, &question).into_iter().next()
    })
    .await;
    assert_eq!(update["votersCount"], 2, "{update}");
    assert_eq!(update["oneOf"][0]["replies"]["totalItems"], 0, "{update}");
    assert_eq!(update["oneOf"][1]["replies"]["totalItems"], 2, "{update}");
    assert!(update["closed"].is_string() && update["endTime"].is_string(), "{update}");
    wait_counts(&bob, &on_beta, &[0, 2], 2, "final counts on beta").await;
    let p = poll_of(&bob, &on_beta).await;
    assert_eq!((p["closed"].as_bool(), p["results_visible"].as_bool()), (Some(true), Some(true)), "{p}");

    // Exactly once.
    marker(&lounge, &masto, "Marker after the close").await;
    assert_eq!(question_updates(&masto, &question).len(), 1, "one Update{{Question}} for the close");
}

#[tokio::test(flavor = "multi_thread")]
async fn polls_from_mastodon_and_piefed() {
    let (alpha, masto, piefed) = tokio::join!(
        InProcessInstance::start("alpha"),
        FakePeer::start(Software::Mastodon),
        FakePeer::start(Software::PieFed)
    );
    let lounge = LocalCommunity::create(&alpha, "ada", "lounge").await;
    let (mal, pia) = (masto.add_actor("mal"), piefed.add_actor("pia"));
    mal.follow_via(&lounge.url, &lounge.shared_inbox).await;
    pia.follow(&lounge.url).await;
    let vars = |actor: &FakeActor, peer: &FakePeer| {
        let mut v = Vars::new();
        v.insert("ACTOR", actor.id().to_owned());
        v.insert("ACTOR_NAME", actor.name().to_owned());
        v.insert("BASE", peer.base_url());
        v.insert("PEER_HOST", peer.host().to_owned());
        v.insert("COMMUNITY", lounge.url.clone());
        v.insert("COMMUNITY_NAME", lounge.name.clone());
        v.insert("INSTANCE_HOST", alpha.domain());
        v.insert("ID", random_hex(16));
        v.insert("ID2", random_hex(16));
        v.insert("NOW", Utc::now().to_rfc3339());
        v.insert("END", in_the(86_400));
        v
    };

    // Mastodon's poll (a Question mentioning the community) starts a discussion with its poll.
    let mut mv = vars(&mal, &masto);
    let create = fixtures::load(Software::Mastodon, "question", &mv);
    let (status, body) = mal.sign_and_post(&lounge.shared_inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let found = poll_until(DEADLINE, "Mastodon's poll", || lounge.discussion_titled("Mastodon poll")).await;
    assert_eq!(found["has_poll"], true, "{found}");
    let masto_poll = id_of(&found["id"]);
    let p = poll_of(&lounge.owner, &masto_poll).await;
    assert_eq!((p["kind"].as_str(), counts(&p), p["voters_count"].as_i64()), (Some("single"), vec![2, 1], Some(3)));
    assert_eq!(p["options"][1]["name"], "Thursday");

    // PieFed's poll post keeps its title and Markdown, multiple choice.
    let create = fixtures::load(Software::PieFed, "create_question", &vars(&pia, &piefed));
    let (status, body) = pia.sign_and_post(&lounge.inbox, &create).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let found = poll_until(DEADLINE, "PieFed's poll", || lounge.discussion_titled("PieFed poll")).await;
    let piefed_poll = id_of(&found["id"]);
    let p = poll_of(&lounge.owner, &piefed_poll).await;
    assert_eq!(
        (p["kind"].as_str(), counts(&p), p["voters_count"].as_i64()),
        (Some("multiple"), vec![3, 2, 0], Some(4))
    );
    assert!(found["body_html"].as_str().unwrap_or_default().contains("<strong>all</strong>"), "{found}");

    // A local member votes in both; each vote leaves as Mastodon's Note, to the poll's author.
    let r =
        expect_status(vote(&lounge.owner, &masto_poll, json!([1])).await, StatusCode::OK, "vote on Mastodon's poll");
    assert_eq!(counts(&r), vec![2, 2]);
    expect_status(vote(&lounge.owner, &piefed_poll, json!([0, 2])).await, StatusCode::OK, "vote on PieFed's poll");
    let question = create_object_id(&fixtures::load(Software::Mastodon, "question", &mv));
    let d = poll_until(DEADLINE, "our vote at Mastodon", || async {
        masto.deliveries().into_iter().find(|d| d.body["type"] == "Create" && d.body["object"]["type"] == "Note")
    })
    .await;
    assert!(d.signed && d.path.ends_with("/inbox"), "{d:?}");
    let note = &d.body["object"];
    assert_eq!(note["name"], "Thursday", "{note}");
    assert_eq!(note["inReplyTo"], question.as_str());
    assert_eq!(note["attributedTo"], lounge.owner_url.as_str());
    assert_eq!(note["to"], json!([mal.id()]));
    assert!(note["content"].is_null(), "a vote has no content: {note}");
    assert!(!d.body.to_string().contains("#Public"), "votes are not public: {}", d.body);
    let names = poll_until(DEADLINE, "our votes at PieFed", || async {
        let mut n: Vec<String> = piefed
            .received()
            .into_iter()
            .filter(|a| a["type"] == "Create" && a["object"]["type"] == "Note")
            .filter_map(|a| a["object"]["name"].as_str().map(str::to_owned))
            .collect();
        n.sort();
        (n.len() == 2).then_some(n)
    })
    .await;
    assert_eq!(names, vec!["Neither".to_owned(), "Standing desks".to_owned()]);

    // Mastodon's Update{Question} brings new counts, and is not an edit.
    mv.insert("PAGE", question.clone());
    mv.insert("ID", random_hex(16));
    let update = fixtures::load(Software::Mastodon, "update_question", &mv);
    let (status, body) = mal.sign_and_post(&lounge.shared_inbox, &update).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    wait_counts(&lounge.owner, &masto_poll, &[2, 3], 5, "Mastodon's new counts").await;
    let (_, d) = lounge.owner.get(&format!("/api/guildhall/v1/discussions/{masto_poll}")).await;
    assert!(d["edited_at"].is_null(), "new counts are not an edit: {d}");
    assert_eq!(d["poll"]["my_choices"], json!([1]));
}

fn create_object_id(create: &Value) -> String {
    create["object"]["id"].as_str().expect("object id").to_owned()
}
