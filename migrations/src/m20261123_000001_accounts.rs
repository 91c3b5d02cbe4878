//! Accounts, the shared name space, sessions, invites and instance settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ActorNames {
    Table,
    Name,
    Kind,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Username,
    Domain,
    ApId,
    InboxUrl,
    SharedInboxUrl,
    PublicKeyPem,
    PrivateKeyPem,
    FetchedAt,
    Email,
    PasswordHash,
    DisplayName,
    Bio,
    Department,
    Tags,
    IsAdmin,
    Status,
    RegistrationReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    AccountId,
    CsrfToken,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Invites {
    Table,
    Id,
    Code,
    CreatedBy,
    MaxUses,
    Uses,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    Id,
    RegistrationMode,
    EmailDomains,
    CommunityCreation,
    PublicKeyPem,
    PrivateKeyPem,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Users and communities share one name space: a name is claimed here first.
        manager
            .create_table(
                Table::create()
                    .table(ActorNames::Table)
                    .col(string(ActorNames::Name).primary_key())
                    .col(string(ActorNames::Kind))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(big_pk_auto(Accounts::Id))
                    .col(string(Accounts::Username))
                    // '' for local accounts; the remote host for federated ones.
                    .col(string(Accounts::Domain).default(""))
                    .col(string_null(Accounts::ApId).unique_key())
                    .col(string_null(Accounts::InboxUrl))
                    .col(string_null(Accounts::SharedInboxUrl))
                    .col(text_null(Accounts::PublicKeyPem))
                    .col(text_null(Accounts::PrivateKeyPem))
                    .col(timestamp_with_time_zone_null(Accounts::FetchedAt))
                    .col(string_null(Accounts::Email).unique_key())
                    .col(string(Accounts::PasswordHash))
                    .col(string(Accounts::DisplayName))
                    .col(text(Accounts::Bio))
                    .col(string(Accounts::Department))
                    .col(text(Accounts::Tags))
                    .col(boolean(Accounts::IsAdmin))
                    .col(string(Accounts::Status))
                    .col(text_null(Accounts::RegistrationReason))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_accounts_username_domain")
                    .table(Accounts::Table)
                    .col(Accounts::Username)
                    .col(Accounts::Domain)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_accounts_status").table(Accounts::Table).col(Accounts::Status).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(big_pk_auto(Sessions::Id))
                    .col(string_uniq(Sessions::TokenHash))
                    .col(big_integer(Sessions::AccountId))
                    .col(string(Sessions::CsrfToken))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_sessions_account").table(Sessions::Table).col(Sessions::AccountId).to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invites::Table)
                    .col(big_pk_auto(Invites::Id))
                    .col(string_uniq(Invites::Code))
                    .col(big_integer(Invites::CreatedBy))
                    .col(integer(Invites::MaxUses))
                    .col(integer(Invites::Uses))
                    .col(timestamp_with_time_zone_null(Invites::ExpiresAt))
                    .col(timestamp_with_time_zone(Invites::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invites::Table, Invites::CreatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(InstanceSettings::Table)
                    .col(integer(InstanceSettings::Id).primary_key())
                    .col(string(InstanceSettings::RegistrationMode))
                    .col(text(InstanceSettings::EmailDomains))
                    .col(string(InstanceSettings::CommunityCreation))
                    // The instance actor's keys, for signed fetches.
                    .col(text_null(InstanceSettings::PublicKeyPem))
                    .col(text_null(InstanceSettings::PrivateKeyPem))
                    .col(timestamp_with_time_zone(InstanceSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            InstanceSettings::Table.into_iden(),
            Invites::Table.into_iden(),
            Sessions::Table.into_iden(),
            Accounts::Table.into_iden(),
            ActorNames::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
