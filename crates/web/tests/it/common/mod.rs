//! A real router over a real (SQLite, or PostgreSQL when configured) database, and helpers
//! to sign in through the forms and post forms with the session's CSRF token.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use guildhall_app::communities::NewCommunity;
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_store::testing::{TestDb, fresh_database};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
pub const DOMAIN: &str = "localhost:8080";

pub struct Site {
    pub _db: TestDb,
    pub ctx: AppContext,
    pub app: Router,
}

/// A signed-in browser: its cookie header and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A site with `boss` (admin) and `ada` (member), open registration, and ada's public
/// community `ux-design` with a charter.
pub async fn site() -> Site {
    site_with(false).await
}

pub async fn site_with(https: bool) -> Site {
    let t = fresh_database().await;
    let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: DOMAIN.into(), https });
    // The security headers, as the binary adds them around the whole application.
    let app = guildhall_web::router().with_state(ctx.clone()).layer(axum::middleware::map_response_with_state(
        guildhall_web::security::SecurityHeaders { https },
        guildhall_web::security::apply,
    ));
    let site = Site { _db: t, ctx, app };
    let root = site.account("boss", true).await;
    let change = guildhall_app::admin::SettingsChange {
        registration_mode: Some(guildhall_domain::RegistrationMode::Open),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&site.ctx, &root, change).await.unwrap();
    let ada = site.account("ada", false).await;
    let new = NewCommunity {
        name: "ux-design".into(),
        title: "UX Design".into(),
        description: Some("Forms that *work* <script>alert(1)</script>".into()),
        charter: Some("Be **kind**.".into()),
        welcome_message: Some("Hello, newcomer!".into()),
        tags: Some(vec!["design".into(), "forms".into()]),
        ..Default::default()
    };
    guildhall_app::communities::create(&site.ctx, &ada, new).await.unwrap();
    site
}

impl Site {
    /// Creates an active account directly.
    pub async fn account(&self, name: &str, admin: bool) -> Viewer {
        let email = format!("{name}@example.gc.ca");
        let a = guildhall_app::auth::create_account(&self.ctx, name, Some(&email), PASSWORD, admin).await.unwrap();
        Viewer { account_id: a.id, username: a.username, is_admin: admin }
    }

    pub async fn viewer(&self, name: &str) -> Viewer {
        let a = guildhall_app::accounts::find_handle(&self.ctx, name).await.unwrap().unwrap();
        Viewer { account_id: a.id, username: a.username, is_admin: a.is_admin }
    }

    pub async fn send(&self, req: Request<Body>) -> (Response<()>, String) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        (Response::from_parts(parts, ()), String::from_utf8(bytes.to_vec()).unwrap())
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> (Response<()>, String) {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (Response<()>, String) {
        match cookie {
            Some(c) => self.get_with(path, &[("cookie", c)]).await,
            None => self.get_with(path, &[]).await,
        }
    }

    pub async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> (Response<()>, String) {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(form.to_owned())).unwrap()).await
    }

    /// Posts a form as a signed-in member, adding the CSRF token.
    pub async fn submit(&self, s: &Session, path: &str, form: &str) -> (Response<()>, String) {
        let body =
            if form.is_empty() { format!("csrf_token={}", s.csrf) } else { format!("{form}&csrf_token={}", s.csrf) };
        self.post(path, Some(&s.cookie), &body).await
    }

    /// Gets the login form and returns its CSRF token (the cookie and field agree).
    pub async fn csrf(&self) -> String {
        let (res, body) = self.get("/login", None).await;
        let cookie = set_cookie(&res, "guildhall_csrf").expect("csrf cookie");
        let token = cookie.split(';').next().unwrap().trim_start_matches("guildhall_csrf=").to_owned();
        assert_eq!(hidden(&body, "csrf_token"), token);
        token
    }

    /// Signs `name` in through the form; returns the session cookie and CSRF token.
    pub async fn sign_in(&self, name: &str) -> Session {
        let csrf = self.csrf().await;
        let form = format!("username={name}&password=correct+horse+battery&csrf_token={csrf}");
        let (res, _) = self.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign in as {name}");
        let cookie = set_cookie(&res, "guildhall_session").expect("session cookie");
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let (_, body) = self.get("/", Some(&cookie)).await;
        Session { csrf: hidden(&body, "csrf_token"), cookie }
    }

    /// The id of the newest discussion in `community`.
    pub async fn start_discussion(&self, author: &str, title: &str) -> i64 {
        let v = self.viewer(author).await;
        guildhall_app::discussions::create(&self.ctx, &v, "ux-design", title, "Body **text**").await.unwrap().id
    }

    /// Joins `ux-design` as `name` (accepting the charter).
    pub async fn join(&self, name: &str) {
        let v = self.viewer(name).await;
        guildhall_app::membership::join(&self.ctx, &v, "ux-design", true, None).await.unwrap();
    }
}

/// The `Set-Cookie` header for cookie `name`, if any.
pub fn set_cookie(res: &Response<()>, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
}

/// The value of the first hidden input called `name`.
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no field {name} in {body}")) + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// The `Location` of a redirect.
pub fn location(res: &Response<()>) -> String {
    res.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// Asserts a 303 to `to`.
pub fn assert_redirect(res: &Response<()>, to: &str) {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res), to);
}

/// The security headers every page carries, and the size budget.
pub fn assert_page(res: &Response<()>, body: &str) {
    let csp = res.headers().get(header::CONTENT_SECURITY_POLICY).expect("CSP").to_str().unwrap();
    assert_eq!(csp, guildhall_web::CONTENT_SECURITY_POLICY);
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    assert!(body.len() < 50 * 1024, "page is {} bytes", body.len());
    assert!(!body.contains("<script"), "no scripts");
    assert!(!body.contains(" style="), "no inline styles");
    assert!(body.contains("<main id=\"main\"") && body.contains("href=\"#main\""));
}
