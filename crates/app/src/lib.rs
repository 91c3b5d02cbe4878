//! Use cases: registration, sessions, communities, membership and discussions. Each use case
//! takes the acting `Viewer`, asks `guildhall_domain` policies for permission, and writes
//! through `guildhall_store` in one transaction. Web, API, CLI and (later) federation all
//! call these same functions.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod bans;
pub mod browse;
pub mod communities;
mod context;
pub mod directory;
pub mod discussions;
pub mod email;
pub mod email_confirmation;
pub mod email_settings;
mod error;
pub mod event_pages;
pub mod events;
pub mod extras_view;
pub mod federation;
pub mod guilds;
pub mod inbound;
pub mod interactions;
pub mod live;
pub mod lookup;
pub mod mail;
pub mod mail_phrases;
pub mod map;
pub mod map_crawl;
pub mod markdown;
pub mod markers;
pub mod membership;
pub mod network;
pub mod network_search;
pub mod notification_groups;
pub mod notifications;
pub mod notify_email;
pub mod notify_prefs;
mod notifying;
pub mod oauth;
pub mod outbox;
pub mod password_reset;
pub mod polls;
pub mod posts;
pub mod proposals;
pub mod receipt;
pub mod remote;
pub mod remote_changes;
pub mod reports;
pub mod schedule;
pub mod search;
mod search_engine;
pub mod search_index;
pub mod search_request;
pub mod sign_in_guard;
pub mod timelines;
pub mod urls;
pub mod views;
pub mod votes;
pub mod wiki;
pub mod wiki_remote;

pub use context::{AppContext, InstanceInfo, KEY_REFETCH_INTERVAL, RemoteKey};
pub use error::{Error, Result};
pub use guildhall_store::Outage;
pub use guildhall_store::Page;
pub use guildhall_store::events::When;

/// Stored rows that use cases return as they are.
pub mod entities {
    pub use guildhall_store::entities::{
        account, activity, community, delivery, discussion, event, event_participant, event_reply, guild_link,
        map_instance, membership, remote_instance, reply, wiki_page, wiki_revision,
    };
}

/// The signed-in account acting in a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// Account id.
    pub account_id: i64,
    /// Username.
    pub username: String,
    /// Instance admin?
    pub is_admin: bool,
}

/// Highest page number served (deeper pages are empty anyway; this keeps offsets sane).
pub const MAX_PAGE_NUMBER: u64 = 1_000_000;

/// Largest page size a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Builds a page from optional query values, clamped to sane bounds.
pub fn page(number: Option<u64>, limit: Option<u64>) -> Page {
    Page { number: number.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER), limit: limit.unwrap_or(20).clamp(1, MAX_PAGE_SIZE) }
}
