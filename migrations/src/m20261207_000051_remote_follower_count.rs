//! A remote community's follower count as its server states it (the `totalItems` of its
//! followers collection), so a community on another server does not look empty here.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Communities {
    Table,
    RemoteFollowerCount,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Communities::Table)
                    .add_column(big_integer_null(Communities::RemoteFollowerCount))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Communities::Table).drop_column(Communities::RemoteFollowerCount).to_owned(),
            )
            .await
    }
}
