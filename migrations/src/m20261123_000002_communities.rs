//! Communities and memberships (members, moderators, join requests, bans).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
    Name,
    Domain,
    ApId,
    InboxUrl,
    SharedInboxUrl,
    FollowersUrl,
    PublicKeyPem,
    PrivateKeyPem,
    FetchedAt,
    Title,
    Description,
    Charter,
    WelcomeMessage,
    Tags,
    Visibility,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    CommunityId,
    AccountId,
    Status,
    IsModerator,
    RequestMessage,
    CharterAcceptedAt,
    CreatedAt,
    DecidedAt,
    DecidedBy,
    FollowApId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Communities::Table)
                    .col(big_pk_auto(Communities::Id))
                    .col(string(Communities::Name))
                    // '' for local communities; the remote host for federated ones.
                    .col(string(Communities::Domain).default(""))
                    .col(string_null(Communities::ApId).unique_key())
                    .col(string_null(Communities::InboxUrl))
                    .col(string_null(Communities::SharedInboxUrl))
                    .col(string_null(Communities::FollowersUrl))
                    .col(text_null(Communities::PublicKeyPem))
                    .col(text_null(Communities::PrivateKeyPem))
                    .col(timestamp_with_time_zone_null(Communities::FetchedAt))
                    .col(string(Communities::Title))
                    .col(text(Communities::Description))
                    .col(text(Communities::Charter))
                    .col(text(Communities::WelcomeMessage))
                    .col(text(Communities::Tags))
                    .col(string(Communities::Visibility))
                    .col(big_integer(Communities::CreatedBy))
                    .col(timestamp_with_time_zone(Communities::CreatedAt))
                    .col(timestamp_with_time_zone(Communities::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Communities::Table, Communities::CreatedBy)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_communities_name_domain")
                    .table(Communities::Table)
                    .col(Communities::Name)
                    .col(Communities::Domain)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Memberships::Table)
                    .col(big_pk_auto(Memberships::Id))
                    .col(big_integer(Memberships::CommunityId))
                    .col(big_integer(Memberships::AccountId))
                    .col(string(Memberships::Status))
                    .col(boolean(Memberships::IsModerator))
                    .col(text_null(Memberships::RequestMessage))
                    .col(timestamp_with_time_zone_null(Memberships::CharterAcceptedAt))
                    .col(timestamp_with_time_zone(Memberships::CreatedAt))
                    .col(timestamp_with_time_zone_null(Memberships::DecidedAt))
                    .col(big_integer_null(Memberships::DecidedBy))
                    // The Follow activity that created a federated membership (for Accept/Undo).
                    .col(string_null(Memberships::FollowApId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Memberships::Table, Memberships::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Memberships::Table, Memberships::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_memberships_community_account")
                    .table(Memberships::Table)
                    .col(Memberships::CommunityId)
                    .col(Memberships::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_memberships_account")
                    .table(Memberships::Table)
                    .col(Memberships::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_memberships_community_status")
                    .table(Memberships::Table)
                    .col(Memberships::CommunityId)
                    .col(Memberships::Status)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Memberships::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Communities::Table).to_owned()).await?;
        Ok(())
    }
}
