//! A small JSON client for the Guildhall REST API.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Timeout of a single request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// HTTP client bound to one instance, optionally signed in with a bearer token.
///
/// Every request returns `(status, body)`: the body parsed as JSON, [`Value::Null`] when empty,
/// or [`Value::String`] holding the raw text when it is not JSON. Transport errors (connection
/// refused, timeout) panic with the method and URL.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    token: Option<String>,
}

impl Client {
    /// An anonymous client for the server at `base_url` (such as `http://127.0.0.1:8080`).
    pub fn new(base_url: impl Into<String>) -> Client {
        // The workspace builds reqwest with rustls but no default crypto provider (the server
        // installs ring at start-up); do the same here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("cannot build the HTTP client");
        Client { http, base_url: base_url.into().trim_end_matches('/').to_owned(), token: None }
    }

    /// This client sending `Authorization: Bearer <token>`.
    pub fn with_token(mut self, token: impl Into<String>) -> Client {
        self.token = Some(token.into());
        self
    }

    /// Replaces (or with `None` removes) the bearer token.
    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    /// The bearer token, if signed in.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /api/guildhall/v1/accounts` with `{username, email, password}`.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"username": username, "email": email, "password": password});
        self.post("/api/guildhall/v1/accounts", &body).await
    }

    /// `POST /api/guildhall/v1/auth/login`, without changing this client.
    pub async fn try_login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"username": username, "password": password});
        self.post("/api/guildhall/v1/auth/login", &body).await
    }

    /// Signs in: `POST /api/guildhall/v1/auth/login`, then uses the returned token for later requests.
    ///
    /// Returns the token; panics unless the server answers 200 with a `token`.
    pub async fn login(&mut self, username: &str, password: &str) -> String {
        let (status, body) = self.try_login(username, password).await;
        assert_eq!(status, StatusCode::OK, "login as {username} on {} failed: {body}", self.base_url);
        let token = body
            .get("token")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("login response without a `token`: {body}"))
            .to_owned();
        self.token = Some(token.clone());
        token
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::GET, path, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::POST, path, Some(body)).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::PUT, path, Some(body)).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.request(Method::PATCH, path, Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.request(Method::DELETE, path, None).await
    }

    /// Sends `method path` (relative to the base URL, or an absolute `http://` URL) with an
    /// optional JSON body.
    pub async fn request(&self, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let url = if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base_url)
        };
        let mut request = self.http.request(method.clone(), &url).header(reqwest::header::ACCEPT, "application/json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{method} {url} failed: {e}"));
        let status = response.status();
        let bytes =
            response.bytes().await.unwrap_or_else(|e| panic!("{method} {url}: cannot read the response body: {e}"));
        (status, parse_body(&bytes))
    }
}

/// JSON body, `Null` when empty, or the raw text when it is not JSON.
fn parse_body(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_parsed_leniently() {
        assert_eq!(parse_body(b""), Value::Null);
        assert_eq!(parse_body(b" \n"), Value::Null);
        assert_eq!(parse_body(br#"{"status":"ok"}"#), json!({"status": "ok"}));
        assert_eq!(parse_body(b"<h1>oops</h1>"), json!("<h1>oops</h1>"));
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        let client = Client::new("http://127.0.0.1:1/").with_token("t");
        assert_eq!(client.base_url(), "http://127.0.0.1:1");
        assert_eq!(client.token(), Some("t"));
    }
}
