//! sea-orm entities, one per table (hand-written; see `migrations/` for the schema).

pub mod account;
pub mod activity;
pub mod actor_name;
pub mod community;
pub mod delivery;
pub mod discussion;
pub mod instance_settings;
pub mod invite;
pub mod membership;
pub mod outbox;
pub mod remote_instance;
pub mod reply;
pub mod session;
pub mod vote;
