//! Password reset by email, through a real SMTP server: `aiosmtpd` (PyPI), started by the
//! test, stores each message it receives in a Maildir the test reads. A member asks for a
//! link, follows it, sets a new password and signs in with it; the old password and the used
//! link are refused; an unknown address gets the same answer and no mail; the fourth request
//! in an hour sends nothing; with the SMTP server down, the message waits in the queue and is
//! delivered exactly once when the server comes up.
//!
//! Needs `GUILDHALL_INTEROP_PYTHON` (a venv with `interop/clients/requirements.txt`, which
//! holds `aiosmtpd`); `.ci/run` sets it:
//!
//! ```text
//! .venv-interop/bin/pip install -r federation-tests/interop/clients/requirements.txt
//! GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python cargo test -p federation-tests --test it email_reset::
//! ```
//!
//! Without it the SMTP tests print that they were skipped and pass; with `CI=true` they fail.
//! The test with email off needs nothing.

use federation_tests::community::{PASSWORD, member};
use federation_tests::smtp::{DEADLINE, Smtpd, python, queue_settles, start_instance, token_in, with_subject};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json, poll_until};

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn ask_reset(client: &Client, address: &str) -> (StatusCode, Value) {
    client.post("/api/guildhall/v1/auth/password-reset", &json!({"email": address})).await
}

fn token_of(message: &Value) -> String {
    token_in(message, "/password-reset/confirm?token=")
}

/// The reset messages among `messages` (a new member also gets a confirmation link).
fn resets(messages: &[Value]) -> Vec<&Value> {
    with_subject(messages, "Reset your password")
}

#[tokio::test]
async fn a_reset_link_by_email_sets_a_new_password_once() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    member(&alpha, "ana").await;
    let anon = alpha.client();

    // Known and unknown addresses get the same answer; only the known one gets mail.
    let known = ask_reset(&anon, "Ana@alpha.test").await;
    let unknown = ask_reset(&anon, "nobody@alpha.test").await;
    assert_eq!(known.0, StatusCode::ACCEPTED, "{known:?}");
    assert_eq!(known, unknown, "the answer does not tell whether an account uses the address");
    // The confirmation link of ana's sign-up, and her reset link.
    queue_settles(&admin, 2).await;
    let messages = smtpd.wait_for(2).await;
    let messages = resets(&messages);
    assert_eq!(messages.len(), 1, "one message, none for the unknown address: {messages:?}");
    let m = messages[0];
    assert_eq!(m["to"], "ana@alpha.test");
    assert_eq!(m["from"], "guildhall@alpha.test");
    assert!(m["subject"].as_str().unwrap().contains("Reset your password"), "{m}");
    assert!(m["html"].as_str().unwrap().contains("<a href=\"http://"), "an HTML part with the link: {m}");
    let token = token_of(m);

    // The link's page asks for the new password.
    let page = reqwest::get(alpha.url(&format!("/password-reset/confirm?token={token}"))).await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("name=\"new_password\""));

    // Bad input: a weak password leaves the link usable; a made-up token is refused.
    let confirm = |token: String, password: &'static str| {
        let anon = alpha.client();
        async move {
            anon.post(
                "/api/guildhall/v1/auth/password-reset/confirm",
                &json!({"token": token, "new_password": password}),
            )
            .await
        }
    };
    let weak = confirm(token.clone(), "short").await;
    assert_eq!(weak.0, StatusCode::BAD_REQUEST, "{weak:?}");
    let made_up = confirm("not-a-token".into(), NEW_PASSWORD).await;
    assert_eq!(made_up.0, StatusCode::BAD_REQUEST, "{made_up:?}");
    let malformed = ask_reset(&anon, "not an address").await;
    assert_eq!(malformed.0, StatusCode::BAD_REQUEST, "{malformed:?}");

    expect_status(confirm(token.clone(), NEW_PASSWORD).await, StatusCode::NO_CONTENT, "set the new password");
    assert_eq!(anon.try_login("ana", PASSWORD).await.0, StatusCode::UNAUTHORIZED, "the old password fails");
    assert_eq!(anon.try_login("ana", NEW_PASSWORD).await.0, StatusCode::OK, "the new one works");
    let reused = confirm(token.clone(), "yet another passphrase").await;
    assert_eq!(reused.0, StatusCode::BAD_REQUEST, "{reused:?}");
    assert!(reused.1.to_string().contains("used"), "{reused:?}");
    let page = reqwest::get(alpha.url(&format!("/password-reset/confirm?token={token}"))).await.expect("page");
    assert!(page.text().await.unwrap().contains("already"), "the used link's page says so");

    // Three links per address per hour: the second and third are sent, the fourth is not,
    // and its answer is the same.
    for _ in 0..3 {
        assert_eq!(ask_reset(&anon, "ana@alpha.test").await, known);
    }
    let status = queue_settles(&admin, 4).await;
    assert_eq!(status["failed"], 0, "{status}");
    assert_eq!(resets(&smtpd.wait_for(4).await).len(), 3, "the fourth request in the hour sent nothing");
}

#[tokio::test]
async fn an_smtp_outage_loses_nothing_and_sends_once() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    member(&alpha, "bob").await;
    expect_status(ask_reset(&alpha.client(), "bob@alpha.test").await, StatusCode::ACCEPTED, "ask for a link");

    // The SMTP server is down: the attempt fails, the message stays queued with the error.
    let down = poll_until(DEADLINE, "a failed attempt", || async {
        let body = expect_status(admin.get("/api/guildhall/v1/admin/email-queue").await, StatusCode::OK, "queue");
        body["last_error"].is_string().then_some(body)
    })
    .await;
    // Bob's sign-up confirmation and his reset link.
    assert_eq!((down["queued"].clone(), down["sent"].clone()), (json!(2), json!(0)), "{down}");

    smtpd.start().await;
    queue_settles(&admin, 2).await;
    let messages = smtpd.wait_for(2).await;
    assert_eq!(messages.len(), 2, "each delivered exactly once: {messages:?}");
    let reset = resets(&messages);
    assert_eq!(reset.len(), 1, "{messages:?}");
    assert_eq!(reset[0]["to"], "bob@alpha.test");
}

#[tokio::test]
async fn with_email_off_the_reset_routes_say_so() {
    let alpha = InProcessInstance::start("alpha").await;
    let anon = alpha.client();
    let (status, body) = ask_reset(&anon, "someone@alpha.test").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("email is off"), "{body}");
    let (status, body) = anon
        .post("/api/guildhall/v1/auth/password-reset/confirm", &json!({"token": "x", "new_password": NEW_PASSWORD}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let login = reqwest::get(alpha.url("/login")).await.expect("sign-in page").text().await.unwrap();
    assert!(!login.contains("/password-reset"), "the sign-in page does not offer a reset");
    let page = reqwest::get(alpha.url("/password-reset")).await.expect("reset page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Email is off"));
}
