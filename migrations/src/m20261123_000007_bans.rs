//! Community bans: a reason and an optional expiry on the banned membership.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Memberships {
    Table,
    BanReason,
    BanExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Memberships::Table).add_column(text_null(Memberships::BanReason)).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Memberships::Table)
                    .add_column(timestamp_with_time_zone_null(Memberships::BanExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Memberships::BanExpiresAt, Memberships::BanReason] {
            manager.alter_table(Table::alter().table(Memberships::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
