//! Where a person stopped reading each timeline (Mastodon's markers), so their apps on every
//! device open at the same place.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Markers {
    Table,
    AccountId,
    Timeline,
    LastReadId,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Markers::Table)
                    .col(big_integer(Markers::AccountId))
                    .col(string(Markers::Timeline))
                    .col(string(Markers::LastReadId))
                    .col(integer(Markers::Version))
                    .col(timestamp_with_time_zone(Markers::UpdatedAt))
                    .primary_key(Index::create().col(Markers::AccountId).col(Markers::Timeline))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Markers::Table, Markers::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Markers::Table).to_owned()).await
    }
}
