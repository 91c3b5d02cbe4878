//! Fan-out benchmark: one Guildhall instance, a community followed from N simulated remote
//! instances (each a separate loopback server with its own actor), then one new discussion:
//! how long until every instance has received it.
//!
//! Run against a release build (loopback must be allowed explicitly in release builds):
//!
//! ```text
//! cargo build --release -p guildhall -p federation-tests
//! DANGER_FEDERATION_ALLOW_LOCAL_IP=1 GUILDHALL_BIN=target/release/guildhall \
//!     target/release/fanout --instances 100 --posts 5
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::peer::{FakePeer, Software, generate_key};
use federation_tests::{Instance, StatusCode, expect_status, json, poll_every};

struct Args {
    instances: usize,
    posts: usize,
}

fn args() -> Args {
    let mut a = Args { instances: 100, posts: 5 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse().ok());
        match (flag.as_str(), value) {
            ("--instances", Some(v)) => a.instances = v,
            ("--posts", Some(v)) => a.posts = v,
            _ => {
                eprintln!("usage: fanout [--instances N] [--posts N]");
                std::process::exit(2);
            }
        }
    }
    a
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let server = Instance::start("fanout").await;
    let admin = server.admin_client().await;
    expect_status(
        admin.post("/api/guildhall/v1/communities", &json!({"name": "bench", "title": "Bench"})).await,
        StatusCode::CREATED,
        "create community",
    );
    let community = format!("{}/c/bench", server.base_url().replace("127.0.0.1", "localhost"));

    // N remote instances, one follower each; one shared key keeps set-up fast.
    let key = Arc::new(generate_key().await);
    let mut peers = Vec::with_capacity(a.instances);
    let started = Instant::now();
    for i in 0..a.instances {
        let peer = FakePeer::start(Software::ALL[i % Software::ALL.len()]).await;
        let actor = peer.add_actor_with_key(&format!("follower{i}"), key.clone());
        peers.push((peer, actor));
    }
    let follows = peers.iter().map(|(_, actor)| {
        let (actor, community) = (actor.clone(), community.clone());
        async move { actor.follow(&community).await }
    });
    futures_join_all(follows).await;
    println!("{} remote instances following (set-up {:.1}s)", a.instances, started.elapsed().as_secs_f64());

    let mut all_times = Vec::new();
    let mut first_times = Vec::new();
    for n in 0..a.posts {
        for (peer, _) in &peers {
            peer.clear_received();
        }
        let title = format!("Post {n}");
        let posted = Instant::now();
        expect_status(
            admin
                .post("/api/guildhall/v1/communities/bench/discussions", &json!({"title": title, "body": "fan-out"}))
                .await,
            StatusCode::CREATED,
            "post",
        );
        let accepted = posted.elapsed();
        let mut first: Option<Duration> = None;
        let mut arrived = 0;
        let done = poll_every(Duration::from_millis(2), Duration::from_secs(60), || {
            arrived = peers.iter().filter(|(p, _)| p.received().iter().any(|x| x["type"] == "Announce")).count();
            if arrived > 0 && first.is_none() {
                first = Some(posted.elapsed());
            }
            std::future::ready((arrived == peers.len()).then_some(()))
        })
        .await;
        assert!(done.is_some(), "only {arrived}/{} instances received post {n}", peers.len());
        let all = posted.elapsed();
        println!(
            "post {n}: API answered in {:.1} ms; first instance after {:.1} ms; all {} after {:.1} ms",
            accepted.as_secs_f64() * 1e3,
            first.unwrap_or_default().as_secs_f64() * 1e3,
            peers.len(),
            all.as_secs_f64() * 1e3
        );
        all_times.push(all);
        first_times.push(first.unwrap_or_default());
    }
    all_times.sort();
    first_times.sort();
    println!(
        "fan-out to {} instances over {} posts: all acknowledged median {:.1} ms, max {:.1} ms; first delivery median {:.1} ms",
        peers.len(),
        a.posts,
        percentile(&all_times, 0.5).as_secs_f64() * 1e3,
        percentile(&all_times, 1.0).as_secs_f64() * 1e3,
        percentile(&first_times, 0.5).as_secs_f64() * 1e3,
    );
}

/// Runs futures concurrently (a tiny join_all, to avoid another dependency).
async fn futures_join_all<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for f in futs {
        set.spawn(f);
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.expect("task"));
    }
    out
}
