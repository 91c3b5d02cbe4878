//! Polls on discussions over HTTP: creating, voting, re-voting, closing, hidden results, who
//! may vote, bad input, and votes arriving from other servers.

use crate::common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::TestApp;
use serde_json::{Value, json};

async fn poll_discussion(app: &TestApp, token: &str, community: &str, poll: Value) -> i64 {
    let r = app
        .post(
            &format!("/api/guildhall/v1/communities/{community}/discussions"),
            Some(token),
            json!({"title": "Lunch?", "body": "Pick one", "poll": poll}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

async fn vote(app: &TestApp, token: Option<&str>, id: i64, choices: Value) -> common::Resp {
    app.post(&format!("/api/guildhall/v1/discussions/{id}/poll/votes"), token, json!({ "choices": choices })).await
}

fn counts(poll: &Value) -> Vec<Value> {
    poll["options"].as_array().expect("options").iter().map(|o| o["votes"].clone()).collect()
}

async fn close_now(app: &TestApp, discussion_id: i64) {
    let l = guildhall_store::polls::find_for_discussion(app.ctx.db(), discussion_id).await.unwrap().unwrap();
    let counts: Vec<i64> = l.options.iter().map(|o| o.remote_count).collect();
    let closed = Some(Utc::now() - Duration::seconds(1));
    guildhall_store::polls::set_remote_counts(app.ctx.db(), &l, &counts, l.poll.voters_count, closed).await.unwrap();
}

async fn pending_intents(app: &TestApp) -> Vec<String> {
    guildhall_store::federation::pending_outbox(app.ctx.db(), 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.intent)
        .collect()
}

#[tokio::test]
async fn single_choice_vote_and_revote() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let closes = (Utc::now() + Duration::days(1)).to_rfc3339();
    let id =
        poll_discussion(&app, &mod_t, "cooks", json!({"options": ["Tea", " Coffee ", "Water"], "closes_at": closes}))
            .await;
    let member = app.member("max", "cooks", &mod_t).await;

    let d = app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.body;
    assert_eq!(d["has_poll"], true);
    assert_eq!(d["poll"]["kind"], "single");
    assert_eq!(d["poll"]["options"][1]["name"], "Coffee", "trimmed");
    assert_eq!(counts(&d["poll"]), vec![json!(0), json!(0), json!(0)]);
    assert_eq!(d["poll"]["closed"], false);
    assert_eq!(d["poll"]["my_choices"], json!([]));

    let r = vote(&app, Some(&member), id, json!([1])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(counts(&r.body), vec![json!(0), json!(1), json!(0)]);
    assert_eq!(r.body["voters_count"], 1);
    assert_eq!(r.body["my_choices"], json!([1]));

    // A new vote replaces the earlier one.
    let r = vote(&app, Some(&member), id, json!([2])).await;
    assert_eq!(counts(&r.body), vec![json!(0), json!(0), json!(1)]);
    assert_eq!(r.body["voters_count"], 1);

    let r = vote(&app, Some(&mod_t), id, json!([2])).await;
    assert_eq!(r.body["voters_count"], 2);
    let seen = app.get(&format!("/api/guildhall/v1/discussions/{id}"), Some(&member)).await.body;
    assert_eq!(counts(&seen["poll"]), vec![json!(0), json!(0), json!(2)]);
    assert_eq!(seen["poll"]["my_choices"], json!([2]));

    // Single choice takes one option; positions must exist.
    let r = vote(&app, Some(&member), id, json!([0, 1])).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("choices")));
    let r = vote(&app, Some(&member), id, json!([7])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = vote(&app, Some(&member), id, json!([])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Lists say which discussions carry a poll.
    let list = app.items("/api/guildhall/v1/communities/cooks/discussions", None).await;
    assert_eq!(list[0]["has_poll"], true);
}

#[tokio::test]
async fn who_may_vote() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let id = poll_discussion(&app, &mod_t, "cooks", json!({"options": ["A", "B"]})).await;
    let outsider = app.user("otto").await;
    let member = app.member("max", "cooks", &mod_t).await;

    let r = vote(&app, None, id, json!([0])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = vote(&app, Some(&outsider), id, json!([0])).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "members_only"));

    // Locked: like replies, only moderators still vote.
    assert_eq!(
        app.post(&format!("/api/guildhall/v1/discussions/{id}/lock"), Some(&mod_t), json!({})).await.status,
        StatusCode::OK
    );
    let r = vote(&app, Some(&member), id, json!([0])).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "locked"));
    assert_eq!(vote(&app, Some(&mod_t), id, json!([0])).await.status, StatusCode::OK);

    // No poll, no votes.
    let plain = app.discussion(&mod_t, "cooks", "No poll here").await;
    let r = vote(&app, Some(&member), plain, json!([0])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(app.get(&format!("/api/guildhall/v1/discussions/{plain}"), None).await.body["poll"].is_null());

    // Private community: outsiders learn nothing.
    app.community(&mod_t, "secret", "private").await;
    let hidden = poll_discussion(&app, &mod_t, "secret", json!({"options": ["A", "B"]})).await;
    let r = vote(&app, Some(&outsider), hidden, json!([0])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/guildhall/v1/discussions/{hidden}"), Some(&outsider)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bad_polls_are_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let t = app.user("mona").await;
    app.community(&t, "cooks", "public").await;
    let past = (Utc::now() - Duration::minutes(1)).to_rfc3339();
    let far = (Utc::now() + Duration::days(800)).to_rfc3339();
    let many: Vec<String> = (0..21).map(|i| format!("o{i}")).collect();
    for (poll, field) in [
        (json!({"options": ["Only"]}), "poll.options"),
        (json!({"options": many}), "poll.options"),
        (json!({"options": ["Tea", "tea "]}), "poll.options"),
        (json!({"options": ["Tea", ""]}), "poll.options"),
        (json!({"options": ["Tea", "x".repeat(201)]}), "poll.options"),
        (json!({"options": ["Tea", "Coffee"], "closes_at": past}), "poll.closes_at"),
        (json!({"options": ["Tea", "Coffee"], "closes_at": far}), "poll.closes_at"),
    ] {
        let r = app
            .post(
                "/api/guildhall/v1/communities/cooks/discussions",
                Some(&t),
                json!({"title": "T", "body": "B", "poll": poll}),
            )
            .await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some(field)), "{poll}: {}", r.body);
    }
    let r = app
        .post(
            "/api/guildhall/v1/communities/cooks/discussions",
            Some(&t),
            json!({"title": "T", "body": "B", "poll": {"options": ["A", "B"], "kind": "ranked"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.items("/api/guildhall/v1/communities/cooks/discussions", None).await.is_empty());
}

#[tokio::test]
async fn multiple_choice_counts_voters_once() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let id = poll_discussion(&app, &mod_t, "cooks", json!({"kind": "multiple", "options": ["A", "B", "C"]})).await;
    let r = vote(&app, Some(&mod_t), id, json!([2, 0, 2])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(counts(&r.body), vec![json!(1), json!(0), json!(1)]);
    assert_eq!(r.body["my_choices"], json!([0, 2]));
    let member = app.member("max", "cooks", &mod_t).await;
    let r = vote(&app, Some(&member), id, json!([2])).await;
    assert_eq!(counts(&r.body), vec![json!(1), json!(0), json!(2)]);
    assert_eq!(r.body["voters_count"], 2);
    assert_eq!(r.body["kind"], "multiple");
}

#[tokio::test]
async fn no_votes_after_close() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let closes = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let id = poll_discussion(&app, &mod_t, "cooks", json!({"options": ["A", "B"], "closes_at": closes})).await;
    assert_eq!(vote(&app, Some(&mod_t), id, json!([0])).await.status, StatusCode::OK);
    close_now(&app, id).await;
    let r = vote(&app, Some(&mod_t), id, json!([1])).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "poll_closed"));
    let d = app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.body;
    assert_eq!(d["poll"]["closed"], true);
    assert_eq!(counts(&d["poll"]), vec![json!(1), json!(0)], "the earlier vote stands");
}

#[tokio::test]
async fn hidden_results_show_once_closed() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let closes = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let id = poll_discussion(
        &app,
        &mod_t,
        "cooks",
        json!({"options": ["A", "B"], "closes_at": closes, "hide_results": true}),
    )
    .await;
    let before = pending_intents(&app).await.len();
    let r = vote(&app, Some(&mod_t), id, json!([1])).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(counts(&r.body), vec![Value::Null, Value::Null], "hidden from the voter too");
    assert!(r.body["voters_count"].is_null());
    assert_eq!(r.body["results_visible"], false);
    assert_eq!(r.body["my_choices"], json!([1]), "your own choice is yours to see");
    assert_eq!(pending_intents(&app).await.len(), before, "hidden counts are not federated either");

    close_now(&app, id).await;
    let d = app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.body;
    assert_eq!(counts(&d["poll"]), vec![json!(0), json!(1)]);
    assert_eq!(d["poll"]["voters_count"], 1);
    assert_eq!(d["poll"]["results_visible"], true);
}

#[tokio::test]
async fn a_closed_poll_is_announced_once() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let closes = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let hidden = json!({"options": ["A", "B"], "closes_at": closes, "hide_results": true});
    let id = poll_discussion(&app, &mod_t, "cooks", hidden.clone()).await;
    let open = poll_discussion(&app, &mod_t, "cooks", hidden).await;
    let endless = poll_discussion(&app, &mod_t, "cooks", json!({"options": ["A", "B"]})).await;
    vote(&app, Some(&mod_t), id, json!([1])).await;
    let before = pending_intents(&app).await.len();
    assert_eq!(guildhall_app::polls::announce_closed(&app.ctx).await.unwrap(), 0, "nothing has closed yet");

    close_now(&app, id).await;
    // Two workers at once: the close is announced by exactly one of them.
    let (a, b) =
        tokio::join!(guildhall_app::polls::announce_closed(&app.ctx), guildhall_app::polls::announce_closed(&app.ctx));
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let intents = pending_intents(&app).await;
    assert_eq!(intents.len(), before + 1, "{intents:?}");
    assert_eq!(intents.last().unwrap(), &format!(r#"{{"type":"discussion_updated","discussion_id":{id}}}"#));
    // Later rounds (or a restart) do not announce it again.
    assert_eq!(guildhall_app::polls::announce_closed(&app.ctx).await.unwrap(), 0);
    assert_eq!(pending_intents(&app).await.len(), before + 1);
    let l = guildhall_store::polls::find_for_discussion(app.ctx.db(), id).await.unwrap().unwrap();
    assert!(l.poll.close_announced_at.is_some());
    for other in [open, endless] {
        let l = guildhall_store::polls::find_for_discussion(app.ctx.db(), other).await.unwrap().unwrap();
        assert!(l.poll.close_announced_at.is_none(), "open polls wait");
    }
    // The worker wakes for the next close still to come, the open poll's.
    let next = guildhall_app::polls::next_close(&app.ctx).await.unwrap();
    assert!(next.is_some_and(|t| t > Utc::now()), "{next:?}");
}

#[tokio::test]
async fn local_votes_send_the_new_counts() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let id = poll_discussion(&app, &mod_t, "cooks", json!({"options": ["A", "B"]})).await;
    let before = pending_intents(&app).await.len();
    vote(&app, Some(&mod_t), id, json!([0])).await;
    let intents = pending_intents(&app).await;
    assert_eq!(intents.len(), before + 1);
    assert!(intents.last().unwrap().contains("discussion_updated"), "{intents:?}");
    // Voting the same again changes nothing and sends nothing.
    vote(&app, Some(&mod_t), id, json!([0])).await;
    assert_eq!(pending_intents(&app).await.len(), before + 1);
}

#[tokio::test]
async fn remote_votes_count_once_per_actor() {
    let app = TestApp::new().await;
    let mod_t = app.user("mona").await;
    app.community(&mod_t, "cooks", "public").await;
    let id = poll_discussion(&app, &mod_t, "cooks", json!({"options": ["Tea", "Coffee"]})).await;
    let d = guildhall_store::discussions::find_by_id(app.ctx.db(), id).await.unwrap().unwrap();
    let bob = app.remote_person("bob", "mastodon.test").await;
    let eve = app.remote_person("eve", "mastodon.test").await;
    app.remote_follow(&bob, "cooks").await;

    let receive = |who: &guildhall_store::entities::account::Model, option: &str, n: u32| {
        let (ctx, d, who, option) = (app.ctx.clone(), d.clone(), who.clone(), option.to_owned());
        async move {
            let ap_id = format!("http://mastodon.test/users/{}#votes/{n}", who.username);
            guildhall_app::polls::receive_vote(&ctx, &d, &who, &option, &ap_id).await
        }
    };
    receive(&bob, "Coffee", 1).await.expect("counted");
    receive(&bob, "Coffee", 2).await.expect("repeat ignored");
    receive(&bob, "Tea", 3).await.expect("second choice on single choice ignored");
    let err = receive(&bob, "Cocoa", 4).await.expect_err("no such option");
    assert!(matches!(err, guildhall_app::Error::Invalid(_)), "{err:?}");
    let err = receive(&eve, "Tea", 5).await.expect_err("not a member");
    assert!(matches!(err, guildhall_app::Error::Denied(guildhall_domain::Denied::MembersOnly)), "{err:?}");

    let p = app.get(&format!("/api/guildhall/v1/discussions/{id}"), None).await.body["poll"].clone();
    assert_eq!(counts(&p), vec![json!(0), json!(1)]);
    assert_eq!(p["voters_count"], 1);

    close_now(&app, id).await;
    app.remote_follow(&eve, "cooks").await;
    let err = receive(&eve, "Tea", 6).await.expect_err("closed");
    assert!(matches!(err, guildhall_app::Error::Denied(guildhall_domain::Denied::PollClosed)), "{err:?}");
}

#[tokio::test]
async fn voting_in_another_servers_poll() {
    let app = TestApp::new().await;
    let t = app.user("mona").await;
    let group = app.remote_group("cooks", "piefed.test", &t).await;
    app.remote_membership(&t, group.id).await;
    let author = app.remote_person("pat", "piefed.test").await;
    let d = guildhall_app::inbound::receive_discussion(
        &app.ctx,
        &group,
        &author,
        common::incoming(&author, "Q", false),
        guildhall_app::receipt::Arrival::Relayed,
    )
    .await
    .unwrap()
    .unwrap();
    let remote = guildhall_app::polls::RemotePoll {
        multiple: false,
        options: vec![("Yes".into(), 4), ("No".into(), 2)],
        closes_at: Some(Utc::now() + Duration::days(1)),
        voters_count: 6,
        hide_results: false,
    };
    guildhall_app::polls::receive_remote_poll(
        &app.ctx,
        &d,
        &author,
        remote.clone(),
        guildhall_app::receipt::Arrival::Relayed,
    )
    .await
    .unwrap();
    // Only the poll's author speaks for its counts.
    let err = guildhall_app::polls::receive_remote_poll(
        &app.ctx,
        &d,
        &app.remote_person("eve", "piefed.test").await,
        remote,
        guildhall_app::receipt::Arrival::Relayed,
    )
    .await
    .expect_err("not the author");
    assert!(matches!(err, guildhall_app::Error::Denied(_)));

    let p = app.get(&format!("/api/guildhall/v1/discussions/{}", d.id), Some(&t)).await.body["poll"].clone();
    assert_eq!(counts(&p), vec![json!(4), json!(2)]);
    assert_eq!(p["voters_count"], 6);

    let before = pending_intents(&app).await.len();
    let r = vote(&app, Some(&t), d.id, json!([1])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(counts(&r.body), vec![json!(4), json!(3)], "shown at once, until the origin's next count");
    assert_eq!(r.body["voters_count"], 7);
    let intents = pending_intents(&app).await;
    assert_eq!(intents.len(), before + 1);
    assert!(intents.last().unwrap().contains("poll_voted"), "{intents:?}");

    // Its server keeps the first vote: no second one.
    let r = vote(&app, Some(&t), d.id, json!([0])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // A later Update from the origin replaces the counts.
    let update = guildhall_app::polls::RemotePoll {
        multiple: false,
        options: vec![("Yes".into(), 4), ("No".into(), 3)],
        closes_at: Some(Utc::now() - Duration::seconds(1)),
        voters_count: 7,
        hide_results: false,
    };
    guildhall_app::polls::receive_remote_poll(&app.ctx, &d, &author, update, guildhall_app::receipt::Arrival::Relayed)
        .await
        .unwrap();
    let p = app.get(&format!("/api/guildhall/v1/discussions/{}", d.id), Some(&t)).await.body["poll"].clone();
    assert_eq!((p["closed"].clone(), p["my_choices"].clone()), (json!(true), json!([1])));

    // Counts another server hides (none sent) stay hidden here until it sends them.
    let hidden = guildhall_app::polls::RemotePoll {
        multiple: false,
        options: vec![("Yes".into(), 0), ("No".into(), 0)],
        closes_at: Some(Utc::now() - Duration::seconds(1)),
        voters_count: 0,
        hide_results: true,
    };
    guildhall_app::polls::receive_remote_poll(&app.ctx, &d, &author, hidden, guildhall_app::receipt::Arrival::Relayed)
        .await
        .unwrap();
    let p = app.get(&format!("/api/guildhall/v1/discussions/{}", d.id), Some(&t)).await.body["poll"].clone();
    assert_eq!((p["results_visible"].clone(), counts(&p)), (json!(false), vec![Value::Null, Value::Null]));
}

#[tokio::test]
async fn our_poll_in_another_servers_community_counts_its_voters() {
    let app = TestApp::new().await;
    let t = app.user("mona").await;
    let group = app.remote_group("cooks", "piefed.test", &t).await;
    app.remote_membership(&t, group.id).await;
    let id = poll_discussion(&app, &t, "cooks@piefed.test", json!({"options": ["Tea", "Coffee"]})).await;
    let d = guildhall_store::discussions::find_by_id(app.ctx.db(), id).await.unwrap().unwrap();
    // Its community's server knows who its members are; we count what it lets through.
    let pat = app.remote_person("pat", "elsewhere.test").await;
    guildhall_app::polls::receive_vote(&app.ctx, &d, &pat, "Coffee", "http://elsewhere.test/v/1").await.unwrap();
    let p = app.get(&format!("/api/guildhall/v1/discussions/{id}"), Some(&t)).await.body["poll"].clone();
    assert_eq!(counts(&p), vec![json!(0), json!(1)]);
    let intents = pending_intents(&app).await;
    assert!(intents.last().unwrap().contains("discussion_updated"), "new counts go to the community: {intents:?}");
}
