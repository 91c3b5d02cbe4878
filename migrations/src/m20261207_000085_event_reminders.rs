//! Which event reminders were sent: one row per event, person, reminder (`day` or `hour`) and
//! start time, written with the notification, so a second run or a second process sends
//! nothing twice, and an event moved to a later time reminds again for its new time.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventReminders {
    Table,
    Id,
    EventId,
    AccountId,
    Which,
    StartsAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventReminders::Table)
                    .col(big_pk_auto(EventReminders::Id))
                    .col(big_integer(EventReminders::EventId))
                    .col(big_integer(EventReminders::AccountId))
                    .col(string_len(EventReminders::Which, 8))
                    .col(timestamp_with_time_zone(EventReminders::StartsAt))
                    .col(timestamp_with_time_zone(EventReminders::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventReminders::Table, EventReminders::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventReminders::Table, EventReminders::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Once per event, person, reminder and start time: the job's idempotence rests on it.
        manager
            .create_index(
                Index::create()
                    .name("idx_event_reminders_once")
                    .table(EventReminders::Table)
                    .col(EventReminders::EventId)
                    .col(EventReminders::Which)
                    .col(EventReminders::StartsAt)
                    .col(EventReminders::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EventReminders::Table).to_owned()).await
    }
}
