//! The URLs of local actors and objects (their ActivityPub ids): one rule, used by the
//! federation crate and by every API that names them.

use url::Url;

use crate::AppContext;

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

    /// The post a local address names: its ActivityPub id (`/d/7`, `/r/9`) or its web page
    /// (`/discussions/7`); `None` for anything else or another server's address.
    pub fn local_post(&self, address: &str) -> Option<crate::posts::PostRef> {
        use crate::posts::PostRef;
        let path = address.trim().strip_prefix(&self.base)?;
        let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
        let (kind, id) = path.strip_prefix('/')?.split_once('/')?;
        let id = id.parse::<i64>().ok().filter(|i| *i > 0)?;
        match kind {
            "d" | "discussions" => Some(PostRef::Discussion(id)),
            "r" => Some(PostRef::Reply(id)),
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::PostRef;

    #[test]
    fn local_post_addresses_name_their_post_and_nothing_else() {
        let u = Urls::for_base("https://g.example");
        assert_eq!(u.local_post("https://g.example/d/7"), Some(PostRef::Discussion(7)));
        assert_eq!(u.local_post(" https://g.example/discussions/7/?x=1#reply-3 "), Some(PostRef::Discussion(7)));
        assert_eq!(u.local_post("https://g.example/r/9"), Some(PostRef::Reply(9)));
        for other in [
            "https://other.example/d/7",
            "https://g.example.evil/d/7",
            "https://g.example/d/0",
            "https://g.example/d/x",
            "https://g.example/d/7/replies",
            "https://g.example/c/ops",
            "https://g.example",
        ] {
            assert_eq!(u.local_post(other), None, "{other}");
        }
    }
}
