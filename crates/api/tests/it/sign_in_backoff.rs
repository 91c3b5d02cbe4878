//! Password guessing over the API: per-account and per-address backoff (429 with
//! `Retry-After` and the usual error body), the right password from a known device during the
//! wait, the end of the wait, and the admin's view. Rules: `guildhall_domain::sign_in_backoff`.

use crate::common::{self, PASSWORD, TestApp};

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::Resp;
use serde_json::{Value, json};

/// `POST /api/guildhall/v1/auth/login` from the connection `peer`, with extra headers.
async fn login_from(app: &TestApp, peer: &str, body: Value, headers: &[(&str, &str)]) -> Resp {
    let mut req = Request::post("/api/guildhall/v1/auth/login").header(header::CONTENT_TYPE, "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(body.to_string())).expect("request");
    req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().expect("peer")));
    app.send(req).await
}

fn creds(user: &str, password: &str) -> Value {
    json!({"username": user, "password": password})
}

fn retry_after(r: &Resp) -> i64 {
    let v = r.headers.get(header::RETRY_AFTER).unwrap_or_else(|| panic!("no Retry-After: {} {}", r.status, r.body));
    v.to_str().expect("ascii").parse().expect("seconds")
}

#[tokio::test]
async fn the_sixth_attempt_waits_whatever_the_password_unless_the_device_is_known() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    app.user("ada").await;
    // Ada's own client signed in before (from another address) and kept its device token.
    let first = login_from(&app, "198.51.100.1:4000", creds("ada", PASSWORD), &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let device = first.body["device_token"].as_str().expect("device token").to_owned();
    let cookies: Vec<_> = first.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with(&format!("guildhall_device={device};"))), "{cookies:?}");

    let attacker = "203.0.113.5:5000";
    for i in 1..=5 {
        let r = login_from(&app, attacker, creds("ada", "wrong guess"), &[]).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "guess {i}");
    }
    let r = login_from(&app, attacker, creds("ada", "wrong guess"), &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"), "{}", r.body);
    assert_eq!(retry_after(&r), 30);
    assert!(r.body["message"].as_str().unwrap_or_default().contains("try again"), "{}", r.body);
    // The right password, from anywhere unknown, gets the same answer: no hint that it is right.
    let right = login_from(&app, attacker, creds("ada", PASSWORD), &[]).await;
    assert_eq!((right.status, right.body.clone()), (r.status, r.body.clone()));
    let elsewhere = login_from(&app, "192.0.2.77:1", creds("ada", PASSWORD), &[]).await;
    assert_eq!(elsewhere.status, StatusCode::TOO_MANY_REQUESTS, "the account waits, not just the address");
    // A forged or foreign device token is just unknown.
    let forged = json!({"username": "ada", "password": PASSWORD, "device_token": format!("{device}x")});
    assert_eq!(login_from(&app, attacker, forged, &[]).await.status, StatusCode::TOO_MANY_REQUESTS);
    app.user("bea").await;
    let beas = app.login_raw("bea", PASSWORD).await.body["device_token"].as_str().expect("token").to_owned();
    let foreign = json!({"username": "ada", "password": PASSWORD, "device_token": beas});
    assert_eq!(login_from(&app, attacker, foreign, &[]).await.status, StatusCode::TOO_MANY_REQUESTS);

    // Ada's known device gets in during the wait, by body field or by cookie.
    let known = json!({"username": "ada", "password": PASSWORD, "device_token": device});
    let r = login_from(&app, attacker, known, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let cookie = format!("guildhall_device={device}");
    let r = login_from(&app, attacker, creds("ada", PASSWORD), &[("cookie", &cookie)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A known device's wrong guesses are its own; they do not help it past the account's wait.
    let known_wrong = json!({"username": "ada", "password": "wrong guess", "device_token": device});
    assert_eq!(login_from(&app, attacker, known_wrong, &[]).await.status, StatusCode::UNAUTHORIZED);

    // The admin sees who was held back.
    let seen = app.get("/api/guildhall/v1/admin/sign-in-throttles", Some(&admin)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.body[0]["username"], "ada");
    assert_eq!(seen.body[0]["throttled"], 5, "the five 429s above: {}", seen.body);
    let r = app.get("/api/guildhall/v1/admin/sign-in-throttles", Some(&app.login("bea").await)).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));

    // After the wait, the right password works from anywhere.
    let r = login_from(&app, attacker, creds("ada", PASSWORD), &[]).await;
    app.ctx.sign_in_guard().skip_ahead(chrono::Duration::seconds(retry_after(&r)));
    let r = login_from(&app, attacker, creds("ada", PASSWORD), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn an_address_guessing_at_many_accounts_waits_and_cannot_hide_behind_forwarded_for() {
    let app = TestApp::new().await;
    let names = ["user1", "user2", "user3", "user4", "user5", "user6"];
    for n in names {
        app.user(n).await;
    }
    let attacker = "203.0.113.5:5000";
    // Four wrong guesses at each of five accounts: each account stays under its own limit.
    for n in &names[..5] {
        for _ in 0..4 {
            let r = login_from(&app, attacker, creds(n, "wrong guess"), &[]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{n}");
        }
    }
    let r = login_from(&app, attacker, creds("user6", PASSWORD), &[]).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"), "{}", r.body);
    assert_eq!(retry_after(&r), 30);
    // Usernames that do not exist wait the same way (a 429 does not reveal accounts).
    let r = login_from(&app, attacker, creds("nobody", "x"), &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // A header the client wrote itself does not make a new address...
    let r = login_from(&app, attacker, creds("user6", PASSWORD), &[("x-forwarded-for", "10.1.2.3")]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // ...a local reverse proxy's does; and other addresses are not held back.
    let via_proxy =
        login_from(&app, "127.0.0.1:9000", creds("user6", PASSWORD), &[("x-forwarded-for", "192.0.2.9")]).await;
    assert_eq!(via_proxy.status, StatusCode::OK, "{}", via_proxy.body);
    let proxied_attacker =
        login_from(&app, "127.0.0.1:9000", creds("user6", PASSWORD), &[("x-forwarded-for", "1.1.1.1, 203.0.113.5")])
            .await;
    assert_eq!(proxied_attacker.status, StatusCode::TOO_MANY_REQUESTS, "the proxy's last entry is the client");
    assert_eq!(login_from(&app, "198.51.100.8:1", creds("user1", PASSWORD), &[]).await.status, StatusCode::OK);
}
