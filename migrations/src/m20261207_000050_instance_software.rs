//! Which software each remote instance runs (from its NodeInfo), so each peer is sent only
//! the shapes it accepts: Lemmy, for one, refuses plain announces of objects.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InstanceSoftware {
    Table,
    Domain,
    Software,
    Version,
    CheckedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InstanceSoftware::Table)
                    .col(string(InstanceSoftware::Domain).primary_key())
                    // Empty when the instance serves no readable NodeInfo.
                    .col(string(InstanceSoftware::Software))
                    .col(string(InstanceSoftware::Version))
                    .col(timestamp_with_time_zone(InstanceSoftware::CheckedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(InstanceSoftware::Table).to_owned()).await
    }
}
