//! Helpers for Mastodon-API tests: an instance serving Guildhall's API, the Mastodon API and
//! the web pages, as the binary does.

#![allow(dead_code)]

use axum::Router;
use guildhall_app::AppContext;

use crate::common::TestApp;

/// Every route a browser or an app reaches on the binary (without its middleware).
pub fn routes() -> Router<AppContext> {
    guildhall_api::router().merge(guildhall_mastodon::router()).merge(guildhall_web::router())
}

/// A fresh instance with the Mastodon API.
pub async fn instance() -> TestApp {
    TestApp::with_routes(routes).await
}

/// A fresh instance with the Mastodon API and the federation layer.
pub async fn federated() -> TestApp {
    TestApp::federated_with(routes).await
}
