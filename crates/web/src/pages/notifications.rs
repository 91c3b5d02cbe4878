//! `/notifications`: the signed-in member's notifications, each phrased in the page language
//! from its kind, and a button to mark them all read.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::notifications::{self, Kind, NotificationList, NotificationView};
use guildhall_app::{AppContext, page};

use super::{OrPage, PageError, PageQuery, TokenForm, render, see_other};
use crate::visit::{Chrome, Visit};

/// `GET /notifications`.
#[derive(Template)]
#[template(path = "notifications.html")]
pub(crate) struct NotificationsPage {
    pub c: Chrome,
    pub list: NotificationList,
}

impl NotificationsPage {
    /// The sentence for one notification, in the page language; kinds this version does not
    /// know (written by a newer one) get a generic sentence rather than a message id.
    fn sentence(&self, n: &NotificationView) -> String {
        match Kind::parse(&n.kind) {
            Some(k) => self.c.ts(&format!("notification-{}", k.as_str()), "title", &n.title),
            None => self.c.ts("notification-other", "title", &n.title),
        }
    }
}

/// `GET /notifications`: newest first, paged.
pub(crate) async fn list(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let s = v.require()?;
    let list = notifications::list(&ctx, &s.viewer, page(q.page, None)).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &NotificationsPage { c: v.chrome(), list }))
}

/// `POST /notifications/read`: marks them all read.
pub(crate) async fn read_all(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    notifications::mark_all_read(&ctx, &s.viewer).await.or_page(&v)?;
    Ok(see_other("/notifications", Some("notifications-read")))
}
