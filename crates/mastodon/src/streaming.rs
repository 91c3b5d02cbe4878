//! Streaming: new statuses as they are posted, as server-sent events
//! (`/api/v1/streaming/user`, `/public`) or over a WebSocket (`/api/v1/streaming`). The app
//! publishes post ids only (`guildhall_app::live`); each connection loads every post through
//! the access rules for its own viewer, so a post reaches only streams whose reader may read
//! it. `user` carries posts in the communities the viewer follows (is a member of); `public`
//! carries public posts the viewer may read. The user stream also carries the reader's new
//! `notification`s.
//!
//! A stream subscribes to the live events before it answers the client (the SSE headers, the
//! WebSocket upgrade), so a post published once the client is connected is never missed; on
//! a WebSocket, events wait until the client subscribes to a stream. A post left out of a
//! stream is logged at debug with the reason, and a reader that falls behind the channel logs
//! a warning and carries on from the oldest event still held.

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
use guildhall_app::live::{LiveEvent, Skip, Stream as LiveStream};
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

    /// The app's name for this stream, whose rule decides what it carries.
    fn live(self) -> LiveStream {
        match self {
            Timeline::User => LiveStream::User,
            Timeline::Public => LiveStream::Public,
        }
    }
}

/// The status JSON of a new post if `timeline`'s reader may see it there. The app decides
/// (the same rules as the timelines); a post left out is logged with the reason, never
/// dropped silently.
async fn update(ctx: &AppContext, viewer: Option<&Viewer>, timeline: Timeline, p: PostRef) -> Option<String> {
    let reader = viewer.map(|v| v.account_id);
    let post = match guildhall_app::live::post_for(ctx, viewer, timeline.live(), p).await {
        Ok(Ok(post)) => post,
        Ok(Err(skip)) => {
            log_skip(p, reader, timeline, skip);
            return None;
        }
        Err(e) => {
            tracing::warn!(post = ?p, reader, stream = timeline.name(), error = %e, "stream: could not load a post; skipped");
            return None;
        }
    };
    let status = match crate::render::post(ctx, &post).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(post = ?p, reader, stream = timeline.name(), error = ?e, "stream: could not render a post; skipped");
            return None;
        }
    };
    match serde_json::to_string(&status) {
        Ok(json) => Some(json),
        Err(e) => {
            tracing::warn!(post = ?p, reader, error = %e, "stream: could not encode a status; skipped");
            None
        }
    }
}

fn log_skip(p: PostRef, reader: Option<i64>, timeline: Timeline, skip: Skip) {
    tracing::debug!(post = ?p, reader, stream = timeline.name(), reason = skip.as_str(), "stream: post not sent");
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
    /// Subscribes to the live events first: call it before answering the client.
    async fn new(ctx: AppContext, viewer: Option<Viewer>) -> Self {
        let rx = guildhall_app::live::subscribe(&ctx);
        let mut last_notification = 0;
        if let Some(v) = &viewer {
            let q = NotificationQuery { limit: 1, ..Default::default() };
            match guildhall_app::interactions::notifications(&ctx, v, &q).await {
                Ok(n) => last_notification = n.first().map_or(0, |n| n.view.id),
                // The stream then sends the reader's latest notifications with the next one.
                Err(e) => tracing::warn!(reader = v.account_id, error = %e, "stream: could not load notifications"),
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
                let mut notices = match guildhall_app::interactions::notifications(&self.ctx, v, &q).await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(reader = v.account_id, error = %e, "stream: could not load notifications");
                        return vec![];
                    }
                };
                notices.reverse();
                let mut out = vec![];
                for n in &notices {
                    self.last_notification = self.last_notification.max(n.view.id);
                    match crate::notifications::render_one(&self.ctx, v, n).await {
                        Ok(Some(r)) => match serde_json::to_string(&r) {
                            Ok(json) => out.push(("notification", json)),
                            Err(e) => tracing::warn!(notification = n.view.id, error = %e, "stream: could not encode"),
                        },
                        Ok(None) => {
                            tracing::debug!(
                                notification = n.view.id,
                                reader = v.account_id,
                                "stream: notification not shown"
                            )
                        }
                        Err(e) => {
                            tracing::warn!(notification = n.view.id, error = ?e, "stream: could not render a notification")
                        }
                    }
                }
                out
            }
        }
    }

    /// The next live event (`None` when the channel closed). Cancel-safe: an event is taken
    /// from the channel only when this returns it.
    async fn recv(&mut self) -> Option<LiveEvent> {
        loop {
            match self.rx.recv().await {
                Ok(e) => return Some(e),
                // A slow reader misses what it fell behind on, as Mastodon's streams do, and
                // carries on from the oldest event the channel still holds.
                Err(broadcast::error::RecvError::Lagged(n)) => tracing::warn!(
                    missed = n,
                    reader = self.viewer.as_ref().map(|v| v.account_id),
                    "stream: the reader fell behind the live events; continuing"
                ),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// What `e` means on each of `timelines`.
    async fn frames_for(&mut self, timelines: &[Timeline], e: LiveEvent) -> Vec<(Timeline, &'static str, String)> {
        let mut out = vec![];
        for tl in timelines {
            out.extend(self.frames(*tl, e).await.into_iter().map(|(n, j)| (*tl, n, j)));
        }
        out
    }

    /// The next frames for `timelines` (`None` when the channel closed).
    async fn next(&mut self, timelines: &[Timeline]) -> Option<Vec<(Timeline, &'static str, String)>> {
        loop {
            let e = self.recv().await?;
            let out = self.frames_for(timelines, e).await;
            if !out.is_empty() {
                return Some(out);
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
    // Subscribed before the upgrade is answered: what is posted once the client sees the
    // socket open waits in the channel until it subscribes to a stream.
    let reading = Reading::new(ctx, viewer).await;
    Ok(ws.on_upgrade(move |s| run_socket(s, reading, first)))
}

/// Applies a client's `subscribe`/`unsubscribe` message to `subscribed`, or says why it was
/// ignored (Mastodon ignores such messages too, leaving the socket open).
fn command(text: &str, signed_in: bool, subscribed: &mut Vec<Timeline>) -> std::result::Result<(), &'static str> {
    let c = serde_json::from_str::<Command>(text).map_err(|_| "not a subscribe or unsubscribe message")?;
    let tl = Timeline::parse(&c.stream).ok_or("unknown or unsupported stream")?;
    if tl == Timeline::User && !signed_in {
        return Err("the user stream needs a token");
    }
    match c.kind.as_str() {
        "subscribe" => {
            if !subscribed.contains(&tl) {
                subscribed.push(tl);
            }
        }
        "unsubscribe" => subscribed.retain(|s| *s != tl),
        _ => return Err("unknown message type"),
    }
    Ok(())
}

async fn run_socket(mut socket: WebSocket, mut reading: Reading, first: Option<Timeline>) {
    let signed_in = reading.viewer.is_some();
    let mut subscribed: Vec<Timeline> = first.into_iter().collect();
    loop {
        // Only cancel-safe futures race here (a message, the next event): an event taken from
        // the channel is always turned into frames, never lost to a message arriving first.
        tokio::select! {
            msg = socket.recv() => match msg {
                Some(Ok(Message::Text(t))) => {
                    if let Err(why) = command(t.as_str(), signed_in, &mut subscribed) {
                        tracing::debug!(message = %t.as_str(), why, "stream: client message ignored");
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            // Until a stream is subscribed, events wait in the channel rather than being read
            // and dropped: a post made just as the app connects still reaches it.
            e = reading.recv(), if !subscribed.is_empty() => {
                let Some(e) = e else { return };
                for (tl, event, payload) in reading.frames_for(&subscribed, e).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_messages_change_the_streams_and_bad_ones_are_refused_with_a_reason() {
        let mut subs = vec![];
        assert_eq!(command(r#"{"type":"subscribe","stream":"user"}"#, true, &mut subs), Ok(()));
        assert_eq!(command(r#"{"type":"subscribe","stream":"user"}"#, true, &mut subs), Ok(()));
        assert_eq!(command(r#"{"type":"subscribe","stream":"public:local"}"#, true, &mut subs), Ok(()));
        assert_eq!(subs, [Timeline::User, Timeline::Public]);
        assert_eq!(command(r#"{"type":"unsubscribe","stream":"user"}"#, true, &mut subs), Ok(()));
        assert_eq!(subs, [Timeline::Public]);
        for bad in ["", "null", "not json", r#"{"type":"subscribe"}"#, r#"{"stream":"user"}"#, r#"[1,2]"#] {
            assert!(command(bad, true, &mut subs).is_err(), "{bad}");
        }
        assert_eq!(
            command(r#"{"type":"subscribe","stream":"hashtag","tag":"x"}"#, true, &mut subs),
            Err("unknown or unsupported stream")
        );
        assert_eq!(
            command(r#"{"type":"subscribe","stream":"user"}"#, false, &mut subs),
            Err("the user stream needs a token")
        );
        assert_eq!(command(r#"{"type":"watch","stream":"public"}"#, true, &mut subs), Err("unknown message type"));
        assert_eq!(subs, [Timeline::Public], "bad messages change nothing");
    }
}
