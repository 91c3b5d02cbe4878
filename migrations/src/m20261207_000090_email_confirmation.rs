//! Confirmed email addresses: when each account's address was confirmed, whether sign-up
//! needs it (an admin setting), and the single-use links that confirm an address at sign-up
//! or a change of address (with a link for the old address to call the change off).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Email,
    EmailConfirmedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    RequireEmailConfirmation,
}

#[derive(DeriveIden)]
enum EmailConfirmations {
    Table,
    Id,
    AccountId,
    Email,
    Purpose,
    TokenHash,
    CancelTokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    CancelledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Accounts::Table)
                    .add_column(timestamp_with_time_zone_null(Accounts::EmailConfirmedAt))
                    .to_owned(),
            )
            .await?;
        // Addresses given before confirmation existed count as confirmed: turning the
        // requirement on must not lock out the people already here.
        manager
            .exec_stmt(
                Query::update()
                    .table(Accounts::Table)
                    .value(Accounts::EmailConfirmedAt, Expr::col(Accounts::CreatedAt))
                    .and_where(Expr::col(Accounts::Email).is_not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .add_column(boolean(InstanceSettings::RequireEmailConfirmation).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EmailConfirmations::Table)
                    .col(big_pk_auto(EmailConfirmations::Id))
                    .col(big_integer(EmailConfirmations::AccountId))
                    .col(string(EmailConfirmations::Email))
                    .col(string(EmailConfirmations::Purpose))
                    .col(string_uniq(EmailConfirmations::TokenHash))
                    .col(string_null(EmailConfirmations::CancelTokenHash).unique_key())
                    .col(timestamp_with_time_zone(EmailConfirmations::CreatedAt))
                    .col(timestamp_with_time_zone(EmailConfirmations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EmailConfirmations::UsedAt))
                    .col(timestamp_with_time_zone_null(EmailConfirmations::CancelledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailConfirmations::Table, EmailConfirmations::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The hourly allowance counts an address's recent links.
        manager
            .create_index(
                Index::create()
                    .name("idx_email_confirmations_email")
                    .table(EmailConfirmations::Table)
                    .col(EmailConfirmations::Email)
                    .col(EmailConfirmations::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EmailConfirmations::Table).to_owned()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(InstanceSettings::Table)
                    .drop_column(InstanceSettings::RequireEmailConfirmation)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Accounts::Table).drop_column(Accounts::EmailConfirmedAt).to_owned())
            .await
    }
}
