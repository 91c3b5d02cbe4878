//! Registration under every mode, the email allowlist, sign-in and sessions, the own
//! account, password changes, public profiles and cookie authentication with CSRF.

use crate::common;

use axum::http::{Method, StatusCode, header};
use common::{PASSWORD, TestApp};
use serde_json::{Value, json};

/// An admin named `boss`, with the registration mode set to `mode`.
async fn admin_with_mode(app: &TestApp, mode: &str) -> String {
    let admin = app.admin("boss").await;
    let s = app.settings(&admin, json!({"registration_mode": mode})).await;
    assert_eq!(s["registration_mode"], mode);
    admin
}

fn reg(username: &str, email: &str) -> Value {
    json!({"username": username, "email": email, "password": PASSWORD})
}

/// The signed-in account as `GET /accounts/me` shows it.
async fn me(app: &TestApp, token: &str) -> Value {
    let r = app.get("/api/guildhall/v1/accounts/me", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// `PUT /accounts/me/password`.
async fn put(app: &TestApp, token: &str, current: &str, new: &str) -> common::Resp {
    app.call(
        Method::PUT,
        "/api/guildhall/v1/accounts/me/password",
        Some(token),
        Some(json!({"current_password": current, "new_password": new})),
    )
    .await
}

/// Usernames of the accounts waiting for approval.
async fn pending(app: &TestApp, admin: &str) -> Vec<String> {
    app.names("/api/guildhall/v1/admin/accounts?status=pending", Some(admin), "username").await
}

#[tokio::test]
async fn open_registration_creates_an_active_account_that_can_sign_in() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "open").await;

    let r = app
        .register(json!({"username": "Alice", "email": " alice@Example.ORG ", "password": PASSWORD,
            "display_name": "  Alice Tremblay "}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["username"], "alice", "usernames are stored lowercase");
    assert_eq!(r.body["status"], "active");
    assert_eq!(r.body["email"], "alice@example.org", "trimmed, domain lowercased");
    assert_eq!(r.body["display_name"], "Alice Tremblay");
    assert_eq!(r.body["is_admin"], false);
    assert_eq!(r.body["tags"], json!([]));

    // Without a display name the username is used.
    let r = app.register(reg("bob", "bob@example.org")).await;
    assert_eq!((r.status, r.body["display_name"].as_str()), (StatusCode::CREATED, Some("bob")));

    // Sign-in works at once, case-insensitively on the username.
    let r = app.login_raw("ALICE", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["account"]["username"], "alice");
    let token = r.body["token"].as_str().unwrap().to_string();
    assert!(!r.body["csrf_token"].as_str().unwrap().is_empty());
    let me = app.get("/api/guildhall/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!((me.body["username"].as_str(), me.body["email"].as_str()), (Some("alice"), Some("alice@example.org")));

    // Nothing is waiting for approval on an open instance.
    assert!(pending(&app, &admin).await.is_empty());
}

#[tokio::test]
async fn approval_registration_is_pending_until_an_admin_approves() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    // Approval is the default mode of a new instance.
    let s = app.get("/api/guildhall/v1/admin/settings", Some(&admin)).await;
    assert_eq!(s.body["registration_mode"], "approval", "{}", s.body);

    let r = app
        .register(json!({"username": "bob", "email": "bob@example.org", "password": PASSWORD,
            "reason": "I run the HR wiki"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "pending");

    // A pending account cannot sign in and has no public profile.
    let r = app.login_raw("bob", PASSWORD).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "account_pending"));
    assert!(r.headers.get(header::SET_COOKIE).is_none(), "no session for a pending account");
    let r = app.get("/api/guildhall/v1/accounts/bob", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));

    // Admins see it with its reason and email.
    let items = app.items("/api/guildhall/v1/admin/accounts?status=pending", Some(&admin)).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["username"], "bob");
    assert_eq!(items[0]["email"], "bob@example.org");
    assert_eq!(items[0]["reason"], "I run the HR wiki");

    // A member cannot approve it.
    let carol = app.user("carol").await;
    let r = app.post("/api/guildhall/v1/admin/accounts/bob/approve", Some(&carol), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"));
    assert_eq!(app.login_raw("bob", PASSWORD).await.status, StatusCode::FORBIDDEN);

    // The admin approves it.
    let r = app.post("/api/guildhall/v1/admin/accounts/bob/approve", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["username"].as_str(), r.body["status"].as_str()), (Some("bob"), Some("active")));
    assert!(pending(&app, &admin).await.is_empty());
    let r = app.login_raw("bob", PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["account"]["status"], "active");
    assert_eq!(app.get("/api/guildhall/v1/accounts/bob", None).await.status, StatusCode::OK);

    // Approving twice, or an unknown account.
    let r = app.post("/api/guildhall/v1/admin/accounts/bob/approve", Some(&admin), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"));
    let r = app.post("/api/guildhall/v1/admin/accounts/nobody/approve", Some(&admin), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn rejecting_a_pending_account_removes_it_and_frees_the_name() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "approval").await;
    assert_eq!(app.register(reg("dave", "dave@example.org")).await.status, StatusCode::CREATED);

    let r = app.post("/api/guildhall/v1/admin/accounts/dave/reject", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(pending(&app, &admin).await.is_empty());
    let r = app.login_raw("dave", PASSWORD).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let r = app.post("/api/guildhall/v1/admin/accounts/dave/reject", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Name and email are free again.
    let r = app.register(reg("dave", "dave@example.org")).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("pending")), "{}", r.body);

    // Active accounts cannot be "rejected".
    app.user("erin").await;
    let r = app.post("/api/guildhall/v1/admin/accounts/erin/reject", Some(&admin), json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(app.login_raw("erin", PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn invite_registration_needs_a_valid_unused_code() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "invite").await;

    // No code, an empty code or a wrong code: refused, nothing stored.
    let r = app.register(reg("frank", "frank@example.org")).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "invite_required"));
    let mut body = reg("frank", "frank@example.org");
    body["invite_code"] = json!("   ");
    assert_eq!(app.register(body.clone()).await.code(), "invite_required");
    body["invite_code"] = json!("not-a-real-code");
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "invite_required"));
    assert_eq!(app.login_raw("frank", PASSWORD).await.status, StatusCode::UNAUTHORIZED);

    // A single-use code admits one account, active at once.
    let code = app.invite(&admin, json!({})).await;
    let mut body = reg("frank", "frank@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["status"], "active");
    assert_eq!(app.login_raw("frank", PASSWORD).await.status, StatusCode::OK);

    // ... and is then used up.
    let mut body = reg("gina", "gina@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "invite_required"));
    assert_eq!(app.login_raw("gina", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let invites = app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await;
    assert_eq!(invites.len(), 1);
    assert_eq!((invites[0]["uses"].as_i64(), invites[0]["max_uses"].as_i64()), (Some(1), Some(1)));

    // A two-use code admits exactly two.
    let code = app.invite(&admin, json!({"max_uses": 2})).await;
    for (i, name) in ["hana", "ivan", "jack"].iter().enumerate() {
        let mut body = reg(name, &format!("{name}@example.org"));
        body["invite_code"] = json!(code);
        let r = app.register(body).await;
        if i < 2 {
            assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.body);
        } else {
            assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "invite_required"));
        }
    }
    assert_eq!(app.login_raw("jack", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_refused_registration_does_not_use_up_the_invite() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "invite").await;
    app.user("taken").await;
    let code = app.invite(&admin, json!({"max_uses": 1})).await;

    // Email already in use: 409, and the code keeps its one use.
    let mut body = reg("newbie", "taken@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{}", r.body);
    // Username already in use: same.
    let mut body = reg("taken", "fresh@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{}", r.body);

    let invites = app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await;
    assert_eq!(invites[0]["uses"], 0, "{invites:?}");
    let mut body = reg("newbie", "newbie@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn closed_registration_is_refused_even_with_an_invite() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let code = app.invite(&admin, json!({})).await;
    app.settings(&admin, json!({"registration_mode": "closed"})).await;

    let r = app.register(reg("kim", "kim@example.org")).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "registration_closed"));
    let mut body = reg("kim", "kim@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "registration_closed"));
    assert_eq!(app.login_raw("kim", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let invites = app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await;
    assert_eq!(invites[0]["uses"], 0);

    // Nothing was claimed: once open, the same name registers.
    app.settings(&admin, json!({"registration_mode": "open"})).await;
    assert_eq!(app.register(reg("kim", "kim@example.org")).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn email_domain_allowlist_applies_to_registration() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let s = app.settings(&admin, json!({"registration_mode": "open", "email_domains": ["*.gc.ca"]})).await;
    assert_eq!(s["email_domains"], json!(["*.gc.ca"]));

    for email in ["x@gmail.com", "x@gc.ca", "x@evilgc.ca", "x@gc.ca.example.com"] {
        let r = app.register(reg("xavier", email)).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "email_domain_not_allowed"), "{email}");
    }
    assert_eq!(app.login_raw("xavier", PASSWORD).await.status, StatusCode::UNAUTHORIZED);

    let r = app.register(reg("xavier", "x@tbs-sct.gc.ca")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.body["status"].as_str(), r.body["email"].as_str()), (Some("active"), Some("x@tbs-sct.gc.ca")));
    let r = app.register(reg("yara", "Yara@SSC-SPC.GC.CA")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["email"], "yara@ssc-spc.gc.ca", "emails are stored lowercased");

    // The allowlist applies in approval mode too.
    app.settings(&admin, json!({"registration_mode": "approval"})).await;
    let r = app.register(reg("zoe", "zoe@gmail.com")).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "email_domain_not_allowed"));
    let r = app.register(reg("zoe", "zoe@canada.gc.ca")).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::CREATED, Some("pending")));
    assert_eq!(pending(&app, &admin).await, vec!["zoe"]);
}

#[tokio::test]
async fn duplicate_username_or_email_is_a_conflict() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "approval").await;
    assert_eq!(app.register(reg("alice", "alice@example.org")).await.status, StatusCode::CREATED);

    for body in [
        reg("alice", "other@example.org"),
        reg("ALICE", "other@example.org"),
        reg("alice2", "alice@example.org"),
        reg("alice3", "alice@EXAMPLE.org"),
        reg("boss", "boss2@example.org"),
    ] {
        let r = app.register(body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{body}: {}", r.body);
    }
    // Only the first registration is stored.
    assert_eq!(pending(&app, &admin).await, vec!["alice"]);
    let items = app.items("/api/guildhall/v1/admin/accounts?status=pending", Some(&admin)).await;
    assert_eq!(items[0]["email"], "alice@example.org");
}

#[tokio::test]
async fn usernames_share_the_name_space_with_communities() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "open").await;
    let maker = app.user("maker").await;
    app.community(&maker, "gardening", "public").await;

    for name in ["gardening", "Gardening"] {
        let r = app.register(reg(name, "g@example.org")).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "conflict"), "{name}: {}", r.body);
    }
    assert_eq!(app.login_raw("gardening", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/guildhall/v1/accounts/gardening", None).await.status, StatusCode::NOT_FOUND);
    // The community is untouched.
    let c = app.get("/api/guildhall/v1/communities/gardening", None).await;
    assert_eq!((c.status, c.body["title"].as_str()), (StatusCode::OK, Some("Title of gardening")));
    // The email was not taken by the refused registration.
    assert_eq!(app.register(reg("gardener", "g@example.org")).await.status, StatusCode::CREATED);
    assert!(pending(&app, &admin).await.is_empty());
}

#[tokio::test]
async fn invalid_registrations_are_400_with_the_field() {
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "approval").await;
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(Value, &str)> = vec![
        (reg("ab", "a@example.org"), "username"),
        (reg(&long(31), "a@example.org"), "username"),
        (reg("has space", "a@example.org"), "username"),
        (reg("dot.name", "a@example.org"), "username"),
        (reg("-dash", "a@example.org"), "username"),
        (reg("api", "a@example.org"), "username"),
        (reg("admin-panel", "a@example.org"), "username"),
        (reg("", "a@example.org"), "username"),
        (reg("valid", "not-an-email"), "email"),
        (reg("valid", "jo@ca"), "email"),
        (reg("valid", "@example.org"), "email"),
        (reg("valid", "jo smith@example.org"), "email"),
        (reg("valid", ""), "email"),
        (json!({"username": "valid", "email": "a@example.org", "password": "1234567"}), "password"),
        (json!({"username": "valid", "email": "a@example.org", "password": long(257)}), "password"),
        (
            json!({"username": "valid", "email": "a@example.org", "password": PASSWORD, "display_name": long(101)}),
            "display_name",
        ),
        (json!({"username": "valid", "email": "a@example.org", "password": PASSWORD, "reason": long(5001)}), "reason"),
    ];
    for (body, field) in cases {
        let r = app.register(body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)), "{body}: {}", r.body);
        assert!(!r.body["message"].as_str().unwrap_or_default().is_empty());
    }
    // Boundary values are accepted.
    let r = app
        .register(json!({"username": "abc", "email": "abc@example.org", "password": "12345678",
            "display_name": long(100)}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.register(reg(&long(30), "thirty@example.org")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Only those two were stored.
    assert_eq!(pending(&app, &admin).await, vec!["abc".to_string(), long(30)]);

    // Missing fields are malformed bodies.
    let r = app.register(json!({"username": "valid", "email": "a@example.org"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
}

#[tokio::test]
async fn login_with_wrong_credentials_is_401() {
    let app = TestApp::new().await;
    app.user("alice").await;

    let wrong = app.login_raw("alice", "incorrect horse battery").await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
    assert!(wrong.body.get("token").is_none());
    let unknown = app.login_raw("nobody", PASSWORD).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    assert_eq!(wrong.body["message"], unknown.body["message"], "does not reveal which accounts exist");
    let r = app.login_raw("alice", "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = app.post("/api/guildhall/v1/auth/login", None, json!({"username": "alice"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));
    // The right password still works.
    assert_eq!(app.login_raw("alice", PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_only_that_session() {
    let app = TestApp::new().await;
    app.user("alice").await;
    let one = app.login_full("alice").await;
    let two = app.login_full("alice").await;
    assert_ne!(one.token, two.token);
    assert_ne!(one.csrf, two.csrf);

    let r = app.post("/api/guildhall/v1/auth/logout", Some(&one.token), json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let cleared = r.headers.get(header::SET_COOKIE).expect("clears the cookie").to_str().unwrap();
    assert!(cleared.starts_with("guildhall_session=;") && cleared.contains("Max-Age=0"), "{cleared}");

    let r = app.get("/api/guildhall/v1/accounts/me", Some(&one.token)).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let r = app.post("/api/guildhall/v1/auth/logout", Some(&one.token), json!({})).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The other session lives on.
    let r = app.get("/api/guildhall/v1/accounts/me", Some(&two.token)).await;
    assert_eq!((r.status, r.body["username"].as_str()), (StatusCode::OK, Some("alice")));
    // Logging out needs a session.
    let r = app.post("/api/guildhall/v1/auth/logout", None, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
}

#[tokio::test]
async fn own_account_requires_sign_in() {
    let app = TestApp::new().await;
    let r = app.get("/api/guildhall/v1/accounts/me", None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app.patch("/api/guildhall/v1/accounts/me", None, json!({"display_name": "Ghost"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app
        .call(
            Method::PUT,
            "/api/guildhall/v1/accounts/me/password",
            None,
            Some(json!({"current_password": PASSWORD, "new_password": "another horse"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));

    // Bad credentials are 401 too, never anonymous access.
    let r = app.get("/api/guildhall/v1/accounts/me", Some("not-a-token")).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let req = axum::http::Request::builder()
        .uri("/api/guildhall/v1/accounts/me")
        .header(header::AUTHORIZATION, "Basic YWxpY2U6c2VjcmV0")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    // A bad token is refused even on endpoints that allow anonymous readers.
    let r = app.get("/api/guildhall/v1/communities", Some("not-a-token")).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));

    let alice = app.user("alice").await;
    let r = app.get("/api/guildhall/v1/accounts/me", Some(&alice)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!((r.body["username"].as_str(), r.body["email"].as_str()), (Some("alice"), Some("alice@example.org")));
}

#[tokio::test]
async fn profile_edits_are_validated_and_normalised() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let before = me(&app, &alice).await;

    let too_long = "x".repeat(101);
    let refused: Vec<(Value, &str)> = vec![
        (json!({"display_name": too_long}), "display_name"),
        (json!({"display_name": "   "}), "display_name"),
        (json!({"display_name": "two\nlines"}), "display_name"),
        (json!({"department": "d".repeat(201)}), "department"),
        (json!({"bio": "b".repeat(5001)}), "bio"),
        (json!({"tags": ["a b"]}), "tags"),
        (json!({"tags": [""]}), "tags"),
        (json!({"tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>()}), "tags"),
        // A valid change next to an invalid one is not half applied.
        (json!({"display_name": "Valid Name", "tags": ["bad tag"]}), "tags"),
    ];
    for (body, field) in refused {
        let r = app.patch("/api/guildhall/v1/accounts/me", Some(&alice), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)), "{body}");
    }
    assert_eq!(me(&app, &alice).await, before, "refused edits change nothing");

    let r = app
        .patch(
            "/api/guildhall/v1/accounts/me",
            Some(&alice),
            json!({"display_name": "  Alice Tremblay ", "bio": "I like **maps**", "department": "TBS",
                "tags": [" #UX ", "ux", "Data-Gov", "accessibilité"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["display_name"], "Alice Tremblay");
    assert_eq!(r.body["tags"], json!(["ux", "data-gov", "accessibilité"]));
    let after = me(&app, &alice).await;
    assert_eq!(after["tags"], json!(["ux", "data-gov", "accessibilité"]));
    assert_eq!((after["bio"].as_str(), after["department"].as_str()), (Some("I like **maps**"), Some("TBS")));

    // Omitted fields are kept; 100 characters is fine.
    let r = app.patch("/api/guildhall/v1/accounts/me", Some(&alice), json!({"display_name": "y".repeat(100)})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["tags"], json!(["ux", "data-gov", "accessibilité"]));
    assert_eq!(r.body["department"], "TBS");

    // The public profile shows it, rendered, without the email address.
    let p = app.get("/api/guildhall/v1/accounts/alice", None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body["display_name"], "y".repeat(100));
    assert!(p.body["bio_html"].as_str().unwrap().contains("<strong>maps</strong>"), "{}", p.body);
    assert!(p.body.get("email").is_none(), "{}", p.body);
}

#[tokio::test]
async fn password_change_checks_the_current_password_and_ends_sessions() {
    let app = TestApp::new().await;
    let alice = app.user("alice").await;
    let other = app.login_full("alice").await;

    let r = put(&app, &alice, "wrong password", "brand new horse").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some("current_password")));
    let r = put(&app, &alice, PASSWORD, "short").await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("new_password")));
    // Nothing changed: the sessions and the old password still work.
    assert_eq!(app.get("/api/guildhall/v1/accounts/me", Some(&alice)).await.status, StatusCode::OK);
    assert_eq!(app.login_raw("alice", "brand new horse").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.login_raw("alice", PASSWORD).await.status, StatusCode::OK);

    let r = put(&app, &alice, PASSWORD, "brand new horse").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    for token in [&alice, &other.token] {
        let r = app.get("/api/guildhall/v1/accounts/me", Some(token)).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    }
    assert_eq!(app.login_raw("alice", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    let r = app.login_raw("alice", "brand new horse").await;
    assert_eq!(r.status, StatusCode::OK);
    let fresh = r.body["token"].as_str().unwrap();
    assert_eq!(app.get("/api/guildhall/v1/accounts/me", Some(fresh)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn public_profiles_are_404_for_unknown_and_pending_accounts() {
    let app = TestApp::new().await;
    admin_with_mode(&app, "approval").await;
    app.user("alice").await;
    assert_eq!(app.register(reg("waiting", "waiting@example.org")).await.status, StatusCode::CREATED);

    for name in ["nobody", "waiting"] {
        let r = app.get(&format!("/api/guildhall/v1/accounts/{name}"), None).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{name}");
    }
    let r = app.get("/api/guildhall/v1/accounts/ALICE", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["username"], "alice");
    assert!(r.body.get("email").is_none());
    assert!(r.body.get("status").is_none());
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_for_changes() {
    let app = TestApp::new().await;
    app.user("alice").await;
    let l = app.login_full("alice").await;
    assert!(l.set_cookie.starts_with(&format!("guildhall_session={};", l.token)), "{}", l.set_cookie);
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(l.set_cookie.contains(attr), "{attr} missing: {}", l.set_cookie);
    }
    assert!(!l.set_cookie.contains("Secure"), "plain http instance: {}", l.set_cookie);

    // Reads need no CSRF token.
    let r = app.with_cookie(Method::GET, "/api/guildhall/v1/accounts/me", &l.token, None, None).await;
    assert_eq!((r.status, r.body["username"].as_str()), (StatusCode::OK, Some("alice")));

    // Changes without (or with a wrong, or another session's) token are refused.
    let other = app.login_full("alice").await;
    for csrf in [None, Some("wrong"), Some(other.csrf.as_str()), Some("")] {
        let r = app
            .with_cookie(
                Method::PATCH,
                "/api/guildhall/v1/accounts/me",
                &l.token,
                csrf,
                Some(json!({"display_name": "Mallory"})),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf_failed"), "{csrf:?}");
        let r = app
            .with_cookie(
                Method::POST,
                "/api/guildhall/v1/communities",
                &l.token,
                csrf,
                Some(json!({"name": "csrfd", "title": "T"})),
            )
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf_failed"), "{csrf:?}");
    }
    let me = app.with_cookie(Method::GET, "/api/guildhall/v1/accounts/me", &l.token, None, None).await;
    assert_eq!(me.body["display_name"], "alice", "nothing changed");
    assert_eq!(app.get("/api/guildhall/v1/communities/csrfd", None).await.status, StatusCode::NOT_FOUND);

    // With the login's CSRF token they work.
    let r = app
        .with_cookie(
            Method::PATCH,
            "/api/guildhall/v1/accounts/me",
            &l.token,
            Some(&l.csrf),
            Some(json!({"display_name": "Al"})),
        )
        .await;
    assert_eq!((r.status, r.body["display_name"].as_str()), (StatusCode::OK, Some("Al")), "{}", r.body);
    let r = app
        .with_cookie(
            Method::POST,
            "/api/guildhall/v1/communities",
            &l.token,
            Some(&l.csrf),
            Some(json!({"name": "csrfd", "title": "T"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // Logging out through the cookie ends it: reads become anonymous, changes 401.
    let r = app.with_cookie(Method::POST, "/api/guildhall/v1/auth/logout", &l.token, None, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "csrf_failed"));
    let r = app.with_cookie(Method::POST, "/api/guildhall/v1/auth/logout", &l.token, Some(&l.csrf), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app.with_cookie(Method::GET, "/api/guildhall/v1/accounts/me", &l.token, None, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"));
    let r = app.with_cookie(Method::GET, "/api/guildhall/v1/communities/csrfd", &l.token, None, None).await;
    assert_eq!((r.status, r.body["my_role"].as_str()), (StatusCode::OK, Some("anonymous")));
    let r = app
        .with_cookie(
            Method::PATCH,
            "/api/guildhall/v1/accounts/me",
            &l.token,
            Some(&l.csrf),
            Some(json!({"display_name": "X"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
}

#[tokio::test]
async fn an_expired_invite_is_refused() {
    use guildhall_store::ConnectionTrait;
    let app = TestApp::new().await;
    let admin = admin_with_mode(&app, "invite").await;
    let code = app.invite(&admin, json!({"max_uses": 5, "expires_in_days": 1})).await;
    // Move the expiry into the past (no waiting in tests).
    app.ctx.db().execute_unprepared("UPDATE invites SET expires_at = created_at").await.expect("expire invite");

    let mut body = reg("late", "late@example.org");
    body["invite_code"] = json!(code);
    let r = app.register(body).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "invite_required"), "{}", r.body);
    assert_eq!(app.login_raw("late", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await[0]["uses"], 0);
}

/// Runs `n` registrations at once (real parallelism) and returns the responses.
async fn register_concurrently(app: &std::sync::Arc<TestApp>, bodies: Vec<Value>) -> Vec<common::Resp> {
    let mut set = tokio::task::JoinSet::new();
    for body in bodies {
        let app = app.clone();
        set.spawn(async move { app.register(body).await });
    }
    set.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_cannot_overuse_an_invite() {
    let app = std::sync::Arc::new(TestApp::new().await);
    let admin = admin_with_mode(&app, "invite").await;
    let code = app.invite(&admin, json!({"max_uses": 2})).await;
    let bodies = (0..6)
        .map(|i| {
            let mut b = reg(&format!("racer{i}"), &format!("racer{i}@example.org"));
            b["invite_code"] = json!(code);
            b
        })
        .collect();
    let results = register_concurrently(&app, bodies).await;
    let created = results.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let refused = results.iter().filter(|r| r.status == StatusCode::FORBIDDEN && r.code() == "invite_required").count();
    assert_eq!((created, refused), (2, 4), "{:?}", results.iter().map(|r| (r.status, &r.body)).collect::<Vec<_>>());
    assert_eq!(app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await[0]["uses"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_all_succeed() {
    let app = std::sync::Arc::new(TestApp::new().await);
    admin_with_mode(&app, "open").await;
    for round in 0..3 {
        let bodies =
            (0..10).map(|i| reg(&format!("r{round}-user{i}"), &format!("r{round}-user{i}@example.org"))).collect();
        for r in register_concurrently(&app, bodies).await {
            assert_eq!(r.status, StatusCode::CREATED, "round {round}: {}", r.body);
        }
    }
    // Two at once for the same name: one wins, the other is told the name is taken.
    let same = vec![reg("samename", "first@example.org"), reg("samename", "second@example.org")];
    let mut statuses: Vec<StatusCode> = register_concurrently(&app, same).await.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
}
