//! HTTP-level tests of the Mastodon client API against a real router and database.

// The API crate's harness: a real router on a fresh database, driven in-process.
#[path = "../../../api/tests/it/common/mod.rs"]
mod common;

mod follows;
mod interactions;
mod mastodon;
mod notifications;
mod polls;
mod smoke;
mod streaming;
mod viewers;
