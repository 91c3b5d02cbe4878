//! OAuth 2.0 for Mastodon apps, the pure rules: which scopes exist and what grants what,
//! which redirect URIs an app may register and be sent to, and PKCE's shapes (RFC 7636).
//! The hashing and constant-time comparison of PKCE live in the app layer (they need crypto).

use std::fmt;

/// The "out of band" redirect URI: the code is shown on a page for the user to copy.
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Top-level scopes (Mastodon's, less `admin:*`: Guildhall serves no Mastodon admin API,
/// so a token able to administer would only be a risk for later).
const TOP: &[&str] = &["read", "write", "follow", "push", "profile"];

/// `read:*` sub-scopes.
const READ: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
];

/// `write:*` sub-scopes.
const WRITE: &[&str] = &[
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
];

/// What the legacy `follow` scope grants (Mastodon's mapping).
const FOLLOW_GRANTS: &[&str] =
    &["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"];

/// The scope an app gets when it names none (Mastodon's default).
pub const DEFAULT_SCOPES: &str = "read";

/// Why a scope string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    /// A scope that does not exist here.
    #[error("unknown scope {0:?}")]
    Unknown(String),
    /// A scope the app did not register.
    #[error("the scope {0:?} is not among the app's scopes")]
    NotRegistered(String),
}

/// A set of known scopes, in the order first given, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scopes(Vec<String>);

/// Every scope Guildhall knows, top-level first (for the server's metadata).
pub fn supported() -> Vec<String> {
    let subs = |parent: &str, list: &[&str]| list.iter().map(|s| format!("{parent}:{s}")).collect::<Vec<_>>();
    let mut out: Vec<String> = TOP.iter().map(|s| (*s).to_owned()).collect();
    out.extend(subs("read", READ));
    out.extend(subs("write", WRITE));
    out
}

/// Whether `s` names a scope Guildhall knows.
pub fn is_known(s: &str) -> bool {
    match s.split_once(':') {
        None => TOP.contains(&s),
        Some(("read", sub)) => READ.contains(&sub),
        Some(("write", sub)) => WRITE.contains(&sub),
        _ => false,
    }
}

impl Scopes {
    /// Parses a space-separated scope string (`read write:statuses`); an empty one is
    /// `DEFAULT_SCOPES`. Any unknown scope refuses the whole string.
    pub fn parse(s: &str) -> Result<Scopes, ScopeError> {
        let s = if s.trim().is_empty() { DEFAULT_SCOPES } else { s };
        let mut out: Vec<String> = Vec::new();
        // OAuth separates with spaces; some clients send `+` unencoded or use commas.
        for part in s.split(|c: char| c.is_whitespace() || c == '+' || c == ',').filter(|p| !p.is_empty()) {
            if !is_known(part) {
                return Err(ScopeError::Unknown(part.to_owned()));
            }
            if !out.iter().any(|o| o == part) {
                out.push(part.to_owned());
            }
        }
        Ok(Scopes(out))
    }

    /// Every scope: what a Guildhall session token (a person signed in directly) may do.
    pub fn all() -> Scopes {
        Scopes(["read", "write", "follow", "push", "profile"].iter().map(|s| (*s).to_owned()).collect())
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether no scope is in the set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Refuses unless every scope here is one of `registered` (exactly: asking for
    /// `read:statuses` when the app registered `read` is allowed too, since `read` grants it).
    pub fn within(&self, registered: &Scopes) -> Result<(), ScopeError> {
        match self.iter().find(|s| !registered.grants(s)) {
            Some(s) => Err(ScopeError::NotRegistered(s.to_owned())),
            None => Ok(()),
        }
    }

    /// Whether these granted scopes allow `required` (see [`grants`]).
    pub fn grants(&self, required: &str) -> bool {
        self.iter().any(|g| grants(g, required))
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

/// Whether the granted scope `granted` allows `required`: the same scope, its parent
/// (`read` grants `read:statuses`), or the legacy `follow` for follows, blocks and mutes.
pub fn grants(granted: &str, required: &str) -> bool {
    if granted == required {
        return true;
    }
    if required.strip_prefix(granted).is_some_and(|rest| rest.starts_with(':')) {
        return true;
    }
    granted == "follow" && FOLLOW_GRANTS.contains(&required)
}

/// Why a redirect URI cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectUriError {
    /// None was given.
    #[error("at least one redirect URI is required")]
    Missing,
    /// Not an absolute URI, or one a browser must not be sent to.
    #[error("{0:?} is not a valid redirect URI")]
    Invalid(String),
}

/// The scheme of an absolute URI (RFC 3986 §3.1), lower-cased.
fn scheme(uri: &str) -> Option<String> {
    let (scheme, rest) = uri.split_once(':')?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let ok = first_ok && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) && !rest.is_empty();
    ok.then(|| scheme.to_ascii_lowercase())
}

/// Checks the redirect URIs an app registers (newline-separated or a list): each an
/// absolute URI without a fragment (RFC 6749 §3.1.2), or the out-of-band URN; apps' custom
/// schemes (`tusky://oauth`) are fine, scripts and data are not.
pub fn redirect_uris<'a>(given: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, RedirectUriError> {
    let mut out: Vec<String> = Vec::new();
    for uri in given.into_iter().flat_map(str::lines).map(str::trim).filter(|u| !u.is_empty()) {
        let bad = || RedirectUriError::Invalid(uri.to_owned());
        if uri != OOB {
            let scheme = scheme(uri).ok_or_else(bad)?;
            let harmful = matches!(scheme.as_str(), "javascript" | "data" | "vbscript" | "file");
            let unprintable = uri.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\\');
            let web_without_host = matches!(scheme.as_str(), "http" | "https")
                && uri[scheme.len() + 1..].strip_prefix("//").is_none_or(|h| h.is_empty() || h.starts_with('/'));
            if harmful || unprintable || uri.contains('#') || uri.len() > 2000 || web_without_host {
                return Err(bad());
            }
        }
        if !out.iter().any(|o| o == uri) {
            out.push(uri.to_owned());
        }
    }
    if out.is_empty() { Err(RedirectUriError::Missing) } else { Ok(out) }
}

/// Whether `given` is one of the app's `registered` redirect URIs: exact match only, so
/// nothing can be appended to send the code elsewhere.
pub fn redirect_uri_allowed(registered: &[String], given: &str) -> bool {
    registered.iter().any(|r| r == given)
}

/// `uri` with `params` added to its query, percent-encoded (the URI has no fragment, see
/// [`redirect_uris`]).
pub fn with_query(uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { if uri.ends_with('?') || uri.ends_with('&') { "" } else { "&" } } else { "?" };
    for (k, v) in params {
        out.push_str(sep);
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
        sep = "&";
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a Content-Security-Policy `form-action` must allow for a browser to follow a
/// redirect to `uri` after the approval form: its origin for the web, its scheme otherwise
/// (`tusky:`). `None` for the out-of-band URN (no redirect).
pub fn form_action_source(uri: &str) -> Option<String> {
    if uri == OOB {
        return None;
    }
    let scheme = scheme(uri)?;
    if matches!(scheme.as_str(), "http" | "https") {
        let rest = &uri[scheme.len() + 3..];
        let host = rest.split(['/', '?']).next().unwrap_or("");
        // Only characters a CSP source may hold: otherwise fall back to nothing (the form
        // still works in browsers that do not apply form-action to redirects).
        let clean = !host.is_empty()
            && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        return clean.then(|| format!("{scheme}://{host}"));
    }
    Some(format!("{scheme}:"))
}

/// How a PKCE code challenge was made (RFC 7636 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeMethod {
    /// `BASE64URL(SHA256(verifier))`.
    S256,
    /// The verifier itself.
    Plain,
}

impl ChallengeMethod {
    /// Parses `code_challenge_method`; absent means `plain` (RFC 7636 §4.3).
    pub fn parse(s: Option<&str>) -> Option<ChallengeMethod> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("plain") => Some(ChallengeMethod::Plain),
            Some("S256") => Some(ChallengeMethod::S256),
            Some(_) => None,
        }
    }

    /// The stable name, as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeMethod::S256 => "S256",
            ChallengeMethod::Plain => "plain",
        }
    }
}

/// Whether a code verifier or challenge has RFC 7636's shape: 43 to 128 characters of
/// `[A-Za-z0-9-._~]`.
pub fn pkce_value_ok(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_and_refuse_unknown() {
        assert_eq!(Scopes::parse("read write follow push").unwrap().to_string(), "read write follow push");
        assert_eq!(
            Scopes::parse("read:statuses  write:favourites read:statuses").unwrap().to_string(),
            "read:statuses write:favourites"
        );
        assert_eq!(Scopes::parse("").unwrap().to_string(), "read");
        assert_eq!(Scopes::parse("read+write").unwrap().to_string(), "read write");
        assert_eq!(Scopes::parse("read bogus"), Err(ScopeError::Unknown("bogus".into())));
        assert!(Scopes::parse("admin:read").is_err(), "no admin API, no admin scopes");
        assert!(Scopes::parse("read:nonsense").is_err());
        assert!(Scopes::parse("write:").is_err());
        assert!(Scopes::parse("READ").is_err());
        assert!(supported().iter().all(|s| is_known(s)));
        assert!(supported().contains(&"write:media".to_owned()));
    }

    #[test]
    fn parents_and_follow_grant() {
        assert!(grants("read", "read:statuses"));
        assert!(grants("write", "write"));
        assert!(!grants("read", "write:statuses"));
        assert!(!grants("read:statuses", "read"));
        assert!(!grants("read", "readx"));
        assert!(!grants("read", "reader:x"));
        assert!(grants("follow", "write:follows"));
        assert!(grants("follow", "read:mutes"));
        assert!(!grants("follow", "write:statuses"));
        let s = Scopes::parse("read write:favourites").unwrap();
        assert!(s.grants("read:accounts"));
        assert!(s.grants("write:favourites"));
        assert!(!s.grants("write:statuses"));
    }

    #[test]
    fn requested_scopes_must_be_registered() {
        let app = Scopes::parse("read write:statuses").unwrap();
        assert!(Scopes::parse("read").unwrap().within(&app).is_ok());
        assert!(Scopes::parse("read:accounts write:statuses").unwrap().within(&app).is_ok());
        assert_eq!(Scopes::parse("read write").unwrap().within(&app), Err(ScopeError::NotRegistered("write".into())));
        assert!(Scopes::parse("follow").unwrap().within(&app).is_err());
    }

    #[test]
    fn redirect_uris_are_checked() {
        assert_eq!(
            redirect_uris(["https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob", "tusky://oauth"]).unwrap(),
            ["https://app.example/cb", OOB, "tusky://oauth"]
        );
        assert_eq!(redirect_uris(["  "]), Err(RedirectUriError::Missing));
        for bad in [
            "javascript:alert(1)",
            "/relative",
            "https://app.example/cb#frag",
            "https:///nohost",
            "https://",
            "no scheme",
            "data:text/html,x",
            "1http://x",
        ] {
            assert!(redirect_uris([bad]).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn redirect_matching_is_exact() {
        let reg = vec!["https://app.example/cb".to_string(), OOB.to_string()];
        assert!(redirect_uri_allowed(&reg, "https://app.example/cb"));
        assert!(redirect_uri_allowed(&reg, OOB));
        assert!(!redirect_uri_allowed(&reg, "https://app.example/cb/../evil"));
        assert!(!redirect_uri_allowed(&reg, "https://app.example/cb?x=1"));
        assert!(!redirect_uri_allowed(&reg, "https://APP.example/cb"));
    }

    #[test]
    fn query_is_appended_and_encoded() {
        assert_eq!(
            with_query("https://a.example/cb", &[("code", "x y"), ("state", "a&b")]),
            "https://a.example/cb?code=x%20y&state=a%26b"
        );
        assert_eq!(with_query("https://a.example/cb?k=1", &[("code", "c")]), "https://a.example/cb?k=1&code=c");
        assert_eq!(with_query("tusky://oauth", &[("error", "access_denied")]), "tusky://oauth?error=access_denied");
    }

    #[test]
    fn form_action_sources() {
        assert_eq!(form_action_source("https://a.example:8443/cb?x").as_deref(), Some("https://a.example:8443"));
        assert_eq!(form_action_source("tusky://oauth").as_deref(), Some("tusky:"));
        assert_eq!(form_action_source(OOB), None);
        assert_eq!(form_action_source("https://a.ex'ample/"), None);
    }

    #[test]
    fn pkce_shapes() {
        assert_eq!(ChallengeMethod::parse(None), Some(ChallengeMethod::Plain));
        assert_eq!(ChallengeMethod::parse(Some("S256")), Some(ChallengeMethod::S256));
        assert_eq!(ChallengeMethod::parse(Some("s256")), None);
        assert!(pkce_value_ok(&"a".repeat(43)));
        assert!(!pkce_value_ok(&"a".repeat(42)));
        assert!(!pkce_value_ok(&"a".repeat(129)));
        assert!(!pkce_value_ok(&format!("{}+", "a".repeat(43))));
    }
}
