//! HTTP-level tests of the Mastodon client API against a real router and database.

// The API crate's harness: a real router on a fresh database, driven in-process.
#[path = "../../../api/tests/it/common/mod.rs"]
mod common;

mod content_warnings;
mod event_statuses;
mod follows;
mod helpers;
mod interactions;
mod m_accounts;
mod m_leaks;
mod m_search;
mod m_statuses;
mod m_timelines;
mod mastodon;
mod notification_kinds;
mod notifications;
mod notify_follow;
mod oauth;
mod oauth_refusals;
mod polls;
mod site;
mod smoke;
mod streaming;
mod streaming_live;
mod viewers;
