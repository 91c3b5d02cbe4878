//! Members-only discussions: what was posted while a community was private (or was not
//! addressed to the public by its sender) stays readable by members only.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Discussions {
    Table,
    MembersOnly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Discussions::Table)
                    .add_column(boolean(Discussions::MembersOnly).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Discussions::Table).drop_column(Discussions::MembersOnly).to_owned())
            .await
    }
}
