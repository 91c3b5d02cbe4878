//! The instance's federation policy: open, blocklist or allowlist, and its list of domains.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    FederationMode,
    FederationDomains,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE takes one change at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .add_column(string(InstanceSettings::FederationMode).default("open"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .add_column(text(InstanceSettings::FederationDomains).default("[]"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [InstanceSettings::FederationDomains, InstanceSettings::FederationMode] {
            manager.alter_table(Table::alter().table(InstanceSettings::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
