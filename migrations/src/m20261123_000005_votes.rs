//! Votes (Lemmy-style up/down) on discussions and replies.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Votes {
    Table,
    Id,
    AccountId,
    DiscussionId,
    ReplyId,
    Value,
    ApId,
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

#[derive(DeriveIden)]
enum Replies {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Votes::Table)
                    .col(big_pk_auto(Votes::Id))
                    .col(big_integer(Votes::AccountId))
                    .col(big_integer_null(Votes::DiscussionId))
                    .col(big_integer_null(Votes::ReplyId))
                    // +1 or -1.
                    .col(small_integer(Votes::Value))
                    // The Like/Dislike activity, for votes from other servers (and Undo).
                    .col(string_null(Votes::ApId))
                    .col(timestamp_with_time_zone(Votes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::DiscussionId)
                            .to(Discussions::Table, Discussions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Votes::Table, Votes::ReplyId)
                            .to(Replies::Table, Replies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One vote per account and post.
        manager
            .create_index(
                Index::create()
                    .name("idx_votes_account_discussion")
                    .table(Votes::Table)
                    .col(Votes::DiscussionId)
                    .col(Votes::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_votes_account_reply")
                    .table(Votes::Table)
                    .col(Votes::ReplyId)
                    .col(Votes::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Votes::Table).to_owned()).await?;
        Ok(())
    }
}
