//! Which address a request comes from, for per-address limits (sign-in backoff, rate limits):
//! the connection's peer, unless that peer is a reverse proxy the admin trusts, in which case
//! the address the proxies forwarded. Pure; the callers read the peer and the header.

use std::net::IpAddr;

use ipnet::IpNet;

/// The reverse proxies believed about the client's address: loopback always (a proxy on the
/// same machine, the documented set-up), plus the networks the admin lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`192.0.2.7`, `2001:db8::1`) and networks (`10.0.0.0/8`).
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{entry:?} is not an IP address or network (such as 10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `ip` is a proxy to believe.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        ip.is_loopback() || self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy. Then
/// `X-Forwarded-For` is read from the right (each proxy appends the address it saw) and the
/// first address that is not itself a trusted proxy is the client. Entries further left were
/// written by the client and are not believed; an unreadable entry ends the walk.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.trusts(peer) {
        return peer;
    }
    let mut address = peer;
    for entry in forwarded_for.into_iter().flat_map(|header| header.rsplit(',')) {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else { break };
        address = ip;
        if !trusted.trusts(ip) {
            break;
        }
    }
    address
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_a_local_proxy_by_default() {
        let none = TrustedProxies::default();
        let (proxy, client) = (ip("127.0.0.1"), ip("198.51.100.4"));
        assert_eq!(client_address(proxy, Some("198.51.100.4"), &none), client);
        // The client may write anything on the left; the proxy appends the real peer last.
        assert_eq!(client_address(proxy, Some("10.9.9.9, 198.51.100.4"), &none), client);
        assert_eq!(client_address(proxy, Some("garbage"), &none), proxy);
        assert_eq!(client_address(proxy, None, &none), proxy);
        assert_eq!(client_address(ip("::1"), Some(" 198.51.100.4 "), &none), client);
        assert_eq!(client_address(ip("::ffff:127.0.0.1"), Some("198.51.100.4"), &none), client);
        // A peer on the network cannot choose its own address.
        assert_eq!(client_address(client, Some("203.0.113.1"), &none), client);
        assert_eq!(client_address(ip("10.0.0.5"), Some("203.0.113.1"), &none), ip("10.0.0.5"));
    }

    #[test]
    fn listed_proxies_are_believed_and_walked_through_from_the_right() {
        let lb = TrustedProxies::parse(&["10.0.0.0/8", "2001:db8::7"]).unwrap();
        let client = ip("198.51.100.4");
        // A load balancer on the network forwards for the client.
        assert_eq!(client_address(ip("10.0.0.5"), Some("198.51.100.4"), &lb), client);
        // Load balancer, then a proxy on 10.1.1.1: both trusted, the client is further left.
        assert_eq!(client_address(ip("10.0.0.5"), Some("6.6.6.6, 198.51.100.4, 10.1.1.1"), &lb), client);
        assert_eq!(client_address(ip("2001:db8::7"), Some("198.51.100.4"), &lb), client);
        // Only trusted proxies are believed.
        assert_eq!(client_address(ip("192.0.2.9"), Some("198.51.100.4"), &lb), ip("192.0.2.9"));
        // All trusted: the leftmost readable address.
        assert_eq!(client_address(ip("10.0.0.5"), Some("10.2.2.2"), &lb), ip("10.2.2.2"));
    }

    #[test]
    fn bad_entries_are_refused_with_the_entry() {
        let err = TrustedProxies::parse(&["10.0.0.0/8", "proxy.internal"]).unwrap_err();
        assert!(err.contains("proxy.internal"), "{err}");
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert_eq!(TrustedProxies::parse::<&str>(&[]).unwrap(), TrustedProxies::default());
    }
}
