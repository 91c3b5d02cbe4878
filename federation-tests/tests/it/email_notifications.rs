//! Notifications by email through a real SMTP server (`aiosmtpd`, see `email_reset.rs`): a
//! member on alpha gets exactly one email when a member on beta replies to her discussion,
//! follows its link, and unsubscribes with a real one-click POST (RFC 8058); a GET of the
//! link and a forged token unsubscribe no one. With the SMTP server down, a notification
//! email waits in the queue and is delivered once when it comes up.
//!
//! The jobs run with a future `now` (past the grouping window) on a second context of the
//! instance's database, as a second process would, instead of waiting minutes.
//!
//! `GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python cargo test -p federation-tests --test it email_notifications::`

use chrono::{Duration, Utc};
use federation_tests::community::{join_remote, member};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_until};

use federation_tests::smtp::{
    DEADLINE, Smtpd, confirm_addresses, python, queue_settles, start_instance, without_confirmations,
};

/// Runs the notification email jobs on `alpha` as of a few minutes from now.
pub(crate) async fn run_jobs(alpha: &InProcessInstance) -> usize {
    let ctx = alpha.second_context().await;
    guildhall_app::notify_email::send_all(&ctx, Utc::now() + Duration::minutes(3))
        .await
        .expect("notification email jobs")
}

/// Waits until `client` has a notification of `kind`.
pub(crate) async fn notified(client: &Client, kind: &str) {
    poll_until(DEADLINE, &format!("a {kind} notification"), || async {
        let (_, body) = client.get("/api/guildhall/v1/notifications").await;
        body["items"].as_array()?.iter().any(|n| n["kind"] == kind).then_some(())
    })
    .await
}

fn link_in(message: &Value, needle: &str) -> String {
    let text = message["text"].as_str().expect("a text part");
    text.split_whitespace()
        .find(|w| w.contains(needle))
        .unwrap_or_else(|| panic!("no {needle} link in {text}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_from_another_server_is_emailed_once_and_one_click_unsubscribes() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let (alpha, beta) = tokio::join!(start_instance("alpha", &smtpd), InProcessInstance::start("beta"));
    let admin = alpha.admin_client().await;
    let (ana, bob) = tokio::join!(member(&alpha, "ana"), member(&beta, "bob"));
    assert_eq!(confirm_addresses(&smtpd, &admin, 1).await, 1, "ana confirms her address");
    expect_status(
        ana.post("/api/guildhall/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    let d = expect_status(
        ana.post("/api/guildhall/v1/communities/ops/discussions", &json!({"title": "Pump outage", "body": "Why?"}))
            .await,
        StatusCode::CREATED,
        "post",
    );
    let on_alpha = id_of(&d["id"]);
    let handle = format!("ops@{}", alpha.domain());
    join_remote(&bob, &handle).await;
    poll_until(DEADLINE, "bob is a member", || async {
        let (_, c) = bob.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == "member").then_some(())
    })
    .await;
    let on_beta = id_of(
        &poll_until(DEADLINE, "the discussion on beta", || async {
            let (_, body) = bob.get(&format!("/api/guildhall/v1/communities/{handle}/discussions")).await;
            body["items"].as_array()?.iter().find(|d| d["title"] == "Pump outage").cloned()
        })
        .await["id"],
    );
    expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{on_beta}/replies"), &json!({"body": "The seal broke"})).await,
        StatusCode::CREATED,
        "reply",
    );
    notified(&ana, "reply").await;
    assert_eq!(run_jobs(&alpha).await, 1, "one message queued");
    assert_eq!(run_jobs(&alpha).await, 0, "a second run (or process) sends nothing again");
    queue_settles(&admin, 2).await;
    let messages = without_confirmations(&smtpd.wait_for(2).await);
    assert_eq!(messages.len(), 1, "exactly one email: {messages:?}");
    let m = &messages[0];
    assert_eq!(m["to"], "ana@alpha.test");
    let subject = m["subject"].as_str().unwrap();
    assert!(subject.contains("bob") && subject.contains(beta.domain().as_str()), "who, from where: {subject}");
    assert!(subject.contains("replied to your discussion “Pump outage” in Ops"), "{subject}");
    assert!(m["html"].as_str().unwrap().contains("<html lang=\"en\">"), "{m}");
    let unsubscribe = m["list_unsubscribe"].as_str().expect("List-Unsubscribe").to_owned();
    assert_eq!(m["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>').to_owned();
    assert!(url.starts_with(&format!("http://{}/email/unsubscribe?token=", alpha.domain())), "{url}");

    // The link leads to the discussion.
    let link = link_in(m, &format!("/discussions/{on_alpha}"));
    let page = reqwest::get(&link).await.expect("discussion page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Pump outage"));

    // A GET (a mail scanner) only shows the button; a forged token is refused.
    let http = reqwest::Client::new();
    let shown = http.get(&url).send().await.expect("unsubscribe page");
    assert_eq!(shown.status(), StatusCode::OK);
    assert!(shown.text().await.unwrap().contains("List-Unsubscribe"), "a form with the one-click field");
    let (_, settings) = ana.get("/api/guildhall/v1/account/email-settings").await;
    assert_eq!(settings["mode"], "immediate", "a GET unsubscribes no one");
    let one_click = |u: String| {
        let http = http.clone();
        async move {
            http.post(u)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click")
                .send()
                .await
                .expect("one-click POST")
                .status()
        }
    };
    let forged = url.replace("token=", "token=1");
    assert_eq!(one_click(forged).await, StatusCode::BAD_REQUEST);
    assert_eq!(one_click(alpha.url("/email/unsubscribe?token=garbage")).await, StatusCode::BAD_REQUEST);
    assert_eq!(one_click(url.clone()).await, StatusCode::OK);
    let (_, settings) = ana.get("/api/guildhall/v1/account/email-settings").await;
    assert_eq!(settings["mode"], "off");

    // Unsubscribed: another reply is notified in-app, never emailed.
    expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{on_beta}/replies"), &json!({"body": "Fixed now"})).await,
        StatusCode::CREATED,
        "second reply",
    );
    poll_until(DEADLINE, "the second reply on alpha", || async {
        let (_, body) = ana.get("/api/guildhall/v1/notifications").await;
        (body["items"].as_array()?.iter().filter(|n| n["kind"] == "reply").count() == 2).then_some(())
    })
    .await;
    assert_eq!(run_jobs(&alpha).await, 0);
    assert_eq!(smtpd.files().len(), 2, "still exactly one email (and the confirmation)");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_notification_email_survives_an_smtp_outage_and_is_sent_once() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    let (ana, bob) = tokio::join!(member(&alpha, "ana"), member(&alpha, "bob"));
    assert_eq!(confirm_addresses(&smtpd, &admin, 2).await, 2);
    smtpd.stop().await;
    expect_status(
        ana.post("/api/guildhall/v1/communities", &json!({"name": "ops", "title": "Ops"})).await,
        StatusCode::CREATED,
        "create",
    );
    let d = expect_status(
        ana.post("/api/guildhall/v1/communities/ops/discussions", &json!({"title": "Storm", "body": "?"})).await,
        StatusCode::CREATED,
        "post",
    );
    expect_status(
        bob.post("/api/guildhall/v1/communities/ops/join", &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    );
    expect_status(
        bob.post(&format!("/api/guildhall/v1/discussions/{}/replies", id_of(&d["id"])), &json!({"body": "Roof"})).await,
        StatusCode::CREATED,
        "reply",
    );
    notified(&ana, "reply").await;
    assert_eq!(run_jobs(&alpha).await, 1);
    let down = poll_until(DEADLINE, "a failed attempt", || async {
        let body = expect_status(admin.get("/api/guildhall/v1/admin/email-queue").await, StatusCode::OK, "queue");
        body["last_error"].is_string().then_some(body)
    })
    .await;
    assert_eq!((down["queued"].clone(), down["sent"].clone()), (json!(1), json!(2)), "{down}");
    smtpd.start().await;
    queue_settles(&admin, 3).await;
    let messages = without_confirmations(&smtpd.wait_for(3).await);
    assert_eq!(messages.len(), 1, "delivered exactly once: {messages:?}");
    assert!(messages[0]["subject"].as_str().unwrap().contains("Storm"));
    assert_eq!(run_jobs(&alpha).await, 0);
}
