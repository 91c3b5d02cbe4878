//! When a local poll's close was announced to other servers (`Update{Question}` with the final
//! counts); none: not yet, or the poll has not closed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Polls {
    Table,
    CloseAnnouncedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite adds one column at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Polls::Table)
                    .add_column(timestamp_with_time_zone_null(Polls::CloseAnnouncedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Polls::Table).drop_column(Polls::CloseAnnouncedAt).to_owned()).await
    }
}
