//! Keeping the search index current: database triggers queue every change to a searchable
//! row in the same transaction as the change, so no write path (local, federated, moderation,
//! a migration) can forget the index; [`drain`] turns queued rows into index documents.

use chrono::{DateTime, Utc};
use guildhall_domain::AccountStatus;
use guildhall_domain::search::{MAX_SNIPPET_SOURCE, SearchKind, guess_language, index_terms};
use guildhall_store::entities::{account, community, search_document};
use guildhall_store::search_index::{self as store, sources};
use guildhall_store::Set;

use crate::{AppContext, Result};

/// Indexes up to `batch` queued changes in one transaction; returns how many queue rows were
/// handled (0: the queue is empty).
pub async fn drain(ctx: &AppContext, batch: u64) -> Result<u64> {
    // Look before taking the write lock: searches call this, and the queue is usually empty.
    if store::take_queued(ctx.db(), 1).await?.is_empty() {
        return Ok(0);
    }
    let txn = guildhall_store::begin_write(ctx.db()).await.map_err(guildhall_store::Error::from)?;
    let rows = store::take_queued(&txn, batch).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        if seen.insert((r.kind.as_str(), r.object_id)) {
            index_one(&txn, &r.kind, r.object_id).await?;
        }
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    store::forget_queued(&txn, &ids).await?;
    txn.commit().await.map_err(guildhall_store::Error::from)?;
    Ok(rows.len() as u64)
}

/// Drains the queue every second until the process ends.
pub async fn run(ctx: AppContext) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match drain(&ctx, 200).await {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "search indexing failed; retrying in a second");
                    break;
                }
            }
        }
    }
}

/// Empties the index and queues every searchable row again; returns how many were queued.
/// [`drain`] then rebuilds it (the `guildhall search reindex` command shows its progress).
pub async fn requeue_all(ctx: &AppContext) -> Result<u64> {
    let txn = guildhall_store::begin_write(ctx.db()).await.map_err(guildhall_store::Error::from)?;
    let n = store::requeue_all(&txn).await?;
    txn.commit().await.map_err(guildhall_store::Error::from)?;
    Ok(n)
}

/// Rows waiting in the queue.
pub async fn pending(ctx: &AppContext) -> Result<u64> {
    Ok(store::pending(ctx.db()).await?)
}

/// Documents in the index.
pub async fn documents(ctx: &AppContext) -> Result<u64> {
    Ok(store::documents(ctx.db()).await?)
}

/// Text of stored HTML, with tags as word breaks ("<p>a</p><p>b</p>" is "a b", not "ab").
fn text_of_html(html: &str) -> String {
    crate::markdown::plain_text(&html.replace('<', " <"))
}

fn cap(mut s: String) -> String {
    if s.len() > MAX_SNIPPET_SOURCE {
        let mut end = MAX_SNIPPET_SOURCE;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

fn handle(c: &community::Model) -> String {
    if c.domain.is_empty() { c.name.clone() } else { format!("{}@{}", c.name, c.domain) }
}

/// A document ready to write.
struct Doc {
    kind: SearchKind,
    object_id: i64,
    community_id: Option<i64>,
    members_only: bool,
    domain: String,
    author: Option<account::Model>,
    title: String,
    /// Whether the title's words are indexed (a reply shows its discussion's title but is
    /// found by its own words, or every reply would match the discussion's title).
    title_indexed: bool,
    path: String,
    body: String,
    published: DateTime<Utc>,
}

async fn write<C: guildhall_store::ConnectionTrait>(db: &C, d: Doc) -> Result<()> {
    let text = if d.title_indexed { format!("{} {}", d.title, d.body) } else { d.body.clone() };
    let body = cap(d.body);
    store::put(
        db,
        search_document::ActiveModel {
            kind: Set(d.kind.as_str().to_owned()),
            object_id: Set(d.object_id),
            community_id: Set(d.community_id),
            members_only: Set(d.members_only),
            domain: Set(d.domain),
            author_id: Set(d.author.as_ref().map(|a| a.id)),
            author_domain: Set(d.author.as_ref().map(|a| a.domain.clone()).unwrap_or_default()),
            language: Set(guess_language(&text).map(str::to_owned)),
            title_terms: Set(if d.title_indexed { index_terms(&d.title) } else { String::new() }),
            body_terms: Set(index_terms(&body)),
            title: Set(d.title),
            path: Set(d.path),
            body: Set(body),
            published_ts: Set(d.published.timestamp()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Rebuilds (or removes) the document of one queued row.
async fn index_one<C: guildhall_store::ConnectionTrait>(db: &C, kind: &str, id: i64) -> Result<()> {
    match kind {
        "discussion" => {
            let before = match store::document(db, SearchKind::Discussion.as_str(), id).await? {
                Some(d) => Some(d),
                None => store::document(db, SearchKind::Poll.as_str(), id).await?,
            };
            let found = sources::discussion(db, id).await?.filter(|(d, ..)| d.deleted_at.is_none());
            let Some((d, c, author, has_poll)) = found else {
                store::remove(db, &["discussion", "poll"], id).await?;
                if before.is_some() {
                    store::enqueue_replies_of(db, id).await?;
                }
                return Ok(());
            };
            // Replies carry the discussion's title and visibility: requeue them when those change.
            let changed = before.as_ref().is_none_or(|b| b.title != d.title || b.members_only != d.members_only);
            let kind = if has_poll { SearchKind::Poll } else { SearchKind::Discussion };
            store::remove(db, &[if has_poll { "discussion" } else { "poll" }], id).await?;
            write(
                db,
                Doc {
                    kind,
                    object_id: d.id,
                    community_id: Some(c.id),
                    members_only: d.members_only,
                    domain: c.domain.clone(),
                    author,
                    path: format!("/discussions/{}", d.id),
                    body: text_of_html(&d.body_html),
                    title: d.title,
                    published: d.created_at,
                    title_indexed: true,
                },
            )
            .await?;
            if changed && before.is_some() {
                store::enqueue_replies_of(db, id).await?;
            }
        }
        "reply" => {
            let found =
                sources::reply(db, id).await?.filter(|(r, d, ..)| r.deleted_at.is_none() && d.deleted_at.is_none());
            let Some((r, d, c, author)) = found else { return Ok(store::remove(db, &["reply"], id).await?) };
            write(
                db,
                Doc {
                    kind: SearchKind::Reply,
                    object_id: r.id,
                    community_id: Some(c.id),
                    members_only: d.members_only,
                    domain: c.domain.clone(),
                    author,
                    path: format!("/discussions/{}#reply-{}", d.id, r.id),
                    body: text_of_html(&r.body_html),
                    title: d.title,
                    title_indexed: false,
                    published: r.created_at,
                },
            )
            .await?;
        }
        "wiki" => {
            let Some((p, rev, c, author)) = sources::wiki(db, id).await? else {
                return Ok(store::remove(db, &["wiki"], id).await?);
            };
            write(
                db,
                Doc {
                    kind: SearchKind::Wiki,
                    object_id: p.id,
                    community_id: Some(c.id),
                    members_only: false,
                    domain: c.domain.clone(),
                    author,
                    path: format!("/communities/{}/wiki/{}", handle(&c), p.slug),
                    body: rev.map(|r| r.body).unwrap_or_default(),
                    title: p.title,
                    published: p.updated_at,
                    title_indexed: true,
                },
            )
            .await?;
        }
        "event" => {
            let found = sources::event(db, id).await?.filter(|(e, ..)| e.deleted_at.is_none());
            let Some((e, c, author)) = found else { return Ok(store::remove(db, &["event"], id).await?) };
            let body = format!("{} {} {}", text_of_html(&e.description_html), e.place_name, e.place_address);
            write(
                db,
                Doc {
                    kind: SearchKind::Event,
                    object_id: e.id,
                    community_id: Some(c.id),
                    members_only: e.members_only,
                    domain: c.domain.clone(),
                    author,
                    path: format!("/events/{}", e.id),
                    body,
                    title: e.title,
                    title_indexed: true,
                    // Events are found by when they happen, which is what a date filter means.
                    published: e.starts_at,
                },
            )
            .await?;
        }
        "community" => {
            let Some(c) = sources::community(db, id).await? else {
                return Ok(store::remove(db, &["community", "guild"], id).await?);
            };
            let guild = c.kind == "guild";
            store::remove(db, &[if guild { "community" } else { "guild" }], id).await?;
            let h = handle(&c);
            // The profile everyone may see: name, description, charter, tags (not the welcome
            // message, which is for members).
            let body = format!("{} {} {} {} {}", h, c.description, c.charter, c.tags.replace(',', " "), c.guild_focus);
            write(
                db,
                Doc {
                    kind: if guild { SearchKind::Guild } else { SearchKind::Community },
                    object_id: c.id,
                    community_id: Some(c.id),
                    members_only: false,
                    domain: c.domain.clone(),
                    author: None,
                    path: if guild { format!("/guilds/{h}") } else { format!("/communities/{h}") },
                    body,
                    title: c.title,
                    title_indexed: true,
                    published: c.created_at,
                },
            )
            .await?;
        }
        "account" => {
            let found = sources::account(db, id).await?.filter(|a| a.status == AccountStatus::Active);
            // The instance's own actor and other service accounts have no password and no name.
            let Some(a) = found.filter(|a| !a.username.is_empty()) else {
                return Ok(store::remove(db, &["person"], id).await?);
            };
            let path = if a.domain.is_empty() {
                format!("/people/{}", a.username)
            } else {
                a.ap_id.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")).unwrap_or_default()
            };
            let name = if a.display_name.trim().is_empty() { a.username.clone() } else { a.display_name.clone() };
            let handle = if a.domain.is_empty() { a.username.clone() } else { format!("{}@{}", a.username, a.domain) };
            let body = format!("{handle} {} {} {}", a.department, a.tags.replace(',', " "), text_of_html(&a.bio));
            write(
                db,
                Doc {
                    kind: SearchKind::Person,
                    object_id: a.id,
                    community_id: None,
                    members_only: false,
                    domain: a.domain.clone(),
                    author: None,
                    path,
                    body,
                    title: name,
                    title_indexed: true,
                    published: a.created_at,
                },
            )
            .await?;
        }
        other => tracing::warn!(kind = other, id, "unknown search queue kind; dropped"),
    }
    Ok(())
}
