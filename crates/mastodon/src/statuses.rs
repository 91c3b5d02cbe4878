//! Statuses: read one and its thread, post (a reply, or a discussion in the community the
//! text mentions, as Mastodon users post to Lemmy groups), edit, delete, read the source.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Extension, Json, Router};
use chrono::Utc;
use guildhall_app::posts::{self, Post, PostBody, PostRef};
use guildhall_app::{AppContext, Page, Viewer, communities, discussions};
use guildhall_domain::InvalidCode;
use guildhall_domain::extras::Warning;
use guildhall_domain::poll::PollKind;
use guildhall_domain::validate::Limits;
use moka::future::Cache;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::auth::Authed;
use crate::body::{Params, flexible_bool};
use crate::entities::{Context, Status};
use crate::error::{MastoError, Result};
use crate::ids::StatusId;
use crate::render;

/// Statuses created per (account, `Idempotency-Key`) in the last hour; the mutex makes a
/// retry that races the first request wait for it instead of posting twice.
#[derive(Clone)]
struct Idempotency(Cache<(i64, String), Arc<Mutex<Option<StatusId>>>>);

/// Most descendants a context lists (Mastodon caps them too).
const MAX_DESCENDANTS: usize = 500;

pub(crate) fn routes() -> Router<AppContext> {
    let keys = Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(3600)).build();
    Router::new()
        .route("/api/v1/statuses", axum::routing::post(create))
        .route("/api/v1/statuses/{id}", get(show).put(edit).delete(remove))
        .route("/api/v1/statuses/{id}/context", get(context))
        .route("/api/v1/statuses/{id}/source", get(source))
        .layer(Extension(Idempotency(keys)))
}

fn post_ref(id: &str) -> Result<PostRef> {
    match StatusId::parse(id).ok_or_else(MastoError::not_found)? {
        StatusId::Discussion(d) => Ok(PostRef::Discussion(d)),
        StatusId::Reply(r) => Ok(PostRef::Reply(r)),
        StatusId::Event(_) => Err(MastoError::not_found()),
    }
}

/// What a change to an event's status answers: 422 naming its page, where people RSVP and
/// organisers edit (Mastodon's API has no way to); 404 when the viewer may not read it.
pub(crate) async fn event_refusal(ctx: &AppContext, viewer: Option<&Viewer>, event_id: i64) -> MastoError {
    match guildhall_app::events::post::one(ctx, viewer, event_id).await {
        Ok(ep) => MastoError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!("RSVP and changes to events are made on the event page: {}", ep.page_url),
        ),
        Err(e) => e.into(),
    }
}

/// The post a status id names for a change; an event's id answers `event_refusal`.
pub(crate) async fn changeable(ctx: &AppContext, viewer: &Viewer, id: &str) -> Result<PostRef> {
    match StatusId::parse(id).ok_or_else(MastoError::not_found)? {
        StatusId::Discussion(d) => Ok(PostRef::Discussion(d)),
        StatusId::Reply(r) => Ok(PostRef::Reply(r)),
        StatusId::Event(e) => Err(event_refusal(ctx, Some(viewer), e).await),
    }
}

fn status_id(p: PostRef) -> StatusId {
    match p {
        PostRef::Discussion(d) => StatusId::Discussion(d),
        PostRef::Reply(r) => StatusId::Reply(r),
    }
}

fn viewer_of<'a>(authed: &'a Option<Authed>, scope: &str) -> Result<Option<&'a Viewer>> {
    match authed {
        Some(a) => {
            a.require(scope)?;
            Ok(Some(&a.viewer))
        }
        None => Ok(None),
    }
}

async fn show(State(ctx): State<AppContext>, authed: Option<Authed>, Path(id): Path<String>) -> Result<Json<Status>> {
    let viewer = viewer_of(&authed, "read:statuses")?;
    let id = StatusId::parse(&id).ok_or_else(MastoError::not_found)?;
    Ok(Json(render::status(&ctx, viewer, id).await?))
}

async fn context(
    State(ctx): State<AppContext>,
    authed: Option<Authed>,
    Path(id): Path<String>,
) -> Result<Json<Context>> {
    let viewer = viewer_of(&authed, "read:statuses")?;
    if let Some(StatusId::Event(e)) = StatusId::parse(&id) {
        // An event stands alone: replies to it from other servers are shown on its page.
        guildhall_app::events::post::one(&ctx, viewer, e).await?;
        return Ok(Json(Context { ancestors: vec![], descendants: vec![] }));
    }
    let post = post_ref(&id)?;
    let this = posts::one(&ctx, viewer, post).await?;
    let (discussion_id, me) = match &this.body {
        PostBody::Discussion(d) => (d.id, None),
        PostBody::Reply(r) => (r.discussion_id, Some(r.id)),
    };
    // The whole thread in threaded order, through the use case that checks the discussion.
    let mut thread = Vec::new();
    for number in 1.. {
        let page = discussions::replies(&ctx, viewer, discussion_id, Page { number, limit: 100 }).await?;
        let more = page.has_more;
        thread.extend(page.items);
        if !more || thread.len() >= 5_000 {
            break;
        }
    }
    let mut ancestors = Vec::new();
    let mut descendants = Vec::new();
    match me {
        None => descendants.extend(thread.iter().filter(|r| !r.deleted).map(|r| PostRef::Reply(r.id))),
        Some(me) => {
            ancestors.push(PostRef::Discussion(discussion_id));
            let by_id: std::collections::HashMap<i64, &guildhall_app::views::ReplyView> =
                thread.iter().map(|r| (r.id, r)).collect();
            let mut chain = Vec::new();
            let mut at = by_id.get(&me).and_then(|r| r.parent_id);
            while let Some(p) = at {
                let Some(r) = by_id.get(&p) else { break };
                if !r.deleted {
                    chain.push(PostRef::Reply(p));
                }
                at = r.parent_id;
            }
            ancestors.extend(chain.into_iter().rev());
            // Threaded order lists a reply's answers after it: keep those under `me`.
            let mut under = std::collections::HashSet::from([me]);
            for r in &thread {
                if r.parent_id.is_some_and(|p| under.contains(&p)) {
                    under.insert(r.id);
                    if !r.deleted {
                        descendants.push(PostRef::Reply(r.id));
                    }
                }
            }
        }
    }
    descendants.truncate(MAX_DESCENDANTS);
    Ok(Json(Context {
        ancestors: render_all(&ctx, viewer, &ancestors).await?,
        descendants: render_all(&ctx, viewer, &descendants).await?,
    }))
}

async fn render_all(ctx: &AppContext, viewer: Option<&Viewer>, refs: &[PostRef]) -> Result<Vec<Status>> {
    let mut out = Vec::with_capacity(refs.len());
    for r in refs {
        match posts::one(ctx, viewer, *r).await {
            Ok(p) => out.push(render::post(ctx, &p).await?),
            Err(guildhall_app::Error::NotFound(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct PollParams {
    #[serde(default)]
    options: Vec<String>,
    expires_in: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    multiple: Option<bool>,
    #[serde(default, deserialize_with = "flexible_bool")]
    hide_totals: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct NewStatus {
    status: Option<String>,
    in_reply_to_id: Option<String>,
    #[serde(default)]
    media_ids: Vec<String>,
    poll: Option<PollParams>,
    #[serde(default, deserialize_with = "flexible_bool")]
    sensitive: Option<bool>,
    #[serde(default, deserialize_with = "sent_text")]
    spoiler_text: Option<String>,
    visibility: Option<String>,
}

/// A text field that was sent, even empty (`spoiler_text=` in a form clears the warning);
/// `None` only when absent. Forms otherwise read an empty value as absent.
fn sent_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Text(String),
        Nothing(()),
    }
    Ok(match Text::deserialize(d)? {
        Text::Text(t) => Some(t),
        Text::Nothing(()) => Some(String::new()),
    })
}

/// Checks what Guildhall cannot honour and the length; returns the text.
fn checked_text(status: Option<&str>, visibility: Option<&str>) -> Result<String> {
    let text = status.unwrap_or("").to_string();
    if text.chars().count() > Limits::BODY {
        return Err(MastoError::validation(format!("Text character limit of {} exceeded", Limits::BODY)));
    }
    if text.trim().is_empty() {
        return Err(MastoError::validation("Text can't be blank"));
    }
    if visibility.is_some_and(|v| v.trim() == "direct") {
        return Err(MastoError::validation("direct messages are not supported: post in a community"));
    }
    Ok(text)
}

/// The content warning asked for; the domain checks it (`Warning::checked`).
fn warning(spoiler_text: Option<String>, sensitive: Option<bool>) -> Warning {
    Warning { text: spoiler_text, sensitive: sensitive.unwrap_or(false) }
}

/// Mastodon's wording for a warning over the limit; other errors as usual.
fn worded(e: guildhall_app::Error) -> MastoError {
    match e {
        guildhall_app::Error::Invalid(i) if i.field == "content_warning" => match i.code {
            InvalidCode::TooLong { max } => {
                MastoError::validation(format!("Spoiler text character limit of {max} exceeded"))
            }
            _ => MastoError::validation(format!("Spoiler text {}", i.message)),
        },
        other => other.into(),
    }
}

/// `@name` and `@name@domain` words of a text, as written (without trailing punctuation).
fn mentions(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .filter(|w| w.starts_with('@') && w.len() > 1)
        .map(|w| w.trim_end_matches(|c: char| ".,:;!?)".contains(c)))
}

/// The text without the first occurrence of `mention`, split into a title (first non-blank
/// line) and a body (the rest).
fn title_and_body(text: &str, mention: Option<&str>) -> (String, String) {
    let text = match mention {
        Some(m) => text.replacen(m, "", 1),
        None => text.to_string(),
    };
    let mut lines = text.trim_start().splitn(2, '\n');
    // Removing a mention mid-line leaves two spaces: keep single ones.
    let title = lines.next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let body = lines.next().unwrap_or("").trim().to_string();
    // A discussion needs a body: a one-line status is its own body too.
    let body = if body.is_empty() { title.clone() } else { body };
    (title, body)
}

fn poll_input(p: PollParams) -> Result<guildhall_app::polls::PollInput> {
    let closes_at = match p.expires_in.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let secs: i64 = s.parse().map_err(|_| MastoError::validation("poll expires_in is not a number"))?;
            let d = chrono::Duration::try_seconds(secs)
                .ok_or_else(|| MastoError::validation("poll expires_in is out of range"))?;
            Some(
                Utc::now()
                    .checked_add_signed(d)
                    .ok_or_else(|| MastoError::validation("poll expires_in is out of range"))?,
            )
        }
    };
    Ok(guildhall_app::polls::PollInput {
        kind: if p.multiple == Some(true) { PollKind::Multiple } else { PollKind::Single },
        options: p.options,
        closes_at,
        hide_results: p.hide_totals == Some(true),
    })
}

/// Posts the status and returns what it became.
async fn post_new(ctx: &AppContext, viewer: &Viewer, s: NewStatus) -> Result<StatusId> {
    let text = checked_text(s.status.as_deref(), s.visibility.as_deref())?;
    let cw = warning(s.spoiler_text, s.sensitive);
    if !s.media_ids.is_empty() {
        return Err(MastoError::validation("media attachments are not supported"));
    }
    if let Some(parent) = s.in_reply_to_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if s.poll.is_some() {
            return Err(MastoError::validation("a reply cannot carry a poll"));
        }
        let parent = changeable(ctx, viewer, parent).await?;
        let (discussion_id, parent_id) = match parent {
            PostRef::Discussion(d) => (d, None),
            PostRef::Reply(r) => match posts::one(ctx, Some(viewer), parent).await?.body {
                PostBody::Reply(rv) => (rv.discussion_id, Some(r)),
                PostBody::Discussion(_) => return Err(MastoError::not_found()),
            },
        };
        let r = discussions::reply(ctx, viewer, discussion_id, parent_id, &text, cw).await.map_err(worded)?;
        return Ok(StatusId::Reply(r.id));
    }
    let mut community = None;
    for m in mentions(&text) {
        if let Some(c) = communities::find(ctx, m).await? {
            community = Some((m.to_string(), c));
            break;
        }
    }
    let Some((mention, c)) = community else {
        return Err(MastoError::validation(
            "mention the community to post in (@name or @name@domain): a new status starts a discussion there",
        ));
    };
    let (title, body) = title_and_body(&text, Some(&mention));
    if title.is_empty() {
        return Err(MastoError::validation("the first line is the discussion's title and is empty"));
    }
    let handle = if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) };
    let poll = s.poll.map(poll_input).transpose()?;
    let d = discussions::create_with_poll(ctx, viewer, &handle, &title, &body, poll, cw).await.map_err(worded)?;
    Ok(StatusId::Discussion(d.id))
}

async fn create(
    State(ctx): State<AppContext>,
    Extension(keys): Extension<Idempotency>,
    authed: Authed,
    headers: HeaderMap,
    Params(s): Params<NewStatus>,
) -> Result<Json<Status>> {
    authed.require("write:statuses")?;
    let viewer = &authed.viewer;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty());
    let id = match key {
        None => post_new(&ctx, viewer, s).await?,
        Some(k) => {
            let slot = keys.0.get_with((viewer.account_id, k.to_string()), async { Arc::new(Mutex::new(None)) }).await;
            let mut done = slot.lock().await;
            match *done {
                Some(id) => id,
                None => {
                    let id = post_new(&ctx, viewer, s).await?;
                    *done = Some(id);
                    id
                }
            }
        }
    };
    Ok(Json(render::status(&ctx, Some(viewer), id).await?))
}

#[derive(Debug, Deserialize)]
struct EditStatus {
    status: Option<String>,
    #[serde(default, deserialize_with = "sent_text")]
    spoiler_text: Option<String>,
    #[serde(default, deserialize_with = "flexible_bool")]
    sensitive: Option<bool>,
    #[serde(default)]
    media_ids: Vec<String>,
    poll: Option<PollParams>,
}

/// The community mention in an edited discussion's text, if it names the discussion's own.
async fn own_mention(ctx: &AppContext, text: &str, community_id: i64) -> Result<Option<String>> {
    for m in mentions(text) {
        if communities::find(ctx, m).await?.is_some_and(|c| c.id == community_id) {
            return Ok(Some(m.to_string()));
        }
    }
    Ok(None)
}

async fn edit(
    State(ctx): State<AppContext>,
    authed: Authed,
    Path(id): Path<String>,
    Params(s): Params<EditStatus>,
) -> Result<Json<Status>> {
    authed.require("write:statuses")?;
    let viewer = &authed.viewer;
    let post = changeable(&ctx, viewer, &id).await?;
    let text = checked_text(s.status.as_deref(), None)?;
    if !s.media_ids.is_empty() || s.poll.is_some() {
        return Err(MastoError::validation("media and polls cannot be changed"));
    }
    let current = posts::one(&ctx, Some(viewer), post).await?;
    // As Mastodon's edit: the warning changes only when `spoiler_text` or `sensitive` is
    // sent; an absent `spoiler_text` keeps the current one.
    let cw = match (s.spoiler_text, s.sensitive) {
        (None, None) => None,
        (text, sensitive) => {
            let text = text.or_else(|| Some(extras_of(&current).spoiler_text.clone()));
            Some(warning(text, sensitive))
        }
    };
    match post {
        PostRef::Discussion(d) => {
            let mention = own_mention(&ctx, &text, current.community.id).await?;
            let (title, body) = title_and_body(&text, mention.as_deref());
            discussions::update(&ctx, viewer, d, Some(&title), Some(&body), cw).await.map_err(worded)?;
        }
        PostRef::Reply(r) => {
            discussions::update_reply(&ctx, viewer, r, &text, cw).await.map_err(worded)?;
        }
    }
    Ok(Json(render::status(&ctx, Some(viewer), status_id(post)).await?))
}

/// A post's extras (content warning, sensitive, ...) as the API shows them.
fn extras_of(p: &Post) -> &guildhall_app::extras_view::ExtrasView {
    match &p.body {
        PostBody::Discussion(d) => &d.extras,
        PostBody::Reply(r) => &r.extras,
    }
}

/// The text an app puts back in its editor: a discussion's title on the first line.
fn source_text(p: &Post) -> String {
    match &p.body {
        PostBody::Discussion(d) if d.body.is_empty() || d.body == d.title => d.title.clone(),
        PostBody::Discussion(d) => format!("{}\n{}", d.title, d.body),
        PostBody::Reply(r) => r.body.clone(),
    }
}

async fn remove(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Status>> {
    authed.require("write:statuses")?;
    let viewer = &authed.viewer;
    let post = changeable(&ctx, viewer, &id).await?;
    let before = posts::one(&ctx, Some(viewer), post).await?;
    let mut status = render::post(&ctx, &before).await?;
    status.text = Some(source_text(&before));
    match post {
        PostRef::Discussion(d) => discussions::delete(&ctx, viewer, d).await?,
        PostRef::Reply(r) => discussions::delete_reply(&ctx, viewer, r).await?,
    }
    Ok(Json(status))
}

/// `GET /api/v1/statuses/:id/source`.
#[derive(Debug, Serialize)]
struct Source {
    id: String,
    text: String,
    spoiler_text: String,
}

async fn source(State(ctx): State<AppContext>, authed: Authed, Path(id): Path<String>) -> Result<Json<Source>> {
    authed.require("read:statuses")?;
    let post = changeable(&ctx, &authed.viewer, &id).await?;
    let p = posts::one(&ctx, Some(&authed.viewer), post).await?;
    let spoiler_text = extras_of(&p).spoiler_text.clone();
    Ok(Json(Source { id: status_id(post).to_string(), text: source_text(&p), spoiler_text }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_is_the_title_without_the_mention() {
        let (t, b) = title_and_body("@open Hello there\nsecond\nthird", Some("@open"));
        assert_eq!((t.as_str(), b.as_str()), ("Hello there", "second\nthird"));
        let (t, b) = title_and_body("To  @open all\nbody", Some("@open"));
        assert_eq!((t.as_str(), b.as_str()), ("To all", "body"));
        let (t, b) = title_and_body("@open\nTitle", Some("@open"));
        assert_eq!((t.as_str(), b.as_str()), ("Title", "Title"));
    }

    #[test]
    fn an_empty_spoiler_text_is_sent_and_a_missing_one_is_not() {
        let qs = serde_qs::Config::new(5, false);
        let e: EditStatus = qs.deserialize_str("status=x&spoiler_text=").unwrap();
        assert_eq!(e.spoiler_text.as_deref(), Some(""));
        let e: EditStatus = qs.deserialize_str("status=x").unwrap();
        assert_eq!(e.spoiler_text, None);
        let e: EditStatus = qs.deserialize_str("status=x&spoiler_text=cw").unwrap();
        assert_eq!(e.spoiler_text.as_deref(), Some("cw"));
        let e: EditStatus = serde_json::from_str(r#"{"status": "x", "spoiler_text": null}"#).unwrap();
        assert_eq!(e.spoiler_text.as_deref(), Some(""), "JSON null clears too");
        let e: EditStatus = serde_json::from_str(r#"{"status": "x", "spoiler_text": ""}"#).unwrap();
        assert_eq!(e.spoiler_text.as_deref(), Some(""));
    }

    #[test]
    fn mentions_lose_trailing_punctuation() {
        let m: Vec<_> = mentions("hi @a, and @b@x.example. @").collect();
        assert_eq!(m, ["@a", "@b@x.example"]);
    }
}
