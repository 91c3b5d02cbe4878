//! What a peer answered a delivery. activitypub_federation signs and sends our activities but
//! treats a `4xx` answer as delivered (it returns `Ok` and logs at debug level), so a peer
//! refusing everything looked healthy. A middleware on its HTTP client records the status,
//! `Retry-After` and the start of the body of every answer into a slot the delivery worker
//! scopes around each send ([`recording`]); the worker then decides from what was seen.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use activitypub_federation::resolver::ValidatingDnsResolver;
use chrono::{DateTime, Utc};
use reqwest::redirect::Policy;
use reqwest::{Client, Request, Response, StatusCode};
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware, Middleware, Next};
use url::Url;

/// How much of a refusal's body is kept (it is shown to admins).
const BODY_KEPT: usize = 500;

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: StatusCode,
    /// When the peer asked us to try again (`Retry-After`, seconds or an HTTP date).
    pub retry_after: Option<DateTime<Utc>>,
    /// The start of the body, for a refusal or a failure.
    pub body: String,
}

impl Answer {
    /// A refusal: `4xx` other than 408 (timeout) and 429 (too many requests).
    pub fn is_refusal(&self) -> bool {
        self.status.is_client_error()
            && self.status != StatusCode::REQUEST_TIMEOUT
            && self.status != StatusCode::TOO_MANY_REQUESTS
    }

    /// `410 Gone`: the actor behind the inbox no longer exists.
    pub fn is_gone(&self) -> bool {
        self.status == StatusCode::GONE
    }

    /// What admins see: the status and the start of the body.
    pub fn describe(&self) -> String {
        let body = self.body.trim();
        if body.is_empty() { format!("refused: {}", self.status) } else { format!("refused: {}: {body}", self.status) }
    }
}

tokio::task_local! {
    static LAST: Arc<Mutex<Option<Answer>>>;
}

/// Runs `send` and returns its result with the last answer its requests got, if any.
pub async fn recording<F: std::future::Future>(send: F) -> (F::Output, Option<Answer>) {
    let slot = Arc::new(Mutex::new(None));
    let out = LAST.scope(slot.clone(), send).await;
    let answer = slot.lock().map(|mut s| s.take()).unwrap_or(None);
    (out, answer)
}

/// The library's default timeout for one outgoing request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The HTTP client for every outgoing request: the library's default (no redirects, private
/// addresses refused in release builds) with `timeout` per request, answers recorded.
pub fn client(timeout: Duration) -> ClientWithMiddleware {
    let inner = Client::builder()
        .redirect(Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .dns_resolver(ValidatingDnsResolver::new(Vec::<Url>::new(), !cfg!(debug_assertions)))
        .build()
        .unwrap_or_else(|_| Client::default());
    ClientBuilder::new(inner).with(RecordAnswers).build()
}

/// A small document fetched with a plain (unsigned) GET: NodeInfo, a web page.
pub struct Fetched {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body, at most the limit asked for (cut there).
    pub body: Vec<u8>,
    /// Whether the body was cut at the limit.
    pub cut: bool,
}

/// GETs `url` with `accept`, reading at most `max_bytes` of the body, with the same client (and
/// so the same address checks) as every other outgoing request and the default timeout. `Err` carries the
/// client's error chain.
pub async fn get_small(url: &Url, accept: &str, max_bytes: usize) -> Result<Fetched, String> {
    static CLIENT: std::sync::OnceLock<ClientWithMiddleware> = std::sync::OnceLock::new();
    let mut resp = CLIENT
        .get_or_init(|| client(DEFAULT_TIMEOUT))
        .get(url.as_str())
        .header(reqwest::header::ACCEPT, accept)
        .send()
        .await
        .map_err(|e| error_chain(&e))?;
    let status = resp.status();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| error_chain(&e))? {
        body.extend_from_slice(&chunk);
        if body.len() >= max_bytes {
            body.truncate(max_bytes);
            return Ok(Fetched { status, body, cut: true });
        }
    }
    Ok(Fetched { status, body, cut: false })
}

/// An error and its sources, as one line (an HTTP client error's own text names only the
/// request, not why it failed).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Records each answer into the slot of the send it belongs to (none outside [`recording`]).
struct RecordAnswers;

#[async_trait::async_trait]
impl Middleware for RecordAnswers {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let response = next.run(req, extensions).await?;
        let Ok(slot) = LAST.try_with(Arc::clone) else { return Ok(response) };
        let status = response.status();
        if status.is_success() {
            if let Ok(mut s) = slot.lock() {
                *s = Some(Answer { status, retry_after: None, body: String::new() });
            }
            return Ok(response);
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, Utc::now()));
        // The body is read here to be kept, and handed on unchanged.
        let (parts, body) = http::Response::from(response).into_parts();
        let bytes = http_body_util::BodyExt::collect(body).await.map(|b| b.to_bytes()).unwrap_or_default();
        let text: String = String::from_utf8_lossy(&bytes).chars().take(BODY_KEPT).collect();
        if let Ok(mut s) = slot.lock() {
            *s = Some(Answer { status, retry_after, body: text });
        }
        Ok(Response::from(http::Response::from_parts(parts, bytes)))
    }
}

/// `Retry-After` as a time: delay-seconds or an HTTP date; `None` if unreadable.
fn retry_after(value: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if let Ok(secs) = value.trim().parse::<u32>() {
        return Some(now + chrono::Duration::seconds(i64::from(secs)));
    }
    httpdate::parse_http_date(value.trim()).ok().map(DateTime::<Utc>::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_4xx_but_timeouts_and_throttling() {
        let a = |s: u16| Answer { status: StatusCode::from_u16(s).unwrap(), retry_after: None, body: String::new() };
        assert!(a(400).is_refusal() && a(401).is_refusal() && a(403).is_refusal() && a(410).is_refusal());
        assert!(!a(408).is_refusal() && !a(429).is_refusal() && !a(500).is_refusal() && !a(202).is_refusal());
        let mut r = a(400);
        r.body = "  invalid community  ".into();
        assert_eq!(r.describe(), "refused: 400 Bad Request: invalid community");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(now + chrono::Duration::seconds(120)));
        let date = retry_after("Mon, 07 Dec 2026 10:05:00 GMT", now).unwrap();
        assert_eq!(date, now + chrono::Duration::minutes(5));
        assert_eq!(retry_after("soon", now), None);
    }
}
