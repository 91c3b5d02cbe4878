//! `/notifications`: the signed-in member's notifications, each phrased in the page language
//! from its kind, and a button to mark them all read.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::notification_groups::{self, Filter};
use guildhall_app::notifications::{self, Kind, NotificationList, NotificationView};
use guildhall_app::{AppContext, page};
use serde::Deserialize;

use super::{OrPage, PageError, TokenForm, render, see_other};
use crate::visit::{Chrome, Visit};

/// `GET /notifications`.
#[derive(Template)]
#[template(path = "notifications.html")]
pub(crate) struct NotificationsPage {
    pub c: Chrome,
    pub list: NotificationList,
    /// The filter shown (`all`, `replies`, `requests`, `events`, `watched`).
    pub filter: Filter,
}

impl NotificationsPage {
    fn filters(&self) -> &'static [Filter] {
        Filter::ALL
    }

    /// A grouped line: "5 new replies in “title” in community (host)".
    fn group_sentence(&self, n: &NotificationView) -> String {
        let (community, host) =
            n.community.as_ref().map_or((n.title.as_str(), ""), |c| (c.title.as_str(), c.host.as_str()));
        let count = n.count.to_string();
        let id = match n.kind.as_str() {
            "reply" => "notification-group-reply",
            "mention" => "notification-group-mention",
            "favourite" => "notification-group-favourite",
            _ => "notification-group-other",
        };
        self.c.tm(id, &[("count", &count), ("title", &n.title), ("community", community), ("host", host)])
    }

    /// The sentence for one notification, in the page language: what happened, to what, by
    /// whom and where. Kinds this version does not know (written by a newer one) get a
    /// generic sentence rather than a message id.
    fn sentence(&self, n: &NotificationView) -> String {
        let Some(k) = Kind::parse(&n.kind) else { return self.c.ts("notification-other", "title", &n.title) };
        let someone = self.c.t("notification-someone");
        let actor = n.actor.as_ref().map_or(someone.as_str(), |a| a.display_name.as_str());
        // A community since deleted: its title as it was is all there is.
        let (community, host) =
            n.community.as_ref().map_or((n.title.as_str(), ""), |c| (c.title.as_str(), c.host.as_str()));
        let on_reply = n.post.as_ref().is_some_and(|p| p.reply_id.is_some());
        let id = match k {
            Kind::EventUpdated | Kind::EventCancelled | Kind::EventDeleted => {
                return self.c.ts(&format!("notification-{}", k.as_str()), "title", &n.title);
            }
            Kind::Reply if n.body == "reply" => "notification-reply-reply",
            Kind::Reply => "notification-reply-discussion",
            Kind::Mention if on_reply => "notification-mention-reply",
            Kind::Mention => "notification-mention-discussion",
            Kind::Favourite if on_reply => "notification-favourite-reply",
            Kind::Favourite => "notification-favourite-discussion",
            Kind::JoinRequest => "notification-join_request",
            Kind::JoinAccepted => "notification-join_accepted",
            Kind::JoinRefused => "notification-join_refused",
            Kind::PollClosed => "notification-poll_closed",
            Kind::NewDiscussion => "notification-new_discussion",
            Kind::NewEvent => "notification-new_event",
            Kind::EventReminder if n.body == "hour" => "notification-event_reminder-hour",
            Kind::EventReminder => "notification-event_reminder-day",
            Kind::GuildLinkRequested => "notification-guild_link_requested",
            Kind::GuildLinkAnswered if n.body == "accepted" => "notification-guild_link_accepted",
            Kind::GuildLinkAnswered => "notification-guild_link_refused",
            Kind::ModeratorLeft => "notification-moderator_left",
            Kind::Report => "notification-report",
        };
        self.c.tm(id, &[("actor", actor), ("title", &n.title), ("community", community), ("host", host)])
    }
}

/// `?filter=&page=` on the notifications page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    filter: String,
    page: Option<u64>,
}

/// `GET /notifications`: newest first, paged, filtered, consecutive ones about the same
/// discussion grouped.
pub(crate) async fn list(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let q = q.ok().map(|Query(q)| q).unwrap_or_default();
    let s = v.require()?;
    let filter = Filter::parse(&q.filter).unwrap_or_default();
    let list =
        notification_groups::list(&ctx, &s.viewer, page(q.page, None), filter.kinds(), true).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &NotificationsPage { c: v.chrome(), list, filter }))
}

/// `POST /notifications/{id}/read-group`: marks a grouped line read, all of it.
pub(crate) async fn read_group(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    notification_groups::mark_group_read(&ctx, &s.viewer, id).await.or_page(&v)?;
    Ok(see_other("/notifications", Some("notifications-read")))
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
