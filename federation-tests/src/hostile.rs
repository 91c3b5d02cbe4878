//! Hostile directory servers for the network-map crawler: one in-process HTTP server per
//! misbehaviour (endless pagination, huge or slow bodies, redirect loops, malformed JSON),
//! plus well-behaved ones whose directory a test sets (for cycles, opt-outs and resuming).
//! Each listens on its own loopback port, so each is one instance (`127.0.0.1:PORT`) to the
//! crawler, and counts the requests it received.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Size of the body [`Behaviour::HugeBody`] streams (50 MiB).
pub const HUGE_BODY_BYTES: usize = 50 * 1024 * 1024;
/// Entries on each page of [`Behaviour::EndlessPages`].
pub const ENDLESS_PAGE_SIZE: usize = 50;

static CHUNK: [u8; 64 * 1024] = [b' '; 64 * 1024];

/// How a server answers every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Every page is full and names a new `next` page, forever.
    EndlessPages,
    /// `next` points back at the first page.
    NextLoop,
    /// `next` points at another host.
    NextOffHost,
    /// A 50 MiB body streamed without a length.
    HugeBody,
    /// Never answers.
    Slow,
    /// Headers at once, then a body that never ends.
    SlowBody,
    /// The directory redirects to a page that redirects back.
    RedirectLoop,
    /// Truncated JSON.
    MalformedJson,
    /// `404 {"error": "directory_unlisted"}`.
    Unlisted,
    /// The directory set with [`HostileServer::set_pages`], one page per `?page=N`.
    Directory,
    /// Like `Directory`, but each page after the first fails (HTTP 500) the first time it is
    /// asked for.
    Flaky,
}

struct Shared {
    behaviour: Behaviour,
    requests: AtomicUsize,
    pages: Mutex<Vec<Value>>,
    failed_once: Mutex<Vec<usize>>,
    base: String,
}

/// A misbehaving (or scripted) directory server on `127.0.0.1`.
pub struct HostileServer {
    shared: Arc<Shared>,
    host: String,
    task: tokio::task::JoinHandle<()>,
}

impl HostileServer {
    /// Starts a server with `behaviour` on a free loopback port.
    pub async fn start(behaviour: Behaviour) -> HostileServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let host = listener.local_addr().expect("local address").to_string();
        let shared = Arc::new(Shared {
            behaviour,
            requests: AtomicUsize::new(0),
            pages: Mutex::new(Vec::new()),
            failed_once: Mutex::new(Vec::new()),
            base: format!("http://{host}"),
        });
        let app = Router::new().fallback(answer).with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.ok();
        });
        HostileServer { shared, host, task }
    }

    /// `127.0.0.1:PORT`: the instance's domain.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Sets the directory pages (`Directory` and `Flaky`): each page's entries, with
    /// `instance`, `page` and `next` filled in.
    pub fn set_pages(&self, pages: Vec<Vec<Value>>) {
        let n = pages.len();
        let docs = pages
            .into_iter()
            .enumerate()
            .map(|(i, entries)| {
                let next = (i + 1 < n).then(|| format!("{}/api/guildhall/v1/directory?page={}", self.shared.base, i + 2));
                json!({
                    "instance": {"domain": self.host, "name": format!("Stub {}", self.host), "organisation": "Stub dept",
                                 "government": "Testland", "software": "stub", "version": "1"},
                    "entries": entries, "page": i + 1, "total": 0, "next": next,
                })
            })
            .collect();
        *self.shared.pages.lock().expect("pages lock") = docs;
    }

    /// A directory entry of this server: a community named `name`, linked to `links`.
    pub fn entry(&self, name: &str, links: &[String]) -> Value {
        entry(&self.shared.base, name, links)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A community entry with id `{base}/c/{name}`.
pub fn entry(base: &str, name: &str, links: &[String]) -> Value {
    json!({
        "id": format!("{base}/c/{name}"), "kind": "community", "name": name, "title": format!("Community {name}"),
        "summary": "A stub community", "url": format!("{base}/communities/{name}"), "tags": ["stub"],
        "visibility": "public", "member_count": 3, "active_30d": 1, "lifecycle": "active",
        "guild_focus": "", "organisation": "Stub dept", "government": "Testland", "contact": "", "links": links,
    })
}

fn page_number(uri: &Uri) -> usize {
    uri.query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

fn json_response(status: StatusCode, v: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

async fn answer(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    s.requests.fetch_add(1, Ordering::SeqCst);
    let page = page_number(&uri);
    match s.behaviour {
        Behaviour::EndlessPages | Behaviour::NextLoop | Behaviour::NextOffHost => {
            let entries: Vec<Value> =
                (0..ENDLESS_PAGE_SIZE).map(|i| entry(&s.base, &format!("p{page}-{i}"), &[])).collect();
            let next = match s.behaviour {
                Behaviour::EndlessPages => format!("{}/api/guildhall/v1/directory?page={}", s.base, page + 1),
                Behaviour::NextLoop => format!("{}/api/guildhall/v1/directory?page=1", s.base),
                _ => "http://elsewhere.invalid/api/guildhall/v1/directory?page=2".to_owned(),
            };
            json_response(StatusCode::OK, &json!({"instance": {}, "entries": entries, "page": page, "next": next}))
        }
        Behaviour::HugeBody => {
            let chunks = (0..HUGE_BODY_BYTES / CHUNK.len()).map(|_| Ok::<_, Infallible>(Bytes::from_static(&CHUNK)));
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Behaviour::Slow => std::future::pending().await,
        Behaviour::SlowBody => {
            let first = futures_util::stream::iter([Ok::<_, Infallible>(Bytes::from_static(b"{\"entries\": ["))]);
            let body = Body::from_stream(futures_util::StreamExt::chain(first, futures_util::stream::pending()));
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Behaviour::RedirectLoop => {
            let to = if uri.path() == "/loop/a" { "/loop/b" } else { "/loop/a" };
            (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
        }
        Behaviour::MalformedJson => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"instance\": {}, \"entries\": [{\"id\": ")
                .into_response()
        }
        Behaviour::Unlisted => json_response(
            StatusCode::NOT_FOUND,
            &json!({"error": "directory_unlisted", "message": "this instance does not publish its directory"}),
        ),
        Behaviour::Directory | Behaviour::Flaky => {
            if uri.path() != "/api/guildhall/v1/directory" {
                return json_response(StatusCode::NOT_FOUND, &json!({"error": "not_found", "message": "no"}));
            }
            if s.behaviour == Behaviour::Flaky && page > 1 {
                let mut failed = s.failed_once.lock().expect("lock");
                if !failed.contains(&page) {
                    failed.push(page);
                    return json_response(StatusCode::INTERNAL_SERVER_ERROR, &json!({"error": "internal"}));
                }
            }
            let doc = s.pages.lock().expect("pages lock").get(page - 1).cloned();
            match doc {
                Some(doc) => json_response(StatusCode::OK, &doc),
                None => json_response(StatusCode::NOT_FOUND, &json!({"error": "not_found", "message": "no page"})),
            }
        }
    }
}
