//! Discussions and their (nested) replies.

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
}

#[derive(DeriveIden)]
enum Discussions {
    Table,
    Id,
    CommunityId,
    AuthorId,
    ApId,
    Title,
    BodySource,
    BodyHtml,
    Pinned,
    Locked,
    ReplyCount,
    CreatedAt,
    EditedAt,
    DeletedAt,
    LastActivityAt,
}

#[derive(DeriveIden)]
enum Replies {
    Table,
    Id,
    DiscussionId,
    ParentId,
    AuthorId,
    ApId,
    Path,
    Depth,
    BodySource,
    BodyHtml,
    CreatedAt,
    EditedAt,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Discussions::Table)
                    .col(big_pk_auto(Discussions::Id))
                    .col(big_integer(Discussions::CommunityId))
                    .col(big_integer(Discussions::AuthorId))
                    // Set for discussions that came from another server.
                    .col(string_null(Discussions::ApId).unique_key())
                    .col(string(Discussions::Title))
                    .col(text(Discussions::BodySource))
                    .col(text(Discussions::BodyHtml))
                    .col(boolean(Discussions::Pinned))
                    .col(boolean(Discussions::Locked))
                    .col(big_integer(Discussions::ReplyCount))
                    .col(timestamp_with_time_zone(Discussions::CreatedAt))
                    .col(timestamp_with_time_zone_null(Discussions::EditedAt))
                    .col(timestamp_with_time_zone_null(Discussions::DeletedAt))
                    .col(timestamp_with_time_zone(Discussions::LastActivityAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Discussions::Table, Discussions::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Discussions::Table, Discussions::AuthorId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The two list orders: pinned first, then newest or most recently active.
        manager
            .create_index(
                Index::create()
                    .name("idx_discussions_new")
                    .table(Discussions::Table)
                    .col(Discussions::CommunityId)
                    .col(Discussions::Pinned)
                    .col(Discussions::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_discussions_active")
                    .table(Discussions::Table)
                    .col(Discussions::CommunityId)
                    .col(Discussions::Pinned)
                    .col(Discussions::LastActivityAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Replies::Table)
                    .col(big_pk_auto(Replies::Id))
                    .col(big_integer(Replies::DiscussionId))
                    .col(big_integer_null(Replies::ParentId))
                    .col(big_integer(Replies::AuthorId))
                    .col(string_null(Replies::ApId).unique_key())
                    .col(string(Replies::Path))
                    .col(integer(Replies::Depth))
                    .col(text(Replies::BodySource))
                    .col(text(Replies::BodyHtml))
                    .col(timestamp_with_time_zone(Replies::CreatedAt))
                    .col(timestamp_with_time_zone_null(Replies::EditedAt))
                    .col(timestamp_with_time_zone_null(Replies::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Replies::Table, Replies::DiscussionId)
                            .to(Discussions::Table, Discussions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create().from(Replies::Table, Replies::AuthorId).to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Threaded order is the materialised path (zero-padded ancestor ids).
        manager
            .create_index(
                Index::create()
                    .name("idx_replies_thread")
                    .table(Replies::Table)
                    .col(Replies::DiscussionId)
                    .col(Replies::Path)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Replies::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Discussions::Table).to_owned()).await?;
        Ok(())
    }
}
