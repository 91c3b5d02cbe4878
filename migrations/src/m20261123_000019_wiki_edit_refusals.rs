//! Edits our members proposed to other servers' wiki pages that the page's community refused
//! (its `Reject`), with the reason, so the editor sees what happened to the edit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WikiEditRefusals {
    Table,
    Id,
    PageId,
    AccountId,
    EditApId,
    Reason,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WikiPages {
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
                    .table(WikiEditRefusals::Table)
                    .col(big_pk_auto(WikiEditRefusals::Id))
                    // Our copy of the page.
                    .col(big_integer(WikiEditRefusals::PageId))
                    // The local editor.
                    .col(big_integer(WikiEditRefusals::AccountId))
                    // The refused `Update{Article}` (ours): a Reject is recorded once.
                    .col(string_uniq(WikiEditRefusals::EditApId))
                    .col(string(WikiEditRefusals::Reason))
                    // The refused text, so nothing is lost.
                    .col(text(WikiEditRefusals::Body))
                    .col(timestamp_with_time_zone(WikiEditRefusals::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiEditRefusals::Table, WikiEditRefusals::PageId)
                            .to(WikiPages::Table, WikiPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(WikiEditRefusals::Table, WikiEditRefusals::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_wiki_edit_refusals_page_account")
                    .table(WikiEditRefusals::Table)
                    .col(WikiEditRefusals::PageId)
                    .col(WikiEditRefusals::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(WikiEditRefusals::Table).to_owned()).await
    }
}
