//! A community's wiki: pages with every revision kept (author, time, summary), history, diffs,
//! restoring, locking, who may edit, `[[Page name]]` links, and edit conflicts (an edit names
//! the revision it started from; if another came first it is refused and nothing is lost).
//! Pages of local communities are sent to their followers as `Article`s (`Create`, then
//! `Update` on each revision); other servers' pages are kept as read-only copies.

use chrono::{DateTime, Utc};
use guildhall_domain::wiki::{self as rules, WikiEditors};
use guildhall_store::entities::{wiki_page, wiki_revision};
use guildhall_store::wiki::{self as store, NewRevision};
use serde::Serialize;
use utoipa::ToSchema;

use crate::communities::{Loaded, load};
use crate::outbox::{self, Outgoing};
use crate::views::AuthorView;
use crate::{AppContext, Error, Result, Viewer};

/// A page in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiPageSummary {
    /// URL name, from the first title (kept when the title changes).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Latest revision number.
    pub revision: i32,
    /// Only moderators may edit.
    pub locked: bool,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A `[[Page name]]` link on a page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiLinkView {
    /// The name as written.
    pub title: String,
    /// The page it points to.
    pub slug: String,
    /// Whether that page exists yet.
    pub exists: bool,
}

/// A page at its latest revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiPageView {
    /// URL name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Markdown source.
    pub body: String,
    /// Sanitised HTML, with `[[Page name]]` links resolved within the community.
    pub body_html: String,
    /// Latest revision number: send it as `base_revision` when editing.
    pub revision: i32,
    /// Only moderators may edit.
    pub locked: bool,
    /// Who wrote the latest revision.
    pub last_author: AuthorView,
    /// Its summary.
    pub last_summary: String,
    /// Links to other pages of the wiki.
    pub links: Vec<WikiLinkView>,
    /// Whether the viewer may edit it now.
    pub can_edit: bool,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// A copy of another server's page: the viewer's last edit its community refused.
    pub my_refused_edit: Option<crate::wiki_remote::WikiRefusalView>,
}

/// One revision in a page's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiRevisionView {
    /// 1, 2, 3…
    pub number: i32,
    /// Title at this revision.
    pub title: String,
    /// Edit summary.
    pub summary: String,
    /// Who wrote it.
    pub author: AuthorView,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Markdown source (in a single revision; null in the history).
    pub body: Option<String>,
}

/// One line of a diff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiDiffLine {
    /// `equal`, `insert` or `delete`.
    pub tag: String,
    /// The line, without its newline.
    pub text: String,
}

/// The difference between two revisions of a page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WikiDiffView {
    /// Older revision.
    pub from: i32,
    /// Newer revision.
    pub to: i32,
    /// Title at each.
    pub titles: (String, String),
    /// Line by line.
    pub lines: Vec<WikiDiffLine>,
    /// The same as a unified diff.
    pub unified: String,
}

/// An edit of a page.
#[derive(Debug, Clone)]
pub struct WikiEdit {
    /// The revision the edit started from (must be the latest).
    pub base_revision: i32,
    /// New title (kept when none).
    pub title: Option<String>,
    /// New body.
    pub body: String,
    /// What changed.
    pub summary: Option<String>,
}

async fn load_wiki(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<Loaded> {
    let l = load(ctx, viewer, community).await?;
    if !l.access.can_read_content() {
        return Err(Error::NotFound("wiki"));
    }
    Ok(l)
}

/// Changes happen on the community's own server (here, a copy is read-only).
async fn load_writable(ctx: &AppContext, viewer: &Viewer, community: &str) -> Result<Loaded> {
    let l = load_wiki(ctx, Some(viewer), community).await?;
    if !l.community.domain.is_empty() {
        return Err(Error::Conflict("this wiki is a copy: its pages are edited on its community's server".into()));
    }
    Ok(l)
}

async fn editors(ctx: &AppContext, community_id: i64) -> Result<WikiEditors> {
    Ok(WikiEditors::parse(&store::editors(ctx.db(), community_id).await?).unwrap_or_default())
}

async fn load_page(ctx: &AppContext, l: &Loaded, slug: &str) -> Result<wiki_page::Model> {
    store::find_page(ctx.db(), l.community.id, slug).await?.ok_or(Error::NotFound("page"))
}

async fn author_of(ctx: &AppContext, id: Option<i64>) -> Result<Option<guildhall_store::entities::account::Model>> {
    match id {
        Some(id) => Ok(guildhall_store::accounts::find_by_id(ctx.db(), id).await?),
        None => Ok(None),
    }
}

fn handle(l: &Loaded) -> String {
    l.community.name.clone()
}

async fn page_view(ctx: &AppContext, l: &Loaded, page: &wiki_page::Model) -> Result<WikiPageView> {
    let latest = store::revision(ctx.db(), page.id, page.revision).await?.ok_or(Error::NotFound("page"))?;
    let links = rules::links(&latest.body);
    let slugs: Vec<String> = links.iter().map(|(_, s)| s.clone()).collect();
    let existing = store::existing_slugs(ctx.db(), l.community.id, &slugs).await?;
    let base = format!("/c/{}/wiki", handle(l));
    let expanded = rules::expand_links(&latest.body, &base, |s| existing.iter().any(|e| e == s));
    let author = author_of(ctx, latest.author_id).await?;
    let can_edit = l.community.domain.is_empty()
        && rules::may_edit(&l.access, editors(ctx, l.community.id).await?, page.locked).is_ok();
    let my_refused_edit = match (&l.membership, l.community.domain.is_empty()) {
        (Some(m), false) => crate::wiki_remote::last_refusal(ctx, page.id, m.account_id).await?,
        _ => None,
    };
    Ok(WikiPageView {
        slug: page.slug.clone(),
        title: page.title.clone(),
        body_html: crate::markdown::render(&expanded),
        body: latest.body,
        revision: page.revision,
        locked: page.locked,
        last_author: AuthorView::of(author.as_ref()),
        last_summary: latest.summary,
        links: links
            .into_iter()
            .map(|(title, slug)| {
                let exists = existing.contains(&slug);
                WikiLinkView { title, slug, exists }
            })
            .collect(),
        can_edit,
        created_at: page.created_at,
        updated_at: page.updated_at,
        my_refused_edit,
    })
}

/// The pages of a community's wiki.
pub async fn list(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<Vec<WikiPageSummary>> {
    let l = load_wiki(ctx, viewer, community).await?;
    let pages = store::list_pages(ctx.db(), l.community.id).await?;
    Ok(pages
        .into_iter()
        .map(|p| WikiPageSummary {
            slug: p.slug,
            title: p.title,
            revision: p.revision,
            locked: p.locked,
            updated_at: p.updated_at,
        })
        .collect())
}

/// One page at its latest revision.
pub async fn get(ctx: &AppContext, viewer: Option<&Viewer>, community: &str, slug: &str) -> Result<WikiPageView> {
    let l = load_wiki(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    page_view(ctx, &l, &page).await
}

/// Creates a page (its slug comes from the title; 409 when taken).
pub async fn create(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    title: &str,
    body: &str,
    summary: Option<&str>,
) -> Result<WikiPageView> {
    let (title, slug) = rules::title(title)?;
    let body = rules::body(body)?;
    let summary = rules::summary(summary)?;
    let l = load_writable(ctx, viewer, community).await?;
    rules::may_edit(&l.access, editors(ctx, l.community.id).await?, false)?;
    let rev = NewRevision { title, body, summary, author_id: Some(viewer.account_id), at: Utc::now() };
    let txn = crate::receipt::begin_write(ctx).await?;
    let (page, _) = store::insert_page(&txn, l.community.id, &slug, None, rev).await?;
    outbox::record(&txn, &Outgoing::WikiRevised { page_id: page.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, community = %l.community.name, page = %slug, "wiki page created");
    page_view(ctx, &l, &page).await
}

fn conflict(base: i32, latest: i32) -> Error {
    Error::Conflict(format!(
        "this page changed after revision {base}: the latest is revision {latest}; merge your text into it and send it again with base_revision {latest}"
    ))
}

async fn write_revision(
    ctx: &AppContext,
    viewer: &Viewer,
    l: &Loaded,
    page: wiki_page::Model,
    base: i32,
    rev: NewRevision,
) -> Result<WikiPageView> {
    let txn = crate::receipt::begin_write(ctx).await?;
    // Re-read inside the write transaction: the latest revision is decided here.
    let current = store::find_page(&txn, l.community.id, &page.slug).await?.ok_or(Error::NotFound("page"))?;
    rules::check_base(base, current.revision).map_err(|latest| conflict(base, latest))?;
    let (saved, _) = match store::add_revision(&txn, current, rev).await {
        Err(guildhall_store::Error::Conflict(_)) => return Err(conflict(base, base + 1)),
        other => other?,
    };
    outbox::record(&txn, &Outgoing::WikiRevised { page_id: saved.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(account = %viewer.username, community = %l.community.name, page = %saved.slug, revision = saved.revision, "wiki page edited");
    page_view(ctx, l, &saved).await
}

/// Edits a page. `base_revision` must be the latest revision, or the edit is refused (409)
/// and the page keeps the other edit. On a copy of another server's page the edit is sent to
/// its community, which applies the same rules; the copy changes when it answers.
pub async fn edit(ctx: &AppContext, viewer: &Viewer, community: &str, slug: &str, e: WikiEdit) -> Result<WikiPageView> {
    let body = rules::body(&e.body)?;
    let summary = rules::summary(e.summary.as_deref())?;
    let title = e.title.as_deref().map(rules::title).transpose()?.map(|(t, _)| t);
    let l = load_wiki(ctx, Some(viewer), community).await?;
    if !l.community.domain.is_empty() {
        let page = load_page(ctx, &l, slug).await?;
        rules::may_edit(&l.access, WikiEditors::Members, page.locked)?;
        rules::check_base(e.base_revision, page.revision).map_err(|latest| conflict(e.base_revision, latest))?;
        let intent = Outgoing::WikiEditProposed {
            page_id: page.id,
            account_id: viewer.account_id,
            base_revision: e.base_revision,
            title: title.unwrap_or_else(|| page.title.clone()),
            body,
            summary,
        };
        let txn = crate::receipt::begin_write(ctx).await?;
        outbox::record(&txn, &intent).await?;
        txn.commit().await?;
        ctx.wake_delivery();
        return page_view(ctx, &l, &page).await;
    }
    let l = load_writable(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    rules::may_edit(&l.access, editors(ctx, l.community.id).await?, page.locked)?;
    let rev = NewRevision {
        title: title.unwrap_or_else(|| page.title.clone()),
        body,
        summary,
        author_id: Some(viewer.account_id),
        at: Utc::now(),
    };
    write_revision(ctx, viewer, &l, page, e.base_revision, rev).await
}

/// Restores an old revision as a new one.
pub async fn restore(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    slug: &str,
    number: i32,
    summary: Option<&str>,
) -> Result<WikiPageView> {
    let summary = rules::summary(summary)?;
    let l = load_writable(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    rules::may_edit(&l.access, editors(ctx, l.community.id).await?, page.locked)?;
    let old = store::revision(ctx.db(), page.id, number).await?.ok_or(Error::NotFound("revision"))?;
    let summary = if summary.is_empty() { format!("Restored revision {number}") } else { summary };
    let rev =
        NewRevision { title: old.title, body: old.body, summary, author_id: Some(viewer.account_id), at: Utc::now() };
    let base = page.revision;
    write_revision(ctx, viewer, &l, page, base, rev).await
}

async fn revision_view(ctx: &AppContext, r: wiki_revision::Model, with_body: bool) -> Result<WikiRevisionView> {
    let author = author_of(ctx, r.author_id).await?;
    Ok(WikiRevisionView {
        number: r.number,
        title: r.title,
        summary: r.summary,
        author: AuthorView::of(author.as_ref()),
        created_at: r.created_at,
        body: with_body.then_some(r.body),
    })
}

/// A page's history, newest first.
pub async fn history(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    community: &str,
    slug: &str,
) -> Result<Vec<WikiRevisionView>> {
    let l = load_wiki(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    let mut out = Vec::new();
    for r in store::revisions(ctx.db(), page.id).await? {
        out.push(revision_view(ctx, r, false).await?);
    }
    Ok(out)
}

/// One revision with its text.
pub async fn revision(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    community: &str,
    slug: &str,
    number: i32,
) -> Result<WikiRevisionView> {
    let l = load_wiki(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    let r = store::revision(ctx.db(), page.id, number).await?.ok_or(Error::NotFound("revision"))?;
    revision_view(ctx, r, true).await
}

/// The line-by-line difference between two revisions.
pub async fn diff(
    ctx: &AppContext,
    viewer: Option<&Viewer>,
    community: &str,
    slug: &str,
    from: i32,
    to: i32,
) -> Result<WikiDiffView> {
    let l = load_wiki(ctx, viewer, community).await?;
    let page = load_page(ctx, &l, slug).await?;
    let a = store::revision(ctx.db(), page.id, from).await?.ok_or(Error::NotFound("revision"))?;
    let b = store::revision(ctx.db(), page.id, to).await?.ok_or(Error::NotFound("revision"))?;
    let d = similar::TextDiff::from_lines(&a.body, &b.body);
    let lines = d
        .iter_all_changes()
        .map(|c| WikiDiffLine {
            tag: match c.tag() {
                similar::ChangeTag::Equal => "equal",
                similar::ChangeTag::Insert => "insert",
                similar::ChangeTag::Delete => "delete",
            }
            .into(),
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect();
    let unified =
        d.unified_diff().context_radius(3).header(&format!("revision {from}"), &format!("revision {to}")).to_string();
    Ok(WikiDiffView { from, to, titles: (a.title, b.title), lines, unified })
}

/// Locks or unlocks a page (moderators).
pub async fn set_locked(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    slug: &str,
    locked: bool,
) -> Result<WikiPageView> {
    let l = load_writable(ctx, viewer, community).await?;
    l.access.moderate()?;
    let page = load_page(ctx, &l, slug).await?;
    let txn = crate::receipt::begin_write(ctx).await?;
    let saved = store::set_locked(&txn, page, locked).await?;
    txn.commit().await?;
    page_view(ctx, &l, &saved).await
}

/// Who may edit a community's wiki.
pub async fn settings(ctx: &AppContext, viewer: Option<&Viewer>, community: &str) -> Result<WikiEditors> {
    let l = load_wiki(ctx, viewer, community).await?;
    editors(ctx, l.community.id).await
}

/// Sets who may edit (moderators).
pub async fn set_settings(
    ctx: &AppContext,
    viewer: &Viewer,
    community: &str,
    editors: WikiEditors,
) -> Result<WikiEditors> {
    let l = load_writable(ctx, viewer, community).await?;
    l.access.moderate()?;
    let txn = crate::receipt::begin_write(ctx).await?;
    store::set_editors(&txn, l.community.id, editors.as_str()).await?;
    txn.commit().await?;
    Ok(editors)
}

/// A page of another server's community, as its `Article` says (a new revision when it
/// changed). Only that community speaks for its wiki (checked by the caller).
pub async fn receive_remote(
    ctx: &AppContext,
    c: &guildhall_store::entities::community::Model,
    ap_id: &str,
    title: &str,
    body: &str,
    summary: Option<&str>,
) -> Result<()> {
    if c.domain.is_empty() {
        return Ok(());
    }
    let (title, slug) = rules::title(title)?;
    let body = rules::body(body)?;
    let summary = rules::summary(summary)?;
    let rev = NewRevision { title, body, summary, author_id: None, at: Utc::now() };
    let txn = crate::receipt::begin_write(ctx).await?;
    match store::find_page_by_ap_id(&txn, ap_id).await? {
        Some(page) if page.community_id != c.id => return Err(guildhall_domain::Denied::ModeratorsOnly.into()),
        Some(page) => {
            let latest = store::revision(&txn, page.id, page.revision).await?;
            if latest.is_some_and(|l| l.title == rev.title && l.body == rev.body) {
                return Ok(());
            }
            store::add_revision(&txn, page, rev).await?;
        }
        None => {
            store::insert_page(&txn, c.id, &slug, Some(ap_id.to_owned()), rev).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// An edit of one of our pages by a member on another server: the same rules as a local edit
/// (membership, who may edit, lock, base revision). See [`crate::wiki_remote`].
pub(crate) async fn apply_member_edit(
    ctx: &AppContext,
    page_id: i64,
    editor: &guildhall_store::entities::account::Model,
    title: &str,
    body: &str,
    summary: Option<&str>,
    base_revision: i32,
) -> Result<()> {
    let page = store::find_page_by_id(ctx.db(), page_id).await?.ok_or(Error::NotFound("page"))?;
    let c =
        guildhall_store::communities::find_by_id(ctx.db(), page.community_id).await?.ok_or(Error::NotFound("page"))?;
    if !c.domain.is_empty() || page.ap_id.is_some() {
        return Err(Error::NotFound("page"));
    }
    let m = guildhall_store::communities::find_membership(ctx.db(), c.id, editor.id).await?;
    let access = crate::communities::remote_access(&c, m.as_ref())?;
    rules::may_edit(&access, editors(ctx, c.id).await?, page.locked)?;
    let (title, _) = rules::title(title)?;
    let body = rules::body(body)?;
    let summary = rules::summary(summary)?;
    let rev = NewRevision { title, body, summary, author_id: Some(editor.id), at: Utc::now() };
    let txn = crate::receipt::begin_write(ctx).await?;
    let current = store::find_page_by_id(&txn, page_id).await?.ok_or(Error::NotFound("page"))?;
    rules::check_base(base_revision, current.revision).map_err(|latest| conflict(base_revision, latest))?;
    let (saved, _) = store::add_revision(&txn, current, rev).await?;
    outbox::record(&txn, &Outgoing::WikiRevised { page_id: saved.id }).await?;
    txn.commit().await?;
    ctx.wake_delivery();
    tracing::info!(editor = %editor.username, page = %saved.slug, revision = saved.revision, "remote wiki edit");
    Ok(())
}
