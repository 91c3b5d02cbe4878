//! How much each member wants to hear from each community (watch / mute; no row: normal), for
//! local and remote communities alike.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CommunityNotifyLevels {
    Table,
    AccountId,
    CommunityId,
    Level,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CommunityNotifyLevels::Table)
                    .col(big_integer(CommunityNotifyLevels::AccountId))
                    .col(big_integer(CommunityNotifyLevels::CommunityId))
                    .col(string(CommunityNotifyLevels::Level))
                    .col(timestamp_with_time_zone(CommunityNotifyLevels::UpdatedAt))
                    .primary_key(
                        Index::create().col(CommunityNotifyLevels::AccountId).col(CommunityNotifyLevels::CommunityId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommunityNotifyLevels::Table, CommunityNotifyLevels::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CommunityNotifyLevels::Table, CommunityNotifyLevels::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Watchers of one community, found when something new is posted there.
        manager
            .create_index(
                Index::create()
                    .name("idx_community_notify_levels_community")
                    .table(CommunityNotifyLevels::Table)
                    .col(CommunityNotifyLevels::CommunityId)
                    .col(CommunityNotifyLevels::Level)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CommunityNotifyLevels::Table).to_owned()).await
    }
}
