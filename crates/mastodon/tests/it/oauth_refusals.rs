//! Refusals on the way to a token: wrong or missing PKCE verifiers, reused and expired codes,
//! wrong client secrets, bad authorization requests (pages, never redirects), denial, and
//! bad app registrations.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, Utc};
use guildhall_app::oauth::{self, AuthorizeRequest};
use serde_json::json;

use crate::oauth::{CALLBACK, OOB, VERIFIER, authorize_path, challenge, decide, exchange, register};
use crate::site::{query_param, site};

#[tokio::test]
async fn wrong_verifier_then_reuse_of_a_code_are_invalid_grants() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read").await;
    let session = s.sign_in("ada").await;
    let ch = challenge(VERIFIER);
    let extra = [("code_challenge", ch.as_str()), ("code_challenge_method", "S256")];
    let r = decide(&s, &session, &app, CALLBACK, "read", &extra, "approve").await;
    let code = query_param(&r.location().unwrap(), "code").unwrap();
    let sr = &s;
    let attempt = |verifier: &'static str| {
        let pairs = [
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", CALLBACK.to_owned()),
            ("client_id", app.client_id.clone()),
            ("code_verifier", verifier.to_owned()),
        ];
        async move {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            exchange(sr, &pairs).await
        }
    };
    let bad = attempt("another-verifier-that-is-long-enough-to-be-well-formed-xyz").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text);
    assert_eq!(bad.json["error"], "invalid_grant");
    assert!(bad.json["error_description"].is_string());
    let missing = exchange(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
        ],
    )
    .await;
    assert_eq!(missing.json["error"], "invalid_grant", "a challenge needs its verifier: {}", missing.text);

    let good = attempt(VERIFIER).await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.text);
    let token = good.json["access_token"].as_str().unwrap().to_owned();
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::OK);

    // Replayed: refused, and the token it gave is revoked (RFC 6749 §4.1.2).
    let again = attempt(VERIFIER).await;
    assert_eq!((again.status, again.json["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(s.get_bearer("/test/whoami", &token).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read").await;
    let ada = s.ada.clone();
    let req = AuthorizeRequest {
        response_type: "code".into(),
        client_id: app.client_id.clone(),
        redirect_uri: CALLBACK.into(),
        scope: "read".into(),
        ..Default::default()
    };
    let auth = oauth::check_authorization(&s.ctx, &req).await.unwrap();
    let exchange_made_at = |minutes_ago: i64| {
        let (s, auth, ada, app) = (&s, &auth, &ada, &app);
        async move {
            let approved =
                oauth::approve(&s.ctx, ada, auth, Utc::now() - Duration::minutes(minutes_ago)).await.unwrap();
            exchange(
                s,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &approved.code),
                    ("redirect_uri", CALLBACK),
                    ("client_id", &app.client_id),
                    ("client_secret", &app.client_secret),
                ],
            )
            .await
        }
    };
    let old = exchange_made_at(11).await;
    assert_eq!(
        (old.status, old.json["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "{}",
        old.text
    );
    let fresh = exchange_made_at(9).await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
}

#[tokio::test]
async fn wrong_client_secret_or_redirect_uri_at_exchange() {
    let s = site().await;
    let app = register(&s, json!([CALLBACK, "https://app.example/other"]), "read").await;
    let session = s.sign_in("ada").await;
    let r = decide(&s, &session, &app, CALLBACK, "read", &[], "approve").await;
    let code = query_param(&r.location().unwrap(), "code").unwrap();
    let with = |secret: &str, redirect: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", redirect.to_owned()),
            ("client_id", app.client_id.clone()),
            ("client_secret", secret.to_owned()),
        ]
    };
    let sr = &s;
    let send = |pairs: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        exchange(sr, &pairs).await
    };
    let wrong = send(with("not-the-secret", CALLBACK)).await;
    assert_eq!((wrong.status, wrong.json["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    let basic = format!("Basic {}", STANDARD.encode(format!("{}:nope", app.client_id)));
    let wrong_basic = s
        .form(
            "/oauth/token",
            &[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", CALLBACK)],
            &[("authorization", &basic)],
        )
        .await;
    assert_eq!(wrong_basic.status, StatusCode::UNAUTHORIZED);
    // No secret and no PKCE: nothing proves who is asking.
    let none = exchange(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &app.client_id),
        ],
    )
    .await;
    assert_eq!(none.json["error"], "invalid_client");
    let other_redirect = send(with(&app.client_secret, "https://app.example/other")).await;
    assert_eq!(other_redirect.json["error"], "invalid_grant", "must equal the one used at authorize");
    let right = send(with(&app.client_secret, CALLBACK)).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
}

#[tokio::test]
async fn bad_authorize_requests_are_error_pages_never_redirects() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read write:statuses").await;
    let session = s.sign_in("ada").await;
    let cookie = [("cookie", session.cookie.as_str())];
    let cases = [
        (authorize_path(&app, "https://evil.example/steal", "read", &[]), "invalid_redirect_uri"),
        (authorize_path(&app, "https://app.example/callback/../x", "read", &[]), "invalid_redirect_uri"),
        (authorize_path(&app, "https://evil.example/steal", "bogus", &[]), "invalid_redirect_uri"),
        (authorize_path(&app, CALLBACK, "read bogus", &[]), "invalid_scope"),
        (authorize_path(&app, CALLBACK, "follow", &[]), "invalid_scope"),
        (authorize_path(&app, CALLBACK, "admin:read", &[]), "invalid_scope"),
        (
            "/oauth/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example".into(),
            "invalid_client",
        ),
        (
            authorize_path(&app, CALLBACK, "read", &[("code_challenge", "short"), ("code_challenge_method", "S256")]),
            "invalid_request",
        ),
    ];
    for (path, code) in &cases {
        for headers in [&cookie[..], &[][..]] {
            let r = s.get(path, headers).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.text);
            assert!(r.location().is_none(), "{path} redirected");
            assert!(r.text.contains(code), "{path}: {code} not in {}", r.text);
        }
    }
    // The form post checks the same (a forged form cannot redirect anywhere either).
    let r = decide(&s, &session, &app, "https://evil.example/steal", "read", &[], "approve").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.location().is_none());
    // A sub-scope within the app's: fine, in French too.
    let ok = s
        .get(
            &authorize_path(&app, CALLBACK, "read:statuses write:statuses", &[]),
            &[cookie[0], ("accept-language", "fr")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(ok.text.contains("Voir les messages"), "{}", ok.text);
    assert!(ok.text.contains("Publier et supprimer des messages"));
}

#[tokio::test]
async fn deny_tells_the_app_access_denied() {
    let s = site().await;
    let app = register(&s, json!(CALLBACK), "read").await;
    let session = s.sign_in("ada").await;
    let r = decide(&s, &session, &app, CALLBACK, "read", &[("state", "abc")], "deny").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.location().unwrap();
    assert!(to.starts_with(CALLBACK), "{to}");
    assert_eq!(query_param(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(&to, "state").as_deref(), Some("abc"));
    assert!(query_param(&to, "code").is_none());
    // Without a valid CSRF token nothing happens.
    let forged = s
        .form(
            "/oauth/authorize",
            &[
                ("response_type", "code"),
                ("client_id", &app.client_id),
                ("redirect_uri", CALLBACK),
                ("decision", "approve"),
                ("csrf_token", "forged"),
            ],
            &[("cookie", &session.cookie)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.location().is_none());
}

#[tokio::test]
async fn app_registration_refuses_bad_input() {
    let s = site().await;
    for body in [
        json!({"client_name": "x"}),
        json!({"client_name": "x", "redirect_uris": "javascript:alert(1)"}),
        json!({"client_name": "x", "redirect_uris": "https://a.example/cb#frag"}),
        json!({"client_name": "x", "redirect_uris": CALLBACK, "scopes": "read admin:write"}),
        json!({"client_name": "", "redirect_uris": CALLBACK}),
        json!({"client_name": "x", "redirect_uris": CALLBACK, "website": "javascript:alert(1)"}),
    ] {
        let r = s.json("/api/v1/apps", body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text);
        assert!(r.json["error"].as_str().unwrap().starts_with("Validation failed"), "{}", r.text);
    }
    // Form-encoded with bracketed arrays, as Mastodon.py and megalodon send; scopes default to read.
    let r = s
        .form("/api/v1/apps", &[("client_name", "Formy"), ("redirect_uris[]", CALLBACK), ("redirect_uris[]", OOB)], &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["scopes"], json!(["read"]));
    assert_eq!(r.json["redirect_uris"], json!([CALLBACK, OOB]));
    assert_eq!(r.json["client_secret_expires_at"], 0);
}
