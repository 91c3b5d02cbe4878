//! Inbox load benchmark: simulated remote instances, all members of one community, send
//! signed `Like` (or `Create{Note}` reply) activities to its inbox from 16 concurrent
//! connections. Requests are signed before the timed phase, so the generator measures the
//! server, not its own RSA signing.
//!
//! ```text
//! cargo build --release -p guildhall -p federation-tests
//! DANGER_FEDERATION_ALLOW_LOCAL_IP=1 GUILDHALL_BIN=target/release/guildhall \
//!     target/release/inbox_load --kind like --requests 5000 --peers 20
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::community::LocalCommunity;
use federation_tests::peer::{FakePeer, SignOptions, Software, generate_key};
use federation_tests::{Instance, json};

struct Args {
    kind: String,
    requests: usize,
    peers: usize,
    concurrency: usize,
}

fn args() -> Args {
    let mut a = Args { kind: "like".into(), requests: 5000, peers: 20, concurrency: 16 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_default();
        match flag.as_str() {
            "--kind" if v == "like" || v == "reply" => a.kind = v,
            "--requests" => a.requests = v.parse().unwrap_or(a.requests),
            "--peers" => a.peers = v.parse().unwrap_or(a.peers),
            "--concurrency" => a.concurrency = v.parse().unwrap_or(a.concurrency),
            _ => {
                eprintln!("usage: inbox_load [--kind like|reply] [--requests N] [--peers N] [--concurrency N]");
                std::process::exit(2);
            }
        }
    }
    a
}

fn cpu_seconds(pid: u32) -> f64 {
    // utime + stime from /proc/PID/stat, in clock ticks (100 per second on Linux).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let instance = Instance::start("inbox-load").await;
    let community = LocalCommunity::create(&instance, "owner", "bench").await;
    let key = Arc::new(generate_key().await);
    let mut actors = Vec::new();
    for i in 0..a.peers {
        let peer = FakePeer::start(Software::ALL[i % Software::ALL.len()]).await;
        let actor = peer.add_actor_with_key(&format!("member{i}"), key.clone());
        actor.follow(&community.url).await;
        actors.push(actor);
    }
    // Warm the server's actor cache: one activity per actor, not timed.
    let target = community.discussion_url.clone();
    let make = |actor: &federation_tests::peer::FakeActor, n: usize| -> serde_json::Value {
        if a.kind == "like" {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": actor.new_id("like"), "type": "Like",
                   "actor": actor.id(), "object": target, "audience": community.url})
        } else {
            json!({"@context": "https://www.w3.org/ns/activitystreams", "id": actor.new_id("create"), "type": "Create",
                   "actor": actor.id(), "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [community.url],
                   "object": {"id": actor.new_id("note"), "type": "Note", "attributedTo": actor.id(),
                              "inReplyTo": target, "content": format!("<p>reply {n}</p>"),
                              "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [community.url]}})
        }
    };
    for actor in &actors {
        let (status, body) = actor.sign_and_post(&community.inbox, &make(actor, 0)).await;
        assert!(status.is_success(), "warm-up refused: {status} {body}");
    }

    // Pre-sign every request.
    let mut prepared = Vec::with_capacity(a.requests);
    for n in 0..a.requests {
        let actor = &actors[n % actors.len()];
        let body = serde_json::to_vec(&make(actor, n)).expect("json");
        let headers = actor.signed_headers(&community.inbox, &body, &SignOptions::default());
        prepared.push((body, headers));
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(a.concurrency).build().expect("client");
    let queue = Arc::new(std::sync::Mutex::new(prepared));
    let pid = instance.pid().expect("server pid");
    let cpu_before = cpu_seconds(pid);
    let own_before = cpu_seconds(std::process::id());
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..a.concurrency {
        let (queue, client, inbox) = (queue.clone(), client.clone(), community.inbox.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            loop {
                let next = queue.lock().expect("queue").pop();
                let Some((body, headers)) = next else { break };
                let mut req = client.post(&inbox).body(body);
                for (k, v) in headers {
                    req = req.header(k, v);
                }
                let t = Instant::now();
                match req.send().await {
                    Ok(r) if r.status().is_success() => latencies.push(t.elapsed()),
                    _ => failures += 1,
                }
            }
            (latencies, failures)
        });
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut failures = 0;
    while let Some(r) = tasks.join_next().await {
        let (l, f) = r.expect("task");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    let server_cpu = cpu_seconds(pid) - cpu_before;
    let own_cpu = cpu_seconds(std::process::id()) - own_before;
    latencies.sort();
    let p = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
    println!(
        "{} signed {} from {} instances, {} connections: {:.0}/s accepted, {} failed; latency p50 {:.1} ms, p99 {:.1} ms; server CPU {:.1}s ({:.0}% of {:.1}s), generator CPU {:.1}s; server RSS {:.0} MB",
        latencies.len(),
        a.kind,
        a.peers,
        a.concurrency,
        latencies.len() as f64 / elapsed.as_secs_f64(),
        failures,
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
        server_cpu,
        100.0 * server_cpu / elapsed.as_secs_f64(),
        elapsed.as_secs_f64(),
        own_cpu,
        rss_mb(pid),
    );
}
