//! Database migrations, one file per migration, run by `guildhall migrate` and at start-up.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_accounts;
mod m20261123_000002_communities;
mod m20261123_000003_discussions;
mod m20261123_000004_federation;
mod m20261123_000005_votes;
mod m20261123_000006_federation_policy;
mod m20261123_000007_bans;
mod m20261123_000008_community_admission;
mod m20261123_000009_members_only;
mod m20261123_000010_limited_instances;
mod m20261123_000011_account_language;
mod m20261123_000012_events;
mod m20261123_000013_polls;
mod m20261123_000014_wiki;
mod m20261123_000015_account_time_zone;
mod m20261123_000016_guilds;
mod m20261123_000017_network_map;
mod m20261123_000018_poll_close_announced;
mod m20261123_000019_wiki_edit_refusals;
mod m20261123_000020_event_replies;
mod m20261123_000021_notifications;
mod m20261207_000022_outbox_errors;
mod m20261207_000030_post_extras;
mod m20261207_000040_inbound_counts;
mod m20261207_000041_reports;
mod m20261207_000050_instance_software;
mod m20261207_000051_remote_follower_count;
mod m20261207_000060_event_votes;
mod m20261207_000070_oauth;
mod m20261207_000071_bookmarks;
mod m20261207_000072_markers;
mod m20261207_000074_notification_subjects;
mod m20261207_000075_email;
mod m20261207_000076_notify_levels;
mod m20261207_000077_thread_mutes;
mod m20261207_000080_email_settings;
mod m20261207_000081_notification_emailed;
mod m20261207_000082_email_unsubscribe;
mod m20261207_000085_event_reminders;
mod m20261207_000090_email_confirmation;
mod m20261208_000095_search;

/// Every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let every: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261123_000001_accounts::Migration),
            Box::new(m20261123_000002_communities::Migration),
            Box::new(m20261123_000003_discussions::Migration),
            Box::new(m20261123_000004_federation::Migration),
            Box::new(m20261123_000005_votes::Migration),
            Box::new(m20261123_000006_federation_policy::Migration),
            Box::new(m20261123_000007_bans::Migration),
            Box::new(m20261123_000008_community_admission::Migration),
            Box::new(m20261123_000009_members_only::Migration),
            Box::new(m20261123_000010_limited_instances::Migration),
            Box::new(m20261123_000011_account_language::Migration),
            Box::new(m20261123_000012_events::Migration),
            Box::new(m20261123_000013_polls::Migration),
            Box::new(m20261123_000014_wiki::Migration),
            Box::new(m20261123_000015_account_time_zone::Migration),
            Box::new(m20261123_000016_guilds::Migration),
            Box::new(m20261123_000017_network_map::Migration),
            Box::new(m20261123_000018_poll_close_announced::Migration),
            Box::new(m20261123_000019_wiki_edit_refusals::Migration),
            Box::new(m20261123_000020_event_replies::Migration),
            Box::new(m20261123_000021_notifications::Migration),
            Box::new(m20261207_000022_outbox_errors::Migration),
            Box::new(m20261207_000030_post_extras::Migration),
            Box::new(m20261207_000040_inbound_counts::Migration),
            Box::new(m20261207_000041_reports::Migration),
            Box::new(m20261207_000050_instance_software::Migration),
            Box::new(m20261207_000051_remote_follower_count::Migration),
            Box::new(m20261207_000060_event_votes::Migration),
            Box::new(m20261207_000070_oauth::Migration),
            Box::new(m20261207_000071_bookmarks::Migration),
            Box::new(m20261207_000072_markers::Migration),
            Box::new(m20261207_000074_notification_subjects::Migration),
            Box::new(m20261207_000075_email::Migration),
            Box::new(m20261207_000076_notify_levels::Migration),
            Box::new(m20261207_000077_thread_mutes::Migration),
            Box::new(m20261207_000080_email_settings::Migration),
            Box::new(m20261207_000081_notification_emailed::Migration),
            Box::new(m20261207_000082_email_unsubscribe::Migration),
            Box::new(m20261207_000085_event_reminders::Migration),
            Box::new(m20261207_000090_email_confirmation::Migration),
            Box::new(m20261208_000095_search::Migration),
        ];
        every.into_iter().map(|migration| Box::new(Atomic(migration)) as Box<dyn MigrationTrait>).collect()
    }
}

/// One migration applied in one transaction with its record in `seaql_migrations`, on every
/// backend. sea-orm-migration wraps only PostgreSQL's by default; on SQLite a server killed
/// between two statements of a migration left it half-applied and unrecorded, and every
/// later start then failed ("table … already exists"). SQLite's DDL is transactional.
struct Atomic(Box<dyn MigrationTrait>);

impl MigrationName for Atomic {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Atomic {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
