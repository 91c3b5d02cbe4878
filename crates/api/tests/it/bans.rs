//! Bans: moderators ban and unban; a banned member can no longer post, rejoin or leave; a ban
//! can expire; nobody else can ban.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use guildhall_store::ConnectionTrait;
use serde_json::json;

#[tokio::test]
async fn moderators_ban_and_unban_and_bans_hold() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "ux-design", "public").await;
    let bea = app.member("bea", "ux-design", &owner).await;
    let other = app.member("other", "ux-design", &owner).await;

    // Only moderators ban; nobody bans themselves.
    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&other), json!({"username": "bea"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "moderators_only"));
    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&owner), json!({"username": "owner"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid"));
    let r = app
        .post(
            "/api/guildhall/v1/communities/ux-design/bans",
            Some(&owner),
            json!({"username": "bea", "expires_in_days": 0}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("expires_in_days")));
    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&owner), json!({"username": "nobody"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = app
        .post(
            "/api/guildhall/v1/communities/ux-design/bans",
            Some(&owner),
            json!({"username": "bea", "reason": "spam"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["reason"], "spam");

    // The ban holds: no posting, no rejoining, no leaving to escape it; not listed as member.
    let r = app
        .post("/api/guildhall/v1/communities/ux-design/discussions", Some(&bea), json!({"title": "t", "body": "b"}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "banned"));
    assert_eq!(app.join(&bea, "ux-design").await.code(), "banned");
    let r = app.post("/api/guildhall/v1/communities/ux-design/leave", Some(&bea), json!({})).await;
    assert_eq!(r.code(), "banned");
    let members = app.names("/api/guildhall/v1/communities/ux-design/members", Some(&owner), "username").await;
    assert!(!members.contains(&"bea".to_string()), "{members:?}");
    let bans = app.names("/api/guildhall/v1/communities/ux-design/bans", Some(&owner), "username").await;
    assert_eq!(bans, vec!["bea".to_string()]);
    assert_eq!(
        app.get("/api/guildhall/v1/communities/ux-design/bans", Some(&other)).await.status,
        StatusCode::FORBIDDEN
    );

    // Unban: bea may join again.
    let r = app.delete("/api/guildhall/v1/communities/ux-design/bans/bea", Some(&owner)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.delete("/api/guildhall/v1/communities/ux-design/bans/bea", Some(&owner)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.join(&bea, "ux-design").await.status, StatusCode::OK);
}

#[tokio::test]
async fn moderators_are_banned_only_by_admins_and_bans_expire() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    let admin = app.admin("boss").await;
    app.community(&owner, "ux-design", "public").await;
    let _mod2 = app.member("mod2", "ux-design", &owner).await;
    let r =
        app.post("/api/guildhall/v1/communities/ux-design/moderators", Some(&owner), json!({"username": "mod2"})).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&owner), json!({"username": "mod2"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&admin), json!({"username": "mod2"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // A temporary ban: once its time has passed (moved into the past here), it no longer holds.
    let tmp = app.member("tmp", "ux-design", &owner).await;
    let r = app
        .post(
            "/api/guildhall/v1/communities/ux-design/bans",
            Some(&owner),
            json!({"username": "tmp", "expires_in_days": 7}),
        )
        .await;
    assert!(r.body["expires_at"].is_string(), "{}", r.body);
    assert_eq!(app.join(&tmp, "ux-design").await.code(), "banned");
    app.ctx
        .db()
        .execute_unprepared("UPDATE memberships SET ban_expires_at = created_at WHERE ban_expires_at IS NOT NULL")
        .await
        .expect("expire ban");
    let r = app.get("/api/guildhall/v1/communities/ux-design", Some(&tmp)).await;
    assert_eq!(r.body["my_role"], "non_member", "{}", r.body);
}

#[tokio::test]
async fn communities_can_admit_listed_instances_only_and_ask_a_question() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    // The test instance's domain is localhost:8080.
    let r = app
        .post(
            "/api/guildhall/v1/communities",
            Some(&owner),
            json!({"name": "gc-only", "title": "GC", "member_domains": ["GC.ca."], "visibility": "approval",
                   "join_question": "Which department?"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["member_domains"], json!(["gc.ca"]));
    assert_eq!(r.body["join_question"], "Which department?");
    let bad = app
        .post(
            "/api/guildhall/v1/communities",
            Some(&owner),
            json!({"name": "x-bad", "title": "x", "member_domains": ["a/b"]}),
        )
        .await;
    assert_eq!((bad.status, bad.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("member_domains")));

    let eve = app.user("eve").await;
    let r = app.join(&eve, "gc-only").await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "instance_not_allowed"));

    // Admit this instance: now the question must be answered.
    let r = app
        .patch("/api/guildhall/v1/communities/gc-only", Some(&owner), json!({"member_domains": ["localhost"]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.join(&eve, "gc-only").await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("message")));
    let r = app
        .post(
            "/api/guildhall/v1/communities/gc-only/join",
            Some(&eve),
            json!({"accept_charter": true, "message": "TBS"}),
        )
        .await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("requested")), "{}", r.body);
    let requests = app.items("/api/guildhall/v1/communities/gc-only/join-requests", Some(&owner)).await;
    assert_eq!(requests[0]["message"], "TBS");
}

/// Creates an event with room for one in `community`; returns its id.
async fn small_event(app: &TestApp, token: &str, community: &str) -> i64 {
    let body = json!({"title": "Meetup", "starts_at": "2030-12-01T18:30", "ends_at": "2030-12-01T21:00",
        "timezone": "Europe/Paris", "capacity": 1});
    let r = app.post(&format!("/api/guildhall/v1/communities/{community}/events"), Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body["id"].as_i64().expect("id")
}

/// `token`'s RSVP to event `id` as they see it (`null` when none).
async fn my_rsvp(app: &TestApp, token: &str, id: i64) -> serde_json::Value {
    let r = app.get(&format!("/api/guildhall/v1/events/{id}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["my_rsvp"].clone()
}

async fn going(app: &TestApp, token: &str, id: i64) -> String {
    let r = app.post(&format!("/api/guildhall/v1/events/{id}/rsvp"), Some(token), json!({"status": "going"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["my_rsvp"].as_str().unwrap_or_default().to_string()
}

/// The usernames and RSVP statuses of an event, as its organiser sees them.
async fn attendees(app: &TestApp, organiser: &str, id: i64) -> Vec<(String, String)> {
    app.items(&format!("/api/guildhall/v1/events/{id}/attendees"), Some(organiser))
        .await
        .iter()
        .map(|p| {
            (
                p["account"]["username"].as_str().unwrap_or_default().into(),
                p["status"].as_str().unwrap_or_default().into(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_ban_removes_the_members_rsvps_and_lets_the_waitlist_in() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "ux-design", "public").await;
    app.community(&owner, "elsewhere", "public").await;
    let bea = app.member("bea", "ux-design", &owner).await;
    let cid = app.member("cid", "ux-design", &owner).await;
    let id = small_event(&app, &owner, "ux-design").await;
    assert_eq!(going(&app, &bea, id).await, "going");
    assert_eq!(going(&app, &cid, id).await, "waitlisted");
    // Bea's RSVP in another community is not touched by a ban here.
    let r = app.post("/api/guildhall/v1/communities/elsewhere/join", Some(&bea), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let other = small_event(&app, &owner, "elsewhere").await;
    assert_eq!(going(&app, &bea, other).await, "going");

    let r = app.post("/api/guildhall/v1/communities/ux-design/bans", Some(&owner), json!({"username": "bea"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    assert_eq!(attendees(&app, &owner, id).await, vec![("cid".to_string(), "going".to_string())]);
    assert_eq!(my_rsvp(&app, &cid, id).await, "going", "the first on the waitlist moved up");
    assert_eq!(my_rsvp(&app, &bea, other).await, "going", "other communities keep their RSVPs");
}

#[tokio::test]
async fn leaving_removes_the_members_rsvps() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "ux-design", "public").await;
    let bea = app.member("bea", "ux-design", &owner).await;
    let cid = app.member("cid", "ux-design", &owner).await;
    let id = small_event(&app, &owner, "ux-design").await;
    assert_eq!(going(&app, &bea, id).await, "going");
    assert_eq!(going(&app, &cid, id).await, "waitlisted");

    let r = app.post("/api/guildhall/v1/communities/ux-design/leave", Some(&bea), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);

    assert_eq!(my_rsvp(&app, &bea, id).await, serde_json::Value::Null, "a member who left has no RSVP");
    assert_eq!(attendees(&app, &owner, id).await, vec![("cid".to_string(), "going".to_string())]);
}

#[tokio::test]
async fn a_remote_members_rsvps_go_when_their_follow_is_undone() {
    let app = TestApp::new().await;
    let owner = app.user("owner").await;
    app.community(&owner, "ux-design", "public").await;
    let cid = app.member("cid", "ux-design", &owner).await;
    let zoe = app.remote_person("zoe", "remote.example").await;
    app.remote_follow(&zoe, "ux-design").await;
    let id = small_event(&app, &owner, "ux-design").await;
    let e = guildhall_app::events::remote::local_event(&app.ctx, id).await.expect("event");
    let p = guildhall_app::events::remote::remote_join(&app.ctx, &e, &zoe, "http://remote.example/joins/1")
        .await
        .expect("remote rsvp");
    assert_eq!(p.status, guildhall_domain::event::ParticipantStatus::Going);
    assert_eq!(going(&app, &cid, id).await, "waitlisted");

    let c = app.community_row("ux-design").await;
    guildhall_app::inbound::remote_unfollow(&app.ctx, &c, &zoe).await.expect("unfollow");

    assert_eq!(attendees(&app, &owner, id).await, vec![("cid".to_string(), "going".to_string())]);
}
