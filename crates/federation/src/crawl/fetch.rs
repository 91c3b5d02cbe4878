//! The crawler's HTTP: one GET at a time per host, spaced out, with connect and total
//! timeouts, a streamed body that stops at the size limit, and redirects followed by hand
//! (a few, same host, no loops).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, LOCATION};
use tokio::time::Instant;
use url::Url;

use super::rules;

/// Why a request gave nothing usable (stored as the instance's `last_error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Request limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub timeout: Duration,
    /// Largest body read.
    pub max_body_bytes: usize,
    /// Redirects followed per request.
    pub max_redirects: usize,
}

/// A response that arrived whole and within the limits.
#[derive(Debug)]
pub struct Response {
    /// Status.
    pub status: StatusCode,
    /// Body (at most `max_body_bytes`).
    pub body: Vec<u8>,
    /// The URL that answered (after redirects).
    pub url: Url,
}

/// The crawler's HTTP client.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: Limits,
}

/// Spaces requests to one host by the minimum interval.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    last: Option<Instant>,
}

impl Pacer {
    /// A pacer for one host.
    pub fn new(interval: Duration) -> Self {
        Pacer { interval, last: None }
    }

    async fn wait(&mut self) {
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + self.interval).await;
        }
        self.last = Some(Instant::now());
    }
}

/// Resolves names and keeps only public addresses.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| rules::is_public_ip(a.ip())).collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

impl Fetcher {
    /// Builds the client; `allow_private` lets it reach loopback and private addresses
    /// (development and tests).
    pub fn new(limits: Limits, user_agent: &str, allow_private: bool) -> Result<Self, crate::Error> {
        let mut builder = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout)
            .pool_max_idle_per_host(1)
            .pool_idle_timeout(Duration::from_secs(30));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder.build().map_err(|e| crate::Error::Internal(format!("crawler HTTP client: {e}")))?;
        Ok(Fetcher { client, limits })
    }

    /// GETs `url` as JSON, following same-host redirects, within the limits.
    pub async fn get(&self, pacer: &mut Pacer, url: Url) -> Result<Response, Failure> {
        let mut visited: Vec<Url> = Vec::new();
        let mut current = url;
        loop {
            pacer.wait().await;
            tracing::debug!(url = %current, "map crawl request");
            let attempt = tokio::time::timeout(self.limits.timeout, self.once(&current)).await;
            let (status, location, body) = match attempt {
                Ok(r) => r?,
                Err(_) => return Err(timed_out(self.limits.timeout)),
            };
            let Some(location) = location else {
                return Ok(Response { status, body, url: current });
            };
            if visited.len() >= self.limits.max_redirects {
                return Err(Failure(format!("more than {} redirects", self.limits.max_redirects)));
            }
            let next = rules::redirect(&current, &location, &visited)
                .map_err(|r| Failure(r.describe("a redirect", &location)))?;
            visited.push(std::mem::replace(&mut current, next));
        }
    }

    /// One request: status, the redirect target if it is a redirect, and the body.
    async fn once(&self, url: &Url) -> Result<(StatusCode, Option<String>, Vec<u8>), Failure> {
        let mut response = self
            .client
            .get(url.clone())
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| Failure(describe(&e, self.limits.timeout)))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| Failure(format!("HTTP {status} without a Location")))?;
            return Ok((status, Some(location.to_owned()), Vec::new()));
        }
        let max = self.limits.max_body_bytes;
        let too_large = || Failure(format!("response too large (over {max} bytes)"));
        let declared = response.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > max as u64) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(declared.map_or(16 * 1024, |n| n as usize).min(max));
        while let Some(chunk) = response.chunk().await.map_err(|e| Failure(describe(&e, self.limits.timeout)))? {
            if body.len() + chunk.len() > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, None, body))
    }
}

fn timed_out(limit: Duration) -> Failure {
    Failure(format!("timed out after {} ms", limit.as_millis()))
}

fn describe(e: &reqwest::Error, limit: Duration) -> String {
    if e.is_timeout() {
        return timed_out(limit).0;
    }
    if e.is_connect() {
        return format!("cannot connect: {}", root_cause(e));
    }
    format!("request failed: {}", root_cause(e))
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    rules::clip(&cur.to_string(), 300)
}
