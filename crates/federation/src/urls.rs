//! The URLs of local objects, and origin checks that include the port.

use guildhall_app::AppContext;
use url::Url;

/// Local object URLs: the rule lives in `guildhall_app::urls` (the Mastodon API names the same
/// objects).
pub use guildhall_app::urls::Urls;

/// Host and port of a URL, as `host[:port]` (the form used for domains here).
pub fn authority(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}:{p}", h.to_ascii_lowercase()),
        (Some(h), None) => h.trim_end_matches('.').to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether two URLs share scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && authority(a) == authority(b)
}

/// Fails unless `a` and `b` share an origin.
pub fn require_same_origin(a: &Url, b: &Url, what: &str) -> Result<(), crate::Error> {
    if same_origin(a, b) {
        Ok(())
    } else {
        Err(crate::Error::BadRequest(format!("{what}: {a} is not on the same server as {b}")))
    }
}

/// The number in a local object URL such as `/d/42`.
pub fn local_number(url: &Url, prefix: &str) -> Option<i64> {
    url.path().strip_prefix(prefix).and_then(|n| n.parse().ok())
}

/// Whether a URL points at this instance (host and port equal to our domain).
pub fn is_local(data: &activitypub_federation::config::Data<AppContext>, url: &Url) -> bool {
    authority(url) == data.domain().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_include_the_port() {
        let a = Url::parse("http://localhost:8001/u/a").unwrap();
        let b = Url::parse("http://localhost:8002/u/a").unwrap();
        let c = Url::parse("http://LOCALHOST:8001/c/x").unwrap();
        assert!(!same_origin(&a, &b));
        assert!(same_origin(&a, &c));
        assert_eq!(authority(&a), "localhost:8001");
        let d = Url::parse("https://dept.example./x").unwrap();
        assert_eq!(authority(&d), "dept.example");
        let e = Url::parse("http://dept.example/x").unwrap();
        assert!(!same_origin(&d, &e), "scheme differs");
    }
}
