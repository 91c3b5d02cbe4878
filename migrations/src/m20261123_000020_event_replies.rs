//! Replies to events (Mastodon users see an event as a post and answer it): kept per event,
//! apart from discussions, and shown with the event to whoever may read it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EventReplies {
    Table,
    Id,
    EventId,
    AuthorId,
    ApId,
    BodySource,
    BodyHtml,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
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
                    .table(EventReplies::Table)
                    .col(big_pk_auto(EventReplies::Id))
                    .col(big_integer(EventReplies::EventId))
                    .col(big_integer(EventReplies::AuthorId))
                    // The `Note`'s id on its server: each is stored once.
                    .col(string_uniq(EventReplies::ApId))
                    .col(text(EventReplies::BodySource))
                    .col(text(EventReplies::BodyHtml))
                    .col(timestamp_with_time_zone(EventReplies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventReplies::Table, EventReplies::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventReplies::Table, EventReplies::AuthorId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_replies_event")
                    .table(EventReplies::Table)
                    .col(EventReplies::EventId)
                    .col(EventReplies::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(EventReplies::Table).to_owned()).await
    }
}
