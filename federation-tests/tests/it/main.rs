//! Multi-instance federation scenarios, all in one test binary (`it`) with one module per file, so the whole stack is
//! linked once rather than once per file. One file's tests:
//! `cargo test -p federation-tests --test it leak_matrix::`; one test: add its name.

mod backfill_across;
mod bans_across;
mod changes_and_approval;
mod content_extras;
mod delivery_durability;
mod delivery_refusals;
mod discovery_and_ids;
mod email_reset;
mod events_across;
mod events_mobilizon;
mod events_votes;
mod faults_database;
mod faults_disk_full;
mod faults_hostile_peer;
mod faults_migration;
mod federation_policy;
mod follow_and_post;
mod guilds_across;
mod guilds_bad_input;
mod inbound_fixtures;
mod inbox_faults;
mod inbox_rfc9421;
mod inbox_security;
mod inbox_statuses;
mod instances;
mod interop_bovine;
mod interop_fedify;
mod key_rotation;
mod leak_matrix;
mod leak_matrix_mastodon;
mod map_crawl;
mod map_crawl_hostile;
mod mastodon_clients;
mod membership_bad_input;
mod moderation_shapes;
mod notifications_across;
mod page_shapes;
mod peer_shapes;
mod polls_across;
mod private_community;
mod reports_received;
mod resolve_addresses;
mod undo_shapes;
mod wiki_across;
