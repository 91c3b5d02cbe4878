//! HTTP-level tests of the HTML pages, all in one test binary (`it`) with one module per file, so the whole stack is
//! linked once rather than once per file. One file's tests:
//! `cargo test -p guildhall-web --test it community_pages::`; one test: add its name.

mod account_pages;
mod admin_pages;
mod common;
mod community_pages;
mod content_warning_pages;
mod discussion_pages;
mod email_pages;
mod event_pages;
mod extras_pages;
mod guild_pages;
mod i18n_pages;
mod map_pages;
mod moderation_pages;
mod notification_pages;
mod notify_settings_pages;
mod oauth_pages;
mod pages;
mod poll_pages;
mod search;
mod sign_in_backoff;
mod wiki_pages;
