//! Signing in from a Mastodon app: registering, approving in the browser, exchanging the
//! code (PKCE, client secret, out of band), client credentials, revocation, scopes, the account page's list
//! and the server metadata. Refusals on the way to a token: `oauth_refusals`.

use axum::http::{StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::site::{Session, Site, hidden, query_param, site};

pub(crate) const CALLBACK: &str = "https://app.example/callback";
pub(crate) const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
pub(crate) const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";

pub(crate) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A registered app: its answer to `POST /api/v1/apps`.
pub(crate) struct App {
    pub client_id: String,
    pub client_secret: String,
    pub body: Value,
}

pub(crate) async fn register(s: &Site, redirect_uris: Value, scopes: &str) -> App {
    let r = s
        .json(
            "/api/v1/apps",
            json!({"client_name": "Tuskish", "redirect_uris": redirect_uris, "scopes": scopes, "website": "https://tuskish.example"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    App {
        client_id: r.json["client_id"].as_str().unwrap().to_owned(),
        client_secret: r.json["client_secret"].as_str().unwrap().to_owned(),
        body: r.json,
    }
}

pub(crate) fn authorize_path(app: &App, redirect_uri: &str, scope: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", scope),
    ];
    pairs.extend_from_slice(extra);
    let q = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("/oauth/authorize?{q}")
}

/// Posts the approval form (as the page would) with `decision`.
pub(crate) async fn decide(
    s: &Site,
    session: &Session,
    app: &App,
    redirect_uri: &str,
    scope: &str,
    extra: &[(&str, &str)],
    decision: &str,
) -> crate::site::Resp {
    let mut pairs = vec![
        ("response_type", "code"),
        ("client_id", app.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", scope),
        ("decision", decision),
        ("csrf_token", session.csrf.as_str()),
    ];
    pairs.extend_from_slice(extra);
    s.form("/oauth/authorize", &pairs, &[("cookie", &session.cookie)]).await
}

pub(crate) async fn exchange(s: &Site, pairs: &[(&str, &str)]) -> crate::site::Resp {
    s.form("/oauth/token", pairs, &[]).await
}

/// Approves `app` for ada with PKCE and exchanges the code; returns the access token.
pub(crate) async fn pkce_token(s: &Site, session: &Session, app: &App, scope: &str) -> String {
    let ch = challenge(VERIFIER);
    let extra = [("code_challenge", ch.as_str()), ("code_challenge_method", "S256")];
    let r = decide(s, session, app, CALLBACK, scope, &extra, "approve").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let code = query_param(&r.location().unwrap(), "code").unwrap();
    let t = exchange(
        s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    t.json["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn full_pkce_flow_over_http() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read write follow").await;
    assert_eq!(app.body["name"], "Tuskish");
    assert_eq!(app.body["website"], "https://tuskish.example");
    assert_eq!(app.body["scopes"], json!(["read", "write", "follow"]));
    assert_eq!(app.body["redirect_uri"], CALLBACK);
    assert_eq!(app.body["redirect_uris"], json!([CALLBACK]));
    assert_eq!(app.body["vapid_key"], "");
    assert!(app.body["id"].is_string());

    // Signed out: off to sign in, and back to exactly this request afterwards.
    let ch = challenge(VERIFIER);
    let extra = [("state", "st&te 1"), ("code_challenge", ch.as_str()), ("code_challenge_method", "S256")];
    let path = authorize_path(&app, CALLBACK, "read write", &extra);
    let r = s.get(&path, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let login = r.location().unwrap();
    let next = query_param(&login, "next").expect("next");
    assert_eq!(next, path);
    let (session, signed_in) = s.sign_in_to("ada", &next).await;
    assert_eq!(signed_in.location().as_deref(), Some(path.as_str()));

    // The approval page: the app, its website and the scopes in plain words.
    let page = s.get(&path, &[("cookie", &session.cookie), ("accept-language", "en")]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Tuskish"));
    assert!(page.text.contains("https://tuskish.example"));
    assert!(page.text.contains("Read everything your account can see"));
    assert!(page.text.contains("Post, change and delete on your behalf"));
    assert!(!page.text.contains("Follow, block and mute"), "not asked for");
    assert_eq!(hidden(&page.text, "state"), "st&#38;te 1");
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("form-action 'self' https://app.example;"), "{csp}");

    // Approve: back to the app with a code and the state.
    let r = decide(&s, &session, &app, CALLBACK, "read write", &extra, "approve").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let to = r.location().unwrap();
    assert!(to.starts_with("https://app.example/callback?code="), "{to}");
    assert_eq!(query_param(&to, "state").as_deref(), Some("st&te 1"));
    let code = query_param(&to, "code").unwrap();

    // A public client: the verifier, no secret.
    let t = exchange(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(t.json["token_type"], "Bearer");
    assert_eq!(t.json["scope"], "read write");
    assert!(t.json["created_at"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(t.headers[header::CACHE_CONTROL], "no-store");
    let token = t.json["access_token"].as_str().unwrap();

    let v = s.get_bearer("/api/v1/apps/verify_credentials", token).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.json["name"], "Tuskish");
    assert!(v.json.get("client_secret").is_none(), "the secret is shown once only");
    let me = s.get_bearer("/test/whoami", token).await;
    assert_eq!((me.status, me.text.as_str()), (StatusCode::OK, "ada"));
}

#[tokio::test]
async fn out_of_band_code_is_shown_and_exchanged_with_basic_auth() {
    let s = site().await;
    let app = register(&s, json!(format!("{CALLBACK}\n{OOB}")), "read").await;
    assert_eq!(app.body["redirect_uris"], json!([CALLBACK, OOB]));
    let session = s.sign_in("ada").await;
    let page = s.get(&authorize_path(&app, OOB, "read", &[]), &[("cookie", &session.cookie)]).await;
    assert_eq!(page.status, StatusCode::OK);
    let r = decide(&s, &session, &app, OOB, "read", &[], "approve").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.location().is_none());
    let marker = "id=\"oauth-code\" type=\"text\" readonly value=\"";
    let start = r.text.find(marker).expect("code shown") + marker.len();
    let code = r.text[start..].split('"').next().unwrap().to_owned();

    let basic = format!("Basic {}", STANDARD.encode(format!("{}:{}", app.client_id, app.client_secret)));
    let t = s
        .form(
            "/oauth/token",
            &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", OOB)],
            &[("authorization", &basic)],
        )
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(t.json["scope"], "read");
}

#[tokio::test]
async fn client_credentials_give_an_app_token_without_a_member() {
    let s = site().await;
    let app = register(&s, json!([CALLBACK]), "read write").await;
    let t = s
        .json(
            "/oauth/token",
            json!({"grant_type": "client_credentials", "client_id": app.client_id, "client_secret": app.client_secret, "scope": "read"}),
        )
        .await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text);
    assert_eq!(t.json["scope"], "read");
    let token = t.json["access_token"].as_str().unwrap();
    let v = s.get_bearer("/api/v1/apps/verify_credentials", token).await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.json["name"], "Tuskish");
    let me = s.get_bearer("/test/whoami", token).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED, "an app token acts for nobody");

    // Outside the app's scopes, or without the secret: refused.
    let t = s
        .form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &app.client_id),
                ("client_secret", &app.client_secret),
                ("scope", "follow"),
            ],
            &[],
        )
        .await;
    assert_eq!((t.status, t.json["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_scope")));
    let t = s.form("/oauth/token", &[("grant_type", "client_credentials"), ("client_id", &app.client_id)], &[]).await;
    assert_eq!((t.status, t.json["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    let t = s.form("/oauth/token", &[("grant_type", "password"), ("client_id", &app.client_id)], &[]).await;
    assert_eq!((t.status, t.json["error"].as_str()), (StatusCode::BAD_REQUEST, Some("unsupported_grant_type")));
}

#[tokio::test]
async fn revoked_tokens_are_refused() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read").await;
    let session = s.sign_in("ada").await;
    let token = pkce_token(&s, &session, &app, "read").await;
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::OK);

    // Another app cannot revoke it; its own can.
    let other = register(&s, json!(CALLBACK), "read").await;
    let r = s
        .form(
            "/oauth/revoke",
            &[("token", &token), ("client_id", &other.client_id), ("client_secret", &other.client_secret)],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::OK);
    let wrong = s
        .form("/oauth/revoke", &[("token", &token), ("client_id", &app.client_id), ("client_secret", "nope")], &[])
        .await;
    assert_eq!((wrong.status, wrong.json["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    let r = s
        .form(
            "/oauth/revoke",
            &[("token", &token), ("client_id", &app.client_id), ("client_secret", &app.client_secret)],
            &[],
        )
        .await;
    assert_eq!((r.status, r.json.clone()), (StatusCode::OK, json!({})));
    let me = s.get_bearer("/test/whoami", &token).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.json["error"], "The access token is invalid");
    assert_eq!(s.get_bearer("/api/v1/apps/verify_credentials", &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.get_bearer("/test/whoami", "never-issued").await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn scopes_limit_what_a_token_may_do() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read write").await;
    let session = s.sign_in("ada").await;
    let read_only = pkce_token(&s, &session, &app, "read").await;
    let r = s.post("/test/write", "application/json", "{}", &[("authorization", &format!("Bearer {read_only}"))]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.json["error"], "This action is outside the authorized scopes");
    let writer = pkce_token(&s, &session, &app, "write:statuses read:accounts").await;
    let r = s.post("/test/write", "application/json", "{}", &[("authorization", &format!("Bearer {writer}"))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A Guildhall session token can do anything its owner can; a cookie is never enough.
    let r = s
        .post("/test/write", "application/json", "{}", &[("authorization", &format!("Bearer {}", session.token))])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = s.post("/test/write", "application/json", "{}", &[("cookie", &session.cookie)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_account_page_lists_apps_and_revokes_them() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read write").await;
    let session = s.sign_in("ada").await;
    let token = pkce_token(&s, &session, &app, "read").await;
    let page = s.get("/account", &[("cookie", &session.cookie), ("accept-language", "en")]).await;
    assert!(page.text.contains("Tuskish"), "{}", page.text);
    assert!(page.text.contains("Read everything your account can see"));
    let app_id = app.body["id"].as_str().unwrap();
    let action = format!("/account/apps/{app_id}/revoke");
    assert!(page.text.contains(&action));

    // Someone else's session cannot revoke ada's app (it revokes only their own tokens).
    let bob = {
        s.account("bob").await;
        s.sign_in("bob").await
    };
    let r = s.form(&action, &[("csrf_token", &bob.csrf)], &[("cookie", &bob.cookie)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::OK);

    let r = s.form(&action, &[("csrf_token", &session.csrf)], &[("cookie", &session.cookie)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::UNAUTHORIZED);
    let page = s.get("/account?done=app-revoked", &[("cookie", &session.cookie), ("accept-language", "en")]).await;
    assert!(!page.text.contains("Tuskish"));
    assert!(page.text.contains("The app’s access was revoked."));
}

#[tokio::test]
async fn server_metadata_names_the_endpoints() {
    let s = site().await;
    let r = s.get("/.well-known/oauth-authorization-server", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json["issuer"], "http://localhost:8080/");
    assert_eq!(r.json["authorization_endpoint"], "http://localhost:8080/oauth/authorize");
    assert_eq!(r.json["token_endpoint"], "http://localhost:8080/oauth/token");
    assert_eq!(r.json["revocation_endpoint"], "http://localhost:8080/oauth/revoke");
    assert_eq!(r.json["app_registration_endpoint"], "http://localhost:8080/api/v1/apps");
    assert!(r.json["scopes_supported"].as_array().unwrap().contains(&json!("write:statuses")));
    assert!(r.json["code_challenge_methods_supported"].as_array().unwrap().contains(&json!("S256")));
}
