//! Notifications by email, through the app's jobs and a capturing `Mailer` (our port, not a
//! database): immediate messages grouped per member, once; digests once per period; the
//! moderators' digest of waiting requests; nothing about a private community to a member
//! banned before the send; the settings API and its bad input.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use guildhall_app::email::{self, Mailer, OutgoingEmail};
use guildhall_app::notify_email;
use serde_json::json;

use crate::common::TestApp;

/// Keeps every message "sent".
#[derive(Default)]
struct Capture(Mutex<Vec<OutgoingEmail>>);

#[async_trait::async_trait]
impl Mailer for Capture {
    async fn send(&self, message: &OutgoingEmail) -> Result<(), String> {
        self.0.lock().expect("lock").push(message.clone());
        Ok(())
    }
}

impl Capture {
    fn taken(&self) -> Vec<OutgoingEmail> {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

async fn app_with_mail() -> (TestApp, Arc<Capture>) {
    let app = TestApp::new().await;
    let capture = Arc::new(Capture::default());
    app.ctx.set_mailer(capture.clone()).expect("mailer");
    (app, capture)
}

/// Runs the jobs as of `at` and hands over what was sent.
async fn run(app: &TestApp, capture: &Capture, at: chrono::DateTime<Utc>) -> Vec<OutgoingEmail> {
    notify_email::send_all(&app.ctx, at).await.expect("jobs");
    while email::deliver_due(&app.ctx).await.expect("deliver") > 0 {}
    capture.taken()
}

const SETTINGS: &str = "/api/guildhall/v1/account/email-settings";

#[tokio::test]
async fn replies_are_emailed_once_grouped_after_the_window() {
    let (app, capture) = app_with_mail().await;
    let ana = app.user("ana").await;
    app.community(&ana, "ops", "public").await;
    let d = app.discussion(&ana, "ops", "Pump failure").await;
    let bob = app.member("bob", "ops", &ana).await;
    for body in ["first", "second", "third"] {
        app.reply(&bob, d, None, body).await;
    }
    // Within the grouping window: nothing yet.
    assert!(run(&app, &capture, Utc::now()).await.is_empty());
    let later = Utc::now() + Duration::minutes(3);
    let sent = run(&app, &capture, later).await;
    assert_eq!(sent.len(), 1, "one message for three replies: {sent:?}");
    let m = &sent[0];
    assert_eq!(m.to, "ana@example.org");
    assert_eq!(m.subject, "3 new replies in “Pump failure”");
    assert!(
        m.text.contains("bob replied to your discussion “Pump failure” in Title of ops (localhost:8080)"),
        "{}",
        m.text
    );
    assert!(m.text.contains(&format!("http://localhost:8080/discussions/{d}")), "{}", m.text);
    assert!(m.html.contains("<html lang=\"en\">") && m.html.contains("3 new replies in “Pump failure”"), "{}", m.html);
    let unsubscribe = m.unsubscribe_url.clone().expect("an unsubscribe URL");
    assert!(unsubscribe.starts_with("http://localhost:8080/email/unsubscribe?token="), "{unsubscribe}");
    assert!(m.text.contains(&unsubscribe));
    // Run again, and again later: nothing twice.
    assert!(run(&app, &capture, later).await.is_empty());
    assert!(run(&app, &capture, later + Duration::hours(1)).await.is_empty());
    // The one-click token is genuine for ana only.
    let token = unsubscribe.rsplit_once("token=").unwrap().1.to_owned();
    assert!(guildhall_app::email_settings::check_token(&app.ctx, &token).await.is_ok());
    let forged = token.replacen(token.split('.').next().unwrap(), "999", 1);
    assert!(guildhall_app::email_settings::check_token(&app.ctx, &forged).await.is_err());
    guildhall_app::email_settings::unsubscribe(&app.ctx, &token).await.expect("unsubscribe");
    assert_eq!(app.get(SETTINGS, Some(&ana)).await.body["mode"], "off");
    app.reply(&bob, d, None, "fourth").await;
    assert!(run(&app, &capture, Utc::now() + Duration::minutes(3)).await.is_empty(), "off means off");
}

#[tokio::test]
async fn read_notifications_kinds_off_and_french_readers() {
    let (app, capture) = app_with_mail().await;
    let ana = app.user("ana").await;
    app.community(&ana, "ops", "public").await;
    let d = app.discussion(&ana, "ops", "Pompes").await;
    let bob = app.member("bob", "ops", &ana).await;
    // Upvotes are off by default; read notifications are not emailed.
    let r = app.post(&format!("/api/guildhall/v1/discussions/{d}/vote"), Some(&bob), json!({"value": 1})).await;
    assert!(r.status.is_success(), "{}", r.body);
    app.reply(&bob, d, None, "lu").await;
    app.post("/api/guildhall/v1/notifications/read", Some(&ana), json!({})).await;
    assert!(run(&app, &capture, Utc::now() + Duration::minutes(3)).await.is_empty());
    // In French for a French reader.
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&ana), json!({"language": "fr"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.reply(&bob, d, None, "encore").await;
    let sent = run(&app, &capture, Utc::now() + Duration::minutes(3)).await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].subject.contains("a répondu à votre discussion « Pompes »"), "{}", sent[0].subject);
    assert!(sent[0].html.contains("lang=\"fr\""));
}

#[tokio::test]
async fn quiet_hours_hold_messages_until_they_end() {
    let (app, capture) = app_with_mail().await;
    let ana = app.user("ana").await;
    app.community(&ana, "ops", "public").await;
    let d = app.discussion(&ana, "ops", "Night shift").await;
    let bob = app.member("bob", "ops", &ana).await;
    // Quiet all day but one minute (UTC: no time zone chosen).
    let now = Utc::now();
    let start = (now - Duration::hours(1)).format("%H:%M").to_string();
    let end = (now + Duration::hours(2)).format("%H:%M").to_string();
    let all: Vec<&str> = vec!["reply"];
    let r = app
        .call(
            axum::http::Method::PUT,
            SETTINGS,
            Some(&ana),
            Some(json!({"mode": "immediate", "kinds_on": all, "quiet_start": start, "quiet_end": end})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.reply(&bob, d, None, "at night").await;
    assert!(run(&app, &capture, now + Duration::minutes(3)).await.is_empty(), "held in quiet hours");
    let sent = run(&app, &capture, now + Duration::hours(2) + Duration::minutes(1)).await;
    assert_eq!(sent.len(), 1, "sent when they end");
}

#[tokio::test]
async fn a_member_banned_before_the_send_gets_nothing_about_a_private_community() {
    let (app, capture) = app_with_mail().await;
    let owner = app.user("owner").await;
    app.community(&owner, "secret", "private").await;
    let carol = app.member("carol", "secret", &owner).await;
    let d = app.discussion(&carol, "secret", "Classified title").await;
    app.reply(&owner, d, None, "classified content").await;
    let r = app.post("/api/guildhall/v1/communities/secret/bans", Some(&owner), json!({"username": "carol"})).await;
    assert!(r.status.is_success(), "{}", r.body);
    let sent = run(&app, &capture, Utc::now() + Duration::minutes(3)).await;
    assert!(
        sent.iter().all(|m| !m.text.contains("Classified") && !m.html.contains("Classified")),
        "nothing about the private community: {sent:?}"
    );
    assert!(sent.iter().all(|m| m.to != "carol@example.org"), "{sent:?}");
}

#[tokio::test]
async fn digests_go_out_once_per_period_and_only_with_news() {
    let (app, capture) = app_with_mail().await;
    let ana = app.user("ana").await;
    app.community(&ana, "ops", "public").await;
    let d = app.discussion(&ana, "ops", "Digest me").await;
    let bob = app.member("bob", "ops", &ana).await;
    let r = app
        .call(axum::http::Method::PUT, SETTINGS, Some(&ana), Some(json!({"mode": "daily", "kinds_on": ["reply"]})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.reply(&bob, d, None, "one").await;
    app.reply(&bob, d, None, "two").await;
    // Not immediately.
    assert!(run(&app, &capture, Utc::now() + Duration::minutes(3)).await.is_empty());
    // The next 07:00 UTC (ana has no time zone).
    let today7 = Utc::now().date_naive().and_hms_opt(7, 0, 0).unwrap().and_utc();
    let next7 = if today7 > Utc::now() { today7 } else { today7 + Duration::days(1) };
    let sent = run(&app, &capture, next7 + Duration::minutes(1)).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].subject.starts_with("Your daily digest from localhost:8080: 2 unread"), "{}", sent[0].subject);
    assert!(sent[0].text.contains("Title of ops (localhost:8080): 2 unread"), "{}", sent[0].text);
    assert!(sent[0].unsubscribe_url.is_some());
    // Same day: nothing again; next day with nothing new: nothing.
    assert!(run(&app, &capture, next7 + Duration::hours(5)).await.is_empty());
    assert!(run(&app, &capture, next7 + Duration::days(1) + Duration::minutes(1)).await.is_empty());
}

#[tokio::test]
async fn moderators_hear_of_waiting_requests_once_a_day() {
    let (app, capture) = app_with_mail().await;
    let ana = app.user("ana").await;
    app.community(&ana, "club", "approval").await;
    let bob = app.user("bob").await;
    let r = app.join(&bob, "club").await;
    assert_eq!(r.body["status"], "requested", "{}", r.body);
    // The join_request notification itself is emailed immediately; the digest comes at 07:00.
    let today7 = Utc::now().date_naive().and_hms_opt(7, 0, 0).unwrap().and_utc();
    let next7 = if today7 > Utc::now() { today7 } else { today7 + Duration::days(1) };
    let sent = run(&app, &capture, next7 + Duration::minutes(1)).await;
    let digest: Vec<_> = sent.iter().filter(|m| m.subject.contains("join requests waiting")).collect();
    assert_eq!(digest.len(), 1, "{sent:?}");
    assert!(digest[0].text.contains("http://localhost:8080/communities/club/requests"), "{}", digest[0].text);
    assert!(digest[0].text.contains("Title of club (localhost:8080): 1 requests wait"), "{}", digest[0].text);
    assert!(run(&app, &capture, next7 + Duration::hours(3)).await.is_empty(), "once a day");
}

#[tokio::test]
async fn email_settings_api_defaults_and_bad_input() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let r = app.get(SETTINGS, Some(&ana)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["mode"], "immediate");
    assert_eq!(r.body["email_enabled"], false);
    let on: Vec<String> = serde_json::from_value(r.body["kinds_on"].clone()).unwrap();
    assert!(
        on.contains(&"reply".to_string())
            && !on.contains(&"favourite".to_string())
            && !on.contains(&"poll_closed".to_string())
    );
    assert_eq!(app.get(SETTINGS, None).await.status, StatusCode::UNAUTHORIZED);
    let put = |body: serde_json::Value| {
        let (app, ana) = (&app, ana.clone());
        async move { app.call(axum::http::Method::PUT, SETTINGS, Some(&ana), Some(body)).await }
    };
    for (body, field) in [
        (json!({"mode": "hourly", "kinds_on": []}), "mode"),
        (json!({"mode": "daily", "kinds_on": ["reply", "gossip"]}), "kinds_on"),
        (json!({"mode": "daily", "kinds_on": [], "quiet_start": "25:00", "quiet_end": "07:00"}), "quiet_start"),
        (json!({"mode": "daily", "kinds_on": [], "quiet_start": "22:00", "quiet_end": "7am"}), "quiet_end"),
        (json!({"mode": "daily", "kinds_on": [], "quiet_start": "22:00"}), "quiet_end"),
    ] {
        let r = put(body.clone()).await;
        assert!(
            r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.body
        );
        assert_eq!(r.body["field"], field, "{body}: {}", r.body);
    }
    let r = put(json!({"mode": "immediate"})).await;
    assert!(r.status.is_client_error(), "kinds_on is required: {}", r.body);
    let r = put(
        json!({"mode": "weekly", "kinds_on": ["favourite", "report"], "quiet_start": "22:00", "quiet_end": "06:30"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["mode"], "weekly");
    assert_eq!(r.body["kinds_on"], json!(["favourite", "report"]));
    assert_eq!((r.body["quiet_start"].clone(), r.body["quiet_end"].clone()), (json!("22:00"), json!("06:30")));
    assert_eq!(app.get(SETTINGS, Some(&ana)).await.body, r.body);
}

#[tokio::test]
async fn an_address_nobody_confirmed_gets_no_notification_email() {
    let (app, capture) = app_with_mail().await;
    let boss = app.admin("boss").await;
    let r = app.patch("/api/guildhall/v1/admin/settings", Some(&boss), json!({"registration_mode": "open"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Uma signs up herself: her address could be anyone's until she follows the link.
    assert_eq!(app.register_named("uma").await.status, StatusCode::CREATED);
    let uma = app.login("uma").await;
    let ana = app.user("ana").await; // created by an admin: confirmed
    app.community(&ana, "ops", "public").await;
    assert_eq!(app.join(&uma, "ops").await.status, StatusCode::OK);
    let hers = app.discussion(&uma, "ops", "Unconfirmed").await;
    let mine = app.discussion(&ana, "ops", "Confirmed").await;
    app.reply(&ana, hers, None, "to uma").await;
    app.reply(&uma, mine, None, "to ana").await;
    let first = run(&app, &capture, Utc::now()).await; // the sign-up confirmation link
    assert!(first.iter().all(|m| m.subject.starts_with("Confirm your address")), "{first:?}");
    let sent = run(&app, &capture, Utc::now() + Duration::minutes(3)).await;
    let to: Vec<&str> = sent.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(to, ["ana@example.org"], "uma is notified in the app only: {sent:?}");
    let r = app.get("/api/guildhall/v1/notifications", Some(&uma)).await;
    assert_eq!(r.body["items"][0]["kind"], "reply", "{}", r.body);
}
