//! Who caused a notification and what it is about, so APIs can render them (Mastodon's
//! `account` and `status`): the actor's account, the community, and the discussion and reply.
//! All nullable: the event notifications written before name none of them, and a row keeps
//! its `title`/`link` for pages when the thing is gone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    ActorId,
    CommunityId,
    DiscussionId,
    ReplyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite adds one column at a time.
        for col in
            [Notifications::ActorId, Notifications::CommunityId, Notifications::DiscussionId, Notifications::ReplyId]
        {
            manager
                .alter_table(Table::alter().table(Notifications::Table).add_column(big_integer_null(col)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in
            [Notifications::ReplyId, Notifications::DiscussionId, Notifications::CommunityId, Notifications::ActorId]
        {
            manager.alter_table(Table::alter().table(Notifications::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
