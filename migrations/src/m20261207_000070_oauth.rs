//! OAuth 2.0 for Mastodon apps: registered apps, authorization codes and access tokens.
//! Secrets, codes and tokens are kept as SHA-256 hashes only, like session tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OauthApps {
    Table,
    Id,
    ClientId,
    ClientSecretHash,
    Name,
    Website,
    RedirectUris,
    Scopes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OauthCodes {
    Table,
    Id,
    CodeHash,
    AppId,
    AccountId,
    RedirectUri,
    Scopes,
    CodeChallenge,
    CodeChallengeMethod,
    CreatedAt,
    ExpiresAt,
    Used,
}

#[derive(DeriveIden)]
enum OauthTokens {
    Table,
    Id,
    TokenHash,
    AppId,
    AccountId,
    CodeId,
    Scopes,
    CreatedAt,
    RevokedAt,
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
                    .table(OauthApps::Table)
                    .col(big_pk_auto(OauthApps::Id))
                    .col(string_uniq(OauthApps::ClientId))
                    .col(string(OauthApps::ClientSecretHash))
                    .col(string(OauthApps::Name))
                    .col(text_null(OauthApps::Website))
                    // Newline-separated, as Mastodon stores them.
                    .col(text(OauthApps::RedirectUris))
                    .col(string(OauthApps::Scopes))
                    .col(timestamp_with_time_zone(OauthApps::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthCodes::Table)
                    .col(big_pk_auto(OauthCodes::Id))
                    .col(string_uniq(OauthCodes::CodeHash))
                    .col(big_integer(OauthCodes::AppId))
                    .col(big_integer(OauthCodes::AccountId))
                    .col(text(OauthCodes::RedirectUri))
                    .col(string(OauthCodes::Scopes))
                    .col(string_null(OauthCodes::CodeChallenge))
                    .col(string_null(OauthCodes::CodeChallengeMethod))
                    .col(timestamp_with_time_zone(OauthCodes::CreatedAt))
                    .col(timestamp_with_time_zone(OauthCodes::ExpiresAt))
                    .col(boolean(OauthCodes::Used))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthCodes::Table, OauthCodes::AppId)
                            .to(OauthApps::Table, OauthApps::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthCodes::Table, OauthCodes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OauthTokens::Table)
                    .col(big_pk_auto(OauthTokens::Id))
                    .col(string_uniq(OauthTokens::TokenHash))
                    .col(big_integer(OauthTokens::AppId))
                    // None for an app's own token (client_credentials).
                    .col(big_integer_null(OauthTokens::AccountId))
                    // The code it was exchanged for: a replayed code revokes its tokens.
                    .col(big_integer_null(OauthTokens::CodeId))
                    .col(string(OauthTokens::Scopes))
                    .col(timestamp_with_time_zone(OauthTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(OauthTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthTokens::Table, OauthTokens::AppId)
                            .to(OauthApps::Table, OauthApps::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OauthTokens::Table, OauthTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_tokens_account_app")
                    .table(OauthTokens::Table)
                    .col(OauthTokens::AccountId)
                    .col(OauthTokens::AppId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OauthTokens::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OauthCodes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OauthApps::Table).to_owned()).await
    }
}
