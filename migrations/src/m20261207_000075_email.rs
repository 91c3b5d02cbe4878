//! Email: a durable queue of outgoing messages (so an SMTP outage loses nothing and a
//! restart sends nothing twice) and single-use password reset tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailMessages {
    Table,
    Id,
    ToAddress,
    Subject,
    TextBody,
    HtmlBody,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    LeasedUntil,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    Id,
    AccountId,
    Email,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
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
                    .table(EmailMessages::Table)
                    .col(big_pk_auto(EmailMessages::Id))
                    .col(string(EmailMessages::ToAddress))
                    .col(string(EmailMessages::Subject))
                    .col(text(EmailMessages::TextBody))
                    .col(text(EmailMessages::HtmlBody))
                    .col(string(EmailMessages::Status))
                    .col(integer(EmailMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(EmailMessages::NextAttemptAt))
                    .col(text_null(EmailMessages::LastError))
                    .col(timestamp_with_time_zone_null(EmailMessages::LeasedUntil))
                    .col(timestamp_with_time_zone(EmailMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(EmailMessages::SentAt))
                    .to_owned(),
            )
            .await?;
        // The worker's query: due messages still to send.
        manager
            .create_index(
                Index::create()
                    .name("idx_email_messages_due")
                    .table(EmailMessages::Table)
                    .col(EmailMessages::Status)
                    .col(EmailMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PasswordResets::Table)
                    .col(big_pk_auto(PasswordResets::Id))
                    .col(big_integer(PasswordResets::AccountId))
                    .col(string(PasswordResets::Email))
                    .col(string_uniq(PasswordResets::TokenHash))
                    .col(timestamp_with_time_zone(PasswordResets::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResets::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResets::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PasswordResets::Table, PasswordResets::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The hourly allowance counts an address's recent requests.
        manager
            .create_index(
                Index::create()
                    .name("idx_password_resets_email")
                    .table(PasswordResets::Table)
                    .col(PasswordResets::Email)
                    .col(PasswordResets::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PasswordResets::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(EmailMessages::Table).to_owned()).await
    }
}
