//! PostgreSQL goes away under load (every connection dropped, new ones refused, as in a
//! restart) and comes back: the instance answers 503 `database_unavailable` with a wait
//! meanwhile (never a bare 500), loses nothing it accepted, says so in its log, and recovers
//! on its own, without a restart.

use std::sync::Arc;
use std::time::Duration;

use federation_tests::community::LocalCommunity;
use federation_tests::proxy::CuttableProxy;
use federation_tests::{Client, Instance, StatusCode, id_of, poll_until};
use serde_json::json;
use tokio::sync::Mutex;

const DEADLINE: Duration = Duration::from_secs(60);

/// What the load saw: ids of accepted posts, and refusals.
#[derive(Default)]
struct Seen {
    accepted: Vec<String>,
    refused: Vec<(StatusCode, String)>,
}

#[tokio::test(flavor = "multi_thread")]
async fn a_database_restart_under_load_is_503_loses_nothing_and_heals_itself() {
    if !std::env::var(federation_tests::POSTGRES_ENV).is_ok_and(|url| !url.is_empty()) {
        // SQLite is a file inside the process: it has no server to lose.
        eprintln!("faults_database: PostgreSQL scenario, run by the PostgreSQL pass of the suite");
        return;
    }
    let mut instance = Instance::start("steadfast").await;
    let community = LocalCommunity::create(&instance, "host", "lounge").await;
    let proxy = CuttableProxy::start(instance.database_address()).await;
    instance.route_database_through(proxy.port());
    instance.restart().await;

    // Two writers post discussions as fast as they are answered, for the whole scenario.
    let seen = Arc::new(Mutex::new(Seen::default()));
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let path = format!("/api/guildhall/v1/communities/{}/discussions", community.name);
    let mut writers = Vec::new();
    for writer in 0..2 {
        let (client, path, seen, running) =
            (community.owner.clone(), path.clone(), Arc::clone(&seen), Arc::clone(&running));
        writers.push(tokio::spawn(write_until_stopped(client, path, seen, running, writer)));
    }
    let accepted_before = |n| {
        let seen = Arc::clone(&seen);
        async move { (seen.lock().await.accepted.len() >= n).then_some(()) }
    };
    poll_until(DEADLINE, "posts before the outage", || accepted_before(10)).await;

    proxy.cut();
    let (status, body) = instance.client().get("/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "/ready while the database is away: {body}");
    // The database stays away until both writers have been refused.
    let refused = |n| {
        let seen = Arc::clone(&seen);
        async move { (seen.lock().await.refused.len() >= n).then_some(()) }
    };
    poll_until(DEADLINE, "refusals while the database is away", || refused(2)).await;
    let accepted_during = seen.lock().await.accepted.len();
    proxy.restore().await;

    // It heals itself: posts are accepted again, without a restart.
    poll_until(DEADLINE, "posts after the outage", || accepted_before(accepted_during + 10)).await;
    running.store(false, std::sync::atomic::Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("a writer panicked");
    }

    let seen = seen.lock().await;
    assert!(!seen.refused.is_empty(), "no request was refused: the outage did not happen");
    for (status, body) in &seen.refused {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "a refusal during the outage: {body}");
        assert!(body.contains("database_unavailable"), "a refusal during the outage: {body}");
    }
    for id in &seen.accepted {
        let (status, body) = community.owner.get(&format!("/api/guildhall/v1/discussions/{id}")).await;
        assert_eq!(status, StatusCode::OK, "accepted discussion {id} is lost: {body}");
    }
    assert!(
        instance.log_of_this_start().contains("the database is unavailable"),
        "the log must say what happened:\n{}",
        instance.log_tail()
    );
    let (status, body) = instance.client().get("/ready").await;
    assert_eq!(status, StatusCode::OK, "/ready after the outage: {body}");
}

/// Posts discussions one after another until `running` is cleared, recording each answer.
async fn write_until_stopped(
    client: Client,
    path: String,
    seen: Arc<Mutex<Seen>>,
    running: Arc<std::sync::atomic::AtomicBool>,
    writer: usize,
) {
    let mut n = 0;
    while running.load(std::sync::atomic::Ordering::SeqCst) {
        n += 1;
        let body = json!({"title": format!("Note {writer}.{n}"), "body": "Written while the database may be away."});
        let (status, answer) = client.post(&path, &body).await;
        let mut seen = seen.lock().await;
        if status == StatusCode::CREATED {
            seen.accepted.push(id_of(&answer["id"]));
        } else {
            seen.refused.push((status, answer.to_string()));
        }
    }
}
