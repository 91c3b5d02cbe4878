//! Why an outbox intent could not be turned into activities: `error` is the last failure's
//! reason and `attempts` how many rounds failed. A transient failure (the database was busy or
//! away) leaves the intent pending for the next round; a permanent one is marked processed with
//! its reason, and admins see it. Nothing accepted is dropped without a trace.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Error,
    Attempts,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite adds one column at a time.
        manager
            .alter_table(Table::alter().table(Outbox::Table).add_column(text_null(Outbox::Error)).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(Outbox::Table).add_column(integer(Outbox::Attempts).default(0)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Outbox::Table).drop_column(Outbox::Attempts).to_owned()).await?;
        manager.alter_table(Table::alter().table(Outbox::Table).drop_column(Outbox::Error).to_owned()).await
    }
}
