//! Digest benchmark: how long one run of the daily digest job takes for N members (default
//! 10,000), each with a few unread notifications in two of 20 communities. It times composing
//! and queueing the messages (the SMTP server is not involved: sending is the email worker's
//! job, and the queue is what a restart resumes), then a second run, which must find every
//! digest already claimed and send nothing.
//!
//! SQLite by default (a fresh file); PostgreSQL when `GUILDHALL_TEST_DATABASE_URL` is set:
//!
//! ```text
//! cargo run --release -p federation-tests --bin digest_bench -- --members 10000
//! GUILDHALL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guildhall_test \
//!     cargo run --release -p federation-tests --bin digest_bench -- --members 10000
//! ```

use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use guildhall_app::email::{Mailer, OutgoingEmail};
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_domain::{AccountStatus, MembershipStatus};
use guildhall_store::TransactionTrait;
use guildhall_store::entities::email_setting;
use guildhall_store::notifications::NewNotification;

/// An email port that is never called (the benchmark does not deliver).
struct NoMail;

#[async_trait::async_trait]
impl Mailer for NoMail {
    async fn send(&self, _: &OutgoingEmail) -> Result<(), String> {
        Ok(())
    }
}

const COMMUNITIES: usize = 20;

fn members_arg() -> usize {
    let mut it = std::env::args().skip(1);
    let mut members = 10_000;
    while let Some(flag) = it.next() {
        match (flag.as_str(), it.next().and_then(|v| v.parse().ok())) {
            ("--members", Some(n)) => members = n,
            _ => {
                eprintln!("usage: digest_bench [--members N]");
                std::process::exit(2);
            }
        }
    }
    members
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let members = members_arg();
    let test_db = guildhall_store::testing::fresh_database().await;
    let db = test_db.db.clone();
    guildhall_store::settings::get(&db).await.expect("settings row");
    let ctx = AppContext::new(db.clone(), InstanceInfo { domain: "bench.example".into(), https: true });
    ctx.set_mailer(Arc::new(NoMail)).expect("mailer");
    let backend =
        if std::env::var("GUILDHALL_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) { "PostgreSQL" } else { "SQLite" };

    // Set-up: an owner, 20 public communities with one discussion each.
    let seeding = Instant::now();
    let owner =
        guildhall_app::auth::create_account(&ctx, "owner", Some("owner@bench.example"), "correct horse battery", true)
            .await
            .expect("owner");
    let viewer = Viewer { account_id: owner.id, username: owner.username.clone(), is_admin: true };
    let mut places = Vec::new();
    for i in 0..COMMUNITIES {
        let name = format!("community{i}");
        let new = guildhall_app::communities::NewCommunity {
            name: name.clone(),
            title: format!("Community {i}"),
            ..Default::default()
        };
        let c = guildhall_app::communities::create(&ctx, &viewer, new).await.expect("community");
        let d = guildhall_app::discussions::create(&ctx, &viewer, &name, &format!("Question {i}"), "Why?")
            .await
            .expect("discussion");
        places.push((c.id, d.id));
    }
    // N members (no password: they never sign in), each in two communities, daily digest
    // chosen yesterday, three unread notifications from an hour ago.
    let now = Utc::now().date_naive().and_hms_opt(9, 0, 0).expect("09:00").and_utc() + Duration::days(1);
    let txn = db.begin().await.expect("begin");
    let mut notes = Vec::new();
    for i in 0..members {
        let a = guildhall_store::accounts::insert_account(
            &txn,
            guildhall_store::accounts::NewAccount {
                username: format!("m{i}"),
                email: Some(format!("m{i}@bench.example")),
                password_hash: "!".into(),
                display_name: format!("Member {i}"),
                is_admin: false,
                status: AccountStatus::Active,
                registration_reason: None,
                email_confirmed_at: Some(now),
            },
            now - Duration::days(30),
        )
        .await
        .expect("account");
        for k in [i % COMMUNITIES, (i + 7) % COMMUNITIES] {
            let (community_id, discussion_id) = places[k];
            guildhall_store::communities::insert_membership(
                &txn,
                guildhall_store::communities::NewMembership {
                    community_id,
                    account_id: a.id,
                    status: MembershipStatus::Active,
                    is_moderator: false,
                    request_message: None,
                    charter_accepted_at: Some(now),
                    follow_ap_id: None,
                },
                now - Duration::days(30),
            )
            .await
            .expect("membership");
            for kind in if k == i % COMMUNITIES { &["reply", "reply"][..] } else { &["mention"][..] } {
                notes.push(NewNotification {
                    account_id: a.id,
                    kind: (*kind).into(),
                    title: format!("Question {k}"),
                    body: "discussion".into(),
                    link: format!("/discussions/{discussion_id}"),
                    actor_id: Some(owner.id),
                    community_id: Some(community_id),
                    discussion_id: Some(discussion_id),
                    reply_id: None,
                });
            }
        }
        guildhall_store::email_notify::save_settings(
            &txn,
            email_setting::Model {
                account_id: a.id,
                mode: "daily".into(),
                kinds_off: "favourite,poll_closed".into(),
                quiet_start: None,
                quiet_end: None,
                last_digest_at: Some(now - Duration::days(1) - Duration::hours(3)),
                last_moderator_digest_at: None,
                updated_at: now - Duration::days(1) - Duration::hours(3),
            },
        )
        .await
        .expect("settings");
        if i % 1000 == 999 {
            eprintln!("seeded {} members", i + 1);
        }
    }
    let n_notes = notes.len();
    for chunk in notes.chunks(1000) {
        guildhall_store::notifications::insert_many(&txn, chunk.to_vec(), now - Duration::hours(1))
            .await
            .expect("notifications");
    }
    txn.commit().await.expect("commit");
    println!("seeded {members} members, {n_notes} notifications on {backend} in {:.1?}", seeding.elapsed());

    let run = Instant::now();
    let queued = guildhall_app::notify_email::send_digests(&ctx, now).await.expect("digest run");
    let first = run.elapsed();
    let run = Instant::now();
    let again = guildhall_app::notify_email::send_digests(&ctx, now).await.expect("second run");
    let second = run.elapsed();
    println!("digest run: {queued} digests composed and queued for {members} members in {first:.2?} ({backend})");
    println!("second run (all claimed): {again} queued in {second:.2?}");
    assert_eq!(queued, members, "one digest per member");
    assert_eq!(again, 0, "nothing twice");
}
