//! Leak matrix rows for email bodies: a private community's post title and content never
//! appear in an email to a non-member (even one mentioned) or to a member banned before the
//! send; a control row shows the same pipeline does email a public community's reply.
//! Runs with a real SMTP server (`aiosmtpd`, see `email_reset.rs`).

use federation_tests::community::member;
use federation_tests::{StatusCode, expect_status, id_of, json};

use crate::email_notifications::{notified, run_jobs};
use federation_tests::smtp::{Smtpd, confirm_addresses, python, queue_settles, start_instance, without_confirmations};

const SECRET_TITLE: &str = "Merger codename Heron";
const SECRET_BODY: &str = "board meets Tuesday";

#[tokio::test(flavor = "multi_thread")]
async fn private_posts_never_reach_a_non_member_or_banned_member_by_email() {
    let Some(python) = python() else { return };
    let mut smtpd = Smtpd::unstarted(&python);
    smtpd.start().await;
    let alpha = start_instance("alpha", &smtpd).await;
    let admin = alpha.admin_client().await;
    let (owner, carol, eve) = tokio::join!(member(&alpha, "owner"), member(&alpha, "carol"), member(&alpha, "eve"));
    assert_eq!(confirm_addresses(&smtpd, &admin, 3).await, 3);
    for (name, visibility) in [("board", "private"), ("open", "public")] {
        expect_status(
            owner
                .post("/api/guildhall/v1/communities", &json!({"name": name, "title": name, "visibility": visibility}))
                .await,
            StatusCode::CREATED,
            "create",
        );
    }
    expect_status(
        carol.post("/api/guildhall/v1/communities/board/join", &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "ask",
    );
    expect_status(
        owner.post("/api/guildhall/v1/communities/board/join-requests/carol/accept", &json!({})).await,
        StatusCode::NO_CONTENT,
        "accept",
    );
    expect_status(
        carol.post("/api/guildhall/v1/communities/open/join", &json!({"accept_charter": true})).await,
        StatusCode::OK,
        "join",
    );
    let secret = expect_status(
        carol
            .post("/api/guildhall/v1/communities/board/discussions", &json!({"title": SECRET_TITLE, "body": "?"}))
            .await,
        StatusCode::CREATED,
        "private post",
    );
    let open = expect_status(
        carol.post("/api/guildhall/v1/communities/open/discussions", &json!({"title": "Lunch", "body": "?"})).await,
        StatusCode::CREATED,
        "public post",
    );
    // The owner replies in the private community, mentioning eve (not a member), then bans
    // carol before any email goes out; and replies in the public one (the control).
    expect_status(
        owner
            .post(
                &format!("/api/guildhall/v1/discussions/{}/replies", id_of(&secret["id"])),
                &json!({"body": format!("@eve {SECRET_BODY}")}),
            )
            .await,
        StatusCode::CREATED,
        "private reply",
    );
    notified(&carol, "reply").await;
    let r = owner.post("/api/guildhall/v1/communities/board/bans", &json!({"username": "carol"})).await;
    assert!(r.0.is_success(), "ban: {r:?}");
    expect_status(
        owner
            .post(&format!("/api/guildhall/v1/discussions/{}/replies", id_of(&open["id"])), &json!({"body": "Noon"}))
            .await,
        StatusCode::CREATED,
        "public reply",
    );
    // Two messages: the owner hears of carol's join request; carol of the public reply only.
    assert_eq!(run_jobs(&alpha).await, 2);
    queue_settles(&admin, 5).await;
    let messages = without_confirmations(&smtpd.wait_for(5).await);
    let to_carol: Vec<_> = messages.iter().filter(|m| m["to"] == "carol@alpha.test").collect();
    assert_eq!(to_carol.len(), 1, "{messages:?}");
    assert!(to_carol[0]["subject"].as_str().unwrap().contains("Lunch"), "the control arrives: {messages:?}");
    assert!(messages.iter().all(|m| m["to"] != "eve@alpha.test"), "{messages:?}");
    for m in &messages {
        for part in ["subject", "text", "html"] {
            let s = m[part].as_str().unwrap_or_default();
            assert!(!s.contains(SECRET_TITLE) && !s.contains(SECRET_BODY), "{part} leaks the private post: {m}");
        }
    }
    let _ = eve;
}
