//! How sign-in attempts are slowed down after repeated wrong passwords: thresholds, the growth
//! of the delay and its cap, and which client addresses share a count. Pure; the state lives
//! in `app`.

use std::net::{IpAddr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};

/// One rule: how many failures are free within a window, then how long each next attempt waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed before any wait.
    pub free_failures: u32,
    /// Failures older than this (counted from the last one) are forgotten.
    pub window: Duration,
    /// The wait after the first failure over the threshold; it doubles with each further one.
    pub first_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Backoff {
    /// Per account: 5 failures within 15 minutes, then 30 s, 1 min, 2 min ... up to 15 min.
    pub const PER_ACCOUNT: Backoff = Backoff {
        free_failures: 5,
        window: Duration::minutes(15),
        first_delay: Duration::seconds(30),
        max_delay: Duration::minutes(15),
    };

    /// Per client address: 20 failures (over any accounts) within 15 minutes, then as above.
    pub const PER_ADDRESS: Backoff = Backoff {
        free_failures: 20,
        window: Duration::minutes(15),
        first_delay: Duration::seconds(30),
        max_delay: Duration::minutes(15),
    };

    /// The wait imposed after `failures` failures: none up to the threshold, then doubling
    /// from `first_delay`, never above `max_delay`.
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.free_failures)?;
        // 2^over overflows quickly; past 2^20 the cap has long been reached.
        let factor = 1i64 << over.min(20);
        let delay = self.first_delay.checked_mul(factor as i32).unwrap_or(self.max_delay);
        Some(delay.min(self.max_delay))
    }
}

/// Recent wrong passwords for one key (an account, an address or a device).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// How many, within the window.
    pub count: u32,
    /// When the last one happened.
    pub last: DateTime<Utc>,
}

impl Failures {
    /// The count after one more failure at `now` (starting again once the window has passed).
    pub fn after_failure(previous: Option<Failures>, rule: &Backoff, now: DateTime<Utc>) -> Failures {
        let count = match previous {
            Some(f) if now - f.last < rule.window => f.count.saturating_add(1),
            _ => 1,
        };
        Failures { count, last: now }
    }

    /// How long an attempt at `now` must still wait, in whole seconds rounded up; `None` when
    /// it may go ahead.
    pub fn wait(&self, rule: &Backoff, now: DateTime<Utc>) -> Option<u64> {
        let until = self.last + rule.delay_after(self.count)?;
        let left = until - now;
        if left <= Duration::zero() {
            return None;
        }
        let ms = left.num_milliseconds().max(1) as u64;
        Some(ms.div_ceil(1000))
    }

    /// Whether this record still matters at `now` (else it can be dropped).
    pub fn is_current(&self, rule: &Backoff, now: DateTime<Utc>) -> bool {
        now - self.last < rule.window || self.wait(rule, now).is_some()
    }
}

/// The address whose failures are counted together: IPv4 as is, an IPv4 address carried in
/// IPv6 as IPv4, and IPv6 by its /64 (one subscriber usually has a whole /64).
pub fn address_bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("valid time")
    }

    #[test]
    fn the_delay_starts_after_the_free_failures_doubles_and_is_capped() {
        let r = Backoff::PER_ACCOUNT;
        assert_eq!(r.delay_after(0), None);
        assert_eq!(r.delay_after(4), None);
        assert_eq!(r.delay_after(5), Some(Duration::seconds(30)));
        assert_eq!(r.delay_after(6), Some(Duration::seconds(60)));
        assert_eq!(r.delay_after(7), Some(Duration::seconds(120)));
        assert_eq!(r.delay_after(9), Some(Duration::seconds(480)));
        assert_eq!(r.delay_after(10), Some(Duration::minutes(15)), "960 s is over the cap");
        assert_eq!(r.delay_after(40), Some(Duration::minutes(15)));
        assert_eq!(r.delay_after(u32::MAX), Some(Duration::minutes(15)), "no overflow");
        assert_eq!(Backoff::PER_ADDRESS.delay_after(19), None);
        assert_eq!(Backoff::PER_ADDRESS.delay_after(20), Some(Duration::seconds(30)));
    }

    #[test]
    fn failures_count_within_the_window_and_start_again_after_it() {
        let r = Backoff::PER_ACCOUNT;
        let mut f = Failures::after_failure(None, &r, at(0));
        for i in 1..5 {
            f = Failures::after_failure(Some(f), &r, at(i));
        }
        assert_eq!(f.count, 5);
        let later = Failures::after_failure(Some(f), &r, at(4 + 15 * 60));
        assert_eq!(later.count, 1, "a quiet window forgets");
        let just_before = Failures::after_failure(Some(f), &r, at(4 + 15 * 60 - 1));
        assert_eq!(just_before.count, 6);
    }

    #[test]
    fn the_wait_counts_from_the_last_failure_and_ends() {
        let r = Backoff::PER_ACCOUNT;
        let four = Failures { count: 4, last: at(0) };
        assert_eq!(four.wait(&r, at(0)), None, "below the threshold nothing waits");
        let five = Failures { count: 5, last: at(0) };
        assert_eq!(five.wait(&r, at(0)), Some(30));
        assert_eq!(five.wait(&r, at(29)), Some(1));
        assert_eq!(five.wait(&r, at(30)), None, "over when the delay has passed");
        let half = at(0) + Duration::milliseconds(29_500);
        assert_eq!(five.wait(&r, half), Some(1), "rounded up, never 0");
        let many = Failures { count: 50, last: at(0) };
        assert_eq!(many.wait(&r, at(0)), Some(900), "capped at 15 minutes");
        assert!(many.is_current(&r, at(899)));
        assert!(!many.is_current(&r, at(900)));
        assert!(four.is_current(&r, at(60)));
        assert!(!four.is_current(&r, at(15 * 60)));
    }

    #[test]
    fn addresses_are_grouped_by_ipv4_and_ipv6_prefix() {
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(address_bucket(v4), v4);
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(address_bucket(mapped), v4);
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_bucket(a), address_bucket(b), "one /64");
        assert_ne!(address_bucket(a), address_bucket(c));
    }
}
