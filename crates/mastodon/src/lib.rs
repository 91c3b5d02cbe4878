//! The Mastodon client API (`/api/v1`, `/api/v2`, `/oauth`), so that Mastodon apps can use a
//! Guildhall instance: communities and guilds are group accounts, discussions and replies are
//! statuses. Handlers parse Mastodon's wire habits and call `guildhall_app` use cases; the
//! shapes are Mastodon's own (see `docs/mastodon-api.md`).

pub mod auth;
pub mod body;
pub mod error;
pub mod ids;

mod accounts;
pub mod entities;
mod follows;
pub mod instance;
mod interactions;
mod legacy;
mod markers;
mod notifications;
mod oauth;
pub mod paging;
mod polls;
pub mod render;
mod search;
mod statuses;
mod streaming;
mod timelines;

use axum::Router;
use guildhall_app::AppContext;

pub use error::MastoError;

/// The Mastodon API's routes (state still to be provided).
pub fn router() -> Router<AppContext> {
    let router = Router::new().merge(legacy::routes());
    let router = router.merge(instance::routes());
    let router = router.merge(markers::routes());
    let router = router.merge(oauth::routes());
    let router = router.merge(accounts::routes());
    let router = router.merge(statuses::routes());
    let router = router.merge(timelines::routes());
    let router = router.merge(search::routes());
    let router = router.merge(follows::routes());
    let router = router.merge(interactions::routes());
    let router = router.merge(polls::routes());
    let router = router.merge(notifications::routes());
    router.merge(streaming::routes())
}
