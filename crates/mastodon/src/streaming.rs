//! Streaming: new statuses as they are posted, as server-sent events
//! (`/api/v1/streaming/user`, `/public`) or over a WebSocket (`/api/v1/streaming`). The app
//! publishes post ids only (`guildhall_app::live`); each connection loads every post through
//! the access rules for its own viewer, so a post reaches only streams whose reader may read
//! it. `user` carries posts in the communities the viewer follows (is a member of); `public`
//! carries public posts the viewer may read. The user stream also carries the reader's new
//! `notification`s.

use std::convert::Infallible;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, OptionalFromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use guildhall_app::interactions::NotificationQuery;
use guildhall_app::live::LiveEvent;
use guildhall_app::posts::PostRef;
use guildhall_app::{AppContext, Viewer};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::auth::Authed;
use crate::error::{MastoError, Result};

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/streaming/health", get(health))
        .route("/api/v1/streaming/user", get(user))
        .route("/api/v1/streaming/public", get(public))
        .route("/api/v1/streaming", get(socket))
}

async fn health() -> &'static str {
    "OK"
}

/// Which timeline a stream follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timeline {
    /// Posts in the communities the viewer is a member of.
    User,
    /// Public posts the viewer may read.
    Public,
}

impl Timeline {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Timeline::User),
            "public" | "public:local" | "public:remote" => Some(Timeline::Public),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Timeline::User => "user",
            Timeline::Public => "public",
        }
    }
}

/// The status JSON of a new post if `timeline`'s reader may see it there.
async fn update(ctx: &AppContext, viewer: Option<&Viewer>, timeline: Timeline, p: PostRef) -> Option<String> {
    // Access is decided by the app, as for any read; hidden posts are simply skipped.
    let post = guildhall_app::posts::one(ctx, viewer, p).await.ok()?;
    let shown = match timeline {
        Timeline::User => post.community.my_role.is_member(),
        Timeline::Public => crate::render::visibility(post.members_only, post.community.visibility) == "public",
    };
    if !shown {
        return None;
    }
    let status = crate::render::post(ctx, &post).await.ok()?;
    serde_json::to_string(&status).ok()
}

/// One reader's position in the live events.
struct Reading {
    ctx: AppContext,
    rx: broadcast::Receiver<LiveEvent>,
    viewer: Option<Viewer>,
    /// The newest notification already sent (or there at the start).
    last_notification: i64,
}

impl Reading {
    async fn new(ctx: AppContext, viewer: Option<Viewer>) -> Self {
        let rx = ctx.live().subscribe();
        let mut last_notification = 0;
        if let Some(v) = &viewer {
            let q = NotificationQuery { limit: 1, ..Default::default() };
            if let Ok(n) = guildhall_app::interactions::notifications(&ctx, v, &q).await {
                last_notification = n.first().map_or(0, |n| n.view.id);
            }
        }
        Reading { ctx, rx, viewer, last_notification }
    }

    /// What `e` means to this reader on `timeline`: `(event name, payload JSON)` pairs.
    async fn frames(&mut self, timeline: Timeline, e: LiveEvent) -> Vec<(&'static str, String)> {
        match e {
            LiveEvent::Posted(p) => {
                update(&self.ctx, self.viewer.as_ref(), timeline, p).await.map(|j| ("update", j)).into_iter().collect()
            }
            LiveEvent::Notified(account) => {
                let Some(v) = self.viewer.as_ref().filter(|v| v.account_id == account && timeline == Timeline::User)
                else {
                    return vec![];
                };
                let q = NotificationQuery { since_id: Some(self.last_notification), limit: 40, ..Default::default() };
                let Ok(mut notices) = guildhall_app::interactions::notifications(&self.ctx, v, &q).await else {
                    return vec![];
                };
                notices.reverse();
                let mut out = vec![];
                for n in &notices {
                    self.last_notification = self.last_notification.max(n.view.id);
                    if let Ok(Some(r)) = crate::notifications::render_one(&self.ctx, v, n).await
                        && let Ok(json) = serde_json::to_string(&r)
                    {
                        out.push(("notification", json));
                    }
                }
                out
            }
        }
    }

    /// The next frames for `timelines` (`None` when the channel closed).
    async fn next(&mut self, timelines: &[Timeline]) -> Option<Vec<(Timeline, &'static str, String)>> {
        loop {
            match self.rx.recv().await {
                Ok(e) => {
                    let mut out = vec![];
                    for tl in timelines {
                        out.extend(self.frames(*tl, e).await.into_iter().map(|(n, j)| (*tl, n, j)));
                    }
                    if !out.is_empty() {
                        return Some(out);
                    }
                }
                // A slow reader misses what it fell behind on, as Mastodon's streams do.
                Err(broadcast::error::RecvError::Lagged(n)) => tracing::debug!(missed = n, "stream lagged"),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

async fn sse(
    ctx: AppContext,
    viewer: Option<Viewer>,
    timeline: Timeline,
) -> Sse<impl Stream<Item = std::result::Result<Event, Infallible>>> {
    let reading = Reading::new(ctx, viewer).await;
    let stream = futures_util::stream::unfold(
        (reading, std::collections::VecDeque::new()),
        move |(mut reading, mut queue)| async move {
            while queue.is_empty() {
                queue.extend(reading.next(&[timeline]).await?);
            }
            let (_, name, json) = queue.pop_front()?;
            Some((Ok(Event::default().event(name).data(json)), (reading, queue)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The token from `Authorization` or, as browsers' EventSource and WebSocket cannot send
/// headers, from `access_token` in the query.
async fn reader(parts: &mut Parts, ctx: &AppContext) -> Result<Option<Authed>> {
    if parts.headers.get(header::AUTHORIZATION).is_none() {
        #[derive(Deserialize)]
        struct Q {
            access_token: Option<String>,
        }
        let q: Q = serde_qs::Config::new(5, false)
            .deserialize_str(parts.uri.query().unwrap_or(""))
            .unwrap_or(Q { access_token: None });
        // Mastodon's streaming server also takes the token as the WebSocket subprotocol
        // (masto.js sends it so), and names it back in its answer.
        let subprotocol = parts
            .headers
            .get(header::SEC_WEBSOCKET_PROTOCOL)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|t| t.trim().to_string());
        if let Some(t) = q.access_token.filter(|t| !t.is_empty()).or(subprotocol.filter(|t| !t.is_empty())) {
            let v = HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| MastoError::invalid_token())?;
            parts.headers.insert(header::AUTHORIZATION, v);
        }
    }
    <Authed as OptionalFromRequestParts<AppContext>>::from_request_parts(parts, ctx).await
}

/// A streaming reader: the token's account, if any.
struct Reader(Option<Authed>);

impl FromRequestParts<AppContext> for Reader {
    type Rejection = MastoError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self> {
        let authed = reader(parts, ctx).await?;
        if let Some(a) = &authed {
            a.require("read:statuses")?;
        }
        Ok(Reader(authed))
    }
}

async fn user(State(ctx): State<AppContext>, Reader(authed): Reader) -> Result<Response> {
    let authed = authed.ok_or_else(MastoError::invalid_token)?;
    Ok(sse(ctx, Some(authed.viewer), Timeline::User).await.into_response())
}

async fn public(State(ctx): State<AppContext>, Reader(authed): Reader) -> Response {
    sse(ctx, authed.map(|a| a.viewer), Timeline::Public).await.into_response()
}

#[derive(Debug, Deserialize)]
struct StreamQuery {
    stream: Option<String>,
}

/// A client's message on the socket.
#[derive(Debug, Deserialize)]
struct Command {
    #[serde(rename = "type")]
    kind: String,
    stream: String,
}

/// One message to the client, as Mastodon frames them.
#[derive(Debug, Serialize)]
struct Frame<'a> {
    stream: [&'a str; 1],
    event: &'a str,
    payload: String,
}

async fn socket(
    State(ctx): State<AppContext>,
    headers: axum::http::HeaderMap,
    Reader(authed): Reader,
    axum::extract::Query(q): axum::extract::Query<StreamQuery>,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    // A token sent as the subprotocol is named back, or the client drops the connection.
    let offered: Vec<String> = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let ws = ws.protocols(offered);
    let viewer = authed.map(|a| a.viewer);
    let first = match q.stream.as_deref() {
        Some(s) => Some(Timeline::parse(s).ok_or_else(|| MastoError::validation("unknown stream"))?),
        None => None,
    };
    if first == Some(Timeline::User) && viewer.is_none() {
        return Err(MastoError::invalid_token());
    }
    Ok(ws.on_upgrade(move |s| run_socket(ctx, s, viewer, first)))
}

async fn run_socket(ctx: AppContext, mut socket: WebSocket, viewer: Option<Viewer>, first: Option<Timeline>) {
    let signed_in = viewer.is_some();
    let mut reading = Reading::new(ctx, viewer).await;
    let mut subscribed: Vec<Timeline> = first.into_iter().collect();
    loop {
        tokio::select! {
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(t))) => {
                    let Ok(c) = serde_json::from_str::<Command>(t.as_str()) else { continue };
                    let Some(tl) = Timeline::parse(&c.stream) else { continue };
                    // The user stream needs a signed-in reader.
                    if tl == Timeline::User && !signed_in {
                        continue;
                    }
                    match c.kind.as_str() {
                        "subscribe" if !subscribed.contains(&tl) => subscribed.push(tl),
                        "unsubscribe" => subscribed.retain(|s| *s != tl),
                        _ => {}
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            // Until a stream is subscribed, events wait in the channel rather than being read
            // and dropped: a post made just as the app connects still reaches it.
            frames = reading.next(&subscribed), if !subscribed.is_empty() => {
                let Some(frames) = frames else { return };
                for (tl, event, payload) in frames {
                    let frame = Frame { stream: [tl.name()], event, payload };
                    let Ok(text) = serde_json::to_string(&frame) else { continue };
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}
