//! Notification settings in the web pages: the watch / normal / mute control of a community
//! page, "Mute this thread" on a discussion, and `/account/notifications`, listing the
//! communities set to watch or mute with a way to change each.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::AppContext;
use guildhall_app::notify_prefs::{self, CommunityLevel, NotifyLevel};
use serde::Deserialize;

use super::{OrPage, PageError, community_path, render, see_other};
use crate::visit::{Chrome, Visit};

/// The levels a form offers, in order.
pub(crate) const LEVELS: &[&str] = &["watch", "normal", "mute"];

/// `POST /communities/{handle}/notifications` (and from the settings page).
#[derive(Debug, Deserialize)]
pub(crate) struct LevelForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    level: String,
    /// `settings` to come back to `/account/notifications`.
    #[serde(default)]
    back: String,
}

/// `POST /communities/{handle}/notifications`: sets the viewer's level for the community.
pub(crate) async fn set_level(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(handle): Path<String>,
    form: Result<Form<LevelForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let set = notify_prefs::set_level(&ctx, &s.viewer, &handle, &form.level).await.or_page(&v)?;
    let back = if form.back == "settings" {
        "/account/notifications".to_owned()
    } else {
        community_path(&set.community.handle)
    };
    Ok(see_other(&back, Some("notify-level-saved")))
}

/// `POST /discussions/{id}/mute`.
#[derive(Debug, Deserialize)]
pub(crate) struct MuteForm {
    #[serde(default)]
    csrf_token: String,
    /// `true` to mute, anything else to unmute.
    #[serde(default)]
    muted: String,
}

/// `POST /discussions/{id}/mute`: mutes or unmutes the thread for the viewer.
pub(crate) async fn mute(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(id): Path<i64>,
    form: Result<Form<MuteForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let muted = form.muted == "true";
    notify_prefs::set_thread_muted(&ctx, &s.viewer, id, muted).await.or_page(&v)?;
    Ok(see_other(&format!("/discussions/{id}"), Some(if muted { "thread-muted" } else { "thread-unmuted" })))
}

/// `GET /account/notifications`.
#[derive(Template)]
#[template(path = "notification_settings.html")]
pub(crate) struct SettingsPage {
    pub c: Chrome,
    pub levels: Vec<CommunityLevel>,
}

impl SettingsPage {
    fn levels(&self) -> &'static [&'static str] {
        LEVELS
    }

    fn is(&self, l: &CommunityLevel, name: &str) -> bool {
        l.level.as_str() == name
    }
}

/// `GET /account/notifications`: the communities set to watch or mute.
pub(crate) async fn settings(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    let s = v.require()?;
    let levels = notify_prefs::levels(&ctx, &s.viewer).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &SettingsPage { c: v.chrome(), levels }))
}

/// The viewer's level for a community page, when they are signed in and may read it
/// (the control is shown only then).
pub(crate) async fn level_on_page(
    ctx: &AppContext,
    v: &Visit,
    community_id: i64,
    readable: bool,
) -> Option<NotifyLevel> {
    let s = v.signed.as_ref()?;
    if !readable {
        return None;
    }
    match notify_prefs::level_for(ctx, &s.viewer, community_id).await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "notification level not read");
            None
        }
    }
}

/// Whether the viewer muted a discussion (none when signed out).
pub(crate) async fn muted_on_page(ctx: &AppContext, v: &Visit, discussion_id: i64) -> Option<bool> {
    let s = v.signed.as_ref()?;
    match notify_prefs::muted_among(ctx, &s.viewer, &[discussion_id]).await {
        Ok(set) => Some(set.contains(&discussion_id)),
        Err(e) => {
            tracing::warn!(error = %e, "thread mute not read");
            None
        }
    }
}
