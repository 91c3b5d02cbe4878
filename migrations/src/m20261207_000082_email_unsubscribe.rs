//! The one-click unsubscribe URL of a queued notification or digest email (RFC 8058), set as
//! its `List-Unsubscribe` header when sent; none for password reset and other account mail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailMessages {
    Table,
    UnsubscribeUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EmailMessages::Table)
                    .add_column(text_null(EmailMessages::UnsubscribeUrl))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(EmailMessages::Table).drop_column(EmailMessages::UnsubscribeUrl).to_owned(),
            )
            .await
    }
}
