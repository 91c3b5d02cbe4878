//! HTTP-level tests of the JSON API, all in one test binary (`it`) with one module per file, so the whole stack is
//! linked once rather than once per file. One file's tests:
//! `cargo test -p guildhall-api --test it communities::`; one test: add its name.

mod accounts;
mod admin;
mod bans;
mod common;
mod communities;
mod content_warnings;
mod directory;
mod discussions;
mod email_notify;
mod events;
mod guilds;
mod language;
mod limited;
mod map_crawl;
mod members_only;
mod notifications;
mod notify_kinds;
mod notify_more;
mod notify_prefs;
mod openapi;
mod polls;
mod search_engine;
mod sign_in_backoff;
mod smoke;
mod time_zone;
mod wiki;
