//! Notifications for replies, mentions, upvotes, join requests and their answers, and closed
//! polls, over the API: who is told (the author answered, the people mentioned, the
//! moderators), who is not (the person who did it, people on other servers, people who may
//! not read the post), once per post per person, with the actor, post and community named.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::TestApp;
use guildhall_domain::extras::{PostExtras, Tag, TagKind};
use serde_json::{Value, json};

async fn items(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/guildhall/v1/notifications", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").clone()
}

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    items(app, token).await.iter().map(|n| n["kind"].as_str().expect("kind").to_string()).collect()
}

async fn account_id(app: &TestApp, name: &str) -> i64 {
    guildhall_store::accounts::find_by_username(app.ctx.db(), name).await.expect("db").expect("account").id
}

#[tokio::test]
async fn replies_notify_the_author_answered_and_mentions_the_people_named_once() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let carl = app.member("carl", "ops", &modr).await;
    let d = app.discussion_with_body(&ann, "ops", "Outage review", "What happened?").await;
    assert!(kinds(&app, &ann).await.is_empty(), "starting a discussion tells no one");

    let r1 = app.reply(&bob, d, None, "The disk filled up").await;
    let got = items(&app, &ann).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let n = &got[0];
    assert_eq!(n["kind"], "reply");
    assert_eq!(n["body"], "discussion", "answers the discussion");
    assert_eq!(n["title"], "Outage review");
    assert_eq!(n["link"], format!("/discussions/{d}#reply-{r1}"));
    assert_eq!(n["actor"]["handle"], "bob");
    assert_eq!(n["post"], json!({"discussion_id": d, "reply_id": r1}));
    assert_eq!(
        (n["community"]["handle"].clone(), n["community"]["host"].clone()),
        (json!("ops"), json!("localhost:8080"))
    );
    assert!(kinds(&app, &bob).await.is_empty(), "not told of their own reply");

    // Answering bob's reply, naming bob and carl: bob hears one `reply`, carl a `mention`,
    // the discussion's author nothing (the reply is not to her, and she wrote it).
    let r2 = app.reply(&ann, d, Some(r1), "Thanks @bob, cc @carl@localhost:8080 and `@mod`").await;
    let got = items(&app, &bob).await;
    assert_eq!(got.len(), 1, "one notification per post per person: {got:?}");
    assert_eq!((got[0]["kind"].as_str(), got[0]["body"].as_str()), (Some("reply"), Some("reply")));
    assert_eq!(got[0]["post"]["reply_id"], r2);
    assert_eq!(kinds(&app, &carl).await, ["mention"]);
    assert!(kinds(&app, &modr).await.is_empty(), "code mentions no one");
    assert_eq!(kinds(&app, &ann).await, ["reply"], "nothing for her own reply");

    // A discussion mentioning someone; mentioning yourself tells no one.
    let d2 = app.discussion_with_body(&carl, "ops", "Pager", "@ann @carl please look").await;
    let got = items(&app, &ann).await;
    assert_eq!((got[0]["kind"].as_str(), got[0]["post"]["discussion_id"].as_i64()), (Some("mention"), Some(d2)));
    assert_eq!(got[0]["post"]["reply_id"], Value::Null);
    assert_eq!(kinds(&app, &carl).await, ["mention"], "not told of mentioning themselves");
}

#[tokio::test]
async fn only_people_who_may_read_the_post_are_told() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "secret", "private").await;
    let ann = app.member("ann", "secret", &modr).await;
    let bob = app.member("bob", "secret", &modr).await;
    let eve = app.user("eve").await;
    let d = app.discussion_with_body(&ann, "secret", "Plans", "Hush").await;
    app.reply(&bob, d, None, "@eve @mod have a look").await;
    assert!(kinds(&app, &eve).await.is_empty(), "a non-member is not told about a private post");
    assert_eq!(kinds(&app, &modr).await.iter().filter(|k| *k == "mention").count(), 1, "a member is");

    // Ann is banned: replies to her discussion are no longer hers to hear about.
    let r = app.post("/api/guildhall/v1/communities/secret/bans", Some(&modr), json!({"username": "ann"})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let before = kinds(&app, &ann).await.len();
    app.reply(&bob, d, None, "Still here @ann").await;
    assert_eq!(kinds(&app, &ann).await.len(), before, "a banned member is not told");

    // Bob leaves: replies to his reply are not told to him either.
    let r1 = app.reply(&modr, d, None, "Thread").await;
    let r2 = app.reply(&bob, d, Some(r1), "Answer").await;
    let r = app.post("/api/guildhall/v1/communities/secret/leave", Some(&bob), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let before = kinds(&app, &bob).await.len();
    app.reply(&modr, d, Some(r2), "Back to you").await;
    assert_eq!(kinds(&app, &bob).await.len(), before, "an ex-member is not told");
}

#[tokio::test]
async fn upvotes_notify_the_author_once_per_voter() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let d = app.discussion_with_body(&ann, "ops", "Outage review", "What happened?").await;
    let r1 = app.reply(&ann, d, None, "My reply").await;
    let vote = |path: String, token: String, value: i64| {
        let app = &app;
        async move {
            let r = app.post(&path, Some(&token), json!({"value": value})).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    let on_d = format!("/api/guildhall/v1/discussions/{d}/vote");
    vote(on_d.clone(), ann.clone(), 1).await;
    assert!(kinds(&app, &ann).await.is_empty(), "upvoting yourself tells no one");
    vote(on_d.clone(), bob.clone(), -1).await;
    assert!(kinds(&app, &ann).await.is_empty(), "a downvote is not a favourite");
    vote(on_d.clone(), bob.clone(), 1).await;
    vote(on_d.clone(), bob.clone(), 0).await;
    vote(on_d.clone(), bob.clone(), 1).await;
    let got = items(&app, &ann).await;
    assert_eq!(got.len(), 1, "a re-vote is not told again: {got:?}");
    assert_eq!((got[0]["kind"].as_str(), got[0]["actor"]["handle"].as_str()), (Some("favourite"), Some("bob")));
    assert_eq!(got[0]["post"], json!({"discussion_id": d, "reply_id": null}));
    vote(format!("/api/guildhall/v1/replies/{r1}/vote"), bob.clone(), 1).await;
    let got = items(&app, &ann).await;
    assert_eq!((got[0]["kind"].as_str(), got[0]["post"]["reply_id"].as_i64()), (Some("favourite"), Some(r1)));

    // A Like from another server.
    let rob = app.remote_person("rob", "remote.example").await;
    app.remote_follow(&rob, "ops").await;
    let d_row = guildhall_store::discussions::find_by_id(app.ctx.db(), d).await.unwrap().unwrap();
    for _ in 0..2 {
        guildhall_app::remote_changes::receive_vote(
            &app.ctx,
            &rob,
            guildhall_app::remote_changes::VoteOn::Discussion(&d_row),
            1,
            &format!("http://remote.example/likes/{}", guildhall_app::auth::random_token()),
            guildhall_app::receipt::Arrival::Relayed,
        )
        .await
        .expect("remote like");
    }
    let got = items(&app, &ann).await;
    assert_eq!(got.len(), 3, "the remote Like told once: {got:?}");
    assert_eq!(got[0]["actor"]["handle"], "rob@remote.example");
}

#[tokio::test]
async fn join_requests_notify_moderators_and_answers_the_requester() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "club", "approval").await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    for t in [&ann, &bob] {
        let r = app.join(t, "club").await;
        assert_eq!(r.body["status"], "requested", "{}", r.body);
    }
    let got = items(&app, &modr).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0]["kind"].as_str(), got[0]["actor"]["handle"].as_str()), (Some("join_request"), Some("bob")));
    assert_eq!(got[0]["link"], "/communities/club/requests");
    assert!(kinds(&app, &ann).await.is_empty(), "the requester is not told of their own request");

    let r = app.post("/api/guildhall/v1/communities/club/join-requests/ann/accept", Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app.post("/api/guildhall/v1/communities/club/join-requests/bob/reject", Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let got = items(&app, &ann).await;
    assert_eq!(
        (got[0]["kind"].as_str(), got[0]["community"]["title"].as_str()),
        (Some("join_accepted"), Some("Title of club"))
    );
    assert_eq!(kinds(&app, &bob).await, ["join_refused"]);

    // A Follow from another server waits for approval too.
    let rob = app.remote_person("rob", "remote.example").await;
    app.remote_follow(&rob, "club").await;
    let got = items(&app, &modr).await;
    assert_eq!(
        (got[0]["kind"].as_str(), got[0]["actor"]["handle"].as_str()),
        (Some("join_request"), Some("rob@remote.example"))
    );
    // ... and its answer goes over federation, not into anyone's notifications here.
    let r = app
        .post("/api/guildhall/v1/communities/club/join-requests/rob@remote.example/accept", Some(&modr), json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(kinds(&app, &modr).await.len(), 3);

    // A public community joins at once: nobody is asked.
    app.community(&modr, "open", "public").await;
    app.member("carl", "open", &modr).await;
    assert_eq!(kinds(&app, &modr).await.len(), 3);
}

#[tokio::test]
async fn a_remote_community_answering_our_request_tells_the_requester() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let g = app.remote_group("club", "remote.example", &owner).await;
    let mut approval: guildhall_store::entities::community::ActiveModel = g.into();
    approval.visibility = guildhall_store::Set(guildhall_domain::Visibility::Approval);
    let g = guildhall_store::communities::update(app.ctx.db(), approval).await.expect("approval");
    let open = app.remote_group("open", "remote.example", &owner).await;
    for (t, c) in [(&ann, "club@remote.example"), (&bob, "club@remote.example"), (&ann, "open@remote.example")] {
        let r = app.join(t, c).await;
        assert_eq!(r.body["status"], "requested", "{}", r.body);
    }
    let follow_of = |name: &'static str, g: guildhall_store::entities::community::Model| {
        let app = &app;
        async move {
            let a = account_id(app, name).await;
            guildhall_store::communities::find_membership(app.ctx.db(), g.id, a)
                .await
                .unwrap()
                .unwrap()
                .follow_ap_id
                .expect("follow id")
        }
    };
    let accept_open = follow_of("ann", open.clone()).await;
    guildhall_app::inbound::follow_answered(&app.ctx, &accept_open, &open, true).await.expect("accept");
    assert!(kinds(&app, &ann).await.is_empty(), "joining a public community was no request anyone decided");
    guildhall_app::inbound::follow_answered(&app.ctx, &follow_of("ann", g.clone()).await, &g, true)
        .await
        .expect("accept");
    guildhall_app::inbound::follow_answered(&app.ctx, &follow_of("bob", g.clone()).await, &g, false)
        .await
        .expect("reject");
    let got = items(&app, &ann).await;
    assert_eq!(
        (got[0]["kind"].as_str(), got[0]["community"]["host"].as_str()),
        (Some("join_accepted"), Some("remote.example"))
    );
    assert_eq!(got[0]["actor"], Value::Null, "the community answered, not a person we know");
    assert_eq!(kinds(&app, &bob).await, ["join_refused"]);
}

#[tokio::test]
async fn voters_hear_once_when_a_poll_closes() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "cooks", "public").await;
    let ann = app.member("ann", "cooks", &modr).await;
    let bob = app.member("bob", "cooks", &modr).await;
    let closes = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let r = app
        .post(
            "/api/guildhall/v1/communities/cooks/discussions",
            Some(&modr),
            json!({"title": "Lunch?", "body": "Pick one", "poll": {"options": ["A", "B"], "closes_at": closes}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d = r.body["id"].as_i64().expect("id");
    for t in [&ann, &modr] {
        let r =
            app.post(&format!("/api/guildhall/v1/discussions/{d}/poll/votes"), Some(t), json!({"choices": [0]})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    guildhall_app::polls::announce_closed(&app.ctx).await.expect("announce");
    assert!(kinds(&app, &ann).await.is_empty(), "still open");

    let l = guildhall_store::polls::find_for_discussion(app.ctx.db(), d).await.unwrap().unwrap();
    let counts: Vec<i64> = l.options.iter().map(|o| o.remote_count).collect();
    let closed = Some(Utc::now() - Duration::seconds(1));
    guildhall_store::polls::set_remote_counts(app.ctx.db(), &l, &counts, l.poll.voters_count, closed).await.unwrap();
    guildhall_app::polls::announce_closed(&app.ctx).await.expect("announce");
    guildhall_app::polls::announce_closed(&app.ctx).await.expect("announce again");
    let got = items(&app, &ann).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0]["kind"].as_str(), got[0]["post"]["discussion_id"].as_i64()), (Some("poll_closed"), Some(d)));
    assert_eq!(kinds(&app, &modr).await, ["poll_closed"], "the author voted too");
    assert!(kinds(&app, &bob).await.is_empty(), "did not vote");
}

#[tokio::test]
async fn replies_and_mentions_from_other_servers_are_told() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let rob = app.remote_person("rob", "remote.example").await;
    app.remote_follow(&rob, "ops").await;
    let d = app.discussion_with_body(&ann, "ops", "Outage review", "What happened?").await;
    let d_row = guildhall_store::discussions::find_by_id(app.ctx.db(), d).await.unwrap().unwrap();

    let mention = |href: &str| Tag { kind: TagKind::Mention, name: "@x".into(), href: href.into() };
    let mut incoming = common::incoming(&rob, "", false);
    incoming.extras = PostExtras {
        tags: vec![
            mention("http://localhost:8080/u/bob"),
            mention("http://localhost:8080/u/ann"),
            mention("http://elsewhere.example/u/mod"),
        ],
        ..Default::default()
    };
    let r = guildhall_app::inbound::receive_reply(
        &app.ctx,
        &d_row,
        None,
        &rob,
        incoming,
        guildhall_app::receipt::Arrival::Relayed,
    )
    .await
    .expect("receive")
    .expect("new");
    let got = items(&app, &ann).await;
    assert_eq!(got.len(), 1, "a reply that mentions her is only a reply: {got:?}");
    assert_eq!((got[0]["kind"].as_str(), got[0]["post"]["reply_id"].as_i64()), (Some("reply"), Some(r.id)));
    assert_eq!(got[0]["actor"]["handle"], "rob@remote.example");
    assert_eq!(kinds(&app, &bob).await, ["mention"]);
    assert!(kinds(&app, &modr).await.iter().all(|k| k != "mention"), "a same-named person elsewhere is not ours");

    // A discussion from another server mentioning bob.
    let mut incoming = common::incoming(&rob, "From afar", false);
    incoming.extras = PostExtras { tags: vec![mention("http://localhost:8080/u/bob")], ..Default::default() };
    let c = app.community_row("ops").await;
    guildhall_app::inbound::receive_discussion(&app.ctx, &c, &rob, incoming, guildhall_app::receipt::Arrival::Relayed)
        .await
        .expect("receive")
        .expect("new");
    assert_eq!(kinds(&app, &bob).await, ["mention", "mention"]);
}
