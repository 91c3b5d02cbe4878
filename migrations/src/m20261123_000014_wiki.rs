//! Community wikis: pages, every revision of them, and who may edit (a community setting).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WikiPages {
    Table,
    Id,
    CommunityId,
    Slug,
    Title,
    Locked,
    Revision,
    ApId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WikiRevisions {
    Table,
    Id,
    PageId,
    Number,
    Title,
    Body,
    Summary,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WikiSettings {
    Table,
    CommunityId,
    Editors,
}

#[derive(DeriveIden)]
enum Communities {
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
                    .table(WikiPages::Table)
                    .col(big_pk_auto(WikiPages::Id))
                    .col(big_integer(WikiPages::CommunityId))
                    .col(string(WikiPages::Slug))
                    .col(string(WikiPages::Title))
                    .col(boolean(WikiPages::Locked).default(false))
                    // The latest revision's number.
                    .col(integer(WikiPages::Revision))
                    // The `Article` id, for copies of other servers' pages.
                    .col(string_null(WikiPages::ApId))
                    .col(timestamp_with_time_zone(WikiPages::CreatedAt))
                    .col(timestamp_with_time_zone(WikiPages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiPages::Table, WikiPages::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wiki_pages_community_slug")
                    .table(WikiPages::Table)
                    .col(WikiPages::CommunityId)
                    .col(WikiPages::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WikiRevisions::Table)
                    .col(big_pk_auto(WikiRevisions::Id))
                    .col(big_integer(WikiRevisions::PageId))
                    .col(integer(WikiRevisions::Number))
                    .col(string(WikiRevisions::Title))
                    .col(text(WikiRevisions::Body))
                    .col(string(WikiRevisions::Summary))
                    // Unknown for revisions of other servers' pages.
                    .col(big_integer_null(WikiRevisions::AuthorId))
                    .col(timestamp_with_time_zone(WikiRevisions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiRevisions::Table, WikiRevisions::PageId)
                            .to(WikiPages::Table, WikiPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiRevisions::Table, WikiRevisions::AuthorId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Two edits on the same base revision cannot both become revision n + 1.
        manager
            .create_index(
                Index::create()
                    .name("idx_wiki_revisions_page_number")
                    .table(WikiRevisions::Table)
                    .col(WikiRevisions::PageId)
                    .col(WikiRevisions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WikiSettings::Table)
                    .col(big_integer(WikiSettings::CommunityId).primary_key())
                    .col(string(WikiSettings::Editors))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiSettings::Table, WikiSettings::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WikiSettings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WikiRevisions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WikiPages::Table).to_owned()).await?;
        Ok(())
    }
}
