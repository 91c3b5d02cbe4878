//! Streaming: each reader's stream carries only the posts that reader may read.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::TestApp;
use crate::mastodon::{instance, routes};
use crate::viewers::{status_id, vault};

/// An open server-sent event stream.
pub(crate) struct Sse {
    body: Body,
    /// What was read and not yet taken as events.
    pub(crate) seen: String,
}

pub(crate) async fn open_sse(app: &TestApp, path: &str, token: Option<&str>) -> Sse {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let res =
        routes().with_state(app.ctx.clone()).oneshot(req.body(Body::empty()).expect("request")).await.expect("ok");
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap_or("").starts_with("text/event-stream"));
    Sse { body: res.into_body(), seen: String::new() }
}

impl Sse {
    /// The next `update` payload, waiting at most a few seconds.
    async fn next_update(&mut self) -> Option<Value> {
        self.next_event("update").await
    }

    /// The next payload of an `event` event, waiting at most a few seconds.
    pub(crate) async fn next_event(&mut self, name: &str) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let (event, payload) = self.next_before(deadline).await?;
            if event == name {
                return Some(payload);
            }
        }
    }

    /// The `(event, payload)` of the next event, waiting at most `wait`.
    pub(crate) async fn next_within(&mut self, wait: Duration) -> Option<(String, Value)> {
        self.next_before(tokio::time::Instant::now() + wait).await
    }

    async fn next_before(&mut self, deadline: tokio::time::Instant) -> Option<(String, Value)> {
        loop {
            if let Some(end) = self.seen.find("\n\n") {
                let event: String = self.seen.drain(..end + 2).collect();
                let name = event.lines().find_map(|l| l.strip_prefix("event: "));
                let data: String = event.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
                // Heartbeats (comments) carry no event.
                if let Some(name) = name {
                    return Some((name.to_string(), serde_json::from_str(&data).ok()?));
                }
                continue;
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame()).await.ok()??.ok()?;
            if let Ok(bytes) = frame.into_data() {
                self.seen.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
}

#[tokio::test]
async fn health_answers_ok() {
    let app = instance().await;
    let r = app.get("/api/v1/streaming/health", None).await;
    assert_eq!((r.status, r.body), (StatusCode::OK, json!("OK")));
    assert_eq!(app.get("/api/v1/streaming/user", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_user_stream_gets_its_communities_posts_and_never_a_private_one_it_is_not_in() {
    let app = instance().await;
    let v = vault(&app).await;
    app.community(&v.moderator, "open", "public").await;
    let bob = app.member("bob", "open", &v.moderator).await;
    crate::viewers::ban(&app, &v).await;
    let mut streams = vec![("bob", open_sse(&app, "/api/v1/streaming/user", Some(&bob)).await)];
    for (who, token) in v.shut_out() {
        // Those shut out of the vault also follow the open community.
        if who != "banned" {
            app.join(token, "open").await;
        }
        streams.push((who, open_sse(&app, "/api/v1/streaming/user", Some(token)).await));
    }
    let mut member = open_sse(&app, "/api/v1/streaming/user", Some(&v.member)).await;
    let mut anon_public = open_sse(&app, "/api/v1/streaming/public", None).await;

    // Posted in this order: what arrives first after the secret is the open post.
    let secret = app.discussion(&v.moderator, "vault", "Secret plans").await;
    let open = app.discussion(&v.moderator, "open", "Hello all").await;

    let got = member.next_update().await.expect("the member hears of the vault's post");
    assert_eq!(got["id"], status_id(secret));
    assert_eq!(got["visibility"], "private");
    for (who, s) in &mut streams {
        if *who == "banned" {
            // Not in the open community, banned from the vault: hears of nothing.
            continue;
        }
        let got = s.next_update().await.unwrap_or_else(|| panic!("{who} hears of the open post"));
        assert_eq!(got["id"], status_id(open), "{who}");
        assert!(!s.seen.contains("Secret"), "{who}");
    }
    let got = anon_public.next_update().await.expect("public stream");
    assert_eq!(got["id"], status_id(open));
    assert!(!got.to_string().contains("Secret"));
    // The banned member's stream stays silent through both posts and one more open post.
    app.discussion(&v.moderator, "open", "Another").await;
    let (_, banned) = streams.iter_mut().find(|(w, _)| *w == "banned").expect("banned stream");
    assert!(banned.next_update().await.is_none(), "banned: {}", banned.seen);
    assert!(!banned.seen.contains("Secret"));
}

#[tokio::test]
async fn a_websocket_streams_updates_by_query_and_by_subscribe_message() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    app.community(&ada, "closed", "private").await;
    let eve = app.user("eve").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = routes().with_state(app.ctx.clone());
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let url = format!("ws://{addr}/api/v1/streaming?stream=user&access_token={ada}");
    let (mut by_query, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
    let url = format!("ws://{addr}/api/v1/streaming?access_token={eve}");
    let (mut by_message, _) = tokio_tungstenite::connect_async(url).await.expect("connect");
    let subscribe = json!({"type": "subscribe", "stream": "public"}).to_string();
    by_message.send(tokio_tungstenite::tungstenite::Message::Text(subscribe.into())).await.expect("send");

    let d = app.discussion(&ada, "open", "Hello").await;
    let frame = next_frame(&mut by_query).await.expect("user stream frame");
    assert_eq!(frame["event"], "update");
    assert_eq!(frame["stream"], json!(["user"]));
    let status: Value = serde_json::from_str(frame["payload"].as_str().expect("payload is a string")).expect("json");
    assert_eq!(status["id"], status_id(d));

    // The subscribe message is read by the server in its own time: post (public, then a
    // private one eve may not read) until a frame arrives, with a deadline.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let frame = loop {
        app.discussion(&ada, "closed", "Secret").await;
        app.discussion(&ada, "open", "Public news").await;
        if let Some(f) = next_frame_within(&mut by_message, Duration::from_millis(300)).await {
            break f;
        }
        assert!(tokio::time::Instant::now() < deadline, "no frame after subscribing");
    };
    assert_eq!(frame["stream"], json!(["public"]));
    // Whichever public post came first (the subscription may even predate "Hello"), then
    // every frame that follows: none is the private community's.
    let mut frames = vec![frame];
    while let Some(f) = next_frame_within(&mut by_message, Duration::from_millis(300)).await {
        frames.push(f);
    }
    for f in &frames {
        let status: Value = serde_json::from_str(f["payload"].as_str().unwrap_or("")).expect("status json");
        assert_eq!(status["visibility"], "public", "{f}");
        assert!(!f.to_string().contains("Secret"), "{f}");
    }
    server.abort();
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn next_frame(ws: &mut Ws) -> Option<Value> {
    next_frame_within(ws, Duration::from_secs(5)).await
}

async fn next_frame_within(ws: &mut Ws, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next()).await.ok()??.ok()?;
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).ok();
        }
    }
}

#[tokio::test]
async fn a_user_stream_carries_the_readers_own_notifications_only() {
    use crate::notifications::{edit, event, going};
    let app = instance().await;
    let v = vault(&app).await;
    let e = event(&app, &v.moderator, "vault", "Secret meeting").await;
    going(&app, &v.member, e).await;
    going(&app, &v.banned, e).await;
    crate::viewers::ban(&app, &v).await;
    let mut member = open_sse(&app, "/api/v1/streaming/user", Some(&v.member)).await;
    let mut others = vec![];
    for (who, token) in v.shut_out() {
        others.push((who, open_sse(&app, "/api/v1/streaming/user", Some(token)).await));
    }
    edit(&app, &v.moderator, e, "Secret meeting moved").await;
    let n = member.next_event("notification").await.expect("the attendee hears of the change");
    assert_eq!(n["type"], "update", "{n}");
    assert_eq!(n["account"]["id"], crate::viewers::group_id(&app, "vault").await);
    let listed = app.get("/api/v1/notifications", Some(&v.member)).await;
    assert_eq!(listed.body[0]["id"], n["id"], "the same notification as listed");
    // The banned attendee, the outsider and the pending member hear nothing of it.
    for (who, s) in &mut others {
        assert!(s.next_event("notification").await.is_none(), "{who}: {}", s.seen);
    }
}
