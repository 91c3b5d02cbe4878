//! When a notification was handled by the immediate email job (sent, or decided never to
//! be), so two processes never email it twice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    EmailedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(timestamp_with_time_zone_null(Notifications::EmailedAt))
                    .to_owned(),
            )
            .await?;
        // The job's query: not yet emailed, old enough.
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_emailed")
                    .table(Notifications::Table)
                    .col(Notifications::EmailedAt)
                    .col(Notifications::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_notifications_emailed").table(Notifications::Table).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Notifications::Table).drop_column(Notifications::EmailedAt).to_owned())
            .await
    }
}
