//! Limited instances: federated with, but kept out of public lists.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    LimitedDomains,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .add_column(text(InstanceSettings::LimitedDomains).default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(InstanceSettings::Table).drop_column(InstanceSettings::LimitedDomains).to_owned(),
            )
            .await
    }
}
