//! Multi-instance test harness for Guildhall.
//!
//! Every instance has its own loopback port, temporary directory and database, and scenarios
//! talk to it over HTTP, between independent servers. An instance runs one of two ways, with the
//! same client-facing side ([`Endpoint`]):
//!
//! - [`InProcessInstance`]: the `guildhall` library's server builder inside the test process.
//!   Quick to start; the default for scenarios.
//! - [`Instance`]: a real `guildhall serve` process, for scenarios that restart or kill a server,
//!   check durability across restarts, or run the command line.
//!
//! [`Instance`] needs the `guildhall` binary. `cargo test --workspace` builds it (the `guildhall`
//! crate has integration tests); otherwise run `cargo build -p guildhall` first, or point
//! `GUILDHALL_BIN` at a binary.
//!
//! Environment variables read by the harness:
//!
//! - `GUILDHALL_BIN`: path of the server binary (default: `guildhall` next to the test
//!   executable's `target/<profile>/` directory).
//! - `GUILDHALL_TEST_DATABASE_URL`: a `postgres://` URL of an existing database. When set, every
//!   instance gets a fresh PostgreSQL database (created and dropped with `psql`) instead of
//!   SQLite.
//! - `GUILDHALL_TEST_LOG`: log filter passed to server processes as `GUILDHALL_LOG` (default
//!   `info`); in-process instances log to the test's output only when it is set.
//! - `GUILDHALL_TEST_KEEP`: when set to `1`, temporary directories and databases are kept after
//!   the test. They are always kept (and their path printed) when a test panics.
//!
//! Tests wait with [`poll_until`], never with fixed sleeps.

mod binary;
mod client;
pub mod community;
mod database;
mod endpoint;
pub mod fixtures;
pub mod hostile;
mod in_process;
mod instance;
pub mod interop;
pub mod matrix;
pub mod peer;
mod process;
pub mod proxy;
pub mod smtp;

use std::future::Future;
use std::time::Duration;

pub use binary::{BIN_ENV, locate_binary};
pub use client::Client;
pub use database::POSTGRES_ENV;
pub use endpoint::{Credentials, Endpoint};
pub use in_process::{InProcessInstance, panics_so_far};
pub use instance::{CLI_TIMEOUT, Instance, LOG_TAIL_LINES, READY_TIMEOUT, STOP_GRACE};
pub use reqwest::{Method, StatusCode};
pub use serde_json::{Value, json};

/// How often [`poll_until`] retries.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Calls `f` every [`POLL_INTERVAL`] until it returns `Some`, and returns that value.
///
/// Panics with a message naming `what` when `deadline` (measured from the call) passes first,
/// including when a single attempt is still running at the deadline.
///
/// ```no_run
/// # async fn demo(client: federation_tests::Client) {
/// use std::time::Duration;
/// use federation_tests::{poll_until, StatusCode};
///
/// let discussion = poll_until(Duration::from_secs(10), "discussion to arrive", || async {
///     let (status, body) = client.get("/api/guildhall/v1/discussions/1").await;
///     (status == StatusCode::OK).then_some(body)
/// })
/// .await;
/// # }
/// ```
pub async fn poll_until<T, F, Fut>(deadline: Duration, what: &str, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    match poll_every(POLL_INTERVAL, deadline, f).await {
        Some(value) => value,
        None => panic!("timed out after {deadline:?} waiting for {what}"),
    }
}

/// Calls `f` every `interval` until it returns `Some`, and returns that value; `None` once
/// `deadline` (measured from the call) passes, including while an attempt is still running.
/// Every wait in the harness goes through here.
pub async fn poll_every<T, F, Fut>(interval: Duration, deadline: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let end = tokio::time::Instant::now() + deadline;
    // Attempts start on a fixed tick (the first at once), each bounded by the deadline.
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if tokio::time::timeout_at(end, ticks.tick()).await.is_err() {
            return None;
        }
        match tokio::time::timeout_at(end, f()).await {
            Ok(Some(value)) => return Some(value),
            Ok(None) => continue,
            Err(_) => return None,
        }
    }
}

/// Asserts that a response from [`Client`] has status `expected` and returns its body.
///
/// `what` describes the request for the panic message, which also shows the body (usually the
/// server's `{"error", "message"}` explanation).
#[track_caller]
pub fn expect_status(response: (StatusCode, Value), expected: StatusCode, what: &str) -> Value {
    let (status, body) = response;
    assert_eq!(status, expected, "{what}: expected HTTP {expected}, got {status} with body {body}");
    body
}

/// Asserts that `body` is a Guildhall error body, `{"error": code, "message": text}`, and returns
/// the error code.
#[track_caller]
pub fn expect_error_body(body: &Value) -> &str {
    let code = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("error body without a string `error` field: {body}"));
    assert!(body.get("message").is_some_and(Value::is_string), "error body without a string `message` field: {body}");
    code
}

/// Renders an identifier from a JSON body (`"id": 7` or `"id": "01J…"`) for use in a path.
///
/// Panics when `value` is neither a string nor a number.
#[track_caller]
pub fn id_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("expected an id (string or number), got {other}"),
    }
}

/// Random lowercase hexadecimal string of `len` characters (not cryptographically strong).
pub fn random_hex(len: usize) -> String {
    random_from(b"0123456789abcdef", len)
}

/// Random alphanumeric string of `len` characters (not cryptographically strong, but unique
/// enough for test passwords and names).
pub fn random_alphanumeric(len: usize) -> String {
    random_from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", len)
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    // `RandomState` is seeded from the operating system; hashing a counter with it gives
    // independent-looking values without adding a dependency.
    let state = RandomState::new();
    (0..len)
        .map(|_| {
            let n = state.hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
            let index = usize::try_from(n % alphabet.len() as u64).unwrap_or_default();
            char::from(alphabet[index])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn random_strings_have_the_right_shape() {
        let hex = random_hex(12);
        assert_eq!(hex.len(), 12);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        let password = random_alphanumeric(20);
        assert_eq!(password.len(), 20);
        assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(random_alphanumeric(20), random_alphanumeric(20));
    }

    #[test]
    fn ids_render_from_strings_and_numbers() {
        assert_eq!(id_of(&json!(42)), "42");
        assert_eq!(id_of(&json!("abc")), "abc");
    }

    #[test]
    fn error_bodies_are_checked() {
        let body = json!({"error": "not_found", "message": "no such community"});
        assert_eq!(expect_error_body(&body), "not_found");
    }

    #[tokio::test]
    async fn poll_until_retries_until_some() {
        let calls = AtomicU32::new(0);
        let value = poll_until(Duration::from_secs(5), "third call", || async {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            (n == 3).then_some(n)
        })
        .await;
        assert_eq!(value, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "waiting for nothing")]
    async fn poll_until_panics_on_timeout() {
        poll_until(Duration::from_millis(120), "nothing", || async { None::<()> }).await;
    }
}
