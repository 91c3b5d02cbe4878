//! Server-rendered, accessible, bilingual (English/French) HTML pages for Guildhall.
//!
//! Handlers are thin adapters: they parse the request, call `guildhall_app` use cases and
//! render an askama template checked at compile time. Every response carries a strict
//! Content-Security-Policy (with the other security headers, in [`security`]); pages use no scripts, no inline styles and no third-party
//! resources, and every form works without JavaScript (Post/Redirect/Get, CSRF tokens,
//! errors next to fields and in a summary).
//!
//! | module | what it holds |
//! |---|---|
//! | `i18n` | English and French messages (Fluent), language choice, localised dates |
//! | `visit` | the per-request context: session, language, page chrome, CSRF checks |
//! | `forms` | form errors and refusals as messages in the page language |
//! | `pages::*` | one module per area: auth, home, community, discussion, events, guilds, wiki, moderation, account, notifications, admin |
//!
//! The router has no fallback so that the binary can merge it with other routers.

mod cookies;
mod forms;
mod i18n;
mod pages;
pub mod security;
mod visit;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use guildhall_app::AppContext;

pub use cookies::{CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};

use pages::{
    account, actions, admin, auth, community, discussion, email_links, email_settings, events, guilds, home, map,
    map_admin, moderation, notifications, notify_settings, oauth, password_reset, search, wiki,
};

/// The Content-Security-Policy sent with every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self'; img-src 'self' https:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The site stylesheet, served at `/static/style.css`.
pub const STYLESHEET: &str = include_str!("../static/style.css");

/// The web pages and the stylesheet.
pub fn router() -> Router<AppContext> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/password-reset", get(password_reset::request_form).post(password_reset::request))
        .route("/password-reset/confirm", get(password_reset::confirm_form).post(password_reset::confirm))
        .route("/email/confirm", get(email_links::confirm))
        .route("/email/cancel", get(email_links::cancel_form).post(email_links::cancel))
        .route("/email/resend", get(email_links::resend_form).post(email_links::resend))
        .route("/logout", post(auth::logout))
        .route("/signup", get(auth::signup_form).post(auth::signup))
        .route("/language", get(auth::language_link).post(auth::language))
        .route("/account", get(account::account).post(account::save))
        .route("/account/password", post(account::password))
        .route("/account/email-address", post(account::email))
        .route("/account/email", get(email_settings::show).post(email_settings::save))
        .route("/email/unsubscribe", get(email_settings::confirm_form).post(email_settings::one_click))
        .route("/account/calendar", post(account::calendar))
        .route("/account/apps/{id}/revoke", post(oauth::revoke))
        .route("/oauth/authorize", get(oauth::authorize_form).post(oauth::decide))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::read_all))
        .route("/notifications/{id}/read-group", post(notifications::read_group))
        .route("/account/notifications", get(notify_settings::settings))
        .route("/communities/{handle}/notifications", post(notify_settings::set_level))
        .route("/discussions/{id}/mute", post(notify_settings::mute))
        .route("/people/{username}", get(account::profile))
        .route("/communities", get(home::directory))
        .route("/create-community", get(community::new_form).post(community::create))
        .route("/follow", post(home::follow))
        .route("/communities/{handle}", get(community::show))
        .route("/communities/{handle}/join", get(community::join_form).post(community::join))
        .route("/communities/{handle}/leave", post(community::leave))
        .route("/communities/{handle}/settings", get(community::settings_form).post(community::save_settings))
        .route("/communities/{handle}/new", get(discussion::new_form).post(discussion::create))
        .route("/communities/{handle}/members", get(moderation::members))
        .route("/communities/{handle}/moderators", post(moderation::moderators))
        .route("/communities/{handle}/requests", get(moderation::requests).post(moderation::decide))
        .route("/communities/{handle}/bans", get(moderation::bans_list).post(moderation::ban))
        .route("/communities/{handle}/bans/lift", post(moderation::unban))
        .route("/communities/{handle}/reports", get(moderation::reports))
        .route("/communities/{handle}/events", get(events::list))
        .route("/communities/{handle}/events/new", get(events::new_form).post(events::create))
        .route("/communities/{handle}/calendar.ics", get(events::community_ics))
        .route("/communities/{handle}/wiki", get(wiki::list))
        .route("/communities/{handle}/wiki/new", get(wiki::new_form).post(wiki::create))
        .route("/communities/{handle}/wiki/{slug}", get(wiki::show))
        .route("/communities/{handle}/wiki/{slug}/edit", get(wiki::edit_form).post(wiki::edit))
        .route("/communities/{handle}/wiki/{slug}/history", get(wiki::history))
        .route("/communities/{handle}/wiki/{slug}/diff", get(wiki::diff))
        .route("/communities/{handle}/wiki/{slug}/restore", post(wiki::restore))
        .route("/communities/{handle}/wiki/{slug}/lock", post(wiki::lock))
        .route("/communities/{handle}/guilds", post(guilds::join))
        .route("/communities/{handle}/guilds/{guild}/accept", post(guilds::community_accept))
        .route("/communities/{handle}/guilds/{guild}/leave", post(guilds::community_leave))
        .route("/guilds", get(guilds::list))
        .route("/guilds/new", get(guilds::new_form).post(guilds::create))
        .route("/guilds/{handle}", get(guilds::show))
        .route("/guilds/{handle}/invite", post(guilds::invite))
        .route("/guilds/{handle}/communities/{community}/accept", post(guilds::accept))
        .route("/guilds/{handle}/communities/{community}/remove", post(guilds::remove))
        .route("/events/{id}", get(events::show))
        .route("/events/{id}/edit", get(events::edit_form).post(events::edit))
        .route("/events/{id}/cancel", post(events::cancel))
        .route("/events/{id}/delete", get(events::confirm_delete).post(events::delete))
        .route("/events/{id}/rsvp", post(events::rsvp_to))
        .route("/events/{id}/vote", post(actions::vote_event))
        .route("/events/{id}/attendees", post(events::decide))
        .route("/events/{id}/calendar.ics", get(events::event_ics))
        .route("/discussions/{id}", get(discussion::show))
        .route("/discussions/{id}/reply", post(discussion::reply))
        .route("/discussions/{id}/edit", get(discussion::edit_form).post(discussion::edit))
        .route("/discussions/{id}/delete", get(actions::confirm_delete).post(actions::delete))
        .route("/discussions/{id}/moderate", post(actions::moderate))
        .route("/discussions/{id}/vote", post(actions::vote))
        .route("/discussions/{id}/poll", post(discussion::vote_in_poll))
        .route("/replies/{id}/edit", get(discussion::edit_reply_form).post(discussion::edit_reply))
        .route("/replies/{id}/delete", get(actions::confirm_delete_reply).post(actions::delete_reply))
        .route("/replies/{id}/vote", post(actions::vote_reply))
        .route("/admin", get(admin::settings))
        .route("/admin/settings", post(admin::save_settings))
        .route("/admin/accounts", post(admin::decide_account))
        .route("/admin/invites", post(admin::invite))
        .route("/admin/federation", get(admin::federation).post(admin::save_federation))
        .route("/admin/instances", get(admin::instances))
        .route("/admin/map", get(map_admin::show).post(map_admin::save))
        .route("/admin/map/proposals", post(map_admin::decide))
        .route("/map", get(map::show))
        .route("/search", get(search::search))
        .route("/map/proposals", post(map::propose))
        .route("/static/style.css", get(stylesheet))
        .layer(axum::middleware::map_response(page_caching))
}

/// Serves the stylesheet.
async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
        .into_response()
}

/// HTML pages are never cached, since they may carry a CSRF token or the viewer's name. (The
/// security headers are added around the whole application: [`security`].)
async fn page_caching(mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    }
    response
}
