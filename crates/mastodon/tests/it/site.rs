//! A real router (the Mastodon API, the web pages for signing in and approving apps, and two
//! tiny routes to test `Authed`) over a real, fresh database (SQLite, or PostgreSQL when
//! `GUILDHALL_TEST_DATABASE_URL` is set), driven in-process.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::{get, post};
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_mastodon::MastoError;
use guildhall_mastodon::auth::Authed;
use guildhall_store::testing::{TestDb, fresh_database};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
pub const DOMAIN: &str = "localhost:8080";

/// One instance under test.
pub struct Site {
    pub _db: TestDb,
    pub ctx: AppContext,
    pub app: Router,
    /// The member every test has.
    pub ada: Viewer,
}

/// A response: status, headers and body (JSON when it parses, else `Value::String`).
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Resp {
    /// The `Location` header, if any.
    pub fn location(&self) -> Option<String> {
        self.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned())
    }
}

/// A signed-in browser: its cookie header and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    /// The session token (also a bearer token with all scopes).
    pub token: String,
}

/// Needs only a member (any scope).
async fn whoami(a: Authed) -> Result<String, MastoError> {
    a.require("read:accounts")?;
    Ok(a.viewer.username)
}

/// Needs `write:statuses`.
async fn write_something(a: Authed) -> Result<&'static str, MastoError> {
    a.require("write:statuses")?;
    Ok("written")
}

/// A fresh instance with the member `ada`.
pub async fn site() -> Site {
    let t = fresh_database().await;
    guildhall_store::settings::get(&t.db).await.expect("settings row");
    let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: DOMAIN.into(), https: false });
    let app = guildhall_mastodon::router()
        .merge(guildhall_web::router())
        .route("/test/whoami", get(whoami))
        .route("/test/write", post(write_something))
        .with_state(ctx.clone())
        .layer(axum::middleware::map_response_with_state(
            guildhall_web::security::SecurityHeaders { https: false },
            guildhall_web::security::apply,
        ));
    let ada =
        guildhall_app::auth::create_account(&ctx, "ada", Some("ada@example.gc.ca"), PASSWORD, false).await.unwrap();
    let ada = Viewer { account_id: ada.id, username: ada.username, is_admin: false };
    Site { _db: t, ctx, app, ada }
}

impl Site {
    /// Creates an active account directly.
    pub async fn account(&self, name: &str) -> Viewer {
        let email = format!("{name}@example.gc.ca");
        let a = guildhall_app::auth::create_account(&self.ctx, name, Some(&email), PASSWORD, false).await.unwrap();
        Viewer { account_id: a.id, username: a.username, is_admin: false }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
        Resp { status: parts.status, headers: parts.headers, text, json }
    }

    /// GET with optional extra headers.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// GET with a bearer token.
    pub async fn get_bearer(&self, path: &str, token: &str) -> Resp {
        self.get(path, &[("authorization", &format!("Bearer {token}"))]).await
    }

    /// POST a body of `content_type` with optional extra headers.
    pub async fn post(&self, path: &str, content_type: &str, body: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, content_type);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_owned())).unwrap()).await
    }

    /// POST a form.
    pub async fn form(&self, path: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        self.post(path, "application/x-www-form-urlencoded", &body, headers).await
    }

    /// POST JSON.
    pub async fn json(&self, path: &str, body: Value) -> Resp {
        self.post(path, "application/json", &body.to_string(), &[]).await
    }

    /// Signs `name` in through the sign-in form, coming back to `next`; returns the session
    /// and the response of the form post.
    pub async fn sign_in_to(&self, name: &str, next: &str) -> (Session, Resp) {
        let login = self.get("/login", &[]).await;
        let csrf_cookie = set_cookie(&login.headers, "guildhall_csrf").expect("csrf cookie");
        let csrf = csrf_cookie.trim_start_matches("guildhall_csrf=").to_owned();
        let cookie = format!("guildhall_csrf={csrf}");
        let res = self
            .form(
                "/login",
                &[("username", name), ("password", PASSWORD), ("csrf_token", &csrf), ("next", next)],
                &[("cookie", &cookie)],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "sign in as {name}: {}", res.text);
        let session = set_cookie(&res.headers, "guildhall_session").expect("session cookie");
        let token = session.trim_start_matches("guildhall_session=").to_owned();
        let home = self.get("/", &[("cookie", &session)]).await;
        (Session { csrf: hidden(&home.text, "csrf_token"), cookie: session, token }, res)
    }

    /// Signs `name` in through the form.
    pub async fn sign_in(&self, name: &str) -> Session {
        self.sign_in_to(name, "/").await.0
    }
}

/// The `name=value` part of the `Set-Cookie` header for cookie `name`, if any.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
}

/// The value of the first hidden input called `name`.
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no field {name} in {body}")) + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// The value of query parameter `key` in URL `url`.
pub fn query_param(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}
