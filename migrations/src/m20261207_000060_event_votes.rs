//! Votes on events (Lemmy's `Like`/`Dislike`, and our members' votes): an event is votable
//! like a post, one vote per voter.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Votes {
    Table,
    EventId,
    AccountId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Written out: SQLite cannot add a foreign key through `ALTER TABLE ... ADD CONSTRAINT`,
        // but both it and PostgreSQL accept a nullable column declared with its reference.
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE votes ADD COLUMN event_id BIGINT NULL REFERENCES events (id) ON DELETE CASCADE",
            )
            .await?;
        // One vote per account and event.
        manager
            .create_index(
                Index::create()
                    .name("idx_votes_account_event")
                    .table(Votes::Table)
                    .col(Votes::EventId)
                    .col(Votes::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_votes_account_event").table(Votes::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Votes::Table).drop_column(Votes::EventId).to_owned()).await
    }
}
