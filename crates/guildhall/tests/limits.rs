//! The whole application as `guildhall serve` builds it (`server::app`): the security headers
//! on every kind of response, and each rate limit answering 429 with Retry-After once
//! exceeded (tiny limits configured here; the defaults are generous), with Mastodon's
//! `X-RateLimit-*` headers on the client API.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use guildhall::Config;
use guildhall::limits::RateLimits;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct App {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

async fn app(https: bool, limits: RateLimits) -> App {
    app_with(https, limits, &[]).await
}

/// [`app`] with further `GUILDHALL_*` settings.
async fn app_with(https: bool, limits: RateLimits, extra: &[(&str, &str)]) -> App {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = [
        ("GUILDHALL_DOMAIN", "localhost:8080".to_owned()),
        ("GUILDHALL_DATA_DIR", dir.path().join("data").display().to_string()),
        ("GUILDHALL_HTTPS", https.to_string()),
        ("GUILDHALL_DEV_MODE", "true".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
    .collect();
    let config = Config::from_sources(None, &env).unwrap();
    let (ctx, _) = guildhall::open(&config).await.unwrap();
    let federation = guildhall_federation::config(
        ctx.clone(),
        guildhall_federation::Settings { debug: true, ..guildhall_federation::Settings::default() },
    )
    .await
    .unwrap();
    App { router: guildhall::server::app(ctx, federation, limits), _dir: dir }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl App {
    async fn send(&self, method: Method, uri: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = self.router.clone().oneshot(req.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
        Answer { status, headers, body }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send(Method::GET, uri, &[], "").await
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = app(true, RateLimits::default()).await;
    let api = app.get("/api/guildhall/v1/communities").await;
    let page = app.get("/login").await;
    let activitypub = app.send(Method::GET, "/actor", &[("accept", "application/activity+json")], "").await;
    let not_found = app.get("/api/guildhall/v1/nope").await;
    for (what, a) in [("API", &api), ("page", &page), ("ActivityPub", &activitypub), ("404", &not_found)] {
        let h = |name: &str| a.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(h("content-security-policy"), guildhall_web::CONTENT_SECURITY_POLICY, "{what}");
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{what}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(h("x-frame-options"), "DENY", "{what}");
        assert_eq!(h("referrer-policy"), "same-origin", "{what}");
        assert!(h("permissions-policy").contains("camera=()"), "{what}");
        assert_eq!(h("strict-transport-security"), "max-age=63072000", "{what}");
    }
    assert_eq!(api.status, StatusCode::OK);
    assert!(page.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(activitypub.headers[header::CONTENT_TYPE].to_str().unwrap().contains("activity+json"));
}

#[tokio::test]
async fn no_hsts_without_https() {
    let app = app(false, RateLimits::default()).await;
    let r = app.get("/api/guildhall/v1/communities").await;
    assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

fn assert_limited(a: &Answer, json: bool, what: &str) {
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{what}: {}", a.body);
    let wait: u64 = a.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "{what}");
    if json {
        let v: serde_json::Value = serde_json::from_str(&a.body).unwrap_or_else(|_| panic!("{what}: {}", a.body));
        assert_eq!(v["error"], "rate_limited", "{what}");
    } else {
        assert!(a.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{what}");
        assert!(a.body.contains("Too many requests"), "{what}");
    }
    assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}: headers on 429s too");
}

fn tiny() -> RateLimits {
    RateLimits {
        signup_per_hour: 1,
        search_per_minute: 1,
        webfinger_per_minute: 1,
        resolve_per_minute: 1,
        inbox_per_minute: 1,
        oauth_per_hour: 1,
        client_api_per_5_minutes: 2,
        email_requests_per_hour: 1,
        network_search_per_minute: 1,
    }
}

#[tokio::test]
async fn signup_is_limited_on_the_api_and_the_web_form() {
    let app = app(false, tiny()).await;
    let reg = r#"{"username":"ann","password":"correct horse battery","email":"ann@example.org"}"#;
    let first = app.send(Method::POST, "/api/guildhall/v1/accounts", &[JSON], reg).await;
    assert_ne!(first.status, StatusCode::TOO_MANY_REQUESTS);
    let r = app.send(Method::POST, "/api/guildhall/v1/accounts", &[JSON], reg).await;
    assert_limited(&r, true, "API sign-up");
    // The web form shares the sign-up allowance of the address.
    let form = ("content-type", "application/x-www-form-urlencoded");
    let r = app.send(Method::POST, "/signup", &[form], "username=bob").await;
    assert_limited(&r, false, "web sign-up");
}

#[tokio::test]
async fn requests_that_email_a_link_are_limited_per_address_on_the_api_and_the_web() {
    let app = app(false, tiny()).await;
    let ask = r#"{"email":"ann@example.org"}"#;
    let first = app.send(Method::POST, "/api/guildhall/v1/auth/password-reset", &[JSON], ask).await;
    assert_ne!(first.status, StatusCode::TOO_MANY_REQUESTS);
    let r = app.send(Method::POST, "/api/guildhall/v1/auth/email-confirmation/resend", &[JSON], ask).await;
    assert_limited(&r, true, "API confirmation link, sharing the reset allowance");
    let form = ("content-type", "application/x-www-form-urlencoded");
    assert_limited(&app.send(Method::POST, "/password-reset", &[form], "email=x").await, false, "web reset form");
    assert_limited(&app.send(Method::POST, "/email/resend", &[form], "email=x").await, false, "web resend form");
    // Following a link does not count: it sends nothing.
    let r = app.send(Method::POST, "/api/guildhall/v1/auth/email-confirmation", &[JSON], r#"{"token":"x"}"#).await;
    assert_ne!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn network_search_answers_are_limited_per_address_with_a_json_429() {
    let app = app(false, tiny()).await;
    let first = app.get("/api/guildhall/v1/search/public?q=budget").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_limited(&app.get("/api/guildhall/v1/search/public?q=plan").await, true, "network search");
    // Its own allowance: the community list is not used up by peers' searches.
    assert_eq!(app.get("/api/guildhall/v1/communities").await.status, StatusCode::OK);
}

#[tokio::test]
async fn search_webfinger_and_resolve_are_limited() {
    let app = app(false, tiny()).await;
    assert_eq!(app.get("/api/guildhall/v1/communities?q=x").await.status, StatusCode::OK);
    assert_limited(&app.get("/api/guildhall/v1/communities?q=y").await, true, "API search");
    assert_limited(&app.get("/communities").await, false, "web directory");

    let wf = "/.well-known/webfinger?resource=acct:nobody@localhost:8080";
    assert_ne!(app.get(wf).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_limited(&app.get(wf).await, true, "WebFinger");

    let q = r#"{"query":"not a handle"}"#;
    assert_ne!(
        app.send(Method::POST, "/api/guildhall/v1/federation/resolve", &[JSON], q).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_limited(&app.send(Method::POST, "/api/guildhall/v1/federation/resolve", &[JSON], q).await, true, "resolve");
}

#[tokio::test]
async fn inboxes_are_limited_per_remote_instance() {
    let app = app(false, tiny()).await;
    let signed_by = |host: &str| format!(r#"keyId="https://{host}/users/a#main-key",signature="AAAA""#);
    let a = signed_by("a.example");
    let post = |sig: String, path: &'static str| {
        let app = &app;
        async move {
            let ct = ("content-type", "application/activity+json");
            app.send(Method::POST, path, &[ct, ("signature", sig.as_str())], "{}").await
        }
    };
    let first = post(a.clone(), "/inbox").await;
    assert_ne!(first.status, StatusCode::TOO_MANY_REQUESTS, "{}", first.body);
    assert_limited(&post(a.clone(), "/c/anything/inbox").await, true, "inbox, same instance");
    let other = post(signed_by("b.example"), "/inbox").await;
    assert_ne!(other.status, StatusCode::TOO_MANY_REQUESTS, "another instance has its own allowance");
}

/// A search request from `peer`, forwarding `forwarded_for` when given.
async fn search_from(app: &App, peer: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut req = Request::builder().uri("/api/guildhall/v1/communities?q=x");
    if let Some(address) = forwarded_for {
        req = req.header("x-forwarded-for", address);
    }
    let mut req = req.body(Body::empty()).unwrap();
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    app.router.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn a_local_proxys_clients_count_apart_and_a_clients_own_forwarded_for_is_ignored() {
    let app = app(false, tiny()).await;
    // Behind a reverse proxy on the same machine, each forwarded client has its own allowance.
    assert_eq!(search_from(&app, "127.0.0.1:40000", Some("192.0.2.1")).await, StatusCode::OK);
    assert_eq!(search_from(&app, "127.0.0.1:40000", Some("192.0.2.2")).await, StatusCode::OK);
    assert_eq!(search_from(&app, "127.0.0.1:40000", Some("192.0.2.1")).await, StatusCode::TOO_MANY_REQUESTS);
    // A remote client cannot buy a fresh allowance by naming another address itself.
    assert_eq!(search_from(&app, "203.0.113.7:5000", Some("192.0.2.3")).await, StatusCode::OK);
    assert_eq!(search_from(&app, "203.0.113.7:5000", Some("192.0.2.4")).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_listed_load_balancers_clients_count_apart_and_nobody_elses_forwarding_is_believed() {
    let app = app_with(false, tiny(), &[("GUILDHALL_TRUSTED_PROXIES", "10.0.0.0/8")]).await;
    assert_eq!(search_from(&app, "10.0.0.5:40000", Some("192.0.2.1")).await, StatusCode::OK);
    assert_eq!(search_from(&app, "10.0.0.5:40000", Some("192.0.2.2")).await, StatusCode::OK);
    // Through the load balancer and an inner proxy (both trusted), the client is further left.
    assert_eq!(search_from(&app, "10.0.0.5:40000", Some("192.0.2.1, 10.3.3.3")).await, StatusCode::TOO_MANY_REQUESTS);
    // An untrusted peer's forwarding is ignored.
    assert_eq!(search_from(&app, "172.16.0.9:5000", Some("192.0.2.3")).await, StatusCode::OK);
    assert_eq!(search_from(&app, "172.16.0.9:5000", Some("192.0.2.4")).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn mastodon_apps_sign_in_is_limited_and_the_client_api_counts_per_token_with_its_headers() {
    let app = app(false, tiny()).await;
    let form = ("content-type", "application/x-www-form-urlencoded");
    let reg = "client_name=App&redirect_uris=urn:ietf:wg:oauth:2.0:oob";
    let first = app.send(Method::POST, "/api/v1/apps", &[form], reg).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let r = app.send(Method::POST, "/oauth/token", &[form], "grant_type=client_credentials").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "apps and tokens share the allowance: {}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["error"].as_str().unwrap_or_default().starts_with("Too many requests"), "Mastodon's shape: {v}");
    assert!(r.headers.contains_key(header::RETRY_AFTER));

    // The client API: two requests per window, counted per token, with Mastodon's headers.
    let remaining = |a: &Answer| a.headers["x-ratelimit-remaining"].to_str().unwrap().to_owned();
    let ada = [("authorization", "Bearer not-a-real-token-a")];
    let one = app.send(Method::GET, "/api/v1/instance", &ada, "").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.headers["x-ratelimit-limit"], "2");
    assert_eq!(remaining(&one), "1");
    let reset = one.headers["x-ratelimit-reset"].to_str().unwrap();
    assert!(reset.ends_with('Z') && reset.contains('T'), "ISO 8601: {reset}");
    let two = app.send(Method::GET, "/api/v1/timelines/public", &ada, "").await;
    assert_eq!(remaining(&two), "0");
    let three = app.send(Method::GET, "/api/v1/instance", &ada, "").await;
    assert_eq!(three.status, StatusCode::TOO_MANY_REQUESTS, "{}", three.body);
    assert_eq!(remaining(&three), "0");
    let bob = [("authorization", "Bearer not-a-real-token-b")];
    assert_eq!(app.send(Method::GET, "/api/v1/instance", &bob, "").await.status, StatusCode::OK, "another token");
    // Guildhall's own API is not counted here, and carries no such headers.
    let own = app.send(Method::GET, "/api/guildhall/v1/discussions/1", &ada, "").await;
    assert_ne!(own.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(own.headers.get("x-ratelimit-limit").is_none());
}
