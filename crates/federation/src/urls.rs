//! The URLs of local objects, and origin checks that include the port.

use guildhall_app::AppContext;
use url::Url;

/// Builds local URLs from the configured public base URL.
pub struct Urls {
    base: String,
}

impl Urls {
    /// URLs for this instance.
    pub fn new(ctx: &AppContext) -> Self {
        Urls { base: ctx.instance().base_url() }
    }

    /// URLs under an explicit base (tests).
    pub fn for_base(base: &str) -> Self {
        Urls { base: base.trim_end_matches('/').to_string() }
    }

    fn url(&self, path: &str) -> Url {
        // The base URL is checked at start-up, so joining a path cannot fail.
        Url::parse(&format!("{}{path}", self.base))
            .unwrap_or_else(|_| Url::parse("http://invalid.invalid").expect("static"))
    }

    /// A local person.
    pub fn person(&self, username: &str) -> Url {
        self.url(&format!("/u/{username}"))
    }

    /// A local community.
    pub fn group(&self, name: &str) -> Url {
        self.url(&format!("/c/{name}"))
    }

    /// A local actor's inbox (all inboxes share one handler).
    pub fn inbox_of(&self, actor: &Url) -> Url {
        Url::parse(&format!("{actor}/inbox")).unwrap_or_else(|_| self.shared_inbox())
    }

    /// The shared inbox.
    pub fn shared_inbox(&self) -> Url {
        self.url("/inbox")
    }

    /// The instance actor.
    pub fn instance_actor(&self) -> Url {
        self.url("/actor")
    }

    /// A local discussion as a `Page`.
    pub fn discussion(&self, id: i64) -> Url {
        self.url(&format!("/d/{id}"))
    }

    /// A local reply as a `Note`.
    pub fn reply(&self, id: i64) -> Url {
        self.url(&format!("/r/{id}"))
    }

    /// A path under a local actor (followers, outbox, ...).
    pub fn sub(&self, actor: &Url, path: &str) -> Url {
        Url::parse(&format!("{actor}/{path}")).unwrap_or_else(|_| actor.clone())
    }
}

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
