//! The state behind sign-in backoff (rules in `guildhall_domain::sign_in_backoff`): recent
//! failures per account, per client address and per known device, in memory. A restart
//! forgets them, which only ends the current waits early.

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration as StdDuration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use guildhall_domain::sign_in_backoff::{Backoff, Failures, address_bucket};
use moka::future::Cache;
use ring::hmac;
use sha2::{Digest, Sha256};

/// How long a device stays known after a successful sign-in on it.
const DEVICE_DAYS: i64 = 365;

/// What failures are counted under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// The username tried (also unknown ones, so a 429 does not reveal which exist).
    Account(String),
    /// The client's address (grouped by [`address_bucket`]).
    Address(IpAddr),
    /// A known device's token (its hash).
    Device(String),
}

/// Throttled sign-ins of one username, for the admin.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ThrottledSignIns {
    /// The username that was tried.
    pub username: String,
    /// Attempts answered "try later" since the process started (or the last 24 hours).
    pub throttled: u64,
    /// The last one.
    pub last_at: DateTime<Utc>,
}

/// Sign-in backoff state of one instance.
pub struct SignInGuard {
    per_account: Backoff,
    per_address: Backoff,
    failures: Cache<Key, Failures>,
    throttled: Cache<String, ThrottledSignIns>,
    skew: Mutex<Duration>,
}

impl Default for SignInGuard {
    fn default() -> Self {
        Self::new(Backoff::PER_ACCOUNT, Backoff::PER_ADDRESS)
    }
}

impl SignInGuard {
    /// A guard with these rules.
    pub fn new(per_account: Backoff, per_address: Backoff) -> Self {
        let longest = [per_account.window, per_account.max_delay, per_address.window, per_address.max_delay]
            .into_iter()
            .max()
            .unwrap_or(Duration::minutes(15));
        // Entries outlive every rule's window and delay (skew aside: see `skip_ahead`).
        let ttl = longest.to_std().unwrap_or(StdDuration::from_secs(900)) + StdDuration::from_secs(60);
        SignInGuard {
            per_account,
            per_address,
            failures: Cache::builder().max_capacity(100_000).time_to_live(ttl).build(),
            throttled: Cache::builder().max_capacity(10_000).time_to_live(StdDuration::from_secs(86_400)).build(),
            skew: Mutex::new(Duration::zero()),
        }
    }

    /// The guard's clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.skew.lock().map(|s| *s).unwrap_or_else(|e| *e.into_inner())
    }

    /// Moves this guard's clock forward, so tests can see a wait end without waiting.
    pub fn skip_ahead(&self, by: Duration) {
        let mut s = self.skew.lock().unwrap_or_else(|e| e.into_inner());
        *s += by;
    }

    fn rule(&self, key: &Key) -> &Backoff {
        match key {
            Key::Address(_) => &self.per_address,
            Key::Account(_) | Key::Device(_) => &self.per_account,
        }
    }

    /// The keys an attempt counts under: the device alone when it is known, else the account
    /// and the address.
    pub(crate) fn keys(username: &str, address: Option<IpAddr>, device: Option<&str>) -> Vec<Key> {
        match device {
            Some(token) => vec![Key::Device(hex_sha256(token.as_bytes()))],
            None => {
                let mut keys = vec![Key::Account(username.to_owned())];
                keys.extend(address.map(|a| Key::Address(address_bucket(a))));
                keys
            }
        }
    }

    /// The longest wait any key imposes now, in seconds.
    pub(crate) async fn wait(&self, keys: &[Key], now: DateTime<Utc>) -> Option<u64> {
        let mut longest = None;
        for k in keys {
            if let Some(f) = self.failures.get(k).await {
                longest = longest.max(f.wait(self.rule(k), now));
            }
        }
        longest
    }

    /// Counts a wrong password under every key.
    pub(crate) async fn failed(&self, keys: &[Key], now: DateTime<Utc>) {
        for k in keys {
            let rule = *self.rule(k);
            self.failures
                .entry(k.clone())
                .and_compute_with(|old| {
                    let next = Failures::after_failure(old.map(|e| e.into_value()), &rule, now);
                    std::future::ready(moka::ops::compute::Op::Put(next))
                })
                .await;
        }
    }

    /// Forgets the account's and device's failures after a right password (the address keeps
    /// its count: one good account must not wash an address's guesses at others).
    pub(crate) async fn succeeded(&self, keys: &[Key]) {
        for k in keys.iter().filter(|k| !matches!(k, Key::Address(_))) {
            self.failures.invalidate(k).await;
        }
    }

    /// Records a throttled attempt for the admin.
    pub(crate) async fn note_throttled(&self, username: &str, now: DateTime<Utc>) {
        self.throttled
            .entry(username.to_owned())
            .and_compute_with(|old| {
                let throttled = old.map(|e| e.into_value().throttled).unwrap_or(0) + 1;
                let next = ThrottledSignIns { username: username.to_owned(), throttled, last_at: now };
                std::future::ready(moka::ops::compute::Op::Put(next))
            })
            .await;
    }

    /// Throttled sign-ins per username, most first.
    pub fn throttled(&self) -> Vec<ThrottledSignIns> {
        let mut all: Vec<_> = self.throttled.iter().map(|(_, v)| v).collect();
        all.sort_by(|a, b| b.throttled.cmp(&a.throttled).then_with(|| a.username.cmp(&b.username)));
        all
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The MAC key of an account's device tokens: its password hash, secret to the server, kept
/// across restarts, and changed with the password, which forgets every device.
fn device_key(password_hash: &str) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA256, password_hash.as_bytes())
}

/// What a device token's MAC covers.
fn device_message(account_id: i64, issued: i64) -> String {
    format!("guildhall-device-v1:{account_id}:{issued}")
}

/// A token saying "this device signed in to this account at `now`".
pub(crate) fn issue_device_token(account_id: i64, password_hash: &str, now: DateTime<Utc>) -> String {
    let issued = now.timestamp();
    let tag = hmac::sign(&device_key(password_hash), device_message(account_id, issued).as_bytes());
    format!("{account_id}.{issued}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// Whether `token` was issued by [`issue_device_token`] for this account (and password) within
/// the last year. The MAC is compared in constant time (`ring::hmac::verify`).
pub(crate) fn device_is_known(token: &str, account_id: i64, password_hash: &str, now: DateTime<Utc>) -> bool {
    let mut parts = token.splitn(3, '.');
    let (Some(id), Some(issued), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return false };
    let (Ok(id), Ok(issued), Ok(mac)) = (id.parse::<i64>(), issued.parse::<i64>(), URL_SAFE_NO_PAD.decode(mac)) else {
        return false;
    };
    let age = now.timestamp().saturating_sub(issued);
    id == account_id
        && (0..DEVICE_DAYS * 86_400).contains(&age)
        && hmac::verify(&device_key(password_hash), device_message(account_id, issued).as_bytes(), &mac).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_tokens_are_bound_to_account_password_and_time() {
        let now = Utc::now();
        let t = issue_device_token(7, "$argon2id$hash-a", now);
        assert!(device_is_known(&t, 7, "$argon2id$hash-a", now));
        assert!(device_is_known(&t, 7, "$argon2id$hash-a", now + Duration::days(364)));
        assert!(!device_is_known(&t, 7, "$argon2id$hash-a", now + Duration::days(366)), "expired");
        assert!(!device_is_known(&t, 8, "$argon2id$hash-a", now), "another account");
        assert!(!device_is_known(&t, 7, "$argon2id$hash-b", now), "the password changed");
        let forged = t.replace("7.", "8.");
        assert!(!device_is_known(&forged, 8, "$argon2id$hash-a", now));
        for bad in ["", "7", "7.1", "x.y.z", "7.1.", &format!("{t}x")] {
            assert!(!device_is_known(bad, 7, "$argon2id$hash-a", now), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn known_devices_count_apart_from_the_account_and_address() {
        let g = SignInGuard::default();
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let unknown = SignInGuard::keys("ada", Some(ip), None);
        let known = SignInGuard::keys("ada", Some(ip), Some("tok"));
        let now = g.now();
        for _ in 0..5 {
            g.failed(&unknown, now).await;
        }
        assert_eq!(g.wait(&unknown, now).await, Some(30));
        assert_eq!(g.wait(&known, now).await, None, "a known device is not held back by others' guesses");
        g.skip_ahead(Duration::seconds(30));
        assert_eq!(g.wait(&unknown, g.now()).await, None, "the wait ends");
        g.succeeded(&unknown).await;
        assert_eq!(g.failures.get(&Key::Address(ip)).await.map(|f| f.count), Some(5), "the address keeps its count");
    }
}
