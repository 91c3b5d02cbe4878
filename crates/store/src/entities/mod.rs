//! sea-orm entities, one per table (hand-written; see `migrations/` for the schema).

pub mod account;
pub mod activity;
pub mod actor_name;
pub mod calendar_token;
pub mod community;
pub mod delivery;
pub mod discussion;
pub mod event;
pub mod event_participant;
pub mod event_settings;
pub mod guild_link;
pub mod instance_settings;
pub mod invite;
pub mod membership;
pub mod outbox;
pub mod poll;
pub mod poll_option;
pub mod poll_vote;
pub mod remote_instance;
pub mod reply;
pub mod session;
pub mod vote;
pub mod wiki_page;
pub mod wiki_revision;
pub mod wiki_setting;
