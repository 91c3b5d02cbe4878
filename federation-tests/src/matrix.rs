//! The privacy leak matrix: read paths × viewer kinds, each cell Allowed or Refused.
//!
//! A [`Row`] names a read path (a URL template on one [`Surface`]), what it shows
//! ([`Kind`]), how it refuses ([`Refusal`]) and one expectation character per viewer column
//! ([`COLUMNS`]). [`Matrix::evaluate`] fetches every cell, and [`Matrix::finish`] panics once
//! with *every* failing cell (path × viewer × expected × got), leaks first, plus the grid.
//!
//! Expectation characters (`|` and spaces are ignored, so a row reads `"RRRRAAA|-RRRRA-"`):
//!
//! - `A` allowed: 2xx, and for [`Kind::Content`] rows the body contains the row's marker; for
//!   [`Kind::Public`] rows the body contains no secret at all.
//! - `R` refused with the row's [`Refusal`] status, no secret and no row marker in the body.
//! - `E` refused by omission: 2xx, but no secret and no row marker (a redacted view, an empty
//!   list).
//! - `H` hidden either way: the row's refusal status or `E` (collections, where 404 and an empty
//!   collection both keep the secret).
//! - `?` observed only: fetched and shown in the grid, never a failure unless it leaks the
//!   secret to someone who is not a member.
//! - `-` not applicable (the viewer has no identity on that surface).
//!
//! Every cell that is not an allowed content read is also a leak check: a body containing the
//! run's secret prefix (or a secret row marker) is reported as a **LEAK**; one showing a roster
//! marker (who moderates, who is a member or banned) as a **ROSTER** exposure.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};

use crate::Client;
use crate::peer::{ACTIVITY_JSON, FakeActor, FakePeer, sign};

/// Viewer columns, in the order of the expectation strings: local viewers of alpha, then
/// remote ones (their REST and web reads go to their own instance; their ActivityPub reads
/// are signed GETs to alpha by a [`FakeActor`] in the same membership state).
pub const COLUMNS: [&str; 14] = [
    "anon",
    "non-member",
    "pending",
    "banned",
    "member",
    "moderator",
    "admin",
    "r-anon",
    "r-non-member",
    "r-pending",
    "r-banned",
    "r-blocked",
    "r-member",
    "r-admin",
];

/// Where a row's request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// ActivityPub GET to alpha (`Accept: application/activity+json`): unsigned for viewers
    /// without an actor, signed by the viewer's [`FakeActor`] otherwise.
    Ap,
    /// alpha's REST API with the viewer's bearer token (local viewers only).
    Rest,
    /// HTML page on the viewer's own instance, with its session cookie.
    Web,
    /// REST API of a remote viewer's own instance (beta, gamma), about alpha's communities.
    Remote,
    /// What alpha delivered to the viewer's actor: `personal` (its own inbox) or `shared` (its
    /// server's shared inbox). 404 when nothing arrived.
    Inbox,
}

/// The secret or roster value a row looks for (values in [`Secrets`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Private discussion's title and body.
    Discussion,
    /// Private reply's body.
    Reply,
    /// Private community's welcome message (members only).
    Welcome,
    /// A local pending member's join-request message (moderators only).
    Request,
    /// Username of the private community's moderator (roster).
    Moderator,
    /// Username of the private community's local member (roster).
    Member,
    /// Username of the local banned member (roster).
    Banned,
    /// Username of beta's approved member (roster, on beta).
    RemoteMember,
    /// Private event's title.
    Event,
    /// Public control event's title.
    PublicEvent,
    /// Public control discussion.
    PublicDiscussion,
    /// Public control reply.
    PublicReply,
    /// Username of the public control community's moderator.
    PublicModerator,
    /// A remote member's reply to the private event.
    EventReply,
    /// The comment of a report (`Flag`) about the private discussion (moderators only).
    Report,
    /// Name of the fake peer's approved member (roster: in the private community's
    /// `Accept{Follow}` to it).
    PeerMember,
}

/// What a row shows to those allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Content: allowed readers see the marker.
    Content(Mark),
    /// Public metadata (profiles, discovery): 2xx for everyone, never any secret.
    Public,
}

/// How a row refuses (`R` cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 404: a private item does not reveal that it exists.
    NotFound,
    /// 403 for everyone, anonymous included (private lists: `members_only`).
    Forbidden,
    /// 401 for anonymous, 403 for people signed in (moderator-only routes).
    SignIn,
    /// 401 or 404 (a signature that does not verify).
    BadSignature,
}

impl Refusal {
    fn accepts(self, status: u16, anonymous: bool) -> bool {
        match self {
            Refusal::NotFound => status == 404,
            Refusal::Forbidden => status == 403,
            Refusal::SignIn => status == if anonymous { 401 } else { 403 },
            Refusal::BadSignature => status == 401 || status == 404,
        }
    }

    fn describe(self, anonymous: bool) -> &'static str {
        match self {
            Refusal::NotFound => "404",
            Refusal::Forbidden => "403",
            Refusal::SignIn if anonymous => "401",
            Refusal::SignIn => "403",
            Refusal::BadSignature => "401/404",
        }
    }
}

/// One read path.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Where the request goes.
    pub surface: Surface,
    /// Path template: `{name}` placeholders are filled from [`Matrix`] and viewer variables.
    pub path: &'static str,
    /// What it shows.
    pub kind: Kind,
    /// How it refuses.
    pub refusal: Refusal,
    /// One character per column of [`COLUMNS`] (see the module docs).
    pub expect: &'static str,
}

/// A row, in one line.
pub const fn row(surface: Surface, path: &'static str, kind: Kind, refusal: Refusal, expect: &'static str) -> Row {
    Row { surface, path, kind, refusal, expect }
}

/// The run's secret prefix and the marker values.
#[derive(Debug, Clone)]
pub struct Secrets {
    /// Every private content marker starts with it: a body containing it leaks.
    pub prefix: String,
    /// Marker values.
    pub marks: HashMap<Mark, String>,
}

impl Secrets {
    /// A fresh prefix; the content markers are the prefix plus one letter.
    pub fn new() -> Secrets {
        let prefix = format!("zq{}", crate::random_hex(12));
        let mut marks = HashMap::new();
        for (mark, suffix) in [
            (Mark::Discussion, "d"),
            (Mark::Reply, "r"),
            (Mark::Welcome, "w"),
            (Mark::Request, "q"),
            (Mark::Event, "e"),
            (Mark::EventReply, "v"),
            (Mark::Report, "k"),
        ] {
            marks.insert(mark, format!("{prefix}{suffix}"));
        }
        Secrets { prefix, marks }
    }

    /// The value of `mark` (panics when it was never set).
    pub fn get(&self, mark: Mark) -> &str {
        self.marks.get(&mark).unwrap_or_else(|| panic!("marker {mark:?} not set"))
    }
}

impl Default for Secrets {
    fn default() -> Self {
        Secrets::new()
    }
}

/// How a signed GET is made (the default is a correct Mastodon-style signature: no Digest).
#[derive(Clone, Default)]
pub struct GetSigning {
    /// Send no `Signature` header.
    pub unsigned: bool,
    /// Also send and sign `Digest` (of the empty body), as activitypub-federation does.
    pub digest: bool,
    /// Sign with this key instead of the actor's.
    pub key: Option<Arc<RsaPrivateKey>>,
    /// Use this keyId instead of the actor's.
    pub key_id: Option<String>,
    /// Age of `Date` in seconds (negative: in the future).
    pub date_age: i64,
    /// Sign this path instead of the one requested (a replayed signature).
    pub signed_path: Option<String>,
}

/// A viewer: one column.
#[derive(Clone)]
pub struct Viewer {
    /// Column label (one of [`COLUMNS`]).
    pub label: &'static str,
    /// Client on the viewer's own instance (anonymous or signed in), if any.
    pub client: Option<Client>,
    /// Whether [`Viewer::client`] talks to alpha.
    pub local: bool,
    /// ActivityPub identity: `None` none (cells `-`), `Some(None)` unsigned GETs,
    /// `Some(Some(actor))` GETs signed by `actor`.
    pub ap: Option<Option<FakeActor>>,
    /// Per-viewer template variables (ids of alpha's content on the viewer's instance).
    pub vars: HashMap<&'static str, String>,
}

/// A fetched cell.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// HTTP status.
    pub status: u16,
    /// Body text.
    pub body: String,
}

/// Evaluates rows against viewers and collects failures.
pub struct Matrix {
    /// alpha's base URL as its objects name it (`http://localhost:PORT`).
    pub alpha: String,
    /// Secrets and markers.
    pub secrets: Secrets,
    /// Template variables shared by every viewer.
    pub vars: HashMap<&'static str, String>,
    http: reqwest::Client,
    failures: Vec<String>,
    leaks: Vec<String>,
    roster: Vec<String>,
    grid: Vec<String>,
    cells: usize,
}

impl Matrix {
    /// A matrix for alpha at `alpha` (`http://localhost:PORT`).
    pub fn new(alpha: String, secrets: Secrets, vars: HashMap<&'static str, String>) -> Matrix {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("cannot build the HTTP client");
        Matrix {
            alpha,
            secrets,
            vars,
            http,
            failures: Vec::new(),
            leaks: Vec::new(),
            roster: Vec::new(),
            grid: Vec::new(),
            cells: 0,
        }
    }

    /// Fills `{name}` placeholders from the viewer's variables, then the shared ones.
    pub fn fill(&self, template: &str, viewer: Option<&Viewer>) -> String {
        let mut out = template.to_owned();
        for vars in viewer.map(|v| &v.vars).into_iter().chain([&self.vars]) {
            for (k, v) in vars {
                out = out.replace(&format!("{{{k}}}"), v);
            }
        }
        assert!(!out.contains('{'), "unfilled placeholder in {out} (template {template})");
        out
    }

    /// Evaluates every cell of `rows` for `viewers` (in [`COLUMNS`] order).
    pub async fn evaluate(&mut self, section: &str, rows: &[Row], viewers: &[Viewer]) {
        assert_eq!(viewers.len(), COLUMNS.len(), "one viewer per column");
        for (v, label) in viewers.iter().zip(COLUMNS) {
            assert_eq!(v.label, label, "viewers out of column order");
        }
        self.grid.push(format!("\n== {section} ==\n{:<58} {}", "", header()));
        for row in rows {
            let expect: Vec<char> = row.expect.chars().filter(|c| !matches!(c, '|' | ' ')).collect();
            assert_eq!(expect.len(), COLUMNS.len(), "row {:?} {}: one expectation per column", row.surface, row.path);
            let mut line = String::new();
            for (viewer, &want) in viewers.iter().zip(&expect) {
                let symbol = match self.cell(row, viewer, want).await {
                    None => "-".to_owned(),
                    Some(s) => s,
                };
                line.push_str(&format!("{symbol:^4}"));
            }
            let label = match (row.surface, row.kind) {
                (Surface::Inbox, Kind::Content(mark)) => format!("Inbox {} ({mark:?})", row.path),
                _ => format!("{:?} {}", row.surface, row.path),
            };
            self.grid.push(format!("{label:<58} {line}"));
        }
    }

    /// Evaluates one cell; returns its grid symbol, `None` when not applicable.
    async fn cell(&mut self, row: &Row, viewer: &Viewer, want: char) -> Option<String> {
        let available = match row.surface {
            Surface::Ap => viewer.ap.is_some(),
            Surface::Rest => viewer.local && viewer.client.is_some(),
            Surface::Web => viewer.client.is_some(),
            Surface::Remote => !viewer.local && viewer.client.is_some(),
            Surface::Inbox => matches!(viewer.ap, Some(Some(_))),
        };
        if want == '-' {
            return None;
        }
        let path = self.fill(row.path, Some(viewer));
        let place = format!("{:?} {path}", row.surface);
        if !available {
            self.failures
                .push(format!("TABLE {place} × {}: expected {want} but the viewer has no such identity", viewer.label));
            return Some("T".into());
        }
        let outcome = self.fetch(row.surface, &path, viewer).await;
        self.cells += 1;
        Some(self.judge(row, &place, viewer, want, &outcome))
    }

    /// Judges `outcome` against the expectation `want`; records failures; returns the symbol.
    pub fn judge(&mut self, row: &Row, place: &str, viewer: &Viewer, want: char, outcome: &Outcome) -> String {
        let anonymous = viewer.label.ends_with("anon");
        let marker = match row.kind {
            Kind::Content(m) => Some(self.secrets.get(m).to_owned()),
            Kind::Public => None,
        };
        let has_marker = marker.as_deref().is_some_and(|m| outcome.body.contains(m));
        let has_secret = outcome.body.contains(&self.secrets.prefix);
        let ok2xx = (200..300).contains(&outcome.status);
        let private_marker = marker.as_deref().is_some_and(|m| m.starts_with(&self.secrets.prefix));
        let clean = !has_secret && !has_marker;
        let refused_status = row.refusal.accepts(outcome.status, anonymous);
        let pass = match (want, row.kind) {
            ('A', Kind::Content(_)) => ok2xx && has_marker,
            ('A', Kind::Public) => ok2xx && !has_secret,
            ('R', _) => refused_status && clean,
            ('E', _) => ok2xx && clean,
            ('H', _) => (refused_status || ok2xx) && clean,
            ('?', _) => true,
            (other, _) => panic!("unknown expectation {other:?} in row {place}"),
        };
        // A secret reaching someone not meant to read it is a leak, whatever the cell says; a
        // roster marker (who moderates, who is a member) is reported apart.
        let allowed_reader = want == 'A' && matches!(row.kind, Kind::Content(_));
        let leaked = !allowed_reader && (has_secret || (has_marker && private_marker));
        let exposed = !allowed_reader && !leaked && has_marker && want != '?';
        let needle = if has_secret { Some(self.secrets.prefix.as_str()) } else { marker.as_deref() };
        let got = describe(outcome, has_marker, has_secret, needle);
        let wanted = match want {
            'A' if matches!(row.kind, Kind::Public) => "Allowed (2xx, no secret)".to_owned(),
            'A' => "Allowed (2xx with the marker)".to_owned(),
            'R' => format!("Refused ({}, no secret)", row.refusal.describe(anonymous)),
            'E' => "Refused by omission (2xx without the marker)".to_owned(),
            'H' => format!("Hidden ({} or 2xx without the marker)", row.refusal.describe(anonymous)),
            _ => "observed".to_owned(),
        };
        let place = match (row.surface, row.kind) {
            (Surface::Inbox, Kind::Content(mark)) => format!("{place} ({mark:?})"),
            _ => place.to_owned(),
        };
        let line = format!("{place} × {}: expected {wanted}, got {got}", viewer.label);
        if leaked {
            self.leaks.push(format!("LEAK {line}"));
            return "!".into();
        }
        if exposed {
            self.roster.push(format!("ROSTER {line}"));
            return "r!".into();
        }
        if !pass {
            self.failures.push(format!("FAIL {line}"));
            return "x".into();
        }
        if want == '?' { format!("?{}", outcome.status) } else { "ok".into() }
    }

    /// Evaluates signed GETs of `row.path` by `viewer`'s actor made in several ways: each
    /// variant is (label, signing, expectation, refusal).
    pub async fn evaluate_signatures(
        &mut self,
        section: &str,
        row: Row,
        viewer: &Viewer,
        variants: Vec<(&'static str, GetSigning, char, Refusal)>,
    ) {
        let actor = viewer.ap.clone().flatten().expect("a viewer with an actor");
        let path = self.fill(row.path, Some(viewer));
        self.grid.push(format!("\n== {section}: GET {path} signed by {} ==", viewer.label));
        for (label, signing, want, refusal) in variants {
            let outcome = self.ap_get(Some(&actor), &path, &signing).await;
            self.cells += 1;
            let variant = Row { refusal, ..row };
            let symbol = self.judge(&variant, &format!("Ap {path} [{label}]"), viewer, want, &outcome);
            self.grid.push(format!("{label:<58} {symbol:^4} (expected {want}, got {})", outcome.status));
        }
    }

    /// Records a failure found outside the grid.
    pub fn fail(&mut self, message: String) {
        self.failures.push(format!("FAIL {message}"));
    }

    async fn fetch(&self, surface: Surface, path: &str, viewer: &Viewer) -> Outcome {
        match surface {
            Surface::Ap => {
                let signer = viewer.ap.clone().flatten();
                let signing = GetSigning { unsigned: signer.is_none(), ..GetSigning::default() };
                self.ap_get(signer.as_ref(), path, &signing).await
            }
            Surface::Rest | Surface::Remote => {
                let client = viewer.client.as_ref().expect("checked");
                self.raw(client, path, "application/json", false).await
            }
            Surface::Web => self.raw(viewer.client.as_ref().expect("checked"), path, "text/html", true).await,
            Surface::Inbox => {
                let actor = viewer.ap.clone().flatten().expect("checked");
                inbox_outcome(actor.peer(), &actor, path)
            }
        }
    }

    /// GET `path` on the viewer's instance with its token as bearer (API) or cookie (web).
    async fn raw(&self, client: &Client, path: &str, accept: &str, cookie: bool) -> Outcome {
        let url = format!("{}{path}", client.base_url());
        let mut request = self.http.get(&url).header("accept", accept);
        if let Some(token) = client.token() {
            request = if cookie {
                request.header("cookie", format!("guildhall_session={token}"))
            } else {
                request.bearer_auth(token)
            };
        }
        send(request, &url).await
    }

    /// GET `path` on alpha as ActivityPub, signed by `actor` as `signing` says.
    pub async fn ap_get(&self, actor: Option<&FakeActor>, path: &str, signing: &GetSigning) -> Outcome {
        let url = format!("{}{path}", self.alpha);
        let mut request = self.http.get(&url);
        let headers = match actor {
            Some(actor) if !signing.unsigned => signed_get_headers(actor, &url, signing),
            _ => vec![("accept".to_owned(), ACTIVITY_JSON.to_owned())],
        };
        for (name, value) in headers {
            request = request.header(name, value);
        }
        send(request, &url).await
    }

    /// How many cells were fetched.
    pub fn cells(&self) -> usize {
        self.cells
    }

    /// The grid, one line per row (`ok`, `x` failed, `!` leak, `?NNN` observed, `-` n/a).
    pub fn grid(&self) -> String {
        self.grid.join("\n")
    }

    /// Panics listing every failing cell (secret leaks first, then roster exposures, then
    /// other failures) and the grid, if anything failed; prints the grid otherwise.
    pub fn finish(self) {
        if self.failures.is_empty() && self.leaks.is_empty() && self.roster.is_empty() {
            println!("{}", self.grid());
            return;
        }
        let mut report = format!(
            "leak matrix: {} secret leak(s), {} roster exposure(s) and {} other failing cell(s) out of {} evaluated\n",
            self.leaks.len(),
            self.roster.len(),
            self.failures.len(),
            self.cells
        );
        for line in self.leaks.iter().chain(&self.roster).chain(&self.failures) {
            report.push_str("  ");
            report.push_str(line);
            report.push('\n');
        }
        report.push_str(&self.grid());
        panic!("{report}");
    }
}

fn header() -> String {
    COLUMNS.iter().map(|c| format!("{:^4}", c.chars().take(4).collect::<String>())).collect()
}

/// Status, what the body holds, and an excerpt (around the first hit of `needle`, if any).
fn describe(outcome: &Outcome, has_marker: bool, has_secret: bool, needle: Option<&str>) -> String {
    let what = match (has_marker, has_secret) {
        (true, true) => "containing the marker and the secret",
        (true, false) => "containing the marker",
        (false, true) => "containing the secret",
        (false, false) => "without the marker",
    };
    let body = &outcome.body;
    let start = needle.and_then(|n| body.find(n)).map_or(0, |i| i.saturating_sub(60));
    let start = (0..=start).rev().find(|i| body.is_char_boundary(*i)).unwrap_or(0);
    let excerpt: String = body[start..].chars().take(160).collect();
    format!("{} {what} ({})", outcome.status, excerpt.replace('\n', " "))
}

async fn send(request: reqwest::RequestBuilder, url: &str) -> Outcome {
    let response = request.send().await.unwrap_or_else(|e| panic!("GET {url} failed: {e}"));
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Outcome { status, body }
}

/// Deliveries to `actor`'s personal inbox (`which == "personal"`) or to its server's shared
/// inbox (`"shared"`), as one outcome: 404 when none, else 200 with the bodies.
fn inbox_outcome(peer: &FakePeer, actor: &FakeActor, which: &str) -> Outcome {
    let path_of = |url: &str| reqwest::Url::parse(url).map(|u| u.path().to_owned()).unwrap_or_default();
    let wanted = match which {
        "personal" => path_of(actor.inbox()),
        "shared" => path_of(&peer.shared_inbox().expect("the peer has a shared inbox")),
        other => panic!("unknown inbox kind {other}"),
    };
    let bodies: Vec<String> =
        peer.deliveries().into_iter().filter(|d| d.path == wanted).map(|d| d.body.to_string()).collect();
    Outcome { status: if bodies.is_empty() { 404 } else { 200 }, body: bodies.join("\n") }
}

/// Headers of a signed GET of `url` by `actor` (draft-cavage, rsa-sha256): Mastodon signs
/// `(request-target) host date accept` and sends no Digest; `signing.digest` adds the Digest
/// of the empty body, as activitypub-federation does.
pub fn signed_get_headers(actor: &FakeActor, url: &str, signing: &GetSigning) -> Vec<(String, String)> {
    let parsed = reqwest::Url::parse(url).unwrap_or_else(|e| panic!("bad URL {url}: {e}"));
    let host = match parsed.port() {
        Some(p) => format!("{}:{p}", parsed.host_str().unwrap_or_default()),
        None => parsed.host_str().unwrap_or_default().to_owned(),
    };
    let path = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let now = SystemTime::now();
    let date = if signing.date_age >= 0 {
        now - Duration::from_secs(signing.date_age.unsigned_abs())
    } else {
        now + Duration::from_secs(signing.date_age.unsigned_abs())
    };
    let mut headers = vec![
        ("host".to_owned(), host),
        ("date".to_owned(), httpdate::fmt_http_date(date)),
        ("accept".to_owned(), ACTIVITY_JSON.to_owned()),
    ];
    let mut names = vec!["(request-target)", "host", "date", "accept"];
    if signing.digest {
        headers.push(("digest".to_owned(), format!("SHA-256={}", BASE64.encode(Sha256::digest(b"")))));
        names.push("digest");
    }
    let target = format!("get {}", signing.signed_path.clone().unwrap_or(path));
    let lookup: HashMap<&str, &str> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let signing_string = names
        .iter()
        .map(|n| match *n {
            "(request-target)" => format!("(request-target): {target}"),
            other => format!("{other}: {}", lookup.get(other).copied().unwrap_or_default()),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let key = signing.key.clone().unwrap_or_else(|| actor.key());
    let key_id = signing.key_id.clone().unwrap_or_else(|| actor.key_id().to_owned());
    let signature = sign(&key, &signing_string);
    headers.push((
        "signature".to_owned(),
        format!(
            "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{signature}\"",
            names.join(" ")
        ),
    ));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(label: &'static str) -> Viewer {
        Viewer { label, client: None, local: true, ap: None, vars: HashMap::new() }
    }

    fn matrix() -> Matrix {
        let mut s = Secrets::new();
        s.marks.insert(Mark::Member, "mina".into());
        Matrix::new("http://localhost:1".into(), s, HashMap::from([("x", "7".to_owned())]))
    }

    #[test]
    fn cells_are_judged_and_leaks_reported() {
        let mut m = matrix();
        let secret = m.secrets.get(Mark::Discussion).to_owned();
        let r = row(Surface::Rest, "/d/{x}", Kind::Content(Mark::Discussion), Refusal::NotFound, "");
        let v = viewer("member");
        let ok = Outcome { status: 200, body: format!("title {secret}") };
        let gone = Outcome { status: 404, body: "{}".into() };
        assert_eq!(m.judge(&r, "p", &v, 'A', &ok), "ok");
        assert_eq!(m.judge(&r, "p", &v, 'R', &gone), "ok");
        assert_eq!(m.judge(&r, "p", &v, 'H', &Outcome { status: 200, body: "[]".into() }), "ok");
        assert_eq!(m.judge(&r, "p", &v, 'A', &gone), "x");
        assert_eq!(m.judge(&r, "p", &v, 'R', &ok), "!");
        assert_eq!(m.judge(&r, "p", &v, '?', &ok), "!");
        let roster = row(Surface::Rest, "/m", Kind::Content(Mark::Member), Refusal::Forbidden, "");
        assert_eq!(m.judge(&roster, "p", &v, 'R', &Outcome { status: 403, body: "mina".into() }), "r!");
        assert_eq!(m.judge(&roster, "p", &v, '?', &Outcome { status: 200, body: "mina".into() }), "?200");
        let sign_in = row(Surface::Rest, "/j", Kind::Public, Refusal::SignIn, "");
        assert_eq!(m.judge(&sign_in, "p", &viewer("anon"), 'R', &Outcome { status: 401, body: String::new() }), "ok");
        assert_eq!(m.judge(&sign_in, "p", &v, 'R', &Outcome { status: 401, body: String::new() }), "x");
        assert_eq!((m.leaks.len(), m.roster.len(), m.failures.len()), (2, 1, 2));
        assert_eq!(m.fill("/d/{x}", None), "/d/7");
    }
}
