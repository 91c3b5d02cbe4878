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
    routes: fn() -> Router<AppContext>,
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
        Self::with_routes(guildhall_api::router).await
    }

    /// A fresh instance serving other routes (the Mastodon API's tests reuse this harness).
    pub async fn with_routes(routes: fn() -> Router<AppContext>) -> Self {
        let db = fresh_database().await;
        guildhall_store::settings::get(&db.db).await.expect("settings row");
        let ctx = AppContext::new(db.db.clone(), InstanceInfo { domain: "localhost:8080".into(), https: false });
        let router = routes().with_state(ctx.clone());
        TestApp { ctx, router, _db: db, routes }
    }

    /// A fresh instance whose router also has the federation layer (for handlers that may
    /// look things up on other servers; it makes the instance actor's keys, so it is slower).
    pub async fn federated() -> Self {
        Self::federated_with(guildhall_api::router).await
    }

    /// `federated` serving other routes.
    pub async fn federated_with(routes: fn() -> Router<AppContext>) -> Self {
        // reqwest needs one TLS provider chosen, as the binary does at start.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut app = Self::with_routes(routes).await;
        let settings = guildhall_federation::Settings { debug: true, ..guildhall_federation::Settings::default() };
        let config = guildhall_federation::config(app.ctx.clone(), settings).await.expect("federation config");
        guildhall_federation::network::FederationNetwork::install(&app.ctx, settings).expect("network port");
        app.router = (app.routes)().with_state(app.ctx.clone()).layer(guildhall_federation::middleware(config));
        app
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
        let r = self
            .post("/api/guildhall/v1/auth/login", None, json!({"username": name, "password": "correct horse battery"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {name}: {}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }

    /// Creates a community as `token`'s account.
    pub async fn community(&self, token: &str, name: &str, visibility: &str) -> Value {
        let r = self
            .post(
                "/api/guildhall/v1/communities",
                Some(token),
                json!({"name": name, "title": format!("Title of {name}"), "visibility": visibility}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// Starts a discussion with a body; returns its id.
    pub async fn discussion_with_body(&self, token: &str, community: &str, title: &str, body: &str) -> i64 {
        let r = self
            .post(
                &format!("/api/guildhall/v1/communities/{community}/discussions"),
                Some(token),
                json!({"title": title, "body": body}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body["id"].as_i64().expect("id")
    }

    /// Starts a discussion; returns its id.
    pub async fn discussion(&self, token: &str, community: &str, title: &str) -> i64 {
        self.discussion_with_body(token, community, title, "Some *body*").await
    }
}

/// The password every helper-made account uses.
pub const PASSWORD: &str = "correct horse battery";

/// A session made by logging in over HTTP: bearer/cookie token and its CSRF token.
pub struct Login {
    pub token: String,
    pub csrf: String,
    pub set_cookie: String,
}

impl TestApp {
    /// `POST /api/guildhall/v1/accounts` with the given body.
    pub async fn register(&self, body: Value) -> Resp {
        self.post("/api/guildhall/v1/accounts", None, body).await
    }

    /// Registers `name` (`name@example.org`, standard password) and returns the response.
    pub async fn register_named(&self, name: &str) -> Resp {
        self.register(json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD})).await
    }

    /// `POST /api/guildhall/v1/auth/login` with any credentials.
    pub async fn login_raw(&self, username: &str, password: &str) -> Resp {
        self.post("/api/guildhall/v1/auth/login", None, json!({"username": username, "password": password})).await
    }

    /// Logs in over HTTP and returns token, CSRF token and the Set-Cookie header.
    pub async fn login_full(&self, name: &str) -> Login {
        let r = self.login_raw(name, PASSWORD).await;
        assert_eq!(r.status, StatusCode::OK, "login {name}: {}", r.body);
        let set_cookie =
            r.headers.get(header::SET_COOKIE).expect("login sets a cookie").to_str().expect("ascii cookie").to_string();
        Login {
            token: r.body["token"].as_str().expect("token").into(),
            csrf: r.body["csrf_token"].as_str().expect("csrf_token").into(),
            set_cookie,
        }
    }

    /// Changes the instance settings as `admin_token`, asserting success.
    pub async fn settings(&self, admin_token: &str, change: Value) -> Value {
        let r = self.patch("/api/guildhall/v1/admin/settings", Some(admin_token), change).await;
        assert_eq!(r.status, StatusCode::OK, "settings: {}", r.body);
        r.body
    }

    /// Creates an invite as `admin_token`; returns its code.
    pub async fn invite(&self, admin_token: &str, body: Value) -> String {
        let r = self.post("/api/guildhall/v1/admin/invites", Some(admin_token), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "invite: {}", r.body);
        r.body["code"].as_str().expect("code").to_string()
    }

    /// Creates a community from a full JSON body, asserting 201.
    pub async fn community_with(&self, token: &str, body: Value) -> Value {
        let r = self.post("/api/guildhall/v1/communities", Some(token), body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// `POST /communities/{c}/join` accepting the charter.
    pub async fn join(&self, token: &str, community: &str) -> Resp {
        self.post(
            &format!("/api/guildhall/v1/communities/{community}/join"),
            Some(token),
            json!({"accept_charter": true}),
        )
        .await
    }

    /// Creates `name` and makes it an approved member of `community` (accepting the join
    /// request as `moderator` when needed); returns the new member's token.
    pub async fn member(&self, name: &str, community: &str, moderator: &str) -> String {
        let t = self.user(name).await;
        let r = self.join(&t, community).await;
        assert_eq!(r.status, StatusCode::OK, "join: {}", r.body);
        if r.body["status"] == "requested" {
            let r = self
                .post(
                    &format!("/api/guildhall/v1/communities/{community}/join-requests/{name}/accept"),
                    Some(moderator),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "accept: {}", r.body);
        }
        t
    }

    /// Posts a reply; asserts 201 and returns its id.
    pub async fn reply(&self, token: &str, discussion: i64, parent: Option<i64>, body: &str) -> i64 {
        let r = self
            .post(
                &format!("/api/guildhall/v1/discussions/{discussion}/replies"),
                Some(token),
                json!({"body": body, "parent_id": parent}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "reply: {}", r.body);
        r.body["id"].as_i64().expect("id")
    }

    /// A request with a raw body and content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(body.into()).expect("request")).await
    }

    /// A request authenticated only by the session cookie, with an optional CSRF header.
    pub async fn with_cookie(
        &self,
        method: Method,
        path: &str,
        cookie: &str,
        csrf: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req =
            Request::builder().method(method).uri(path).header(header::COOKIE, format!("guildhall_session={cookie}"));
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.send(req).await
    }

    /// The items of a list endpoint, asserting 200.
    pub async fn items(&self, path: &str, token: Option<&str>) -> Vec<Value> {
        let r = self.get(path, token).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        r.body["items"].as_array().unwrap_or_else(|| panic!("no items: {}", r.body)).clone()
    }

    /// A field of every item of a list endpoint, as strings.
    pub async fn names(&self, path: &str, token: Option<&str>, field: &str) -> Vec<String> {
        self.items(path, token).await.iter().map(|i| i[field].as_str().unwrap_or_default().to_string()).collect()
    }
}

/// People and communities from other servers, stored as the federation layer would after
/// verifying them (no network involved).
impl TestApp {
    /// A remote person `name@domain`.
    pub async fn remote_person(&self, name: &str, domain: &str) -> guildhall_store::entities::account::Model {
        use guildhall_store::Set;
        let base = format!("http://{domain}/u/{name}");
        let now = chrono::Utc::now();
        let row = guildhall_store::entities::account::ActiveModel {
            username: Set(name.into()),
            domain: Set(domain.into()),
            ap_id: Set(Some(base.clone())),
            inbox_url: Set(Some(format!("{base}/inbox"))),
            email: Set(None),
            password_hash: Set(String::new()),
            display_name: Set(name.into()),
            bio: Set(String::new()),
            department: Set(String::new()),
            tags: Set("[]".into()),
            is_admin: Set(false),
            status: Set(guildhall_domain::AccountStatus::Active),
            fetched_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        guildhall_store::federation::insert_remote_account(self.ctx.db(), row).await.expect("remote person")
    }

    /// A remote public community `name@domain`, owned (as remote ones are) by a local account.
    pub async fn remote_group(
        &self,
        name: &str,
        domain: &str,
        owner_token: &str,
    ) -> guildhall_store::entities::community::Model {
        use guildhall_store::Set;
        let owner =
            self.get("/api/guildhall/v1/accounts/me", Some(owner_token)).await.body["id"].as_i64().expect("owner id");
        let base = format!("http://{domain}/c/{name}");
        let now = chrono::Utc::now();
        let row = guildhall_store::entities::community::ActiveModel {
            name: Set(name.into()),
            domain: Set(domain.into()),
            ap_id: Set(Some(base.clone())),
            inbox_url: Set(Some(format!("{base}/inbox"))),
            followers_url: Set(Some(format!("{base}/followers"))),
            title: Set(format!("Title of {name}")),
            description: Set(String::new()),
            charter: Set(String::new()),
            welcome_message: Set(String::new()),
            tags: Set("[]".into()),
            visibility: Set(guildhall_domain::Visibility::Public),
            member_domains: Set("[]".into()),
            join_question: Set(String::new()),
            created_by: Set(owner),
            fetched_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        guildhall_store::federation::insert_remote_community(self.ctx.db(), row).await.expect("remote group")
    }

    /// Makes `token`'s account an active member of the (remote) community with id
    /// `community_id`, as an accepted Follow would.
    pub async fn remote_membership(&self, token: &str, community_id: i64) {
        let me = self.get("/api/guildhall/v1/accounts/me", Some(token)).await.body["id"].as_i64().expect("id");
        let new = guildhall_store::communities::NewMembership {
            community_id,
            account_id: me,
            status: guildhall_domain::MembershipStatus::Active,
            is_moderator: false,
            request_message: None,
            charter_accepted_at: None,
            follow_ap_id: None,
        };
        guildhall_store::communities::insert_membership(self.ctx.db(), new, chrono::Utc::now()).await.expect("member");
    }

    /// A local community's stored row.
    pub async fn community_row(&self, name: &str) -> guildhall_store::entities::community::Model {
        guildhall_store::communities::find_by_name(self.ctx.db(), name).await.expect("db").expect("community")
    }

    /// A remote person follows local `community` (joined at once if it is public).
    pub async fn remote_follow(&self, person: &guildhall_store::entities::account::Model, community: &str) {
        let c = self.community_row(community).await;
        let follow = format!("{}/follows/{}", person.ap_id.as_deref().unwrap_or_default(), c.id);
        guildhall_app::inbound::remote_follow(&self.ctx, &c, person, &follow).await.expect("remote follow");
    }

    /// A discussion arriving from `author`'s server into local `community`; returns its id.
    pub async fn remote_discussion(
        &self,
        author: &guildhall_store::entities::account::Model,
        community: &str,
        title: &str,
        members_only: bool,
    ) -> i64 {
        let c = self.community_row(community).await;
        let post = incoming(author, title, members_only);
        let d = guildhall_app::inbound::receive_discussion(
            &self.ctx,
            &c,
            author,
            post,
            guildhall_app::receipt::Arrival::Relayed,
        )
        .await
        .expect("remote discussion")
        .expect("new");
        d.id
    }
}

/// A post from `author`'s server with a fresh ActivityPub id.
pub fn incoming(
    author: &guildhall_store::entities::account::Model,
    title: &str,
    members_only: bool,
) -> guildhall_app::inbound::IncomingPost {
    guildhall_app::inbound::IncomingPost {
        ap_id: format!("{}/posts/{}", author.ap_id.as_deref().unwrap_or_default(), guildhall_app::auth::random_token()),
        title: Some(title.into()),
        source: Some(format!("Body of {title}")),
        html: String::new(),
        published: None,
        members_only,
        extras: Default::default(),
    }
}
