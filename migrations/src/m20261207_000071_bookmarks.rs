//! Bookmarks (Mastodon's): a person saves a discussion or a reply for later. Private to their
//! owner; rows go when the account or the post goes. Exactly one of `discussion_id` and
//! `reply_id` is set, so each unique index covers one kind (NULLs never collide).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Bookmarks {
    Table,
    Id,
    AccountId,
    DiscussionId,
    ReplyId,
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
                    .table(Bookmarks::Table)
                    .col(big_pk_auto(Bookmarks::Id))
                    .col(big_integer(Bookmarks::AccountId))
                    .col(big_integer_null(Bookmarks::DiscussionId))
                    .col(big_integer_null(Bookmarks::ReplyId))
                    .col(timestamp_with_time_zone(Bookmarks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bookmarks::Table, Bookmarks::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bookmarks::Table, Bookmarks::DiscussionId)
                            .to(Discussions::Table, Discussions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Bookmarks::Table, Bookmarks::ReplyId)
                            .to(Replies::Table, Replies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_bookmarks_account_discussion", Bookmarks::DiscussionId),
            ("idx_bookmarks_account_reply", Bookmarks::ReplyId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Bookmarks::Table)
                        .col(Bookmarks::AccountId)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Bookmarks::Table).to_owned()).await
    }
}
