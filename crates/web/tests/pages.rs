//! End-to-end tests of the web pages against a real (SQLite) database.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use guildhall_app::communities::NewCommunity;
use guildhall_app::{AppContext, InstanceInfo, Viewer};
use guildhall_store::testing::{TestDb, fresh_database};
use http_body_util::BodyExt;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

struct Site {
    _db: TestDb,
    app: Router,
}

async fn site() -> Site {
    site_with(false).await
}

async fn site_with(https: bool) -> Site {
    let t = fresh_database().await;
    let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: "localhost:8080".into(), https });
    let ada = guildhall_app::auth::create_account(&ctx, "ada", Some("ada@example.org"), PASSWORD, false).await.unwrap();
    let viewer = Viewer { account_id: ada.id, username: ada.username, is_admin: false };
    let new = NewCommunity {
        name: "ux-design".into(),
        title: "UX Design".into(),
        description: Some("Forms that *work* <script>alert(1)</script>".into()),
        ..Default::default()
    };
    guildhall_app::communities::create(&ctx, &viewer, new).await.unwrap();
    Site { app: guildhall_web::router().with_state(ctx), _db: t }
}

impl Site {
    async fn send(&self, req: Request<Body>) -> (Response<()>, String) {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        (Response::from_parts(parts, ()), String::from_utf8(bytes.to_vec()).unwrap())
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> (Response<()>, String) {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, cookie: Option<&str>, form: &str) -> (Response<()>, String) {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(form.to_owned())).unwrap()).await
    }

    /// Gets the login form and returns its CSRF token (the cookie and field agree).
    async fn csrf(&self) -> String {
        let (res, body) = self.get("/login", None).await;
        let cookie = set_cookie(&res, "guildhall_csrf").expect("csrf cookie");
        let token = cookie.split(';').next().unwrap().trim_start_matches("guildhall_csrf=").to_owned();
        assert_eq!(hidden_csrf(&body), token);
        token
    }

    /// Signs ada in and returns the `Cookie` header value for her session.
    async fn sign_in(&self) -> String {
        let csrf = self.csrf().await;
        let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}");
        let (res, _) = self.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let cookie = set_cookie(&res, "guildhall_session").expect("session cookie");
        cookie.split(';').next().unwrap().to_owned()
    }
}

fn set_cookie(res: &Response<()>, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn hidden_csrf(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("hidden csrf field") + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

fn assert_secure_headers(res: &Response<()>) {
    let csp = res.headers().get(header::CONTENT_SECURITY_POLICY).expect("CSP").to_str().unwrap();
    assert_eq!(csp, guildhall_web::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"));
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn home_lists_communities_with_security_headers() {
    let site = site().await;
    let (res, body) = site.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secure_headers(&res);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("UX Design") && body.contains("ux-design"));
    assert!(body.contains("1 member<") || body.contains("1 member\n"), "{body}");
    assert!(body.contains("<em>work</em>"), "description HTML is rendered unescaped");
    assert!(!body.contains("<script"), "but it was sanitised");
    assert!(body.contains("<html lang=\"en\">") && body.contains("<main id=\"main\""));
    assert!(body.contains("href=\"#main\""), "skip link");
    assert!(body.contains("href=\"/login\"") && !body.contains("Signed in as"));
}

#[tokio::test]
async fn stylesheet_is_served() {
    let site = site().await;
    let (res, body) = site.get("/static/style.css", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_secure_headers(&res);
    assert!(body.contains(":focus-visible") && !body.contains("http"));
}

#[tokio::test]
async fn login_form_sets_double_submit_cookie() {
    let site = site().await;
    let (res, body) = site.get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_secure_headers(&res);
    let cookie = set_cookie(&res, "guildhall_csrf").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Secure"), "plain http instance");
    let token = cookie.split(';').next().unwrap().trim_start_matches("guildhall_csrf=");
    assert!(token.len() >= 32);
    assert_eq!(hidden_csrf(&body), token);
    assert!(body.contains("<label for=\"username\">") && body.contains("id=\"username\""));
    assert!(body.contains("<label for=\"password\">") && body.contains("id=\"password\""));
    assert!(body.contains("autocomplete=\"username\"") && body.contains("autocomplete=\"current-password\""));
    // A second visit keeps the same token, so several open tabs all work.
    let (res, _) = site.get("/login", Some(&format!("guildhall_csrf={token}"))).await;
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().starts_with(&format!("guildhall_csrf={token};")));
}

#[tokio::test]
async fn login_with_right_password_starts_a_session() {
    let site = site().await;
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}");
    let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cookie = set_cookie(&res, "guildhall_session").unwrap();
    assert!(cookie.ends_with("; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000"), "{cookie}");
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().contains("Max-Age=0"), "pre-login token retired");

    let session = cookie.split(';').next().unwrap();
    let (res, body) = site.get("/", Some(session)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Signed in as <strong>ada</strong>"), "{body}");
    assert!(body.contains("action=\"/logout\""));
}

#[tokio::test]
async fn wrong_password_shows_error_summary() {
    let site = site().await;
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=wrong+horse+battery&csrf_token={csrf}");
    let (res, body) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_secure_headers(&res);
    assert!(set_cookie(&res, "guildhall_session").is_none());
    assert!(body.contains("role=\"alert\"") && body.contains("There is a problem"));
    assert!(body.contains("href=\"#username\""), "summary links to the field");
    assert!(body.contains("id=\"username-error\"") && body.contains("aria-describedby=\"username-error\""));
    assert!(body.contains("<title>Error: Sign in"));
    assert!(body.contains("value=\"ada\""), "username kept");
    assert_eq!(hidden_csrf(&body), csrf, "form can be resubmitted");
}

#[tokio::test]
async fn login_without_matching_csrf_is_forbidden() {
    let site = site().await;
    let csrf = site.csrf().await;
    let good = "username=ada&password=correct+horse+battery";
    let cookie = format!("guildhall_csrf={csrf}");
    let other = guildhall_app::auth::random_token();
    let cases = [
        (None, format!("{good}&csrf_token={csrf}")),                   // no cookie
        (Some(cookie.as_str()), good.to_owned()),                      // no field
        (Some(cookie.as_str()), format!("{good}&csrf_token={other}")), // mismatch
        (Some("guildhall_csrf="), format!("{good}&csrf_token=")),      // both empty
    ];
    for (cookie, form) in cases {
        let (res, body) = site.post("/login", cookie, &form).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{cookie:?} {form}");
        assert!(set_cookie(&res, "guildhall_session").is_none());
        assert!(body.contains("Your form has expired"));
    }
}

#[tokio::test]
async fn logout_checks_csrf_and_ends_the_session() {
    let site = site().await;
    let session = site.sign_in().await;
    let (_, body) = site.get("/", Some(&session)).await;
    let csrf = hidden_csrf(&body);

    let (res, _) = site.post("/logout", Some(&session), "csrf_token=not-the-token").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, _) = site.post("/logout", Some(&session), "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, body) = site.get("/", Some(&session)).await;
    assert!(body.contains("Signed in as"), "refused logout kept the session");

    let (res, _) = site.post("/logout", Some(&session), &format!("csrf_token={csrf}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cleared = set_cookie(&res, "guildhall_session").unwrap();
    assert!(cleared.starts_with("guildhall_session=;") && cleared.contains("Max-Age=0"));

    let (res, body) = site.get("/", Some(&session)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(!body.contains("Signed in as") && body.contains("href=\"/login\""), "old session no longer works");
}

#[tokio::test]
async fn https_instances_mark_cookies_secure() {
    let site = site_with(true).await;
    let (res, _) = site.get("/login", None).await;
    assert!(set_cookie(&res, "guildhall_csrf").unwrap().ends_with("; Secure"));
    let csrf = site.csrf().await;
    let form = format!("username=ada&password=correct+horse+battery&csrf_token={csrf}");
    let (res, _) = site.post("/login", Some(&format!("guildhall_csrf={csrf}")), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&res, "guildhall_session").unwrap().ends_with("; Max-Age=2592000; Secure"));
}

#[tokio::test]
async fn home_leaves_out_communities_on_limited_instances() {
    use guildhall_store::Set;
    let t = fresh_database().await;
    let ctx = AppContext::new(t.db.clone(), InstanceInfo { domain: "localhost:8080".into(), https: false });
    let root =
        guildhall_app::auth::create_account(&ctx, "boss", Some("boss@example.org"), PASSWORD, true).await.unwrap();
    for (name, domain, title) in [("hub", "spam.example", "Spam Hub"), ("good", "good.example", "Good Things")] {
        let now = root.created_at;
        let row = guildhall_store::entities::community::ActiveModel {
            name: Set(name.into()),
            domain: Set(domain.into()),
            ap_id: Set(Some(format!("http://{domain}/c/{name}"))),
            title: Set(title.into()),
            description: Set(String::new()),
            charter: Set(String::new()),
            welcome_message: Set(String::new()),
            tags: Set("[]".into()),
            visibility: Set("public".into()),
            member_domains: Set("[]".into()),
            join_question: Set(String::new()),
            created_by: Set(root.id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        guildhall_store::federation::insert_remote_community(ctx.db(), row).await.unwrap();
    }
    let app = guildhall_web::router().with_state(ctx.clone());
    let home = || async {
        let res = app.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    };
    let body = home().await;
    assert!(body.contains("Spam Hub") && body.contains("Good Things"));

    let admin = Viewer { account_id: root.id, username: root.username.clone(), is_admin: true };
    let change = guildhall_app::admin::SettingsChange {
        limited_domains: Some(vec!["spam.example".into()]),
        ..Default::default()
    };
    guildhall_app::admin::update_settings(&ctx, &admin, change).await.unwrap();
    let body = home().await;
    assert!(!body.contains("Spam Hub") && body.contains("Good Things"), "{body}");
}
