//! Each account's time zone (an IANA name such as `Europe/Paris`; none: event times in UTC).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    TimeZone,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite adds one column at a time.
        manager
            .alter_table(Table::alter().table(Accounts::Table).add_column(string_null(Accounts::TimeZone)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Accounts::Table).drop_column(Accounts::TimeZone).to_owned()).await
    }
}
