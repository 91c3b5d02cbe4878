//! HTTP-level tests of the Mastodon client API against a real router and database.

mod common;
mod oauth;
mod oauth_refusals;
