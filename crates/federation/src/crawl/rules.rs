//! The crawler's pure rules: which hosts it may contact, the URLs it builds, which `next` links
//! and redirects it follows, and its caps. No input or output here.

use std::collections::HashSet;
use std::net::IpAddr;

use url::Url;

use crate::urls::authority;

/// Path of the directory when NodeInfo names none.
pub const DIRECTORY_PATH: &str = "/api/guildhall/v1/directory";

/// Normalises a host as given by an admin or a directory (`host` or `host:port`).
pub fn host(raw: &str) -> Option<String> {
    guildhall_domain::federation_policy::normalise_host(raw)
}

/// The host (`host[:port]`) of an `http(s)` URL, if it is one.
pub fn host_of(raw: &str) -> Option<String> {
    let url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    host(&authority(&url))
}

/// The first directory page of `domain`.
pub fn directory_url(scheme: &str, domain: &str) -> Option<Url> {
    Url::parse(&format!("{scheme}://{domain}{DIRECTORY_PATH}?page=1")).ok()
}

/// Whether `url` is on `domain` with `scheme` (the only place a crawl of `domain` may go).
pub fn on_instance(url: &Url, scheme: &str, domain: &str) -> bool {
    url.scheme() == scheme && authority(url) == domain && url.username().is_empty() && url.password().is_none()
}

/// Why a link was not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a URL.
    Invalid,
    /// Another host, port or scheme.
    OffHost,
    /// A page already fetched in this crawl (a loop).
    Repeated,
}

impl Refusal {
    /// What the instance's `last_error` says.
    pub fn describe(&self, what: &str, link: &str) -> String {
        let link: String = link.chars().take(200).collect();
        match self {
            Refusal::Invalid => format!("{what} is not a valid URL: {link:?}"),
            Refusal::OffHost => format!("{what} leaves the instance: {link}"),
            Refusal::Repeated => format!("{what} loops back to a page already fetched: {link}"),
        }
    }
}

/// Checks a page's `next` link (resolved against the page's URL): it must stay on the
/// instance and must not repeat a page already fetched.
pub fn next_page(
    current: &Url,
    next: &str,
    scheme: &str,
    domain: &str,
    seen: &HashSet<String>,
) -> Result<Url, Refusal> {
    let url = current.join(next).map_err(|_| Refusal::Invalid)?;
    if !on_instance(&url, scheme, domain) {
        return Err(Refusal::OffHost);
    }
    if seen.contains(url.as_str()) {
        return Err(Refusal::Repeated);
    }
    Ok(url)
}

/// Checks a redirect's `Location`: same instance, not a URL visited in this chain.
pub fn redirect(current: &Url, location: &str, visited: &[Url]) -> Result<Url, Refusal> {
    let url = current.join(location).map_err(|_| Refusal::Invalid)?;
    if url.scheme() != current.scheme() || authority(&url) != authority(current) {
        return Err(Refusal::OffHost);
    }
    if url == *current || visited.contains(&url) {
        return Err(Refusal::Repeated);
    }
    Ok(url)
}

/// Where a stored, interrupted crawl resumes, if the stored link is still acceptable.
pub fn resume_url(stored: &str, scheme: &str, domain: &str) -> Option<Url> {
    Url::parse(stored).ok().filter(|u| on_instance(u, scheme, domain))
}

/// Per-instance caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Pages fetched per instance.
    pub max_pages: usize,
    /// Entries stored per instance.
    pub max_entries: usize,
}

impl Caps {
    /// How many entries of the next page may still be stored.
    pub fn room(&self, stored: usize) -> usize {
        self.max_entries.saturating_sub(stored)
    }

    /// Whether the crawl of an instance stops after `pages` pages and `entries` entries even
    /// though another page is announced.
    pub fn reached(&self, pages: usize, entries: usize) -> bool {
        pages >= self.max_pages || entries >= self.max_entries
    }
}

/// Whether an address is publicly routable (not loopback, private, link-local and the like).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                // Shared address space (carrier-grade NAT), 100.64.0.0/10.
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// Whether the crawler may contact `domain` by name alone (IP literals and `localhost` are
/// refused unless private addresses are allowed; names are checked again when resolved).
pub fn host_allowed(domain: &str, allow_private: bool) -> bool {
    if allow_private {
        return true;
    }
    let name = domain.rsplit_once(':').map_or(domain, |(h, _)| h);
    if name == "localhost" || name.ends_with(".localhost") {
        return false;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => is_public_ip(ip),
        Err(_) => true,
    }
}

/// Cuts a string to at most `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hosts_are_normalised_and_urls_built() {
        assert_eq!(host(" Dept.Example. ").as_deref(), Some("dept.example"));
        assert_eq!(host("dept.example/x"), None);
        assert_eq!(host_of("https://Dept.Example/c/ux").as_deref(), Some("dept.example"));
        assert_eq!(host_of("http://localhost:8081/c/ux").as_deref(), Some("localhost:8081"));
        assert_eq!(host_of("mailto:a@b.example"), None);
        assert_eq!(host_of("not a url"), None);
        assert_eq!(
            directory_url("https", "dept.example").unwrap().as_str(),
            "https://dept.example/api/guildhall/v1/directory?page=1"
        );
    }

    #[test]
    fn next_must_stay_on_the_instance_and_not_repeat() {
        let cur = url("http://localhost:9000/api/guildhall/v1/directory?page=1");
        let mut seen = HashSet::from([cur.to_string()]);
        let ok =
            next_page(&cur, "http://localhost:9000/api/guildhall/v1/directory?page=2", "http", "localhost:9000", &seen);
        assert_eq!(ok.unwrap().as_str(), "http://localhost:9000/api/guildhall/v1/directory?page=2");
        // Relative links resolve against the page.
        let rel = next_page(&cur, "/api/guildhall/v1/directory?page=3", "http", "localhost:9000", &seen).unwrap();
        assert_eq!(rel.as_str(), "http://localhost:9000/api/guildhall/v1/directory?page=3");
        let cases = [
            ("http://localhost:9001/api/guildhall/v1/directory?page=2", Refusal::OffHost),
            ("https://localhost:9000/api/guildhall/v1/directory?page=2", Refusal::OffHost),
            ("http://evil.example/api/guildhall/v1/directory?page=2", Refusal::OffHost),
            ("http://user@localhost:9000/x", Refusal::OffHost),
            ("http://localhost:9000/api/guildhall/v1/directory?page=1", Refusal::Repeated),
            ("http://[::1", Refusal::Invalid),
        ];
        for (next, want) in cases {
            assert_eq!(next_page(&cur, next, "http", "localhost:9000", &seen), Err(want), "{next}");
        }
        seen.insert(rel.to_string());
        assert_eq!(next_page(&cur, "?page=3", "http", "localhost:9000", &seen), Err(Refusal::Repeated));
    }

    #[test]
    fn redirects_stay_on_the_host_and_never_loop() {
        let a = url("https://dept.example/api/guildhall/v1/directory?page=1");
        let b = redirect(&a, "/directory?page=1", &[]).unwrap();
        assert_eq!(b.as_str(), "https://dept.example/directory?page=1");
        assert_eq!(
            redirect(&b, "https://dept.example/api/guildhall/v1/directory?page=1", std::slice::from_ref(&a)),
            Err(Refusal::Repeated)
        );
        assert_eq!(redirect(&a, "https://dept.example/api/guildhall/v1/directory?page=1", &[]), Err(Refusal::Repeated));
        assert_eq!(redirect(&a, "https://other.example/", &[]), Err(Refusal::OffHost));
        assert_eq!(redirect(&a, "http://dept.example/x", &[]), Err(Refusal::OffHost));
    }

    #[test]
    fn resume_only_on_the_same_instance() {
        assert!(
            resume_url("http://localhost:9000/api/guildhall/v1/directory?page=7", "http", "localhost:9000").is_some()
        );
        assert!(
            resume_url("http://localhost:9001/api/guildhall/v1/directory?page=7", "http", "localhost:9000").is_none()
        );
        assert!(resume_url("garbage", "http", "localhost:9000").is_none());
    }

    #[test]
    fn caps_bound_pages_and_entries() {
        let caps = Caps { max_pages: 3, max_entries: 120 };
        assert_eq!(caps.room(0), 120);
        assert_eq!(caps.room(100), 20);
        assert_eq!(caps.room(500), 0);
        assert!(!caps.reached(2, 119));
        assert!(caps.reached(3, 0));
        assert!(caps.reached(1, 120));
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        for h in
            ["127.0.0.1", "localhost:8080", "10.1.2.3", "192.168.0.1:80", "169.254.169.254", "100.64.0.1", "0.0.0.0"]
        {
            assert!(!host_allowed(h, false), "{h}");
            assert!(host_allowed(h, true), "{h}");
        }
        assert!(host_allowed("dept.example", false));
        assert!(host_allowed("8.8.8.8:443", false));
        assert!(!is_public_ip("::1".parse().unwrap()));
        assert!(!is_public_ip("fd00::1".parse().unwrap()));
        assert!(!is_public_ip("::ffff:127.0.0.1".parse().unwrap()));
        assert!(is_public_ip("2001:4860::1".parse().unwrap()));
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("héllo", 2), "hé");
        assert_eq!(clip("ab", 5), "ab");
    }
}
