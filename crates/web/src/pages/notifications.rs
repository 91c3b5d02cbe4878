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
