//! Polls on discussions: the poll, its options and the votes (local and remote voters).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Polls {
    Table,
    Id,
    DiscussionId,
    Multiple,
    ClosesAt,
    HideResults,
    VotersCount,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PollOptions {
    Table,
    Id,
    PollId,
    Position,
    Name,
    RemoteCount,
}

#[derive(DeriveIden)]
enum PollVotes {
    Table,
    Id,
    PollId,
    Position,
    AccountId,
    ApId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Discussions {
    Table,
    Id,
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
                    .table(Polls::Table)
                    .col(big_pk_auto(Polls::Id))
                    .col(big_integer(Polls::DiscussionId).unique_key())
                    .col(boolean(Polls::Multiple))
                    .col(timestamp_with_time_zone_null(Polls::ClosesAt))
                    .col(boolean(Polls::HideResults))
                    // For polls from other servers: the voter count their server last sent.
                    .col(big_integer(Polls::VotersCount).default(0))
                    .col(timestamp_with_time_zone(Polls::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Polls::Table, Polls::DiscussionId)
                            .to(Discussions::Table, Discussions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PollOptions::Table)
                    .col(big_pk_auto(PollOptions::Id))
                    .col(big_integer(PollOptions::PollId))
                    .col(integer(PollOptions::Position))
                    .col(string(PollOptions::Name))
                    // For polls from other servers: the count their server last sent.
                    .col(big_integer(PollOptions::RemoteCount).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PollOptions::Table, PollOptions::PollId)
                            .to(Polls::Table, Polls::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_poll_options_position")
                    .table(PollOptions::Table)
                    .col(PollOptions::PollId)
                    .col(PollOptions::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PollVotes::Table)
                    .col(big_pk_auto(PollVotes::Id))
                    .col(big_integer(PollVotes::PollId))
                    .col(integer(PollVotes::Position))
                    .col(big_integer(PollVotes::AccountId))
                    // The vote's Note, for votes from other servers and our votes on theirs.
                    .col(string_null(PollVotes::ApId))
                    .col(timestamp_with_time_zone(PollVotes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PollVotes::Table, PollVotes::PollId)
                            .to(Polls::Table, Polls::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PollVotes::Table, PollVotes::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One vote per account and option.
        manager
            .create_index(
                Index::create()
                    .name("idx_poll_votes_account_option")
                    .table(PollVotes::Table)
                    .col(PollVotes::PollId)
                    .col(PollVotes::AccountId)
                    .col(PollVotes::Position)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(PollVotes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PollOptions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Polls::Table).to_owned()).await?;
        Ok(())
    }
}
