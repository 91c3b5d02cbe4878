//! Rate limits on the endpoints that cost work: sign-up, search and the directory, WebFinger,
//! resolving remote addresses, inboxes, Mastodon apps' registration and tokens, and the
//! Mastodon client API. One fixed-window counter per (endpoint kind, key) in a bounded moka
//! cache; over the limit the answer is 429 with `Retry-After` (a JSON error under `/api/`,
//! ActivityPub and WebFinger; a short page on the web). Keys are the socket's peer address (a
//! reverse proxy makes every client one key: docs/admin-guide.md); for inboxes the claimed
//! signing host with the peer address, so a forged `keyId` cannot use up the real instance's
//! allowance; for the Mastodon client API the bearer token (a digest of it), as Mastodon
//! counts per account, and its answers carry Mastodon's `X-RateLimit-*` headers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use moka::future::Cache;

/// The limits of one instance: requests per window and key; 0 turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Sign-ups (API and web form) per hour and address.
    pub signup_per_hour: u32,
    /// Community lists, searches, the directory and the map, per minute and address.
    pub search_per_minute: u32,
    /// WebFinger lookups per minute and address.
    pub webfinger_per_minute: u32,
    /// Resolving a remote community (API and web "follow") per minute and address.
    pub resolve_per_minute: u32,
    /// Inbox deliveries per minute and remote instance (signing host and address).
    pub inbox_per_minute: u32,
    /// Mastodon app registrations and token requests per hour and address.
    pub oauth_per_hour: u32,
    /// Mastodon client API requests per five minutes and token (or address, without one).
    pub client_api_per_5_minutes: u32,
    /// Requests that send an email link (password reset, a new confirmation link) per hour
    /// and address: each address is also limited to 3 messages an hour, this stops one
    /// client from writing to many.
    pub email_requests_per_hour: u32,
    /// Network search requests from other instances (or anyone) per minute and address.
    pub network_search_per_minute: u32,
}

impl Default for RateLimits {
    /// Generous: never reached by people or by the project's own test suites, which send
    /// bursts of deliveries to inboxes.
    fn default() -> Self {
        RateLimits {
            signup_per_hour: 300,
            search_per_minute: 1200,
            webfinger_per_minute: 1200,
            resolve_per_minute: 120,
            inbox_per_minute: 6000,
            oauth_per_hour: 300,
            // Mastodon's own default: apps are written to stay within it.
            client_api_per_5_minutes: 300,
            email_requests_per_hour: 30,
            // Each person's search on a peer asks once; the peer caches for a minute.
            network_search_per_minute: 60,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Signup,
    Search,
    Webfinger,
    Resolve,
    Inbox,
    Oauth,
    ClientApi,
    EmailRequest,
    NetworkSearch,
}

struct Window {
    started: Instant,
    count: AtomicU32,
}

/// The counters of one instance (cheap to clone).
#[derive(Clone)]
pub struct Limiter {
    limits: RateLimits,
    windows: Cache<(Kind, String), Arc<Window>>,
    trusted: guildhall_domain::client_address::TrustedProxies,
}

impl Limiter {
    /// Counters for these limits.
    pub fn new(limits: RateLimits) -> Self {
        // An hour is the longest window; entries go once it has passed.
        let windows = Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(3600)).build();
        Limiter { limits, windows, trusted: Default::default() }
    }

    /// The same limiter, believing these proxies about clients' addresses.
    pub fn trusting(self, trusted: guildhall_domain::client_address::TrustedProxies) -> Self {
        Limiter { trusted, ..self }
    }

    fn limit(&self, kind: Kind) -> (u32, Duration) {
        let l = &self.limits;
        match kind {
            Kind::Signup => (l.signup_per_hour, Duration::from_secs(3600)),
            Kind::Search => (l.search_per_minute, Duration::from_secs(60)),
            Kind::Webfinger => (l.webfinger_per_minute, Duration::from_secs(60)),
            Kind::Resolve => (l.resolve_per_minute, Duration::from_secs(60)),
            Kind::Inbox => (l.inbox_per_minute, Duration::from_secs(60)),
            Kind::Oauth => (l.oauth_per_hour, Duration::from_secs(3600)),
            Kind::ClientApi => (l.client_api_per_5_minutes, Duration::from_secs(300)),
            Kind::EmailRequest => (l.email_requests_per_hour, Duration::from_secs(3600)),
            Kind::NetworkSearch => (l.network_search_per_minute, Duration::from_secs(60)),
        }
    }

    /// Counts one request: `None` when its kind has no limit, else where its window stands.
    async fn hit(&self, kind: Kind, key: String) -> Option<Hit> {
        let (max, window) = self.limit(kind);
        if max == 0 {
            return None;
        }
        let now = Instant::now();
        let fresh = || Arc::new(Window { started: now, count: AtomicU32::new(0) });
        let mut w = self.windows.get_with((kind, key.clone()), async { fresh() }).await;
        if now.duration_since(w.started) >= window {
            w = fresh();
            self.windows.insert((kind, key), w.clone()).await;
        }
        let before = w.count.fetch_add(1, Ordering::Relaxed);
        let left = window.saturating_sub(now.duration_since(w.started));
        Some(Hit { allowed: before < max, limit: max, remaining: max.saturating_sub(before + 1), reset_in: left })
    }
}

/// Where one request left its window.
#[derive(Debug, Clone, Copy)]
struct Hit {
    /// Whether it is within the limit.
    allowed: bool,
    /// The window's limit.
    limit: u32,
    /// Requests left in the window after this one.
    remaining: u32,
    /// Until the window starts again.
    reset_in: Duration,
}

impl Hit {
    /// Seconds to wait before trying again (at least 1).
    fn wait(&self) -> u64 {
        self.reset_in.as_secs().max(1)
    }
}

/// Which limit a request falls under, if any.
fn kind_of(method: &Method, path: &str) -> Option<Kind> {
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    match path {
        "/api/guildhall/v1/accounts" | "/signup" if post => Some(Kind::Signup),
        "/api/guildhall/v1/communities"
        | "/api/guildhall/v1/directory"
        | "/api/guildhall/v1/map"
        | "/api/guildhall/v1/search"
        | "/search"
        | "/communities"
        | "/directory"
        | "/map"
            if get =>
        {
            Some(Kind::Search)
        }
        "/.well-known/webfinger" if get => Some(Kind::Webfinger),
        "/api/guildhall/v1/search/public" if get => Some(Kind::NetworkSearch),
        "/api/guildhall/v1/federation/resolve" | "/follow" if post => Some(Kind::Resolve),
        "/inbox" | "/actor/inbox" if post => Some(Kind::Inbox),
        p if post && (p.starts_with("/u/") || p.starts_with("/c/")) && p.ends_with("/inbox") => Some(Kind::Inbox),
        "/api/v1/apps" | "/oauth/token" if post => Some(Kind::Oauth),
        "/api/guildhall/v1/auth/password-reset"
        | "/api/guildhall/v1/auth/email-confirmation/resend"
        | "/password-reset"
        | "/email/resend"
            if post =>
        {
            Some(Kind::EmailRequest)
        }
        p if p.starts_with("/api/v1/") || p.starts_with("/api/v2/") => Some(Kind::ClientApi),
        _ => None,
    }
}

/// The host named by an HTTP signature's key id (draft-cavage `Signature: keyId="…"` or RFC
/// 9421 `Signature-Input: …;keyid="…"`), unverified: only used to share out the allowance.
fn signing_host(req: &Request) -> Option<String> {
    let headers = req.headers();
    let value = headers
        .get("signature")
        .or_else(|| headers.get("signature-input"))
        .and_then(|v| v.to_str().ok())?
        .to_ascii_lowercase();
    let start = value.find("keyid=\"")? + "keyid=\"".len();
    let key_id = &value[start..];
    let key_id = &key_id[..key_id.find('"')?];
    url::Url::parse(key_id).ok()?.host_str().map(str::to_owned)
}

/// The middleware: counts the request against its limit, or answers 429.
pub async fn limit(State(limiter): State<Limiter>, req: Request, next: Next) -> Response {
    let Some(kind) = kind_of(req.method(), req.uri().path()) else { return next.run(req).await };
    // The same client address as the sign-in backoff: behind a local reverse proxy, the
    // address the proxy forwards, so its clients do not share one allowance.
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(
        || "unknown".to_owned(),
        |ConnectInfo(a)| {
            guildhall_domain::client_address::client_address(a.ip(), forwarded, &limiter.trusted).to_string()
        },
    );
    let key = match kind {
        Kind::Inbox => format!("{} {peer}", signing_host(&req).unwrap_or_default()),
        Kind::ClientApi => bearer_key(&req).unwrap_or(peer),
        _ => peer,
    };
    let Some(hit) = limiter.hit(kind, key.clone()).await else { return next.run(req).await };
    let path = req.uri().path().to_owned();
    let mut response = if hit.allowed {
        next.run(req).await
    } else {
        tracing::info!(?kind, key, retry_after = hit.wait(), "rate limited");
        too_many(&path, hit.wait())
    };
    if kind == Kind::ClientApi {
        rate_limit_headers(response.headers_mut(), &hit);
    }
    response
}

/// The client API's key for a request with a bearer token: a digest of the token, so the
/// counters never hold a usable secret.
fn bearer_key(req: &Request) -> Option<String> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return None;
    }
    let mut h = DefaultHasher::new();
    token.trim().hash(&mut h);
    Some(format!("token {:016x}", h.finish()))
}

/// Mastodon's rate-limit headers: the limit, what is left, and when the window starts again.
fn rate_limit_headers(headers: &mut axum::http::HeaderMap, hit: &Hit) {
    let reset = chrono::Utc::now() + hit.reset_in;
    headers.insert("x-ratelimit-limit", HeaderValue::from(hit.limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(hit.remaining));
    if let Ok(v) = HeaderValue::from_str(&reset.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)) {
        headers.insert("x-ratelimit-reset", v);
    }
}

fn too_many(path: &str, wait: u64) -> Response {
    let message = format!("too many requests: try again in {wait} seconds");
    let mastodon = path.starts_with("/api/v1/") || path.starts_with("/api/v2/") || path.starts_with("/oauth/");
    let web_page = !(mastodon
        || path.starts_with("/api/")
        || path.starts_with("/.well-known/")
        || path.ends_with("/inbox")
        || path == "/directory");
    let mut response = if mastodon {
        // Mastodon's error shape: apps show `error` to the person.
        axum::Json(serde_json::json!({"error": format!("Too many requests: try again in {wait} seconds")}))
            .into_response()
    } else if web_page {
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too many requests</title>\
             <link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main><h1>Too many requests</h1>\
             <p>Please wait {wait} seconds, then try again.</p>\
             <p lang=\"fr\">Trop de demandes : attendez {wait} secondes, puis réessayez.</p></main></body></html>"
        ))
        .into_response()
    } else {
        axum::Json(serde_json::json!({"error": "rate_limited", "message": message})).into_response()
    };
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_fall_under_their_limit() {
        assert_eq!(kind_of(&Method::POST, "/api/guildhall/v1/accounts"), Some(Kind::Signup));
        assert_eq!(kind_of(&Method::GET, "/api/guildhall/v1/accounts"), None);
        assert_eq!(kind_of(&Method::POST, "/c/ux/inbox"), Some(Kind::Inbox));
        assert_eq!(kind_of(&Method::GET, "/c/ux/inbox"), None);
        assert_eq!(kind_of(&Method::GET, "/.well-known/webfinger"), Some(Kind::Webfinger));
        assert_eq!(kind_of(&Method::POST, "/follow"), Some(Kind::Resolve));
        assert_eq!(kind_of(&Method::GET, "/communities/ux"), None);
        assert_eq!(kind_of(&Method::POST, "/oauth/token"), Some(Kind::Oauth));
        assert_eq!(kind_of(&Method::POST, "/api/v1/apps"), Some(Kind::Oauth));
        assert_eq!(kind_of(&Method::POST, "/password-reset"), Some(Kind::EmailRequest));
        assert_eq!(
            kind_of(&Method::POST, "/api/guildhall/v1/auth/email-confirmation/resend"),
            Some(Kind::EmailRequest)
        );
        assert_eq!(kind_of(&Method::GET, "/password-reset"), None, "only asking sends mail");
        assert_eq!(kind_of(&Method::POST, "/api/guildhall/v1/auth/password-reset/confirm"), None);
        assert_eq!(kind_of(&Method::GET, "/api/guildhall/v1/search/public"), Some(Kind::NetworkSearch));
        assert_eq!(kind_of(&Method::GET, "/api/v1/timelines/home"), Some(Kind::ClientApi));
        assert_eq!(kind_of(&Method::POST, "/api/v2/search"), Some(Kind::ClientApi));
        assert_eq!(kind_of(&Method::GET, "/api/guildhall/v1/discussions/1"), None);
    }

    #[tokio::test]
    async fn a_window_refuses_past_its_limit_and_zero_is_no_limit() {
        let l = Limiter::new(RateLimits { resolve_per_minute: 2, search_per_minute: 0, ..RateLimits::default() });
        let first = l.hit(Kind::Resolve, "a".into()).await.unwrap();
        assert!(first.allowed && first.remaining == 1 && first.limit == 2, "{first:?}");
        let second = l.hit(Kind::Resolve, "a".into()).await.unwrap();
        assert!(second.allowed && second.remaining == 0, "{second:?}");
        let over = l.hit(Kind::Resolve, "a".into()).await.unwrap();
        assert!(!over.allowed && over.remaining == 0, "{over:?}");
        assert!((1..=60).contains(&over.wait()), "{over:?}");
        assert!(l.hit(Kind::Resolve, "b".into()).await.unwrap().allowed, "another key has its own window");
        for _ in 0..100 {
            assert!(l.hit(Kind::Search, "a".into()).await.is_none(), "0 is no limit");
        }
    }

    #[test]
    fn the_signing_host_is_read_from_either_signature_header() {
        let req =
            |name: &str, value: &str| Request::builder().header(name, value).body(axum::body::Body::empty()).unwrap();
        let cavage =
            req("Signature", r#"keyId="https://Mastodon.example/users/a#main-key",headers="(request-target)""#);
        assert_eq!(signing_host(&cavage).as_deref(), Some("mastodon.example"));
        let rfc = req("Signature-Input", r#"sig1=("@method");keyid="https://peer.example/actor#key""#);
        assert_eq!(signing_host(&rfc).as_deref(), Some("peer.example"));
        assert_eq!(signing_host(&req("Signature", "keyId=\"nope")), None);
    }
}
