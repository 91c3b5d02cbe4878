//! The home page and the community directory (with following remote communities).

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::views::{CommunityView, DiscussionView};
use guildhall_app::{AppContext, browse, communities};
use serde::Deserialize;

use super::{OrPage, PageError, community_path, render, see_other};
use crate::forms::Errors;
use crate::visit::{Chrome, Visit, encode};

/// `GET /`: signed in, the member's communities and their latest discussions; signed out,
/// what Guildhall is and the first communities.
#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    pub c: Chrome,
    pub mine: Vec<CommunityView>,
    pub latest: Vec<(String, DiscussionView)>,
    /// The member's upcoming events, across their communities.
    pub events: Vec<guildhall_app::events::EventView>,
    pub communities: Vec<CommunityView>,
}

/// `GET /`.
pub(crate) async fn home(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    let mut page =
        HomePage { c: v.chrome(), mine: Vec::new(), latest: Vec::new(), events: Vec::new(), communities: Vec::new() };
    if let Some(viewer) = v.viewer() {
        let mine = browse::my_communities(&ctx, viewer).await.or_page(&v)?;
        page.latest = browse::latest_discussions(&ctx, viewer, &mine, 10).await.or_page(&v)?;
        page.mine = mine;
        page.events =
            guildhall_app::events::mine(&ctx, viewer, guildhall_app::page(Some(1), Some(5))).await.or_page(&v)?.items;
    } else {
        page.communities =
            communities::list(&ctx, None, guildhall_app::page(Some(1), Some(20))).await.or_page(&v)?.items;
    }
    Ok(render(StatusCode::OK, &page))
}

/// `GET /communities`: search, topic filter and the follow form.
#[derive(Template)]
#[template(path = "directory.html")]
pub(crate) struct DirectoryPage {
    pub c: Chrome,
    pub q: String,
    pub tag: String,
    pub tags: Vec<String>,
    pub communities: Vec<CommunityView>,
    pub page: u64,
    pub has_more: bool,
    pub follow: String,
    pub errors: Errors,
}

impl DirectoryPage {
    /// The query string for another page of the same search.
    fn page_link(&self, page: u64) -> String {
        format!("/communities?q={}&tag={}&page={page}", encode(&self.q), encode(&self.tag))
    }
}

/// The directory's query string.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DirectoryQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    page: Option<u64>,
}

async fn directory_page(
    ctx: &AppContext,
    v: &Visit,
    q: DirectoryQuery,
    follow: String,
    errors: Errors,
) -> Result<Response, PageError> {
    let page = guildhall_app::page(q.page, Some(20));
    let (list, tags) = browse::directory(ctx, v.viewer(), &q.q, &q.tag, page).await.or_page(v)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = DirectoryPage {
        c: v.chrome(),
        q: q.q,
        tag: q.tag,
        tags,
        communities: list.items,
        page: list.page,
        has_more: list.has_more,
        follow,
        errors,
    };
    Ok(render(status, &page))
}

/// `GET /communities`.
pub(crate) async fn directory(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<DirectoryQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    directory_page(&ctx, &v, q, String::new(), Errors::default()).await
}

/// The follow form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FollowForm {
    #[serde(default)]
    handle: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /follow`: finds `@name@domain` or a URL (fetching it from its server
/// when needed), then shows its page, where the member can join.
pub(crate) async fn follow(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<FollowForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    v.authorize(&form.csrf_token)?;
    let query = form.handle.trim().to_owned();
    let fail = |key: &str| Errors::one("handle", v.lang.t(key));
    let errors = if query.is_empty() {
        fail("follow-error-empty")
    } else if ctx.has_network() {
        match guildhall_app::remote::resolve_community(&ctx, &query).await {
            Ok(c) => {
                let handle = if c.domain.is_empty() { c.name } else { format!("{}@{}", c.name, c.domain) };
                return Ok(see_other(&community_path(&handle), Some("found")));
            }
            Err(guildhall_app::Error::BadAddress(_)) => fail("follow-error-format"),
            Err(guildhall_app::Error::NotFound(_)) => fail("follow-error-not-found"),
            Err(guildhall_app::Error::Remote(why)) => {
                tracing::info!(error = %why, "remote lookup failed");
                Errors::one("handle", v.lang.ts("follow-error-remote", "detail", &why))
            }
            Err(e) => {
                tracing::info!(error = %e, "remote lookup failed");
                fail("follow-error-unreachable")
            }
        }
    } else {
        // Without federation (some tests), only this instance's communities can be found.
        let local = query.trim_start_matches(['@', '!']);
        match communities::find(&ctx, local).await {
            Ok(Some(c)) if c.domain.is_empty() => return Ok(see_other(&community_path(&c.name), Some("found"))),
            Ok(_) => fail("follow-error-unreachable"),
            Err(e) => return Err(PageError::app(&v, e)),
        }
    };
    directory_page(&ctx, &v, DirectoryQuery::default(), query, errors).await
}
