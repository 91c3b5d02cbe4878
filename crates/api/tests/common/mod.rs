//! A real router on a real, fresh database (SQLite file, or a PostgreSQL schema when
//! `GUILDHALL_TEST_DATABASE_URL` is set), driven in-process.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use guildhall_app::{AppContext, InstanceInfo, auth};
use guildhall_store::testing::{TestDb, fresh_database};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// One instance under test.
pub struct TestApp {
    /// The context the router runs on (for direct use-case calls in setup).
    pub ctx: AppContext,
    router: Router,
    _db: TestDb,
}

/// A response: status, headers and JSON body (`Null` when empty).
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Resp {
    /// The error code of an error body.
    pub fn code(&self) -> &str {
        self.body["error"].as_str().unwrap_or_else(|| panic!("not an error body: {}", self.body))
    }
}

impl TestApp {
    /// A fresh instance.
    pub async fn new() -> Self {
        let db = fresh_database().await;
        guildhall_store::settings::get(&db.db).await.expect("settings row");
        let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "localhost:8080".into(), https: false });
        let router = guildhall_api::router().with_state(ctx.clone());
        TestApp { ctx, router, _db: db }
    }

    /// Sends a raw request.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Resp { status, headers, body }
    }

    /// Sends a JSON request with an optional bearer token.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Creates an active account directly and signs it in; returns the bearer token.
    pub async fn user(&self, name: &str) -> String {
        self.account(name, false).await
    }

    /// Creates an admin and signs it in; returns the bearer token.
    pub async fn admin(&self, name: &str) -> String {
        self.account(name, true).await
    }

    async fn account(&self, name: &str, admin: bool) -> String {
        auth::create_account(&self.ctx, name, Some(&format!("{name}@example.org")), "correct horse battery", admin)
            .await
            .expect("create account");
        self.login(name).await
    }

    /// Signs in with the standard test password.
    pub async fn login(&self, name: &str) -> String {
        let r =
            self.post("/api/v1/auth/login", None, json!({"username": name, "password": "correct horse battery"})).await;
        assert_eq!(r.status, StatusCode::OK, "login {name}: {}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }

    /// Creates a community as `token`'s account.
    pub async fn community(&self, token: &str, name: &str, visibility: &str) -> Value {
        let r = self
            .post(
                "/api/v1/communities",
                Some(token),
                json!({"name": name, "title": format!("Title of {name}"), "visibility": visibility}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// Starts a discussion; returns its id.
    pub async fn discussion(&self, token: &str, community: &str, title: &str) -> i64 {
        let r = self
            .post(
                &format!("/api/v1/communities/{community}/discussions"),
                Some(token),
                json!({"title": title, "body": "Some *body*"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().expect("id")
    }
}
