//! Discussions: starting one, the thread with nested replies, replying, editing, deleting,
//! voting, and pinning and locking for moderators.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::browse::{self, PostActions, Thread};
use guildhall_app::discussions;
use guildhall_app::polls::{PollInput, PollView};
use guildhall_app::views::{CommunityView, ReplyView};
use guildhall_app::{AppContext, communities};
use guildhall_domain::extras::Warning;
use guildhall_domain::poll::PollKind;
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render, render_form, see_other};
use crate::forms::{Errors, denied_message, form_error};
use crate::visit::{Chrome, Visit};

/// The new-discussion form.
#[derive(Template)]
#[template(path = "discussion_new.html")]
pub(crate) struct NewDiscussionPage {
    pub c: Chrome,
    pub co: CommunityView,
    pub title: String,
    pub body: String,
    pub content_warning: String,
    pub poll: PollFields,
    pub errors: Errors,
}

impl NewDiscussionPage {
    fn kind_is(&self, k: &str) -> bool {
        self.poll.poll_kind == k || (self.poll.poll_kind.is_empty() && k == "single")
    }
}

/// The optional poll of the new-discussion form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PollFields {
    /// `single` or `multiple`.
    #[serde(default)]
    pub poll_kind: String,
    /// One option per line; empty for no poll.
    #[serde(default)]
    pub poll_options: String,
    /// When voting ends, UTC wall-clock time (`2026-12-01T18:30`); empty for never.
    #[serde(default)]
    pub poll_closes_at: String,
    /// Present when results stay hidden until the poll closes.
    #[serde(default)]
    pub poll_hide_results: Option<String>,
}

impl PollFields {
    /// The poll to attach, `None` when no options were given, or the form's errors.
    fn input(&self, lang: crate::i18n::Lang) -> Result<Option<PollInput>, Errors> {
        let options: Vec<String> =
            self.poll_options.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        if options.is_empty() {
            return Ok(None);
        }
        let raw = self.poll_closes_at.trim();
        let closes_at = if raw.is_empty() {
            None
        } else {
            let naive = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
                .map_err(|_| Errors::one("poll_closes_at", lang.t("error-datetime")))?;
            Some(naive.and_utc())
        };
        let kind = if self.poll_kind == "multiple" { PollKind::Multiple } else { PollKind::Single };
        Ok(Some(PollInput { kind, options, closes_at, hide_results: self.poll_hide_results.is_some() }))
    }
}

/// The new-discussion form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewDiscussionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    content_warning: String,
    #[serde(flatten)]
    poll: PollFields,
    #[serde(default)]
    csrf_token: String,
}

/// The app names poll fields `poll.options`; the form's inputs are `poll_options`.
fn poll_fields(mut errors: Errors) -> Errors {
    for e in &mut errors.list {
        e.field = e.field.replace('.', "_");
    }
    errors
}

/// A post form's fields (discussions have a title; replies a parent).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PostForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    content_warning: String,
    #[serde(default)]
    csrf_token: String,
}

/// A form's content warning field (empty for none; a warning also marks the post sensitive).
fn warning_of(content_warning: &str) -> Warning {
    Warning { text: Some(content_warning.to_owned()), sensitive: false }
}

/// `GET /communities/{handle}/new`.
pub(crate) async fn new_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    v.require()?;
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render(
        StatusCode::OK,
        &NewDiscussionPage {
            c: v.chrome(),
            co,
            title: String::new(),
            body: String::new(),
            content_warning: String::new(),
            poll: PollFields::default(),
            errors: Errors::default(),
        },
    ))
}

/// `POST /communities/{handle}/new`: starts the discussion and shows it.
pub(crate) async fn create(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<NewDiscussionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let errors = match form.poll.input(v.lang) {
        Err(errors) => errors,
        Ok(poll) => {
            let warning = warning_of(&form.content_warning);
            match discussions::create_with_poll(&ctx, &s.viewer, &handle, &form.title, &form.body, poll, warning).await
            {
                Ok(d) => return Ok(see_other(&format!("/discussions/{}", d.id), Some("posted"))),
                Err(e) => match form_error(v.lang, &e, "title") {
                    Some(errors) => poll_fields(errors),
                    None => return Err(PageError::app(&v, e)),
                },
            }
        }
    };
    let co = communities::get(&ctx, v.viewer(), &handle).await.or_page(&v)?;
    Ok(render_form(
        &errors,
        &NewDiscussionPage {
            c: v.chrome(),
            co,
            title: form.title,
            body: form.body,
            content_warning: form.content_warning,
            poll: form.poll,
            errors: errors.clone(),
        },
    ))
}

/// One reply in the thread, with the list markup that nests it.
pub(crate) struct ReplyRow {
    pub r: ReplyView,
    pub a: PostActions,
    /// `<ol>`s opened before its `<li>`.
    pub opens: usize,
    /// Whether its own `<li>` closes right after it (no replies to it follow).
    pub leaf: bool,
    /// Nested lists closed after it, each with its parent's `</li>`.
    pub closes: usize,
    /// Whether the outermost list closes after it.
    pub end: bool,
}

/// Nests a threaded-order list of replies into `<ol>`s: what opens before and closes after
/// each one, so the page holds one valid list tree.
fn nest(items: Vec<(ReplyView, PostActions)>) -> Vec<ReplyRow> {
    let first = items.first().map(|(r, _)| r.depth).unwrap_or(0);
    let levels: Vec<usize> = items.iter().map(|(r, _)| (r.depth - first).max(0) as usize + 1).collect();
    let mut open = 0usize;
    let mut rows = Vec::with_capacity(items.len());
    for (i, (r, a)) in items.into_iter().enumerate() {
        let level = levels[i];
        let opens = level.saturating_sub(open);
        open += opens;
        let next = levels.get(i + 1).copied().unwrap_or(0);
        let leaf = next <= level;
        let (mut closes, mut end) = (0, false);
        if leaf {
            while open > next {
                if open >= 2 {
                    closes += 1;
                } else {
                    end = true;
                }
                open -= 1;
            }
        }
        rows.push(ReplyRow { r, a, opens, leaf, closes, end });
    }
    rows
}

/// The thread page.
#[derive(Template)]
#[template(path = "discussion.html")]
pub(crate) struct ThreadPage {
    pub c: Chrome,
    pub t: Thread,
    pub rows: Vec<ReplyRow>,
    /// The reply being answered (`?reply_to=`), if any.
    pub reply_to: Option<ReplyView>,
    pub body: String,
    pub content_warning: String,
    pub errors: Errors,
    /// Why the viewer cannot reply, if they cannot.
    pub cannot_reply: Option<String>,
    /// Whether the viewer muted this thread (none when signed out).
    pub muted: Option<bool>,
}

impl ThreadPage {
    /// Whether the viewer chose option `position` in the poll.
    fn chosen(&self, position: &usize) -> bool {
        self.t.discussion.poll.as_ref().is_some_and(|p| p.my_choices.contains(position))
    }

    /// Whether the viewer may vote in the poll now.
    fn may_vote(&self, p: &PollView) -> bool {
        self.c.username.is_some() && self.t.reply.is_ok() && !p.closed && !self.t.discussion.deleted
    }

    fn multiple(&self, p: &PollView) -> bool {
        p.kind == PollKind::Multiple
    }

    /// An option's share of the votes, in whole percent.
    fn percent(&self, votes: &Option<i64>) -> i64 {
        let total: i64 =
            self.t.discussion.poll.as_ref().map(|p| p.options.iter().filter_map(|o| o.votes).sum()).unwrap_or(0);
        match votes {
            Some(v) if total > 0 => (v * 100 + total / 2) / total,
            _ => 0,
        }
    }

    fn page_link(&self, page: u64) -> String {
        format!("/discussions/{}?page={page}", self.t.discussion.id)
    }
}

/// `?reply_to=&page=` on a thread.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ThreadQuery {
    reply_to: Option<i64>,
    page: Option<u64>,
}

/// What the reply form shows again after a refusal.
#[derive(Default)]
struct Draft {
    body: String,
    content_warning: String,
}

async fn thread_page(
    ctx: &AppContext,
    v: &Visit,
    id: i64,
    q: ThreadQuery,
    draft: Draft,
    errors: Errors,
) -> Result<Response, PageError> {
    let t = browse::thread(ctx, v.viewer(), id, guildhall_app::page(q.page, Some(100))).await.or_page(v)?;
    let reply_to = q.reply_to.and_then(|rid| t.replies.items.iter().find(|(r, _)| r.id == rid).map(|(r, _)| r.clone()));
    let cannot_reply = match (&t.reply, v.signed.is_some()) {
        (Ok(()), _) => None,
        (Err(_), false) => Some(v.lang.t("reply-sign-in")),
        (Err(d), true) => Some(denied_message(v.lang, *d)),
    };
    let rows = nest(t.replies.items.clone());
    let (body, content_warning) = (draft.body, draft.content_warning);
    let muted = super::notify_settings::muted_on_page(ctx, v, t.discussion.id).await;
    let page = ThreadPage { c: v.chrome(), t, rows, reply_to, body, content_warning, errors, cannot_reply, muted };
    Ok(render_form(&page.errors.clone(), &page))
}

/// `GET /discussions/{id}`.
pub(crate) async fn show(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    q: Result<Query<ThreadQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    thread_page(&ctx, &v, id, q, Draft::default(), Errors::default()).await
}

/// `POST /discussions/{id}/reply`: replies to the discussion or to one of its replies.
pub(crate) async fn reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<PostForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let parent = form.parent_id.trim().parse::<i64>().ok();
    let warning = warning_of(&form.content_warning);
    let errors = match discussions::reply(&ctx, &s.viewer, id, parent, &form.body, warning).await {
        Ok(r) => return Ok(see_other(&format!("/discussions/{id}#reply-{}", r.id), Some("replied"))),
        Err(e) => form_refusal(&v, e, "body")?,
    };
    let draft = Draft { body: form.body, content_warning: form.content_warning };
    thread_page(&ctx, &v, id, ThreadQuery { reply_to: parent, page: None }, draft, errors).await
}

/// The edit form for a discussion (with title) or a reply.
#[derive(Template)]
#[template(path = "post_edit.html")]
pub(crate) struct EditPage {
    pub c: Chrome,
    /// Where the form posts.
    pub action: String,
    /// Where "cancel" goes.
    pub back: String,
    /// `Some` for discussions.
    pub title: Option<String>,
    pub body: String,
    pub content_warning: String,
    pub errors: Errors,
}

/// `GET /discussions/{id}/edit`.
pub(crate) async fn edit_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    v.require()?;
    let t = browse::thread(&ctx, v.viewer(), id, guildhall_app::page(None, Some(1))).await.or_page(&v)?;
    if !t.actions.edit {
        return Err(PageError::app(&v, guildhall_domain::Denied::AuthorOnly.into()));
    }
    let d = t.discussion;
    let page = EditPage {
        c: v.chrome(),
        action: format!("/discussions/{id}/edit"),
        back: format!("/discussions/{id}"),
        title: Some(d.title),
        body: d.body,
        content_warning: d.extras.spoiler_text,
        errors: Errors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /discussions/{id}/edit`.
pub(crate) async fn edit(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<PostForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let warning = Some(warning_of(&form.content_warning));
    let errors = match discussions::update(&ctx, &s.viewer, id, Some(&form.title), Some(&form.body), warning).await {
        Ok(_) => return Ok(see_other(&format!("/discussions/{id}"), Some("edited"))),
        Err(e) => form_refusal(&v, e, "body")?,
    };
    let page = EditPage {
        c: v.chrome(),
        action: format!("/discussions/{id}/edit"),
        back: format!("/discussions/{id}"),
        title: Some(form.title),
        body: form.body,
        content_warning: form.content_warning,
        errors,
    };
    Ok(render_form(&page.errors.clone(), &page))
}

/// `GET /replies/{id}/edit`.
pub(crate) async fn edit_reply_form(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let (r, actions) = browse::reply(&ctx, &s.viewer, id).await.or_page(&v)?;
    if !actions.edit {
        return Err(PageError::app(&v, guildhall_domain::Denied::AuthorOnly.into()));
    }
    let page = EditPage {
        c: v.chrome(),
        action: format!("/replies/{id}/edit"),
        back: format!("/discussions/{}#reply-{id}", r.discussion_id),
        title: None,
        body: r.body,
        content_warning: r.extras.spoiler_text,
        errors: Errors::default(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /replies/{id}/edit`.
pub(crate) async fn edit_reply(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<PostForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let warning = Some(warning_of(&form.content_warning));
    let errors = match discussions::update_reply(&ctx, &s.viewer, id, &form.body, warning).await {
        Ok(r) => return Ok(see_other(&format!("/discussions/{}#reply-{id}", r.discussion_id), Some("edited"))),
        Err(e) => form_refusal(&v, e, "body")?,
    };
    let back = match browse::reply(&ctx, &s.viewer, id).await {
        Ok((r, _)) => format!("/discussions/{}#reply-{id}", r.discussion_id),
        Err(e) => return Err(PageError::app(&v, e)),
    };
    let page = EditPage {
        c: v.chrome(),
        action: format!("/replies/{id}/edit"),
        back,
        title: None,
        body: form.body,
        content_warning: form.content_warning,
        errors,
    };
    Ok(render_form(&page.errors.clone(), &page))
}

/// `POST /discussions/{id}/poll`: the viewer's vote (`choice` once per chosen option).
pub(crate) async fn vote_in_poll(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, PageError> {
    let pairs = v.form(form)?;
    let given = pairs.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str()).unwrap_or("");
    let s = v.authorize(given)?;
    let choices: Vec<usize> =
        pairs.iter().filter(|(k, _)| k == "choice").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let errors = if choices.is_empty() {
        Errors::one("poll-option-0", v.lang.t("error-poll-choose"))
    } else {
        match guildhall_app::polls::vote(&ctx, &s.viewer, id, &choices).await {
            Ok(_) => return Ok(see_other(&format!("/discussions/{id}#poll"), Some("voted"))),
            Err(e) => match form_error(v.lang, &e, "poll-option-0") {
                Some(mut errors) => {
                    for e in &mut errors.list {
                        e.field = "poll-option-0".into();
                    }
                    errors
                }
                None => return Err(PageError::app(&v, e)),
            },
        }
    };
    thread_page(&ctx, &v, id, ThreadQuery::default(), Draft::default(), errors).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: i64, depth: i32) -> (ReplyView, PostActions) {
        let now = chrono::Utc::now();
        let r = ReplyView {
            ap_id: None,
            id,
            discussion_id: 1,
            parent_id: None,
            depth,
            author: guildhall_app::views::AuthorView { id: 1, username: "a".into(), display_name: "A".into() },
            body: String::new(),
            body_html: String::new(),
            deleted: false,
            score: 0,
            upvotes: 0,
            downvotes: 0,
            created_at: now,
            edited_at: None,
            extras: Default::default(),
        };
        (r, PostActions::default())
    }

    fn markup(rows: &[ReplyRow]) -> String {
        let mut s = String::new();
        for r in rows {
            s.push_str(&"<ol>".repeat(r.opens));
            s.push_str(&format!("<li>{}", r.r.id));
            if r.leaf {
                s.push_str("</li>");
                s.push_str(&"</ol></li>".repeat(r.closes));
                if r.end {
                    s.push_str("</ol>");
                }
            }
        }
        s
    }

    #[test]
    fn nests_replies_into_valid_lists() {
        let rows = nest(vec![reply(1, 0), reply(2, 1), reply(3, 2), reply(4, 0), reply(5, 1)]);
        let html = markup(&rows);
        assert_eq!(html, "<ol><li>1<ol><li>2<ol><li>3</li></ol></li></ol></li><li>4<ol><li>5</li></ol></li></ol>");
    }
}
