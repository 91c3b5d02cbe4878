//! Streaming as real clients use it: posts relayed from a remote community reach its members'
//! streams (through the inbound use case the inbox calls), a WebSocket keeps what is posted
//! between its opening and the client's subscribe message (masto.js's order), a reader that
//! falls behind carries on, and every post left out of a stream is logged with the reason.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::header;
use futures_util::{SinkExt, StreamExt};
use guildhall_app::live::{CAPACITY, LiveEvent};
use guildhall_app::posts::PostRef;
use guildhall_app::receipt::Arrival;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::common::{TestApp, incoming};
use crate::helpers::{d, me, r, remote_discussion};
use crate::mastodon::{instance, routes};
use crate::streaming::{Sse, open_sse};

/// How long a stream is given to deliver an event.
const WAIT: Duration = Duration::from_secs(10);

impl Sse {
    /// The next `update`'s status id.
    async fn next_update_id(&mut self) -> Option<String> {
        let (name, status) = self.next_within(WAIT).await?;
        assert_eq!(name, "update", "{status}");
        Some(status["id"].as_str()?.to_string())
    }
}

/// Log lines written while a [`capture`] guard lives (on this thread, where the streams of
/// these tests are polled).
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("logs")).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

fn capture() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("guildhall_mastodon=debug")
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    (logs.clone(), tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn a_discussion_and_a_reply_relayed_from_a_remote_community_reach_its_members_streams_only() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let bob = app.user("bob").await;
    app.community(&bob, "mine", "public").await;
    let far = app.remote_group("far", "remote.example", &ada).await;
    app.remote_membership(&ada, far.id).await;
    let zoe = app.remote_person("zoe", "remote.example").await;
    let mut ada_stream = open_sse(&app, "/api/v1/streaming/user", Some(&ada)).await;
    let mut bob_stream = open_sse(&app, "/api/v1/streaming/user", Some(&bob)).await;
    let mut public = open_sse(&app, "/api/v1/streaming/public", None).await;
    // Each stream subscribed to the live events before it answered with its headers.
    assert_eq!(app.ctx.live().receiver_count(), 3);

    let news = remote_discussion(&app, &zoe, &far, "Far news", None).await;
    let (name, status) = ada_stream.next_within(WAIT).await.expect("ada hears of the relayed discussion");
    assert_eq!(name, "update");
    assert_eq!(status["id"], d(news));
    assert_eq!(status["account"]["acct"], "zoe@remote.example", "{status}");
    assert!(status["content"].as_str().is_some_and(|c| c.contains("Far news")), "{status}");

    let discussion = guildhall_store::discussions::find_by_id(app.ctx.db(), news).await.expect("db").expect("stored");
    let answer = guildhall_app::inbound::receive_reply(
        &app.ctx,
        &discussion,
        None,
        &zoe,
        incoming(&zoe, "", false),
        Arrival::Relayed,
    )
    .await
    .expect("remote reply")
    .expect("new")
    .id;
    let (_, status) = ada_stream.next_within(WAIT).await.expect("ada hears of the relayed reply");
    assert_eq!(status["id"], r(answer));
    assert_eq!(status["in_reply_to_id"], d(news), "{status}");

    // A public remote community's posts are public; bob, not a member, hears of neither: the
    // first update on his stream is the one posted in his own community afterwards.
    assert_eq!(public.next_update_id().await, Some(d(news)));
    assert_eq!(public.next_update_id().await, Some(r(answer)));
    let own = app.discussion(&bob, "mine", "Mine").await;
    assert_eq!(bob_stream.next_update_id().await, Some(d(own)));
}

#[tokio::test]
async fn a_remote_communitys_posts_reach_a_member_once_its_server_accepts_the_follow() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "mine", "public").await;
    let far = app.remote_group("far", "remote.example", &ada).await;
    let zoe = app.remote_person("zoe", "remote.example").await;
    // ada asked to join (her server sent a Follow); the Accept has not come yet.
    let follow = "http://localhost/follows/ada-far";
    let pending = guildhall_store::communities::NewMembership {
        community_id: far.id,
        account_id: me(&app, &ada).await,
        status: guildhall_domain::MembershipStatus::Pending,
        is_moderator: false,
        request_message: None,
        charter_accepted_at: None,
        follow_ap_id: Some(follow.into()),
    };
    guildhall_store::communities::insert_membership(app.ctx.db(), pending, chrono::Utc::now()).await.expect("member");
    let mut stream = open_sse(&app, "/api/v1/streaming/user", Some(&ada)).await;

    // As the home timeline, the user stream holds only communities she is a member of: the
    // first update she hears of is the one in her own community, posted afterwards.
    remote_discussion(&app, &zoe, &far, "Before the Accept", None).await;
    let own = app.discussion(&ada, "mine", "Mine").await;
    assert_eq!(stream.next_update_id().await, Some(d(own)));
    guildhall_app::inbound::follow_answered(&app.ctx, follow, &far, true).await.expect("accept");
    let after = remote_discussion(&app, &zoe, &far, "After the Accept", None).await;
    assert_eq!(stream.next_update_id().await, Some(d(after)), "the Accept came in between");
    assert!(!stream.seen.contains("Before the Accept"));
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next text frame as JSON, waiting at most `WAIT`.
async fn next_frame(ws: &mut Ws) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next()).await.ok()??.ok()?;
        if let Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).ok();
        }
    }
}

/// A router served on a local port, for WebSocket clients.
async fn serve(app: &TestApp) -> (std::net::SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = routes().with_state(app.ctx.clone());
    (addr, tokio::spawn(async move { axum::serve(listener, router).await }))
}

#[tokio::test]
async fn a_websocket_keeps_what_is_posted_before_the_subscribe_message_as_masto_sends_it() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let (addr, server) = serve(&app).await;

    // masto.js: the token as the subprotocol, named back, then a subscribe message once the
    // socket is open. Here a post is made between the two.
    let mut req = format!("ws://{addr}/api/v1/streaming").into_client_request().expect("request");
    req.headers_mut().insert(header::SEC_WEBSOCKET_PROTOCOL, ada.parse().expect("header"));
    let (mut ws, answer) = tokio_tungstenite::connect_async(req).await.expect("connect");
    assert_eq!(answer.headers()[header::SEC_WEBSOCKET_PROTOCOL], ada.as_str());
    // The server subscribed to the live events before it answered the upgrade.
    assert_eq!(app.ctx.live().receiver_count(), 1);
    let early = app.discussion(&ada, "open", "Posted before subscribing").await;
    // Bad messages are ignored and leave the socket open.
    for bad in ["hello", r#"{"type":"subscribe","stream":"hashtag","tag":"x"}"#, r#"{"type":"dance","stream":"user"}"#]
    {
        ws.send(Message::Text(bad.into())).await.expect("send");
    }
    ws.send(Message::Text(json!({"type": "subscribe", "stream": "user"}).to_string().into())).await.expect("send");

    let frame = next_frame(&mut ws).await.expect("the early post arrives once subscribed");
    assert_eq!(frame["stream"], json!(["user"]), "masto matches on the stream array: {frame}");
    assert_eq!(frame["event"], "update");
    let status: Value = serde_json::from_str(frame["payload"].as_str().expect("payload is a string")).expect("json");
    assert_eq!(status["id"], d(early));
    let later = app.discussion(&ada, "open", "Posted after").await;
    let frame = next_frame(&mut ws).await.expect("the next post");
    let status: Value = serde_json::from_str(frame["payload"].as_str().unwrap_or("")).expect("json");
    assert_eq!(status["id"], d(later));

    // Messages arriving while posts are being sent (here junk, in life an unsubscribe or a
    // second subscribe) lose none of them.
    let mut posted = vec![];
    for i in 0..10 {
        posted.push(d(app.discussion(&ada, "open", &format!("Busy {i}")).await));
        ws.send(Message::Text(json!({"type": "subscribe", "stream": "user"}).to_string().into())).await.expect("send");
        ws.send(Message::Text("junk".into())).await.expect("send");
    }
    let mut got = vec![];
    while got.len() < posted.len() {
        let Some(frame) = next_frame(&mut ws).await else { break };
        let status: Value = serde_json::from_str(frame["payload"].as_str().unwrap_or("")).expect("json");
        got.push(status["id"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(got, posted);

    // An anonymous socket may not subscribe to the user stream: it hears nothing of it.
    let (mut anon, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/streaming")).await.expect("ws");
    anon.send(Message::Text(json!({"type": "subscribe", "stream": "user"}).to_string().into())).await.expect("send");
    anon.send(Message::Text(json!({"type": "subscribe", "stream": "public"}).to_string().into())).await.expect("send");
    let deadline = tokio::time::Instant::now() + WAIT;
    let frame = loop {
        // The subscribe messages are read in the server's own time: post until one arrives.
        app.discussion(&ada, "open", "For everyone").await;
        if let Ok(Some(f)) = tokio::time::timeout(Duration::from_millis(300), next_frame(&mut anon)).await {
            break f;
        }
        assert!(tokio::time::Instant::now() < deadline, "no frame on the public stream");
    };
    assert_eq!(frame["stream"], json!(["public"]), "{frame}");
    // A stream that does not exist is refused at the upgrade.
    let refused = tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/streaming?stream=nonsense")).await;
    assert!(refused.is_err(), "an unknown stream is refused");
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/v1/streaming?stream=user&access_token=wrong")).await;
    assert!(refused.is_err(), "a wrong token is refused");
    server.abort();
}

#[tokio::test]
async fn a_reader_that_falls_behind_logs_a_warning_and_carries_on() {
    let app = instance().await;
    let ada = app.user("ada").await;
    app.community(&ada, "open", "public").await;
    let (logs, _guard) = capture();
    let mut stream = open_sse(&app, "/api/v1/streaming/user", Some(&ada)).await;
    // More events than the channel holds, none for ada (another account's notifications),
    // while her stream is not read.
    for _ in 0..CAPACITY + 10 {
        guildhall_app::live::publish(&app.ctx, LiveEvent::Notified(-1));
    }
    let after = app.discussion(&ada, "open", "After the flood").await;
    assert_eq!(stream.next_update_id().await, Some(d(after)), "the stream carries on");
    let text = logs.text();
    assert!(text.lines().any(|l| l.contains("WARN") && l.contains("fell behind") && l.contains("missed=")), "{text}");
}

#[tokio::test]
async fn posts_left_out_of_a_stream_are_logged_with_the_reason() {
    let app = instance().await;
    let ada = app.user("ada").await;
    let eve = app.user("eve").await;
    app.community(&ada, "closed", "private").await;
    app.community(&ada, "open", "public").await;
    app.community(&ada, "asking", "approval").await;
    app.community(&eve, "mine", "public").await;
    let (logs, _guard) = capture();
    let mut eve_stream = open_sse(&app, "/api/v1/streaming/user", Some(&eve)).await;
    let mut public = open_sse(&app, "/api/v1/streaming/public", None).await;

    let secret = app.discussion(&ada, "closed", "Secret").await;
    let open = app.discussion(&ada, "open", "Open").await;
    let asking = app.discussion(&ada, "asking", "Asking").await;
    let gone = PostRef::Discussion(i64::from(i32::MAX));
    guildhall_app::live::publish(&app.ctx, LiveEvent::Posted(gone));
    let own = app.discussion(&eve, "mine", "Eve's own").await;

    // What each stream carries, in order, with everything else left out.
    assert_eq!(eve_stream.next_update_id().await, Some(d(own)));
    assert_eq!(public.next_update_id().await, Some(d(open)));
    assert_eq!(public.next_update_id().await, Some(d(own)));
    let text = logs.text();
    let skipped = |id: i64, reason: &str| {
        text.lines().any(|l| {
            l.contains("DEBUG")
                && l.contains(&format!("post=Discussion({id})"))
                && l.contains(&format!("reason=\"{reason}\""))
        })
    };
    // eve's user stream: the private community's post is denied, the open one is not hers.
    assert!(skipped(secret, "access_denied"), "{text}");
    assert!(skipped(open, "not_a_member"), "{text}");
    assert!(skipped(i64::from(i32::MAX), "not_found"), "{text}");
    // The public stream, as the public timeline, holds public communities only.
    assert!(skipped(asking, "not_public"), "{text}");
    let timeline = app.get("/api/v1/timelines/public", None).await;
    assert!(!timeline.body.to_string().contains("Asking"), "{}", timeline.body);
}
