//! Notification settings through the Mastodon client API: following a group account with
//! `notify: true` watches its community (reported as `notifying`), `notify: false` goes back
//! to normal; muting a status mutes its whole thread (`muted` in the Status).

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{d, r};
use crate::mastodon::instance;
use crate::viewers::group_id;

async fn kinds(app: &crate::common::TestApp, token: &str) -> Vec<String> {
    let r = app.get("/api/guildhall/v1/notifications", Some(token)).await;
    r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn follow_with_notify_watches_the_community_and_reports_notifying() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.user("bob").await;
    let id = group_id(&app, "open").await;

    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({"notify": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["following"].as_bool(), r.body["notifying"].as_bool()), (Some(true), Some(true)));
    let level = app.get("/api/guildhall/v1/communities/open/notification_level", Some(&bob)).await;
    assert_eq!(level.body["level"], "watch");
    let rel = app.get(&format!("/api/v1/accounts/relationships?id[]={id}"), Some(&bob)).await;
    assert_eq!(rel.body[0]["notifying"], true, "{}", rel.body);

    app.discussion(&ada, "open", "News").await;
    assert_eq!(kinds(&app, &bob).await, ["new_discussion"]);

    // Following again without `notify` changes nothing; `notify: false` is back to normal.
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    assert_eq!(r.body["notifying"], true);
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({"notify": "false"})).await;
    assert_eq!((r.status, r.body["notifying"].as_bool()), (StatusCode::OK, Some(false)), "{}", r.body);
    app.discussion(&ada, "open", "More news").await;
    assert_eq!(kinds(&app, &bob).await, ["new_discussion"], "normal: no new discussions");

    // A nonsense boolean is refused.
    let r = app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({"notify": "loud"})).await;
    assert!(r.status.is_client_error(), "{}: {}", r.status, r.body);
}

#[tokio::test]
async fn muting_a_status_mutes_its_thread_and_shows_muted() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let bob = app.user("bob").await;
    let id = group_id(&app, "open").await;
    app.post(&format!("/api/v1/accounts/{id}/follow"), Some(&bob), json!({})).await;
    let dis = app.discussion(&ada, "open", "Thread").await;
    let first = app.reply(&bob, dis, None, "First").await;

    // Muting through a reply mutes the whole discussion.
    let m = app.post(&format!("/api/v1/statuses/{}/mute", r(first)), Some(&ada), json!({})).await;
    assert_eq!((m.status, m.body["muted"].as_bool()), (StatusCode::OK, Some(true)), "{}", m.body);
    let level = app.get(&format!("/api/guildhall/v1/discussions/{dis}/mute"), Some(&ada)).await;
    assert_eq!(level.body["muted"], true);
    app.reply(&bob, dis, None, "Second").await;
    assert_eq!(kinds(&app, &ada).await, ["reply"], "only the reply from before the mute");

    let u = app.post(&format!("/api/v1/statuses/{}/unmute", d(dis)), Some(&ada), json!({})).await;
    assert_eq!((u.status, u.body["muted"].as_bool()), (StatusCode::OK, Some(false)), "{}", u.body);
    app.reply(&bob, dis, None, "Third").await;
    assert_eq!(kinds(&app, &ada).await, ["reply", "reply"], "after unmuting, replies reach her again");

    // Unknown statuses and statuses one may not read are 404.
    let m = app.post("/api/v1/statuses/999999999/mute", Some(&ada), json!({})).await;
    assert_eq!(m.status, StatusCode::NOT_FOUND, "{}", m.body);
    app.community(&ada, "secret", "private").await;
    let hidden = app.discussion(&ada, "secret", "Hush").await;
    let m = app.post(&format!("/api/v1/statuses/{}/mute", d(hidden)), Some(&bob), json!({})).await;
    assert_eq!(m.status, StatusCode::NOT_FOUND, "{}", m.body);
}
