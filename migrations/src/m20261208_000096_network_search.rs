//! Network search opt-out: whether this instance answers other Guildhall instances' public
//! search requests and asks them in turn (on by default, as the directory listing is).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    NetworkSearch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .add_column(boolean(InstanceSettings::NetworkSearch).default(true))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(InstanceSettings::Table).drop_column(InstanceSettings::NetworkSearch).to_owned(),
            )
            .await
    }
}
