//! A community's wiki: the page list, a page with its `[[links]]`, creating and editing with a
//! server-side preview step, history, the difference between two revisions, restoring an old
//! revision, and locking for moderators.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::views::CommunityView;
use guildhall_app::wiki::{self, WikiDiffView, WikiEdit, WikiPageSummary, WikiPageView, WikiRevisionView};
use guildhall_app::{AppContext, Error, communities, markdown};
use guildhall_domain::wiki as rules;
use serde::Deserialize;

use super::{OrPage, PageError, community_path, form_refusal, render, render_form, see_other};
use crate::forms::Errors;
use crate::visit::{Chrome, Visit};

/// Markdown with `[[Page name]]` links to this community's wiki pages (those not written yet
/// marked `?missing=1`).
fn body_html(handle: &str, body: &str, existing: &[String]) -> String {
    let base = format!("{}/wiki", community_path(handle));
    markdown::render(&rules::expand_links(body, &base, |s| existing.iter().any(|e| e == s)))
}

/// `GET /communities/{handle}/wiki`.
#[derive(Template)]
#[template(path = "wiki_list.html")]
pub(crate) struct WikiListPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub pages: Vec<WikiPageSummary>,
}

async fn community(ctx: &AppContext, v: &Visit, handle: &str) -> Result<CommunityView, PageError> {
    communities::get(ctx, v.viewer(), handle).await.or_page(v)
}

/// `GET /communities/{handle}/wiki`.
pub(crate) async fn list(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let co = community(&ctx, &v, &handle).await?;
    let pages = wiki::list(&ctx, v.viewer(), &co.handle).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &WikiListPage { c: v.chrome(), co, pages }))
}

/// `GET /communities/{handle}/wiki/{slug}`.
#[derive(Template)]
#[template(path = "wiki_page.html")]
pub(crate) struct WikiPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub p: WikiPageView,
    pub html: String,
}

impl WikiPage {
    fn moderates(&self) -> bool {
        self.c.moderates(self.co.my_role) && self.co.local
    }
}

/// `GET /communities/{handle}/wiki/{slug}`.
pub(crate) async fn show(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let co = community(&ctx, &v, &handle).await?;
    let p = wiki::get(&ctx, v.viewer(), &co.handle, &slug).await.or_page(&v)?;
    let existing: Vec<String> = p.links.iter().filter(|l| l.exists).map(|l| l.slug.clone()).collect();
    let html = body_html(&co.handle, &p.body, &existing);
    Ok(render(StatusCode::OK, &WikiPage { c: v.chrome(), co, p, html }))
}

/// The page form's fields (new page and edit).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WikiForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub base_revision: i32,
    /// Present when the preview button was pressed.
    #[serde(default)]
    pub preview: Option<String>,
    #[serde(default)]
    pub csrf_token: String,
}

/// Creating (`slug` is `None`) or editing a page, with an optional preview.
#[derive(Template)]
#[template(path = "wiki_form.html")]
pub(crate) struct WikiFormPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub slug: Option<String>,
    pub form: WikiForm,
    /// The rendered body, after "Preview".
    pub preview: Option<String>,
    pub errors: Errors,
}

impl WikiFormPage {
    fn action(&self) -> String {
        match &self.slug {
            Some(s) => format!("{}/wiki/{s}/edit", community_path(&self.co.handle)),
            None => format!("{}/wiki/new", community_path(&self.co.handle)),
        }
    }
}

/// `GET /communities/{handle}/wiki/new`.
pub(crate) async fn new_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = community(&ctx, &v, &handle).await?;
    wiki::list(&ctx, v.viewer(), &co.handle).await.or_page(&v)?;
    let page = WikiFormPage {
        c: v.chrome(),
        co,
        slug: None,
        form: WikiForm::default(),
        preview: None,
        errors: Errors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The preview of a form's body, with links to the pages that exist.
async fn preview_of(ctx: &AppContext, v: &Visit, co: &CommunityView, body: &str) -> Result<String, PageError> {
    let pages = wiki::list(ctx, v.viewer(), &co.handle).await.or_page(v)?;
    let existing: Vec<String> = pages.into_iter().map(|p| p.slug).collect();
    Ok(body_html(&co.handle, body, &existing))
}

/// The form error for a refused page, on the field it names.
fn wiki_error(v: &Visit, e: Error) -> Result<Errors, PageError> {
    form_refusal(v, e, "body")
}

/// `POST /communities/{handle}/wiki/new`: previews, or creates the page.
pub(crate) async fn create(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<WikiForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let co = community(&ctx, &v, &handle).await?;
    let mut errors = Errors::default();
    let mut preview = None;
    if form.preview.is_some() {
        preview = Some(preview_of(&ctx, &v, &co, &form.body).await?);
    } else {
        let summary = Some(form.summary.as_str()).filter(|s| !s.trim().is_empty());
        match wiki::create(&ctx, &s.viewer, &co.handle, &form.title, &form.body, summary).await {
            Ok(p) => return Ok(see_other(&format!("{}/wiki/{}", community_path(&co.handle), p.slug), Some("saved"))),
            // A copy's refusal (its pages are edited on their own server) is a `Conflict`,
            // shown as it is by `wiki_error`.
            Err(Error::Taken(_)) => errors = Errors::one("title", v.lang.t("wiki-title-taken")),
            Err(e) => errors = wiki_error(&v, e)?,
        }
    }
    Ok(render_form(&errors.clone(), &WikiFormPage { c: v.chrome(), co, slug: None, form, preview, errors }))
}

/// `GET /communities/{handle}/wiki/{slug}/edit`.
pub(crate) async fn edit_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = community(&ctx, &v, &handle).await?;
    let p = wiki::get(&ctx, v.viewer(), &co.handle, &slug).await.or_page(&v)?;
    if !p.can_edit {
        return Err(PageError::app(&v, guildhall_domain::Denied::ModeratorsOnly.into()));
    }
    let form = WikiForm {
        title: p.title,
        body: p.body,
        summary: String::new(),
        base_revision: p.revision,
        preview: None,
        csrf_token: String::new(),
    };
    Ok(render(
        StatusCode::OK,
        &WikiFormPage { c: v.chrome(), co, slug: Some(slug), form, preview: None, errors: Errors::default() },
    ))
}

/// `POST /communities/{handle}/wiki/{slug}/edit`: previews, or saves a new revision. An edit
/// made from an older revision is refused and the text typed stays in the form.
pub(crate) async fn edit(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
    form: Result<Form<WikiForm>, FormRejection>,
) -> Result<Response, PageError> {
    let mut form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let co = community(&ctx, &v, &handle).await?;
    let mut errors = Errors::default();
    let mut preview = None;
    if form.preview.is_some() {
        preview = Some(preview_of(&ctx, &v, &co, &form.body).await?);
    } else {
        let e = WikiEdit {
            base_revision: form.base_revision,
            title: Some(form.title.clone()),
            body: form.body.clone(),
            summary: Some(form.summary.clone()).filter(|s| !s.trim().is_empty()),
        };
        match wiki::edit(&ctx, &s.viewer, &co.handle, &slug, e).await {
            Ok(p) => return Ok(see_other(&format!("{}/wiki/{}", community_path(&co.handle), p.slug), Some("saved"))),
            // An edit's only conflict is a stale base revision (`wiki::edit`): the page
            // changed meanwhile, so the form comes back based on the latest revision. A taken
            // name (a unique row racing this one) is told the same way, as it always was.
            Err(Error::Conflict(_) | Error::Taken(_)) => {
                errors = Errors::one("body", v.lang.t("wiki-conflict"));
                if let Ok(latest) = wiki::get(&ctx, v.viewer(), &co.handle, &slug).await {
                    form.base_revision = latest.revision;
                }
            }
            Err(e) => errors = wiki_error(&v, e)?,
        }
    }
    Ok(render_form(&errors.clone(), &WikiFormPage { c: v.chrome(), co, slug: Some(slug), form, preview, errors }))
}

/// `GET /communities/{handle}/wiki/{slug}/history`.
#[derive(Template)]
#[template(path = "wiki_history.html")]
pub(crate) struct WikiHistoryPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub p: WikiPageView,
    pub revisions: Vec<WikiRevisionView>,
}

/// `GET /communities/{handle}/wiki/{slug}/history`.
pub(crate) async fn history(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let co = community(&ctx, &v, &handle).await?;
    let p = wiki::get(&ctx, v.viewer(), &co.handle, &slug).await.or_page(&v)?;
    let revisions = wiki::history(&ctx, v.viewer(), &co.handle, &slug).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &WikiHistoryPage { c: v.chrome(), co, p, revisions }))
}

/// `?from=&to=` on the diff page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
}

/// `GET /communities/{handle}/wiki/{slug}/diff?from=&to=`.
#[derive(Template)]
#[template(path = "wiki_diff.html")]
pub(crate) struct WikiDiffPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub slug: String,
    pub title: String,
    pub d: WikiDiffView,
}

/// `GET /communities/{handle}/wiki/{slug}/diff`.
pub(crate) async fn diff(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
    q: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let co = community(&ctx, &v, &handle).await?;
    let p = wiki::get(&ctx, v.viewer(), &co.handle, &slug).await.or_page(&v)?;
    let to = q.to.unwrap_or(p.revision);
    let from = q.from.unwrap_or((to - 1).max(1));
    let d = wiki::diff(&ctx, v.viewer(), &co.handle, &slug, from, to).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &WikiDiffPage { c: v.chrome(), co, slug, title: p.title, d }))
}

/// A form with a CSRF token and one value (revision number, lock or unlock).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ValueForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /communities/{handle}/wiki/{slug}/restore`: `value` is the revision to restore.
pub(crate) async fn restore(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
    form: Result<Form<ValueForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let Ok(number) = form.value.trim().parse::<i32>() else {
        return Err(PageError::app(&v, guildhall_domain::Invalid::new("value", "unknown revision").into()));
    };
    let p = wiki::restore(&ctx, &s.viewer, &handle, &slug, number, None).await.or_page(&v)?;
    Ok(see_other(&format!("{}/wiki/{}", community_path(&handle), p.slug), Some("saved")))
}

/// `POST /communities/{handle}/wiki/{slug}/lock`: `value` is lock or unlock (moderators).
pub(crate) async fn lock(
    State(ctx): State<AppContext>,
    v: Visit,
    Path((handle, slug)): Path<(String, String)>,
    form: Result<Form<ValueForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let (locked, done) = match form.value.as_str() {
        "lock" => (true, "locked"),
        "unlock" => (false, "unlocked"),
        _ => return Err(PageError::app(&v, guildhall_domain::Invalid::new("value", "unknown action").into())),
    };
    wiki::set_locked(&ctx, &s.viewer, &handle, &slug, locked).await.or_page(&v)?;
    Ok(see_other(&format!("{}/wiki/{slug}", community_path(&handle)), Some(done)))
}
