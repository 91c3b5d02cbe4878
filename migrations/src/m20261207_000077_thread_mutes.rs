//! "Mute this thread": the discussions a member no longer wants replies, mentions, favourites
//! or closed polls about.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ThreadMutes {
    Table,
    AccountId,
    DiscussionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Discussions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ThreadMutes::Table)
                    .col(big_integer(ThreadMutes::AccountId))
                    .col(big_integer(ThreadMutes::DiscussionId))
                    .col(timestamp_with_time_zone(ThreadMutes::CreatedAt))
                    .primary_key(Index::create().col(ThreadMutes::AccountId).col(ThreadMutes::DiscussionId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ThreadMutes::Table, ThreadMutes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ThreadMutes::Table, ThreadMutes::DiscussionId)
                            .to(Discussions::Table, Discussions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_thread_mutes_discussion")
                    .table(ThreadMutes::Table)
                    .col(ThreadMutes::DiscussionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ThreadMutes::Table).to_owned()).await
    }
}
