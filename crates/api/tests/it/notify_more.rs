//! Notifications issue 17 still lacked, over the API: event reminders (a scheduled job run
//! with a future `now`, twice), other servers' event changes and closed polls, guild links
//! asked and answered, the last active moderator stepping down, and reports. Who is told,
//! who is not, and that each is told once.

use crate::common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::TestApp;
use guildhall_app::receipt::Arrival;
use serde_json::{Value, json};

async fn items(app: &TestApp, token: &str) -> Vec<Value> {
    let r = app.get("/api/guildhall/v1/notifications?limit=100", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").clone()
}

/// The viewer's notifications of one kind, newest first.
async fn of_kind(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    items(app, token).await.into_iter().filter(|n| n["kind"] == kind).collect()
}

async fn account_id(app: &TestApp, name: &str) -> i64 {
    guildhall_store::accounts::find_by_username(app.ctx.db(), name).await.expect("db").expect("account").id
}

fn local(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

/// A UTC event in `community` starting at `starts_at` (to the minute); returns its id.
async fn event_at(app: &TestApp, token: &str, community: &str, title: &str, starts_at: DateTime<Utc>) -> i64 {
    let body = json!({"title": title, "starts_at": local(starts_at), "ends_at": local(starts_at + Duration::hours(2)), "timezone": "UTC"});
    let r = app.post(&format!("/api/guildhall/v1/communities/{community}/events"), Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

async fn rsvp(app: &TestApp, token: &str, id: i64, status: &str) -> Value {
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(token), json!({"status": status})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// The stored start (minutes, as the form took it).
async fn starts_at(app: &TestApp, id: i64) -> DateTime<Utc> {
    guildhall_store::events::find_by_id(app.ctx.db(), id).await.expect("db").expect("event").starts_at
}

async fn tick(app: &TestApp, now: DateTime<Utc>) {
    guildhall_app::schedule::tick(&app.ctx, now).await;
}

#[tokio::test]
async fn reminders_come_a_day_and_an_hour_before_once_to_people_going() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "ops", "public").await;
    let ann = app.member("ann", "ops", &modr).await;
    let bob = app.member("bob", "ops", &modr).await;
    let cal = app.member("cal", "ops", &modr).await;
    let dan = app.member("dan", "ops", &modr).await;
    let id = event_at(&app, &modr, "ops", "Game day", Utc::now() + Duration::days(3)).await;
    let r = app.patch(&format!("/api/guildhall/v1/events/{id}"), Some(&modr), json!({"capacity": 1})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(rsvp(&app, &ann, id, "going").await["my_rsvp"], "going");
    assert_eq!(rsvp(&app, &bob, id, "going").await["my_rsvp"], "waitlisted");
    rsvp(&app, &cal, id, "going").await;
    rsvp(&app, &cal, id, "not_going").await;
    let start = starts_at(&app, id).await;

    tick(&app, start - Duration::hours(25)).await;
    assert!(of_kind(&app, &ann, "event_reminder").await.is_empty(), "too early");

    for _ in 0..2 {
        tick(&app, start - Duration::hours(23)).await;
    }
    let got = of_kind(&app, &ann, "event_reminder").await;
    assert_eq!(got.len(), 1, "once, however often the job runs: {got:?}");
    assert_eq!((got[0]["body"].as_str(), got[0]["title"].as_str()), (Some("day"), Some("Game day")));
    assert_eq!(got[0]["link"], format!("/events/{id}"));
    assert_eq!(got[0]["community"]["handle"], "ops");
    for (who, t) in [("waitlisted", &bob), ("declined", &cal), ("no RSVP", &dan), ("organiser not going", &modr)] {
        assert!(of_kind(&app, t, "event_reminder").await.is_empty(), "{who}");
    }

    for _ in 0..2 {
        tick(&app, start - Duration::minutes(30)).await;
    }
    let got = of_kind(&app, &ann, "event_reminder").await;
    assert_eq!(got.iter().map(|n| n["body"].as_str().unwrap()).collect::<Vec<_>>(), ["hour", "day"]);
    tick(&app, start + Duration::minutes(5)).await;
    assert_eq!(of_kind(&app, &ann, "event_reminder").await.len(), 2, "nothing once it started");

    // Moved a week later: reminded again for the new time.
    let later = start + Duration::days(7);
    let r = app
        .patch(
            &format!("/api/guildhall/v1/events/{id}"),
            Some(&modr),
            json!({"starts_at": local(later), "ends_at": local(later + Duration::hours(2)), "timezone": "UTC"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    tick(&app, later - Duration::hours(20)).await;
    tick(&app, later - Duration::hours(20)).await;
    assert_eq!(of_kind(&app, &ann, "event_reminder").await.len(), 3);
}

#[tokio::test]
async fn late_cancelled_and_unreadable_events_remind_accordingly() {
    let app = TestApp::new().await;
    let modr = app.user("mod").await;
    app.community(&modr, "vault", "private").await;
    let ann = app.member("ann", "vault", &modr).await;
    let bea = app.member("bea", "vault", &modr).await;
    let now = Utc::now();

    // Created 40 minutes before it starts: only the hour reminder, never a late "day".
    let soon = event_at(&app, &modr, "vault", "Stand-up", now + Duration::minutes(40)).await;
    rsvp(&app, &ann, soon, "going").await;
    tick(&app, now).await;
    tick(&app, now + Duration::minutes(1)).await;
    let got = of_kind(&app, &ann, "event_reminder").await;
    assert_eq!(got.iter().map(|n| n["body"].as_str().unwrap()).collect::<Vec<_>>(), ["hour"]);

    // Called off, or deleted: no one is reminded.
    let off = event_at(&app, &modr, "vault", "Called off", now + Duration::days(2)).await;
    let gone = event_at(&app, &modr, "vault", "Gone", now + Duration::days(2)).await;
    for id in [off, gone] {
        rsvp(&app, &ann, id, "going").await;
    }
    let r = app.post(&format!("/api/guildhall/v1/events/{off}/cancel"), Some(&modr), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        app.delete(&format!("/api/guildhall/v1/events/{gone}"), Some(&modr)).await.status,
        StatusCode::NO_CONTENT
    );

    // Leak matrix: a member banned from the private community hears nothing of its event
    // (the ban drops their RSVP; the access rule would refuse them anyway).
    let kept = event_at(&app, &modr, "vault", "Vault meetup", now + Duration::days(2)).await;
    rsvp(&app, &bea, kept, "going").await;
    let r = app.post("/api/guildhall/v1/communities/vault/bans", Some(&modr), json!({"username": "bea"})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let start = starts_at(&app, kept).await;
    tick(&app, start - Duration::hours(23)).await;
    tick(&app, start - Duration::minutes(30)).await;
    assert!(of_kind(&app, &bea, "event_reminder").await.is_empty(), "banned: nothing");
    let titles: Vec<String> =
        of_kind(&app, &ann, "event_reminder").await.iter().map(|n| n["title"].as_str().unwrap().to_owned()).collect();
    assert!(!titles.iter().any(|t| t == "Called off" || t == "Gone"), "{titles:?}");

    // Even with an RSVP left behind (as a ban used to leave it), the access rule decides.
    let bea_id = account_id(&app, "bea").await;
    guildhall_store::events::upsert_participant(
        app.ctx.db(),
        kept,
        bea_id,
        guildhall_domain::event::ParticipantStatus::Going,
        None,
        Utc::now(),
    )
    .await
    .expect("rsvp");
    let next = event_at(&app, &modr, "vault", "Next", now + Duration::days(4)).await;
    guildhall_store::events::upsert_participant(
        app.ctx.db(),
        next,
        bea_id,
        guildhall_domain::event::ParticipantStatus::Going,
        None,
        Utc::now(),
    )
    .await
    .expect("rsvp");
    let next_start = starts_at(&app, next).await;
    tick(&app, next_start - Duration::hours(2)).await;
    assert!(of_kind(&app, &bea, "event_reminder").await.is_empty(), "banned: still nothing");
}

fn incoming_event(ap_id: &str, title: &str, starts_at: DateTime<Utc>) -> guildhall_app::events::remote::IncomingEvent {
    guildhall_app::events::remote::IncomingEvent {
        ap_id: ap_id.into(),
        url: None,
        name: title.into(),
        source: Some("Bring a laptop".into()),
        html: String::new(),
        starts_at,
        ends_at: None,
        timezone: "UTC".into(),
        place_name: String::new(),
        place_address: String::new(),
        online_url: String::new(),
        capacity: None,
        join_mode: guildhall_domain::event::JoinMode::Free,
        external_url: String::new(),
        status: guildhall_domain::event::EventStatus::Confirmed,
        participant_count: None,
        members_only: false,
        published: None,
    }
}

#[tokio::test]
async fn other_servers_event_changes_and_reminders_reach_local_attendees_once() {
    let app = TestApp::new().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let group = app.remote_group("meetups", "beta.test", &ann).await;
    app.remote_membership(&ann, group.id).await;
    app.remote_membership(&bob, group.id).await;
    let organiser = app.remote_person("olga", "beta.test").await;
    let ap_id = "http://beta.test/events/1";
    // Whole seconds, as `startTime` arrives (PostgreSQL keeps microseconds, not nanoseconds).
    let start = DateTime::from_timestamp((Utc::now() + Duration::days(3)).timestamp(), 0).expect("time");
    let receive = |e| guildhall_app::events::remote::receive_event(&app.ctx, &group, &organiser, e);
    let e = receive(incoming_event(ap_id, "Hack night", start)).await.expect("new event");
    let ann_id = account_id(&app, "ann").await;
    guildhall_store::events::upsert_participant(
        app.ctx.db(),
        e.id,
        ann_id,
        guildhall_domain::event::ParticipantStatus::Going,
        Some("http://localhost:8080/joins/1".into()),
        Utc::now(),
    )
    .await
    .expect("rsvp");
    assert!(items(&app, &ann).await.is_empty(), "a new event is news only for watchers");

    // The same version again (re-delivered, or announced twice): nothing.
    receive(incoming_event(ap_id, "Hack night", start)).await.expect("same");
    assert!(items(&app, &ann).await.is_empty());
    // Only the attendance changed: nothing the attendee sees.
    let mut counted = incoming_event(ap_id, "Hack night", start);
    counted.participant_count = Some(12);
    receive(counted).await.expect("count");
    assert!(items(&app, &ann).await.is_empty());

    receive(incoming_event(ap_id, "Hack night #2", start)).await.expect("edit");
    receive(incoming_event(ap_id, "Hack night #2", start)).await.expect("again");
    let got = of_kind(&app, &ann, "event_updated").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["title"].as_str(), got[0]["actor"]["handle"].as_str()),
        (Some("Hack night #2"), Some("olga@beta.test"))
    );
    assert_eq!(got[0]["link"], format!("/events/{}", e.id));
    assert!(items(&app, &bob).await.is_empty(), "no RSVP, no news");

    // Reminded like a local event.
    tick(&app, start - Duration::hours(23)).await;
    tick(&app, start - Duration::hours(23)).await;
    assert_eq!(of_kind(&app, &ann, "event_reminder").await.len(), 1);

    let mut off = incoming_event(ap_id, "Hack night #2", start);
    off.status = guildhall_domain::event::EventStatus::Cancelled;
    receive(off.clone()).await.expect("cancel");
    receive(off).await.expect("again");
    assert_eq!(of_kind(&app, &ann, "event_cancelled").await.len(), 1);
    tick(&app, start - Duration::minutes(30)).await;
    assert_eq!(of_kind(&app, &ann, "event_reminder").await.len(), 1, "cancelled: no hour reminder");

    for _ in 0..2 {
        assert!(guildhall_app::events::remote::remote_event_deleted(&app.ctx, &group, ap_id).await.expect("delete"));
    }
    let got = of_kind(&app, &ann, "event_deleted").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["link"], "/communities/meetups@beta.test");
    assert_eq!(items(&app, &ann).await.len(), 4, "updated, reminder, cancelled, deleted");
}

async fn remote_poll(
    app: &TestApp,
    group: &guildhall_store::entities::community::Model,
    author: &guildhall_store::entities::account::Model,
    closes_at: DateTime<Utc>,
) -> guildhall_store::entities::discussion::Model {
    let d = guildhall_app::inbound::receive_discussion(
        &app.ctx,
        group,
        author,
        common::incoming(author, "Lunch?", false),
        Arrival::Relayed,
    )
    .await
    .expect("receive")
    .expect("new");
    let poll = guildhall_app::polls::RemotePoll {
        multiple: false,
        options: vec![("Pizza".into(), 1), ("Soup".into(), 0)],
        closes_at: Some(closes_at),
        voters_count: 1,
        hide_results: false,
    };
    guildhall_app::polls::receive_remote_poll(&app.ctx, &d, author, poll, Arrival::Relayed).await.expect("poll");
    d
}

#[tokio::test]
async fn other_servers_polls_tell_local_voters_once_when_they_close() {
    let app = TestApp::new().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let group = app.remote_group("lunch", "beta.test", &ann).await;
    app.remote_membership(&ann, group.id).await;
    app.remote_membership(&bob, group.id).await;
    let author = app.remote_person("pat", "beta.test").await;

    // Closed by an Update that says so.
    let d = remote_poll(&app, &group, &author, Utc::now() + Duration::days(1)).await;
    let r = app
        .post(&format!("/api/guildhall/v1/discussions/{}/poll/votes", d.id), Some(&ann), json!({"choices": [0]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let closed = guildhall_app::polls::RemotePoll {
        multiple: false,
        options: vec![("Pizza".into(), 2), ("Soup".into(), 0)],
        closes_at: Some(Utc::now() - Duration::seconds(1)),
        voters_count: 2,
        hide_results: false,
    };
    for _ in 0..2 {
        guildhall_app::polls::receive_remote_poll(&app.ctx, &d, &author, closed.clone(), Arrival::Relayed)
            .await
            .expect("update");
    }
    tick(&app, Utc::now() + Duration::days(2)).await;
    let got = of_kind(&app, &ann, "poll_closed").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["title"].as_str(), got[0]["link"].as_str()),
        (Some("Lunch?"), Some(&*format!("/discussions/{}", d.id)))
    );
    assert_eq!(got[0]["actor"]["handle"], "pat@beta.test");
    assert!(items(&app, &bob).await.is_empty(), "did not vote");

    // Closed by the clock: the job tells the voters, once.
    let d2 = remote_poll(&app, &group, &author, Utc::now() + Duration::hours(2)).await;
    let r = app
        .post(&format!("/api/guildhall/v1/discussions/{}/poll/votes", d2.id), Some(&bob), json!({"choices": [1]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    tick(&app, Utc::now() + Duration::hours(1)).await;
    assert!(of_kind(&app, &bob, "poll_closed").await.is_empty(), "still open");
    tick(&app, Utc::now() + Duration::hours(3)).await;
    tick(&app, Utc::now() + Duration::hours(4)).await;
    assert_eq!(of_kind(&app, &bob, "poll_closed").await.len(), 1);
    assert_eq!(of_kind(&app, &ann, "poll_closed").await.len(), 1, "ann did not vote in the second");
}

async fn put(app: &TestApp, token: &str, path: &str) -> common::Resp {
    app.call(axum::http::Method::PUT, path, Some(token), None).await
}

#[tokio::test]
async fn guild_links_tell_the_side_that_must_answer_then_the_side_that_asked() {
    let app = TestApp::federated().await;
    let steward = app.user("stella").await;
    let manager = app.user("manny").await;
    let member = app.user("mel").await;
    let body = json!({"name": "ux-guild", "title": "UX designers", "description": "Across departments", "focus": "role", "tags": ["ux"]});
    assert_eq!(app.post("/api/guildhall/v1/guilds", Some(&steward), body).await.status, StatusCode::CREATED);
    app.community_with(&manager, json!({"name": "ux-cra", "title": "UX at CRA", "visibility": "public"})).await;
    app.join(&member, "ux-cra").await;

    // The community asks: the guild's stewards hear it, not the one who asked.
    let r = put(&app, &manager, "/api/guildhall/v1/communities/ux-cra/guilds/ux-guild").await;
    assert_eq!(r.body["state"], "requested", "{}", r.body);
    let got = of_kind(&app, &steward, "guild_link_requested").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["title"].as_str(), got[0]["community"]["handle"].as_str()),
        (Some("UX at CRA"), Some("ux-guild"))
    );
    assert_eq!(
        (got[0]["actor"]["handle"].as_str(), got[0]["link"].as_str()),
        (Some("manny"), Some("/guilds/ux-guild"))
    );
    assert!(items(&app, &manager).await.is_empty());
    // Asking again changes nothing and tells no one again.
    put(&app, &manager, "/api/guildhall/v1/communities/ux-cra/guilds/ux-guild").await;
    assert_eq!(of_kind(&app, &steward, "guild_link_requested").await.len(), 1);

    // The guild accepts: the community's moderators hear it; its members do not.
    let r = put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await;
    assert_eq!(r.body["state"], "active", "{}", r.body);
    let got = of_kind(&app, &manager, "guild_link_answered").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0]["body"].as_str(), got[0]["title"].as_str()), (Some("accepted"), Some("UX designers")));
    assert_eq!(
        (got[0]["community"]["handle"].as_str(), got[0]["actor"]["handle"].as_str()),
        (Some("ux-cra"), Some("stella"))
    );
    assert!(items(&app, &member).await.is_empty());
    assert_eq!(
        app.delete("/api/guildhall/v1/communities/ux-cra/guilds/ux-guild", Some(&manager)).await.status,
        StatusCode::NO_CONTENT
    );
    assert!(of_kind(&app, &steward, "guild_link_answered").await.is_empty(), "leaving answers nothing");

    // The guild invites; the community declines: the stewards hear the refusal.
    put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-cra").await;
    assert_eq!(of_kind(&app, &manager, "guild_link_requested").await.len(), 1);
    assert_eq!(
        app.delete("/api/guildhall/v1/communities/ux-cra/guilds/ux-guild", Some(&manager)).await.status,
        StatusCode::NO_CONTENT
    );
    let got = of_kind(&app, &steward, "guild_link_answered").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0]["body"].as_str(), got[0]["actor"]["handle"].as_str()), (Some("refused"), Some("manny")));

    // Federated: a remote community asks; the stewards hear it, with no local actor. It
    // withdraws its ask: no answer to tell. A local invitation the remote side rejects is.
    let guild = app.community_row("ux-guild").await;
    let remote = app.remote_group("ux-far", "beta.test", &steward).await;
    use guildhall_app::guilds::links::{self, Side};
    let state =
        links::receive_ask(&app.ctx, &guild, &remote, Side::Community, "http://beta.test/offers/1").await.expect("ask");
    assert_eq!(state, guildhall_domain::guild::LinkState::Requested);
    let got = of_kind(&app, &steward, "guild_link_requested").await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0]["title"].as_str(), got[0]["actor"].clone()), (Some("Title of ux-far"), Value::Null));
    assert!(links::receive_end(&app.ctx, &guild, &remote, false).await.expect("withdraw"));
    assert_eq!(of_kind(&app, &steward, "guild_link_answered").await.len(), 1, "a withdrawal is no answer");
    put(&app, &steward, "/api/guildhall/v1/guilds/ux-guild/communities/ux-far@beta.test").await;
    assert!(links::receive_end(&app.ctx, &guild, &remote, false).await.expect("reject"));
    let got = of_kind(&app, &steward, "guild_link_answered").await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0]["body"].as_str(), got[0]["title"].as_str()), (Some("refused"), Some("Title of ux-far")));
}

async fn suspend(app: &TestApp, name: &str) {
    use guildhall_store::Set;
    let a = guildhall_store::accounts::find_by_username(app.ctx.db(), name).await.expect("db").expect("account");
    let mut m: guildhall_store::entities::account::ActiveModel = a.into();
    m.status = Set(guildhall_domain::AccountStatus::Suspended);
    guildhall_store::accounts::update(app.ctx.db(), m).await.expect("suspend");
}

#[tokio::test]
async fn the_last_active_moderator_stepping_down_tells_the_admins_and_the_inactive_moderators() {
    let app = TestApp::new().await;
    let root = app.admin("adele").await;
    let mia = app.user("mia").await;
    app.community_with(&mia, json!({"name": "town", "title": "Town hall", "visibility": "public"})).await;
    let ned = app.member("ned", "town", &mia).await;
    let sam = app.member("sam", "town", &mia).await;
    for who in ["ned", "sam"] {
        let r = app.post("/api/guildhall/v1/communities/town/moderators", Some(&mia), json!({"username": who})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Ned steps down: Mia and Sam remain active, no one is told.
    let r = app.delete("/api/guildhall/v1/communities/town/moderators/ned", Some(&ned)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(of_kind(&app, &root, "moderator_left").await.is_empty(), "active moderators remain");

    // Sam's account is suspended; Mia steps down: no active moderator is left.
    suspend(&app, "sam").await;
    let r = app.delete("/api/guildhall/v1/communities/town/moderators/mia", Some(&mia)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let got = of_kind(&app, &root, "moderator_left").await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0]["actor"]["handle"].as_str(), got[0]["community"]["handle"].as_str()),
        (Some("mia"), Some("town"))
    );
    assert_eq!(got[0]["link"], "/communities/town/members");
    let sam_id = account_id(&app, "sam").await;
    let sam_told = guildhall_store::notifications::count_unread(app.ctx.db(), sam_id).await.expect("db");
    // Sam cannot sign in to look; joining the public community told him nothing before.
    assert_eq!(sam_told, 1, "the remaining inactive moderator is told too");
    assert!(of_kind(&app, &mia, "moderator_left").await.is_empty(), "not the one who left");
    assert!(of_kind(&app, &ned, "moderator_left").await.is_empty(), "not a plain member");
    let _ = sam;

    // Leaving the community altogether counts the same.
    app.community_with(&mia, json!({"name": "club", "title": "Club", "visibility": "public"})).await;
    app.member("sue", "club", &mia).await;
    app.post("/api/guildhall/v1/communities/club/moderators", Some(&mia), json!({"username": "sue"})).await;
    suspend(&app, "sue").await;
    let r = app.post("/api/guildhall/v1/communities/club/leave", Some(&mia), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let got = of_kind(&app, &root, "moderator_left").await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0]["community"]["handle"], "club");
}

#[tokio::test]
async fn reports_from_other_servers_tell_the_communitys_moderators_once() {
    let app = TestApp::new().await;
    let root = app.admin("adele").await;
    let modr = app.user("mod").await;
    app.community_with(&modr, json!({"name": "ops", "title": "Operations", "visibility": "public"})).await;
    let ann = app.member("ann", "ops", &modr).await;
    let d = app.discussion(&ann, "ops", "Dubious offer").await;
    let c = app.community_row("ops").await;
    let reporter = app.remote_person("rex", "beta.test").await;
    let report = |id: &str, targets: Vec<String>| guildhall_app::reports::RemoteReport {
        community_id: c.id,
        activity_ap_id: format!("http://beta.test/flags/{id}"),
        reporter_ap_id: reporter.ap_id.clone().unwrap_or_default(),
        reporter_domain: "beta.test".into(),
        targets,
        comment: "spam".into(),
    };
    let post = vec![format!("http://localhost:8080/d/{d}")];
    for _ in 0..2 {
        guildhall_app::reports::receive_remote(&app.ctx, report("1", post.clone())).await.expect("report");
    }
    let got = of_kind(&app, &modr, "report").await;
    assert_eq!(got.len(), 1, "a re-delivered Flag is one report: {got:?}");
    assert_eq!(
        (got[0]["title"].as_str(), got[0]["actor"]["handle"].as_str()),
        (Some("Dubious offer"), Some("rex@beta.test"))
    );
    assert_eq!(got[0]["link"], "/communities/ops/reports");
    assert!(of_kind(&app, &ann, "report").await.is_empty(), "members do not see reports");
    assert!(of_kind(&app, &root, "report").await.is_empty(), "the community has moderators");

    // About the community or a member (no post of it): titled with the community.
    let elsewhere = vec!["http://gamma.test/notes/9".to_owned(), "http://localhost:8080/u/ann".to_owned()];
    guildhall_app::reports::receive_remote(&app.ctx, report("2", elsewhere)).await.expect("report");
    let got = of_kind(&app, &modr, "report").await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0]["title"], "Operations");
}
