//! A server killed (SIGKILL) while it migrates its database, as when a host is powered off
//! mid-upgrade, finishes the migrations on its next start: no half-applied migration stops
//! it ("table already exists"), none is skipped.

use std::time::Duration;

use federation_tests::{Instance, StatusCode, poll_every, random_alphanumeric};

/// How long one start may take to reach the migration it is killed in.
const DEADLINE: Duration = Duration::from_secs(30);
/// The line the migrator logs as it begins each migration.
const APPLYING: &str = "Applying migration '";
/// Upper bound on starts, so a server that never progresses fails the test instead of looping.
const MAX_STARTS: usize = 200;

/// What one start of the server came to.
enum Strike {
    /// It began its second migration: kill it.
    Now,
    /// It had no migration left to begin.
    NothingLeft,
    /// It stopped by itself, with an error.
    Failed,
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_killed_in_the_middle_of_its_migrations_completes_them_on_the_next_start() {
    let mut instance = Instance::unstarted("phoenix").await;
    let mut kills = 0;
    for _ in 0..MAX_STARTS {
        instance.spawn().await;
        // Strike as the second migration of this start begins, so each start applies at least
        // one and the kill lands in, or just around, the next one's statements.
        let struck = poll_every(Duration::from_millis(1), DEADLINE, || {
            let log = instance.log_of_this_start();
            let begun = log.matches(APPLYING).count();
            let outcome = if begun >= 2 {
                Some(Strike::Now)
            } else if log.contains("guildhall listening") || log.contains("No pending migrations") {
                Some(Strike::NothingLeft)
            } else if log.contains("guildhall: ") {
                // The server's own fatal message: it stopped by itself.
                Some(Strike::Failed)
            } else {
                None
            };
            std::future::ready(outcome)
        })
        .await;
        match struck {
            Some(Strike::Now) => {
                instance.kill();
                kills += 1;
            }
            Some(Strike::NothingLeft) => break,
            Some(Strike::Failed) | None => {
                panic!("start {} after {kills} kills did not migrate:\n{}", kills + 1, instance.log_tail())
            }
        }
    }
    assert!(kills >= 10, "only {kills} starts were killed mid-migration: the test did not strike");

    instance.restart().await;
    assert!(
        !instance.log_of_this_start().contains("ERROR"),
        "the start after the kills logged an error:\n{}",
        instance.log_tail()
    );
    let db = guildhall_store::connect(instance.database_url()).await.expect("connect to the instance's database");
    let pending = guildhall_store::pending_migrations(&db).await.expect("read the applied migrations");
    assert_eq!(pending, 0, "migrations still pending after {kills} kills");

    // The instance works: the first start's administrator exists, and an account created
    // now signs in.
    let password = random_alphanumeric(20);
    instance
        .cli(&["admin", "create-user", "steward", "--email", "steward@phoenix.test", "--password", &password])
        .await;
    let (status, body) = instance.client().try_login("steward", &password).await;
    assert_eq!(status, StatusCode::OK, "sign-in after recovery: {body}");
}
