//! Instance administration: who may use it, settings validation, invites.

use crate::common;

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use common::{PASSWORD, TestApp};
use serde_json::{Value, json};

/// Every admin endpoint with a body that would succeed for an admin.
fn admin_endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (Method::GET, "/api/guildhall/v1/admin/settings", None),
        (Method::PATCH, "/api/guildhall/v1/admin/settings", Some(json!({"registration_mode": "open"}))),
        (Method::GET, "/api/guildhall/v1/admin/invites", None),
        (Method::POST, "/api/guildhall/v1/admin/invites", Some(json!({}))),
        (Method::GET, "/api/guildhall/v1/admin/accounts?status=pending", None),
        (Method::POST, "/api/guildhall/v1/admin/accounts/waiting/approve", Some(json!({}))),
        (Method::POST, "/api/guildhall/v1/admin/accounts/waiting/reject", Some(json!({}))),
        (Method::GET, "/api/guildhall/v1/admin/federation/failures", None),
    ]
}

async fn get_settings(app: &TestApp, admin: &str) -> Value {
    let r = app.get("/api/guildhall/v1/admin/settings", Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

#[tokio::test]
async fn admin_endpoints_refuse_members_and_anonymous_callers() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let member = app.user("alice").await;
    // A pending account the refused calls would approve or reject.
    let r = app.register(json!({"username": "waiting", "email": "waiting@example.org", "password": PASSWORD})).await;
    assert_eq!(r.body["status"], "pending");

    for (method, path, body) in admin_endpoints() {
        let r = app.call(method.clone(), path, Some(&member), body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "admins_only"), "{method} {path}: {}", r.body);
        let r = app.call(method.clone(), path, None, body).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "sign_in_required"), "{method} {path}");
    }

    // Nothing changed.
    let s = get_settings(&app, &admin).await;
    assert_eq!(s["registration_mode"], "approval");
    assert!(app.items("/api/guildhall/v1/admin/invites", Some(&admin)).await.is_empty());
    assert_eq!(
        app.names("/api/guildhall/v1/admin/accounts?status=pending", Some(&admin), "username").await,
        vec!["waiting"]
    );

    // The same calls work for the admin (checks the list above is right).
    for (method, path, body) in admin_endpoints() {
        if path.ends_with("/reject") {
            continue; // approve already decided the account
        }
        let r = app.call(method.clone(), path, Some(&admin), body).await;
        assert!(r.status.is_success(), "{method} {path}: {} {}", r.status, r.body);
    }
    assert_eq!(app.login_raw("waiting", PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn settings_are_normalised_and_partial_updates_keep_other_fields() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    assert_eq!(
        get_settings(&app, &admin).await,
        json!({"registration_mode": "approval", "email_domains": [], "community_creation": "members", "federation_mode": "open", "federation_domains": [], "limited_domains": [],
               "directory_listed": true, "organisation": "", "government": "", "map_seeds": [], "map_refresh_hours": 24, "require_email_confirmation": false, "network_search": true})
    );

    let r = app
        .patch(
            "/api/guildhall/v1/admin/settings",
            Some(&admin),
            json!({"email_domains": [" *.GC.ca. ", "canada.ca", "CANADA.ca"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["email_domains"], json!(["*.gc.ca", "canada.ca"]), "trimmed, lowercased, de-duplicated");
    assert_eq!(r.body["registration_mode"], "approval", "omitted fields are kept");

    app.settings(&admin, json!({"community_creation": "admins", "registration_mode": "invite"})).await;
    assert_eq!(
        get_settings(&app, &admin).await,
        json!({"registration_mode": "invite", "email_domains": ["*.gc.ca", "canada.ca"], "community_creation": "admins", "federation_mode": "open", "federation_domains": [], "limited_domains": [],
               "directory_listed": true, "organisation": "", "government": "", "map_seeds": [], "map_refresh_hours": 24, "require_email_confirmation": false, "network_search": true})
    );

    // An empty list allows every domain again.
    let s = app.settings(&admin, json!({"email_domains": []})).await;
    assert_eq!(s["email_domains"], json!([]));
    assert_eq!(get_settings(&app, &admin).await["email_domains"], json!([]));
}

#[tokio::test]
async fn invalid_settings_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    app.settings(&admin, json!({"email_domains": ["canada.ca"]})).await;
    let before = get_settings(&app, &admin).await;

    // Bad domain patterns: 400 with the field.
    let too_many: Vec<String> = (0..101).map(|i| format!("d{i}.example.org")).collect();
    for domains in [
        json!(["not a domain"]),
        json!(["ca"]),
        json!(["*."]),
        json!(["a@b.ca"]),
        json!(["**.gc.ca"]),
        json!([""]),
        json!(["gc.ca", "bad domain"]),
        json!(too_many),
    ] {
        let r = app
            .patch(
                "/api/guildhall/v1/admin/settings",
                Some(&admin),
                json!({"registration_mode": "open", "email_domains": domains}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{domains}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some("email_domains")), "{domains}");
    }
    assert_eq!(get_settings(&app, &admin).await, before, "no half-applied change");

    // Unknown enum values and wrong types are malformed bodies.
    for body in [
        json!({"registration_mode": "sometimes"}),
        json!({"registration_mode": "Open"}),
        json!({"community_creation": "everyone"}),
        json!({"email_domains": "gc.ca"}),
        json!({"email_domains": [1]}),
    ] {
        let r = app.patch("/api/guildhall/v1/admin/settings", Some(&admin), body.clone()).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"), "{body}: {}", r.body);
        assert!(!r.body["message"].as_str().unwrap_or_default().is_empty());
    }
    // Malformed JSON (serde_json also reports a number where an enum name belongs as a
    // syntax error): 400 or 422, always with the error body.
    for raw in ["{\"registration_mode\":", "{\"registration_mode\": 1}", "not json"] {
        let r = app
            .raw(Method::PATCH, "/api/guildhall/v1/admin/settings", Some(&admin), Some("application/json"), raw)
            .await;
        assert!(matches!(r.status, StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY), "{raw}: {}", r.status);
        assert_eq!(r.code(), "invalid_body", "{raw}");
    }
    assert_eq!(get_settings(&app, &admin).await, before);
}

#[tokio::test]
async fn invites_are_created_within_bounds_and_listed() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;

    let r = app.post("/api/guildhall/v1/admin/invites", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!((r.body["max_uses"].as_i64(), r.body["uses"].as_i64()), (Some(1), Some(0)));
    assert!(r.body["expires_at"].is_null(), "never expires by default");
    let first = r.body["code"].as_str().unwrap().to_string();
    assert_eq!(first.len(), 16);

    let r = app
        .post("/api/guildhall/v1/admin/invites", Some(&admin), json!({"max_uses": 1000, "expires_in_days": 365}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["max_uses"], 1000);
    let expires: DateTime<Utc> = r.body["expires_at"].as_str().unwrap().parse().expect("timestamp");
    let now = Utc::now();
    assert!(expires > now + Duration::days(364) && expires < now + Duration::days(366), "{expires}");
    let second = r.body["code"].as_str().unwrap().to_string();
    assert_ne!(first, second);

    let r =
        app.post("/api/guildhall/v1/admin/invites", Some(&admin), json!({"max_uses": 5, "expires_in_days": 1})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let third = r.body["code"].as_str().unwrap().to_string();

    for (body, field) in [
        (json!({"max_uses": 0}), "max_uses"),
        (json!({"max_uses": -1}), "max_uses"),
        (json!({"max_uses": 1001}), "max_uses"),
        (json!({"expires_in_days": 0}), "expires_in_days"),
        (json!({"expires_in_days": -3}), "expires_in_days"),
        (json!({"expires_in_days": 366}), "expires_in_days"),
        (json!({"max_uses": 2, "expires_in_days": 400}), "expires_in_days"),
    ] {
        let r = app.post("/api/guildhall/v1/admin/invites", Some(&admin), body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!((r.code(), r.body["field"].as_str()), ("invalid", Some(field)), "{body}");
    }
    let r = app.post("/api/guildhall/v1/admin/invites", Some(&admin), json!({"max_uses": "lots"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"));

    // Only the three valid invites exist, newest first, and pages work.
    let codes = app.names("/api/guildhall/v1/admin/invites", Some(&admin), "code").await;
    assert_eq!(codes, vec![third.clone(), second.clone(), first.clone()]);
    let r = app.get("/api/guildhall/v1/admin/invites?limit=2", Some(&admin)).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    assert_eq!((r.body["limit"].as_u64(), r.body["has_more"].as_bool()), (Some(2), Some(true)));
    let r = app.get("/api/guildhall/v1/admin/invites?limit=2&page=2", Some(&admin)).await;
    assert_eq!(r.body["items"][0]["code"], json!(first));
    assert_eq!((r.body["page"].as_u64(), r.body["has_more"].as_bool()), (Some(2), Some(false)));
    let r = app.get("/api/guildhall/v1/admin/invites?limit=many", Some(&admin)).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_query"));
}

#[tokio::test]
async fn pending_accounts_list_pages_oldest_first() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    for name in ["pa", "pb", "pc"].map(|n| format!("{n}-user")) {
        let r =
            app.register(json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    app.user("active").await;
    let r = app.get("/api/guildhall/v1/admin/accounts?status=pending&limit=2", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    let names: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|i| i["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["pa-user", "pb-user"]);
    assert_eq!(r.body["has_more"], true);
    let r = app.get("/api/guildhall/v1/admin/accounts?status=pending&limit=2&page=2", Some(&admin)).await;
    assert_eq!(r.body["items"][0]["username"], "pc-user");
    assert_eq!((r.body["items"].as_array().unwrap().len(), r.body["has_more"].as_bool()), (1, Some(false)));
}

#[tokio::test]
async fn admins_see_outgoing_changes_that_could_not_be_federated() {
    let app = TestApp::new().await;
    let admin = app.admin("boss").await;
    let r = app.get("/api/guildhall/v1/admin/federation/failures", Some(&admin)).await;
    assert_eq!((r.status, r.body.clone()), (StatusCode::OK, json!([])));

    // Two intents: one given up (a permanent failure), one waiting after a transient one.
    let fed = guildhall_store::federation::pending_outbox;
    for id in [1, 2] {
        guildhall_app::outbox::record(
            app.ctx.db(),
            &guildhall_app::outbox::Outgoing::DiscussionCreated { discussion_id: id },
        )
        .await
        .expect("record");
    }
    let rows = fed(app.ctx.db(), 10).await.expect("pending");
    let now = Utc::now();
    guildhall_store::federation::record_outbox_failure(
        app.ctx.db(),
        rows[0].id,
        "the post cannot be expressed",
        true,
        now,
    )
    .await
    .expect("fail");
    guildhall_store::federation::record_outbox_failure(app.ctx.db(), rows[1].id, "database went away", false, now)
        .await
        .expect("fail");

    let r = app.get("/api/guildhall/v1/admin/federation/failures", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.body.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{}", r.body);
    assert_eq!(items[0]["id"], rows[1].id, "newest first");
    assert_eq!(items[0]["given_up"], false);
    assert_eq!(items[0]["error"], "database went away");
    assert_eq!(items[1]["given_up"], true);
    assert_eq!(items[1]["intent"], "discussion_created");
    assert_eq!(items[1]["attempts"], 1);
}
