//! Community admission rules: instances members must come from, and a question for join
//! requests.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Communities {
    Table,
    MemberDomains,
    JoinQuestion,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Communities::Table)
                    .add_column(text(Communities::MemberDomains).default("[]"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Communities::Table)
                    .add_column(text(Communities::JoinQuestion).default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Communities::JoinQuestion, Communities::MemberDomains] {
            manager.alter_table(Table::alter().table(Communities::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
