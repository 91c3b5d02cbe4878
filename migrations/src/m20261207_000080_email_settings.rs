//! Per-member email settings (delivery mode, kinds off, quiet hours, when the last digests
//! went out) and the instance's secret for unsubscribe links.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailSettings {
    Table,
    AccountId,
    Mode,
    KindsOff,
    QuietStart,
    QuietEnd,
    LastDigestAt,
    LastModeratorDigestAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EmailSecrets {
    Table,
    Id,
    Secret,
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
                    .table(EmailSettings::Table)
                    .col(big_integer(EmailSettings::AccountId).primary_key())
                    .col(string(EmailSettings::Mode))
                    .col(text(EmailSettings::KindsOff))
                    .col(string_null(EmailSettings::QuietStart))
                    .col(string_null(EmailSettings::QuietEnd))
                    .col(timestamp_with_time_zone_null(EmailSettings::LastDigestAt))
                    .col(timestamp_with_time_zone_null(EmailSettings::LastModeratorDigestAt))
                    .col(timestamp_with_time_zone(EmailSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailSettings::Table, EmailSettings::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailSecrets::Table)
                    .col(integer(EmailSecrets::Id).primary_key())
                    .col(string(EmailSecrets::Secret))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EmailSecrets::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(EmailSettings::Table).to_owned()).await
    }
}
