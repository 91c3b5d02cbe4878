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

use super::{PageQuery, TokenForm, app_error, render, see_other};
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
) -> Response {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let s = match v.require() {
        Ok(s) => s,
        Err(r) => return r,
    };
    match notifications::list(&ctx, &s.viewer, page(q.page, None)).await {
        Ok(list) => render(StatusCode::OK, &NotificationsPage { c: v.chrome(), list }),
        Err(e) => app_error(&v, e),
    }
}

/// `POST /notifications/read`: marks them all read.
pub(crate) async fn read_all(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = match v.authorize(&given) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match notifications::mark_all_read(&ctx, &s.viewer).await {
        Ok(_) => see_other("/notifications", Some("notifications-read")),
        Err(e) => app_error(&v, e),
    }
}
