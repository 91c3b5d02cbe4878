//! Email addresses confirmed through a real SMTP server (`aiosmtpd`, see
//! `federation_tests::smtp`): a sign-up link that the admin may require before the first
//! sign-in, a change of address that waits for the new address and that the old address can
//! call off, and every link's bad cases (reused, called off, too late, made up). With email
//! off, the requirement cannot be set and an address changes at once.
//!
//! ```text
//! GUILDHALL_INTEROP_PYTHON=$PWD/.venv-interop/bin/python cargo test -p federation-tests --test it email_confirm::
//! ```

use federation_tests::community::{PASSWORD, member};
use federation_tests::smtp::{Smtpd, python, queue_settles, start_instance, token_in, with_subject};
use federation_tests::{Client, InProcessInstance, StatusCode, Value, expect_status, json};

const CONFIRM: &str = "/email/confirm?token=";
const CANCEL: &str = "/email/cancel?token=";

async fn me(client: &Client) -> Value {
    expect_status(client.get("/api/guildhall/v1/accounts/me").await, StatusCode::OK, "me")
}

async fn confirm(client: &Client, token: &str) -> (StatusCode, Value) {
    client.post("/api/guildhall/v1/auth/email-confirmation", &json!({"token": token})).await
}

/// The one message to `to` whose subject holds `subject`, among the `n` received so far.
async fn message(smtpd: &Smtpd, n: usize, to: &str, subject: &str) -> Value {
    let all = smtpd.wait_for(n).await;
    let found: Vec<&Value> = with_subject(&all, subject).into_iter().filter(|m| m["to"] == to).collect();
    assert_eq!(found.len(), 1, "one “{subject}” message to {to}: {all:?}");
    found[0].clone()
}

#[tokio::test]
async fn when_required_a_new_member_signs_in_only_after_following_the_emailed_link() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    let settings = json!({"registration_mode": "open", "require_email_confirmation": true});
    let saved =
        expect_status(admin.patch("/api/guildhall/v1/admin/settings", &settings).await, StatusCode::OK, "settings");
    assert_eq!(saved["require_email_confirmation"], true, "{saved}");

    let anon = alpha.client();
    expect_status(anon.register("cora", "cora@alpha.test", PASSWORD).await, StatusCode::CREATED, "register");
    let (status, body) = anon.try_login("cora", PASSWORD).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("email_unconfirmed")), "{body}");

    queue_settles(&admin, 1).await;
    let m = message(&smtpd, 1, "cora@alpha.test", "Confirm your address").await;
    assert!(m["html"].as_str().unwrap_or_default().contains("lang=\"en\""), "{m}");
    let token = token_in(&m, CONFIRM);

    // A made-up token changes nothing; the real link's page confirms.
    let (status, body) = confirm(&anon, "made-up").await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("token")), "{body}");
    let page = reqwest::get(alpha.url(&format!("{CONFIRM}{token}"))).await.expect("confirmation page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap_or_default().contains("cora@alpha.test is confirmed"));

    let mut cora = alpha.client();
    cora.login("cora", PASSWORD).await;
    assert_eq!(me(&cora).await["email_confirmed"], true);
    let (status, body) = confirm(&anon, &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a used link: {body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("used"), "{body}");

    // A new link is sent only to an address waiting for one; the answer is the same.
    let resend = |address: &'static str| {
        let anon = alpha.client();
        async move { anon.post("/api/guildhall/v1/auth/email-confirmation/resend", &json!({"email": address})).await }
    };
    let confirmed = resend("cora@alpha.test").await;
    let unknown = resend("nobody@alpha.test").await;
    assert_eq!(confirmed.0, StatusCode::ACCEPTED, "{confirmed:?}");
    assert_eq!(confirmed, unknown, "the answer does not tell who has an account");
    assert_eq!(resend("not an address").await.0, StatusCode::BAD_REQUEST);
    expect_status(anon.register("dora", "dora@alpha.test", PASSWORD).await, StatusCode::CREATED, "register dora");
    assert_eq!(resend("dora@alpha.test").await, confirmed);
    let status = queue_settles(&admin, 3).await;
    assert_eq!(status["failed"], 0, "{status}");
    let all = smtpd.wait_for(3).await;
    let to_dora: Vec<&Value> = all.iter().filter(|m| m["to"] == "dora@alpha.test").collect();
    assert_eq!((all.len(), to_dora.len()), (3, 2), "cora's first link, dora's two; nothing else: {all:?}");
}

#[tokio::test]
async fn a_change_of_address_waits_for_the_new_address_and_the_old_one_can_call_it_off() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    let dan = member(&alpha, "dan").await;
    member(&alpha, "eve").await;
    queue_settles(&admin, 2).await; // their sign-up links

    let change = |address: &'static str, password: &'static str| {
        let dan = dan.clone();
        async move {
            dan.post("/api/guildhall/v1/accounts/me/email", &json!({"email": address, "current_password": password}))
                .await
        }
    };
    let (status, body) = change("dan2@alpha.test", "not my password").await;
    assert_eq!((status, body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("current_password")), "{body}");
    assert_eq!(change("eve@alpha.test", PASSWORD).await.0, StatusCode::CONFLICT, "another account's address");
    assert_eq!(change("dan@alpha.test", PASSWORD).await.0, StatusCode::BAD_REQUEST, "the same address");
    assert_eq!(change("nonsense", PASSWORD).await.0, StatusCode::BAD_REQUEST);

    // First change: both addresses hear of it; the old one calls it off.
    let (status, body) = change("dan2@alpha.test", PASSWORD).await;
    assert_eq!((status, body["pending"].as_bool()), (StatusCode::ACCEPTED, Some(true)), "{body}");
    assert_eq!(me(&dan).await["email"], "dan@alpha.test", "nothing changes before the new address confirms");
    queue_settles(&admin, 4).await;
    let to_new = message(&smtpd, 4, "dan2@alpha.test", "Confirm your new address").await;
    let to_old = message(&smtpd, 4, "dan@alpha.test", "Change of address asked").await;
    assert!(to_old["text"].as_str().unwrap_or_default().contains("dan2@alpha.test"), "{to_old}");
    let first = token_in(&to_new, CONFIRM);
    let cancel = token_in(&to_old, CANCEL);
    // Opening the cancel link (as a mail scanner does) calls nothing off; the button does.
    let page = reqwest::get(alpha.url(&format!("{CANCEL}{cancel}"))).await.expect("cancel page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap_or_default().contains("name=\"token\""));
    let anon = alpha.client();
    let (status, body) =
        anon.post("/api/guildhall/v1/auth/email-change/cancel", &json!({"token": cancel.clone()})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = confirm(&anon, &first).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("called off"), "{body}");
    assert_eq!(me(&dan).await["email"], "dan@alpha.test");

    // Second change: the new address confirms; the old address's link comes too late.
    expect_status(change("dan3@alpha.test", PASSWORD).await, StatusCode::ACCEPTED, "ask again");
    queue_settles(&admin, 6).await;
    let second = token_in(&message(&smtpd, 6, "dan3@alpha.test", "Confirm your new address").await, CONFIRM);
    let late = token_in(
        &with_subject(&smtpd.messages().await, "Change of address asked")
            .into_iter()
            .find(|m| m["text"].as_str().is_some_and(|t| t.contains("dan3@alpha.test")))
            .cloned()
            .expect("the second notice to the old address"),
        CANCEL,
    );
    let done = expect_status(confirm(&anon, &second).await, StatusCode::OK, "confirm the new address");
    assert_eq!((done["email"].as_str(), done["purpose"].as_str()), (Some("dan3@alpha.test"), Some("change")));
    let now = me(&dan).await;
    assert_eq!((now["email"].as_str(), now["email_confirmed"].as_bool()), (Some("dan3@alpha.test"), Some(true)));
    let (status, body) = anon.post("/api/guildhall/v1/auth/email-change/cancel", &json!({"token": late})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("too late"), "{body}");
    // The new address is the one a password reset now goes to.
    expect_status(
        anon.post("/api/guildhall/v1/auth/password-reset", &json!({"email": "dan3@alpha.test"})).await,
        StatusCode::ACCEPTED,
        "reset",
    );
    queue_settles(&admin, 7).await;
    message(&smtpd, 7, "dan3@alpha.test", "Reset your password").await;
}

#[tokio::test]
async fn with_email_off_the_requirement_cannot_be_set_and_an_address_changes_at_once() {
    let alpha = InProcessInstance::start("alpha").await;
    let admin = alpha.admin_client().await;
    let (status, body) =
        admin.patch("/api/guildhall/v1/admin/settings", &json!({"require_email_confirmation": true})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("SMTP"), "{body}");
    let fay = member(&alpha, "fay").await;
    let (status, body) = fay
        .post("/api/guildhall/v1/accounts/me/email", &json!({"email": "fay2@alpha.test", "current_password": PASSWORD}))
        .await;
    assert_eq!((status, body["pending"].as_bool()), (StatusCode::OK, Some(false)), "{body}");
    assert_eq!(me(&fay).await["email"], "fay2@alpha.test");
    let (status, body) = confirm(&alpha.client(), "anything").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let page = reqwest::get(alpha.url("/email/resend")).await.expect("resend page");
    assert!(page.text().await.unwrap_or_default().contains("Email is off"));
}
