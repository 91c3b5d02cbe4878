//! A simulated remote fediverse server, in-process.
//!
//! [`FakePeer::start`] binds `127.0.0.1:0` and serves, as `http://localhost:PORT`, the actor
//! documents of the users it creates ([`FakePeer::add_actor`]), WebFinger, and any extra
//! document registered with [`FakePeer::serve`]. Every POST to a path ending in `/inbox` is
//! recorded ([`FakePeer::received`], [`FakePeer::deliveries`]) and answered 202.
//!
//! URL shapes, key ids and the HTTP-signature profile imitate the software named by
//! [`Software`]. [`FakeActor::sign_and_post`] signs draft-cavage like that software;
//! [`FakeActor::post_with`] takes [`SignOptions`] to produce broken variants (wrong key,
//! digest mismatch, digest not signed, stale date, no signature).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode as AxumStatus, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{StatusCode, poll_until};

/// `Content-Type` of ActivityPub documents and deliveries.
pub const ACTIVITY_JSON: &str = "application/activity+json";
/// The public audience.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// How long [`FakeActor::follow`] waits for the Accept.
pub const FOLLOW_DEADLINE: Duration = Duration::from_secs(20);

/// The fediverse software a [`FakePeer`] imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Software {
    /// Mastodon: `/users/{name}`, key `#main-key`, shared inbox `/inbox`.
    Mastodon,
    /// Lemmy: `/u/{name}`, shared inbox `/inbox`.
    Lemmy,
    /// PieFed: `/u/{name}`, shared inbox `/inbox`.
    PieFed,
    /// Mbin: `/u/{name}`, shared inbox `/f/inbox`.
    Mbin,
    /// GoToSocial: `/users/{name}`, key `/users/{name}/main-key`, no shared inbox,
    /// `algorithm="hs2019"`.
    GoToSocial,
    /// Misskey: `/users/{aid}` (an opaque id, not the name), shared inbox `/inbox`.
    Misskey,
}

impl Software {
    /// Every imitated software.
    pub const ALL: [Software; 6] = [
        Software::Mastodon,
        Software::Lemmy,
        Software::PieFed,
        Software::Mbin,
        Software::GoToSocial,
        Software::Misskey,
    ];

    /// Lowercase name, also the fixture directory (`fixtures/{slug}/`).
    pub fn slug(self) -> &'static str {
        match self {
            Software::Mastodon => "mastodon",
            Software::Lemmy => "lemmy",
            Software::PieFed => "piefed",
            Software::Mbin => "mbin",
            Software::GoToSocial => "gotosocial",
            Software::Misskey => "misskey",
        }
    }

    /// Path of a user's actor document.
    pub fn actor_path(self, name: &str) -> String {
        match self {
            Software::Mastodon | Software::GoToSocial => format!("/users/{name}"),
            Software::Lemmy | Software::PieFed | Software::Mbin => format!("/u/{name}"),
            Software::Misskey => format!("/users/{}", misskey_aid(name)),
        }
    }

    /// The key id of an actor.
    pub fn key_id(self, actor_id: &str) -> String {
        match self {
            Software::GoToSocial => format!("{actor_id}/main-key"),
            _ => format!("{actor_id}#main-key"),
        }
    }

    /// Path of the shared inbox, if the software has one.
    pub fn shared_inbox_path(self) -> Option<&'static str> {
        match self {
            Software::GoToSocial => None,
            Software::Mbin => Some("/f/inbox"),
            _ => Some("/inbox"),
        }
    }

    /// Headers the software signs, in its order.
    pub fn signed_headers(self) -> &'static [&'static str] {
        match self {
            Software::Mastodon => &["(request-target)", "host", "date", "digest", "content-type"],
            Software::Lemmy | Software::PieFed | Software::Mbin => {
                &["(request-target)", "content-type", "date", "digest", "host"]
            }
            Software::GoToSocial => &["(request-target)", "host", "date", "digest"],
            Software::Misskey => &["(request-target)", "date", "host", "digest"],
        }
    }

    /// The `algorithm` parameter of the `Signature` header.
    pub fn algorithm(self) -> &'static str {
        match self {
            Software::GoToSocial => "hs2019",
            _ => "rsa-sha256",
        }
    }
}

/// A Misskey-like opaque user id (10 base-36 characters) derived from a name.
fn misskey_aid(name: &str) -> String {
    let hash = Sha256::digest(name.as_bytes());
    let mut id = String::from("9");
    for b in hash.iter().take(9) {
        id.push(char::from(b"0123456789abcdefghijklmnopqrstuvwxyz"[usize::from(*b) % 36]));
    }
    id
}

/// One POST received by a [`FakePeer`] inbox.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Request path (`/users/alice/inbox`, `/inbox`, ...).
    pub path: String,
    /// The body as JSON (`Value::String` with the raw text if it was not JSON).
    pub body: Value,
    /// Whether a `Signature` header was present.
    pub signed: bool,
    /// Whether a `Digest` header was present.
    pub has_digest: bool,
    /// The `Signature` header, if any.
    pub signature: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
}

#[derive(Default)]
struct PeerState {
    /// Path -> JSON document served on GET.
    documents: Mutex<HashMap<String, Value>>,
    /// `acct:` resource -> actor URL, for WebFinger.
    webfinger: Mutex<HashMap<String, String>>,
    deliveries: Mutex<Vec<Delivery>>,
    /// Path -> how many GETs of it were answered (with a document or 404).
    fetches: Mutex<HashMap<String, usize>>,
    /// While true, inbox POSTs are recorded but not answered ([`FakePeer::hold_inbox`]).
    held: tokio::sync::watch::Sender<bool>,
    /// While set, inbox POSTs are recorded and answered with this status and body
    /// ([`FakePeer::refuse_inbox`]).
    refusal: Mutex<Option<(u16, String)>>,
    /// While set, refusals carry this `Retry-After` header ([`FakePeer::retry_after`]).
    retry_after: Mutex<Option<String>>,
    host: String,
}

/// A simulated remote server. Cloning shares it; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakePeer {
    state: Arc<PeerState>,
    software: Software,
    key: Arc<RsaPrivateKey>,
    http: reqwest::Client,
    _server: Arc<ServerGuard>,
}

impl std::fmt::Debug for FakePeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakePeer").field("software", &self.software).field("host", &self.state.host).finish()
    }
}

struct ServerGuard(tokio::task::JoinHandle<()>);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Generates an RSA-2048 key (off the async threads: it takes a moment).
pub async fn generate_key() -> RsaPrivateKey {
    tokio::task::spawn_blocking(|| {
        RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("cannot generate an RSA key")
    })
    .await
    .expect("key generation panicked")
}

/// A key that belongs to no actor (one per test process), for "wrong key" signatures.
pub async fn stranger_key() -> Arc<RsaPrivateKey> {
    static KEY: OnceLock<Arc<RsaPrivateKey>> = OnceLock::new();
    if let Some(k) = KEY.get() {
        return k.clone();
    }
    let k = Arc::new(generate_key().await);
    KEY.get_or_init(|| k).clone()
}

/// PEM (SPKI) of a private key's public half.
pub fn public_key_pem(key: &RsaPrivateKey) -> String {
    RsaPublicKey::from(key).to_public_key_pem(LineEnding::LF).expect("cannot encode a public key")
}

impl FakePeer {
    /// Starts a peer imitating `software` on a fresh loopback port, with one RSA key shared by
    /// the actors made with [`FakePeer::add_actor`].
    pub async fn start(software: Software) -> FakePeer {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.expect("cannot bind a loopback port");
        let port = listener.local_addr().expect("no local address").port();
        let state = Arc::new(PeerState { host: format!("localhost:{port}"), ..PeerState::default() });
        let app = Router::new().fallback(handle).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("cannot build the HTTP client");
        let peer = FakePeer {
            state,
            software,
            key: Arc::new(generate_key().await),
            http,
            _server: Arc::new(ServerGuard(task)),
        };
        peer.serve_nodeinfo(software.slug());
        peer
    }

    /// Serves NodeInfo 2.1 naming `software` (every peer starts naming the software it
    /// imitates; Guildhall shapes what it sends by it).
    pub fn serve_nodeinfo(&self, software: &str) {
        let href = format!("{}/nodeinfo/2.1", self.base_url());
        let rel = "http://nodeinfo.diaspora.software/ns/schema/2.1";
        self.serve("/.well-known/nodeinfo", json!({"links": [{"rel": rel, "href": href}]}));
        self.serve(
            "/nodeinfo/2.1",
            json!({"version": "2.1", "software": {"name": software, "version": "1.0.0"},
                   "protocols": ["activitypub"], "openRegistrations": false,
                   "usage": {"users": {}}, "metadata": {}}),
        );
    }

    /// The software imitated.
    pub fn software(&self) -> Software {
        self.software
    }

    /// `localhost:PORT`.
    pub fn host(&self) -> &str {
        &self.state.host
    }

    /// `http://localhost:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.state.host)
    }

    /// The shared inbox URL, if the imitated software has one.
    pub fn shared_inbox(&self) -> Option<String> {
        self.software.shared_inbox_path().map(|p| format!("{}{p}", self.base_url()))
    }

    /// Creates a user whose key is the peer's shared key.
    pub fn add_actor(&self, name: &str) -> FakeActor {
        self.add_actor_with_key(name, self.key.clone())
    }

    /// Creates a user with a key of its own (slower: generates RSA-2048).
    pub async fn add_actor_with_own_key(&self, name: &str) -> FakeActor {
        let key = Arc::new(generate_key().await);
        self.add_actor_with_key(name, key)
    }

    /// Creates a user signing with `key`, and serves its actor document.
    pub fn add_actor_with_key(&self, name: &str, key: Arc<RsaPrivateKey>) -> FakeActor {
        let path = self.software.actor_path(name);
        let id = format!("{}{path}", self.base_url());
        let inbox = format!("{id}/inbox");
        let key_id = self.software.key_id(&id);
        let document = self.actor_document(name, &id, &inbox, &key_id, &public_key_pem(&key));
        self.serve(&path, document);
        self.state.webfinger.lock().unwrap().insert(format!("acct:{name}@{}", self.host()), id.clone());
        FakeActor { name: name.to_owned(), id, inbox, key_id, key, software: self.software, peer: self.clone() }
    }

    /// Serves `document` (as `application/activity+json`) at `path`, replacing any previous one.
    pub fn serve(&self, path: &str, document: Value) {
        self.state.documents.lock().unwrap().insert(path.to_owned(), document);
    }

    /// How many times `path` (e.g. an actor's) was fetched with a GET.
    pub fn fetch_count(&self, path: &str) -> usize {
        self.state.fetches.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// The document served at `path`, if any.
    pub fn document(&self, path: &str) -> Option<Value> {
        self.state.documents.lock().unwrap().get(path).cloned()
    }

    /// Stops serving `path` (later GETs answer 404).
    pub fn unserve(&self, path: &str) {
        self.state.documents.lock().unwrap().remove(path);
    }

    /// Bodies of every POST received so far, oldest first.
    pub fn received(&self) -> Vec<Value> {
        self.state.deliveries.lock().unwrap().iter().map(|d| d.body.clone()).collect()
    }

    /// Every POST received so far, with its path and signature facts.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.lock().unwrap().clone()
    }

    /// From now on, inbox POSTs are recorded (see [`FakePeer::received`]) but left unanswered,
    /// so the sender waits on its open request (until its own timeout or
    /// [`FakePeer::release_inbox`]). Lets a scenario know a sender is busy sending.
    pub fn hold_inbox(&self) {
        self.state.held.send_replace(true);
    }

    /// Answers the held inbox POSTs (202) and stops holding new ones.
    pub fn release_inbox(&self) {
        self.state.held.send_replace(false);
    }

    /// From now on, inbox POSTs are recorded but answered `status` with `body`, as a server
    /// refusing what it is sent (Lemmy's 400, Fedify's 401). `None` goes back to 202.
    pub fn refuse_inbox(&self, refusal: Option<(u16, &str)>) {
        *self.state.refusal.lock().unwrap() = refusal.map(|(s, b)| (s, b.to_owned()));
    }

    /// From now on, refusals (see [`FakePeer::refuse_inbox`]) carry `Retry-After: value`, as
    /// a throttling (429) or unavailable (503) server says when to come back. `None`: none.
    pub fn retry_after(&self, value: Option<&str>) {
        *self.state.retry_after.lock().unwrap() = value.map(str::to_owned);
    }

    /// Forgets the recorded deliveries.
    pub fn clear_received(&self) {
        self.state.deliveries.lock().unwrap().clear();
    }

    /// A fresh activity or object id under this peer, shaped like the software's ids.
    pub fn new_id(&self, actor: &FakeActor, kind: &str) -> String {
        let token = crate::random_hex(16);
        match self.software {
            Software::Mastodon | Software::GoToSocial => format!("{}#{kind}/{token}", actor.id),
            Software::Lemmy | Software::PieFed => {
                format!("{}/activities/{}/{token}", self.base_url(), kind.to_ascii_lowercase())
            }
            Software::Mbin => format!("{}/f/object/{token}", self.base_url()),
            Software::Misskey => format!("{}/{token}", self.base_url()),
        }
    }

    fn actor_document(&self, name: &str, id: &str, inbox: &str, key_id: &str, pem: &str) -> Value {
        let base = self.base_url();
        let key = json!({"id": key_id, "owner": id, "publicKeyPem": pem});
        let published = "2024-03-01T09:30:00Z";
        match self.software {
            Software::Mastodon => json!({
                "@context": [
                    "https://www.w3.org/ns/activitystreams",
                    "https://w3id.org/security/v1",
                    {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#",
                     "featured": {"@id": "toot:featured", "@type": "@id"}, "discoverable": "toot:discoverable"}
                ],
                "id": id, "type": "Person",
                "following": format!("{id}/following"), "followers": format!("{id}/followers"),
                "inbox": inbox, "outbox": format!("{id}/outbox"),
                "featured": format!("{id}/collections/featured"),
                "preferredUsername": name, "name": format!("{name} (Mastodon)"), "summary": "<p>Hi</p>",
                "url": format!("{base}/@{name}"), "manuallyApprovesFollowers": false, "discoverable": true,
                "published": published, "publicKey": key,
                "endpoints": {"sharedInbox": format!("{base}/inbox")}
            }),
            Software::Lemmy | Software::PieFed => json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "type": "Person", "id": id, "preferredUsername": name, "name": name,
                "inbox": inbox, "outbox": format!("{id}/outbox"), "publicKey": key,
                "endpoints": {"sharedInbox": format!("{base}/inbox")}, "published": published,
                "source": {"content": "about me", "mediaType": "text/markdown"}, "summary": "<p>about me</p>\n"
            }),
            Software::Mbin => json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": id, "type": "Person", "name": name, "preferredUsername": name,
                "inbox": inbox, "outbox": format!("{id}/outbox"),
                "followers": format!("{id}/followers"), "following": format!("{id}/following"),
                "url": id, "manuallyApprovesFollowers": false, "published": published, "publicKey": key,
                "endpoints": {"sharedInbox": format!("{base}/f/inbox")}
            }),
            Software::GoToSocial => json!({
                "@context": ["https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"],
                "id": id, "type": "Person", "preferredUsername": name, "name": name, "summary": "",
                "url": format!("{base}/@{name}"), "inbox": inbox, "outbox": format!("{id}/outbox"),
                "followers": format!("{id}/followers"), "following": format!("{id}/following"),
                "featured": format!("{id}/collections/featured"), "manuallyApprovesFollowers": false,
                "discoverable": true, "published": published, "publicKey": key
            }),
            Software::Misskey => json!({
                "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "type": "Person", "id": id, "inbox": inbox, "outbox": format!("{id}/outbox"),
                "followers": format!("{id}/followers"), "following": format!("{id}/following"),
                "featured": format!("{id}/collections/featured"),
                "sharedInbox": format!("{base}/inbox"), "endpoints": {"sharedInbox": format!("{base}/inbox")},
                "url": format!("{base}/@{name}"), "preferredUsername": name, "name": null, "summary": null,
                "_misskey_summary": null, "isCat": false, "manuallyApprovesFollowers": false,
                "discoverable": true, "publicKey": key
            }),
        }
    }
}

async fn handle(
    State(state): State<Arc<PeerState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    if method == Method::POST && path.ends_with("/inbox") {
        let text = String::from_utf8_lossy(&body).into_owned();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let delivery = Delivery {
            path,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
            signed: headers.contains_key("signature"),
            has_digest: headers.contains_key("digest"),
            signature: header("signature"),
            content_type: header("content-type"),
        };
        state.deliveries.lock().unwrap().push(delivery);
        // A held inbox keeps the sender waiting (its request open) until released.
        let mut held = state.held.subscribe();
        let _ = held.wait_for(|held| !*held).await;
        let refusal = state.refusal.lock().unwrap().clone();
        if let Some((status, body)) = refusal {
            let status = AxumStatus::from_u16(status).unwrap_or(AxumStatus::BAD_REQUEST);
            let mut response = (status, body).into_response();
            let retry_after = state.retry_after.lock().unwrap().clone();
            if let Some(v) = retry_after.and_then(|v| axum::http::HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
            }
            return response;
        }
        return AxumStatus::ACCEPTED.into_response();
    }
    if method != Method::GET {
        return AxumStatus::METHOD_NOT_ALLOWED.into_response();
    }
    if path == "/.well-known/webfinger" {
        let resource = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .find_map(|kv| kv.strip_prefix("resource="))
            .map(|r| r.replace("%3A", ":").replace("%3a", ":").replace("%40", "@"))
            .unwrap_or_default();
        let Some(actor) = state.webfinger.lock().unwrap().get(&resource).cloned() else {
            return AxumStatus::NOT_FOUND.into_response();
        };
        let jrd = json!({
            "subject": resource,
            "aliases": [actor],
            "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": actor}]
        });
        return ([(header::CONTENT_TYPE, "application/jrd+json")], jrd.to_string()).into_response();
    }
    *state.fetches.lock().unwrap().entry(path.clone()).or_default() += 1;
    match state.documents.lock().unwrap().get(&path) {
        // A deleted account, as Mastodon serves it: 410 with a Tombstone.
        Some(doc) if doc["type"] == "Tombstone" => {
            (AxumStatus::GONE, [(header::CONTENT_TYPE, ACTIVITY_JSON)], doc.to_string()).into_response()
        }
        Some(doc) => ([(header::CONTENT_TYPE, ACTIVITY_JSON)], doc.to_string()).into_response(),
        None => AxumStatus::NOT_FOUND.into_response(),
    }
}

/// How [`FakeActor::post_with`] signs (or fails to sign) a delivery. The default is a correct
/// signature in the peer software's profile.
#[derive(Clone, Default)]
pub struct SignOptions {
    /// Send no `Signature` header at all.
    pub unsigned: bool,
    /// Sign with this key instead of the actor's own.
    pub key: Option<Arc<RsaPrivateKey>>,
    /// Use this `keyId` instead of the actor's.
    pub key_id: Option<String>,
    /// Headers to sign instead of the software's list (e.g. without `digest`).
    pub signed_headers: Option<Vec<&'static str>>,
    /// Send a `Digest` of other bytes than the body (signed consistently, so only the digest
    /// check can catch it).
    pub digest_mismatch: bool,
    /// Send no `Digest` header.
    pub omit_digest: bool,
    /// Age of the `Date` header (negative: in the future).
    pub date_age: Option<i64>,
    /// Send no `Date` header (and do not sign it).
    pub omit_date: bool,
}

impl std::fmt::Debug for SignOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignOptions")
            .field("unsigned", &self.unsigned)
            .field("other_key", &self.key.is_some())
            .field("key_id", &self.key_id)
            .field("signed_headers", &self.signed_headers)
            .field("digest_mismatch", &self.digest_mismatch)
            .field("omit_digest", &self.omit_digest)
            .field("date_age", &self.date_age)
            .field("omit_date", &self.omit_date)
            .finish()
    }
}

impl SignOptions {
    /// No `Signature` header.
    pub fn unsigned() -> Self {
        SignOptions { unsigned: true, ..Self::default() }
    }

    /// Signed with `key` (not the actor's), keyId still the actor's.
    pub fn with_key(key: Arc<RsaPrivateKey>) -> Self {
        SignOptions { key: Some(key), ..Self::default() }
    }

    /// `Digest` header that does not match the body.
    pub fn digest_mismatch() -> Self {
        SignOptions { digest_mismatch: true, ..Self::default() }
    }

    /// `Digest` sent and correct, but absent from the signed headers.
    pub fn digest_unsigned() -> Self {
        SignOptions {
            signed_headers: Some(vec!["(request-target)", "host", "date", "content-type"]),
            ..Self::default()
        }
    }

    /// `Date` of `secs` seconds ago (signed).
    pub fn date_age(secs: i64) -> Self {
        SignOptions { date_age: Some(secs), ..Self::default() }
    }

    /// `Date` of one hour and five minutes ago.
    pub fn stale_date() -> Self {
        Self::date_age(3900)
    }
}

/// A user on a [`FakePeer`].
#[derive(Clone)]
pub struct FakeActor {
    name: String,
    id: String,
    inbox: String,
    key_id: String,
    key: Arc<RsaPrivateKey>,
    software: Software,
    peer: FakePeer,
}

impl std::fmt::Debug for FakeActor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeActor").field("id", &self.id).finish()
    }
}

impl FakeActor {
    /// `preferredUsername`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Actor URL.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Personal inbox URL.
    pub fn inbox(&self) -> &str {
        &self.inbox
    }

    /// `keyId` of its signatures.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Its private key.
    pub fn key(&self) -> Arc<RsaPrivateKey> {
        self.key.clone()
    }

    /// `name@localhost:PORT`, as Guildhall lists remote accounts.
    pub fn handle(&self) -> String {
        format!("{}@{}", self.name, self.peer.host())
    }

    /// The peer it lives on.
    pub fn peer(&self) -> &FakePeer {
        &self.peer
    }

    /// A fresh id under the peer for an activity or object of `kind`.
    pub fn new_id(&self, kind: &str) -> String {
        self.peer.new_id(self, kind)
    }

    /// A public `Create{Page}` by this actor (actor and `attributedTo`) starting a discussion
    /// titled `title` in the community `community`.
    pub fn create_page(&self, community: &str, title: &str) -> Value {
        let object_id = format!("{}/statuses/{}", self.id(), crate::random_hex(12));
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{object_id}/activity"),
            "type": "Create",
            "actor": self.id(),
            "to": [community, PUBLIC],
            "audience": community,
            "object": {
                "id": object_id, "type": "Page", "attributedTo": self.id(),
                "to": [community, PUBLIC], "audience": community,
                "name": title, "content": "<p>body</p>", "mediaType": "text/html"
            }
        })
    }

    /// Signs `activity` as the peer software does and POSTs it; returns status and body text.
    pub async fn sign_and_post(&self, inbox_url: &str, activity: &Value) -> (StatusCode, String) {
        self.post_with(inbox_url, activity.to_string().as_bytes(), &SignOptions::default()).await
    }

    /// The headers of a POST of `body` to `inbox_url`, signed according to `options` (so a
    /// load generator can sign before its timed phase).
    pub fn signed_headers(&self, inbox_url: &str, body: &[u8], options: &SignOptions) -> Vec<(String, String)> {
        let url = reqwest::Url::parse(inbox_url).unwrap_or_else(|e| panic!("bad inbox URL {inbox_url}: {e}"));
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let target = match url.query() {
            Some(q) => format!("post {}?{q}", url.path()),
            None => format!("post {}", url.path()),
        };
        let digest_of: &[u8] = if options.digest_mismatch { b"{\"not\":\"the body\"}" } else { body };
        let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(digest_of)));
        let now = SystemTime::now();
        let date_time = match options.date_age {
            Some(age) if age >= 0 => now - Duration::from_secs(age.unsigned_abs()),
            Some(age) => now + Duration::from_secs(age.unsigned_abs()),
            None => now,
        };
        let date = httpdate::fmt_http_date(date_time);

        let mut headers: Vec<(String, String)> =
            vec![("host".into(), host), ("content-type".into(), ACTIVITY_JSON.to_owned())];
        if !options.omit_date {
            headers.push(("date".into(), date));
        }
        if !options.omit_digest {
            headers.push(("digest".into(), digest));
        }
        headers.push(("accept".into(), ACTIVITY_JSON.to_owned()));
        if !options.unsigned {
            let names: Vec<&str> = options
                .signed_headers
                .clone()
                .unwrap_or_else(|| self.software.signed_headers().to_vec())
                .into_iter()
                .filter(|n| !(options.omit_date && *n == "date" || options.omit_digest && *n == "digest"))
                .collect();
            let lookup: HashMap<&str, &str> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let signing_string = names
                .iter()
                .map(|n| match *n {
                    "(request-target)" => format!("(request-target): {target}"),
                    other => format!("{other}: {}", lookup.get(other).copied().unwrap_or_default()),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let key = options.key.clone().unwrap_or_else(|| self.key.clone());
            let signature = sign(&key, &signing_string);
            let key_id = options.key_id.clone().unwrap_or_else(|| self.key_id.clone());
            let value = format!(
                "keyId=\"{key_id}\",algorithm=\"{}\",headers=\"{}\",signature=\"{signature}\"",
                self.software.algorithm(),
                names.join(" ")
            );
            headers.push(("signature".into(), value));
        }
        headers
    }

    /// The headers of a GET of `url` signed as Mastodon signs fetches: `(request-target) host
    /// date accept`, no `Digest` (there is no body). `options` can drop the signature, use
    /// another key or key id, or age the date.
    pub fn signed_get_headers(&self, url: &str, options: &SignOptions) -> Vec<(String, String)> {
        let url = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url}: {e}"));
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        let target = match url.query() {
            Some(q) => format!("get {}?{q}", url.path()),
            None => format!("get {}", url.path()),
        };
        let now = SystemTime::now();
        let date_time = match options.date_age {
            Some(age) if age >= 0 => now - Duration::from_secs(age.unsigned_abs()),
            Some(age) => now + Duration::from_secs(age.unsigned_abs()),
            None => now,
        };
        let date = httpdate::fmt_http_date(date_time);
        let mut headers = vec![("host".to_owned(), host.clone()), ("accept".to_owned(), ACTIVITY_JSON.to_owned())];
        if !options.omit_date {
            headers.push(("date".into(), date.clone()));
        }
        if !options.unsigned {
            let mut lines = vec![format!("(request-target): {target}"), format!("host: {host}")];
            let mut names = vec!["(request-target)", "host"];
            if !options.omit_date {
                lines.push(format!("date: {date}"));
                names.push("date");
            }
            lines.push(format!("accept: {ACTIVITY_JSON}"));
            names.push("accept");
            let key = options.key.clone().unwrap_or_else(|| self.key.clone());
            let key_id = options.key_id.clone().unwrap_or_else(|| self.key_id.clone());
            let value = format!(
                "keyId=\"{key_id}\",algorithm=\"{}\",headers=\"{}\",signature=\"{}\"",
                self.software.algorithm(),
                names.join(" "),
                sign(&key, &lines.join("\n"))
            );
            headers.push(("signature".into(), value));
        }
        headers
    }

    /// GETs `url` as this actor (see [`FakeActor::signed_get_headers`]); status and body.
    pub async fn get_signed(&self, url: &str, options: &SignOptions) -> (StatusCode, String) {
        let mut request = self.peer.http.get(url);
        for (name, value) in self.signed_get_headers(url, options) {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("GET {url} failed: {e}"));
        let status = response.status();
        (status, response.text().await.unwrap_or_default())
    }

    /// POSTs raw `body` to `inbox_url`, signed according to `options`.
    pub async fn post_with(&self, inbox_url: &str, body: &[u8], options: &SignOptions) -> (StatusCode, String) {
        let url = reqwest::Url::parse(inbox_url).unwrap_or_else(|e| panic!("bad inbox URL {inbox_url}: {e}"));
        let mut request = self.peer.http.post(url).body(body.to_vec());
        for (name, value) in self.signed_headers(inbox_url, body, options) {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("POST {inbox_url} failed: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (status, text)
    }

    /// A minimal `Follow` of `object` (shaped like the peer software's).
    pub fn follow_activity(&self, object: &str) -> Value {
        let id = match self.software {
            Software::Mastodon => format!("{}/{}", self.peer.base_url(), crate::random_hex(32)),
            Software::Misskey => {
                format!("{}/follows/{}/{}", self.peer.base_url(), crate::random_hex(10), crate::random_hex(10))
            }
            Software::GoToSocial => format!("{}/follow/{}", self.id, crate::random_hex(26).to_ascii_uppercase()),
            _ => self.new_id("follow"),
        };
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": id, "type": "Follow", "actor": self.id, "object": object
        })
    }

    /// Sends a Follow of `community_url` to `inbox_url` and waits for the Accept to arrive at
    /// the peer; returns the Accept. Panics unless the POST answers 202.
    pub async fn follow_via(&self, community_url: &str, inbox_url: &str) -> Value {
        let follow = self.follow_activity(community_url);
        self.send_follow(&follow, inbox_url).await
    }

    /// Sends the Follow `follow` and waits for its Accept (matched by the Follow's id).
    pub async fn send_follow(&self, follow: &Value, inbox_url: &str) -> Value {
        let (status, body) = self.sign_and_post(inbox_url, follow).await;
        assert_eq!(status, StatusCode::ACCEPTED, "Follow by {} answered {status}: {body}", self.id);
        let follow_id = follow["id"].as_str().expect("Follow without id").to_owned();
        self.wait_for_answer(&follow_id, "Accept").await
    }

    /// Sends a Follow of `community_url` to the community's own inbox (`{community}/inbox`)
    /// and waits for the Accept.
    pub async fn follow(&self, community_url: &str) -> Value {
        self.follow_via(community_url, &format!("{community_url}/inbox")).await
    }

    /// Waits until the peer received an activity of `kind` (Accept, Reject) whose object is,
    /// or names, `follow_id`.
    pub async fn wait_for_answer(&self, follow_id: &str, kind: &str) -> Value {
        poll_until(FOLLOW_DEADLINE, &format!("{kind} of {follow_id}"), || async {
            self.peer.received().into_iter().find(|a| a["type"] == kind && refers_to(&a["object"], follow_id))
        })
        .await
    }
}

/// Whether `object` is `id` or an object whose `id` is `id`.
pub fn refers_to(object: &Value, id: &str) -> bool {
    object.as_str() == Some(id) || object["id"].as_str() == Some(id)
}

/// RSA-SHA256 (PKCS#1 v1.5) signature of `text`, base64.
pub fn sign(key: &RsaPrivateKey, text: &str) -> String {
    let signer = SigningKey::<Sha256>::new(key.clone());
    BASE64.encode(signer.sign(text.as_bytes()).to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_shapes_follow_the_software() {
        assert_eq!(Software::Mastodon.actor_path("alice"), "/users/alice");
        assert_eq!(Software::Lemmy.actor_path("alice"), "/u/alice");
        let aid = Software::Misskey.actor_path("alice");
        assert!(aid.starts_with("/users/9") && aid.len() == "/users/".len() + 10, "{aid}");
        assert_eq!(Software::GoToSocial.key_id("http://x/users/a"), "http://x/users/a/main-key");
        assert!(refers_to(&json!({"id": "a"}), "a"));
        assert!(refers_to(&json!("a"), "a"));
        assert!(!refers_to(&json!({"id": "b"}), "a"));
    }
}
