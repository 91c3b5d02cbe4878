//! Which other instances this one federates with: everyone (open), everyone but a blocklist,
//! or only an allowlist ("public servants only" networks); and which it limits (federates
//! with, but keeps out of public lists, like Mastodon's "limit").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How the instance list is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FederationMode {
    /// Federate with every instance.
    #[default]
    Open,
    /// Federate with every instance except those listed (and their subdomains).
    Blocklist,
    /// Federate only with the instances listed (and their subdomains).
    Allowlist,
}

impl FederationMode {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            FederationMode::Open => "open",
            FederationMode::Blocklist => "blocklist",
            FederationMode::Allowlist => "allowlist",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Blocklist, Self::Allowlist].into_iter().find(|m| m.as_str() == s)
    }
}

/// The instance's federation policy.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FederationPolicy {
    /// How `domains` is used.
    pub mode: FederationMode,
    /// Normalised entries (`host` or `host:port`).
    pub domains: Vec<String>,
    /// Limited instances (normalised, subdomains included): their communities and authors
    /// are left out of public lists but stay reachable for members.
    pub limited: Vec<String>,
}

impl FederationPolicy {
    /// Whether this instance talks to `authority` (`host` or `host:port` of a remote URL).
    pub fn allows(&self, authority: &str) -> bool {
        let Some(a) = normalise_host(authority) else { return false };
        let listed = self.domains.iter().any(|entry| matches(entry, &a));
        match self.mode {
            FederationMode::Open => true,
            FederationMode::Blocklist => !listed,
            FederationMode::Allowlist => listed,
        }
    }

    /// Whether `authority` (`host` or `host:port`; '' for this instance) is on a limited
    /// instance. Local content is never limited.
    pub fn is_limited(&self, authority: &str) -> bool {
        let Some(a) = normalise_host(authority) else { return false };
        self.limited.iter().any(|entry| matches(entry, &a))
    }
}

/// `entry` covers `authority`: the same host or a subdomain of it; an entry with a port covers
/// only that port.
fn matches(entry: &str, authority: &str) -> bool {
    let (host, port) = split_port(authority);
    let (entry_host, entry_port) = split_port(entry);
    if entry_port.is_some() && entry_port != port {
        return false;
    }
    host == entry_host || host.ends_with(&format!(".{entry_host}"))
}

fn split_port(a: &str) -> (&str, Option<&str>) {
    match a.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (a, None),
    }
}

/// The one normaliser for host comparisons: lowercase, one trailing dot removed, ASCII only
/// (enter IDNs as punycode), no scheme, path, query, fragment, user info or spaces.
pub fn normalise_host(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 260 || t.chars().any(|c| !c.is_ascii() || c.is_ascii_whitespace()) {
        return None;
    }
    if t.contains(['/', '?', '#', '@', '\\']) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let (host, port) = split_port(&lower);
    let host = host.strip_suffix('.').unwrap_or(host);
    let valid_host = !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        });
    if !valid_host || port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return None;
    }
    Some(match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: FederationMode, domains: &[&str]) -> FederationPolicy {
        FederationPolicy {
            mode,
            domains: domains.iter().map(|d| normalise_host(d).unwrap()).collect(),
            limited: vec![],
        }
    }

    #[test]
    fn limiting_covers_subdomains_and_ports_like_the_lists() {
        let p = FederationPolicy {
            limited: ["spam.example", "localhost:8003"].iter().map(|d| normalise_host(d).unwrap()).collect(),
            ..Default::default()
        };
        for limited in ["spam.example", "a.spam.example", "SPAM.example.", "spam.example:8443", "localhost:8003"] {
            assert!(p.is_limited(limited), "{limited}");
        }
        for not in ["example", "notspam.example", "spam.example.org", "localhost:8002", "localhost", "", "bad host"] {
            assert!(!p.is_limited(not), "{not}");
        }
        // Limiting is not blocking: the mode still decides whom the instance talks to.
        assert!(p.allows("spam.example"));
        assert!(!FederationPolicy::default().is_limited("spam.example"));
    }

    #[test]
    fn blocking_a_domain_blocks_its_subdomains_however_written() {
        let p = policy(FederationMode::Blocklist, &["example.org"]);
        for blocked in ["example.org", "sub.example.org", "SUB.EXAMPLE.org.", "example.org:8443"] {
            assert!(!p.allows(blocked), "{blocked}");
        }
        for allowed in ["example.com", "notexample.org", "example.org.evil.com", "gc.ca"] {
            assert!(p.allows(allowed), "{allowed}");
        }
    }

    #[test]
    fn allowlists_admit_only_listed_instances() {
        let p = policy(FederationMode::Allowlist, &["gc.ca", "localhost:8002"]);
        assert!(p.allows("tbs-sct.gc.ca"));
        assert!(p.allows("localhost:8002"));
        assert!(!p.allows("localhost:8003"), "a port in the entry is exact");
        assert!(!p.allows("mastodon.social"));
        assert!(!p.allows("gc.ca.evil.com"));
    }

    #[test]
    fn open_allows_all_but_nonsense() {
        let p = FederationPolicy::default();
        assert!(p.allows("anything.example"));
        assert!(!p.allows("bad host"));
    }

    #[test]
    fn the_normaliser_refuses_spoofing_shapes() {
        assert_eq!(normalise_host(" Mastodon.Social. ").as_deref(), Some("mastodon.social"));
        assert_eq!(normalise_host("localhost:8080").as_deref(), Some("localhost:8080"));
        for bad in [
            "mastodon.so/cial",
            "a@b.example",
            "x.example?q",
            "x.example#f",
            "",
            "-x.example",
            "x..example",
            "bücher.de",
            "x.example:0",
            "x.example:99999",
            "a b.example",
        ] {
            assert_eq!(normalise_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn modes_round_trip() {
        for m in ["open", "blocklist", "allowlist"] {
            assert_eq!(FederationMode::parse(m).map(|m| m.as_str()), Some(m));
        }
    }
}
