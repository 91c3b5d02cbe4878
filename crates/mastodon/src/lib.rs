//! The Mastodon client API (`/api/v1`, `/api/v2`, `/oauth`), so that Mastodon apps can use a
//! Guildhall instance: communities and guilds are group accounts, discussions and replies are
//! statuses. Handlers parse Mastodon's wire habits and call `guildhall_app` use cases; the
//! shapes are Mastodon's own (see `docs/mastodon-api.md`).

pub mod auth;
pub mod body;
pub mod error;
pub mod ids;

pub mod entities;
mod follows;
mod interactions;
mod legacy;
mod notifications;
mod polls;
pub mod render;
mod streaming;

use axum::Router;
use guildhall_app::AppContext;

pub use error::MastoError;

/// The Mastodon API's routes (state still to be provided).
pub fn router() -> Router<AppContext> {
    Router::new()
        .merge(legacy::routes())
        .merge(follows::routes())
        .merge(interactions::routes())
        .merge(polls::routes())
        .merge(notifications::routes())
        .merge(streaming::routes())
}
