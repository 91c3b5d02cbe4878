//! What a post from another server carries besides its text: its content warning, whether
//! it is marked sensitive, and its attachments, hashtags and mentions (one JSON column,
//! `guildhall_domain::extras::StoredExtras`). On discussions and replies alike.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Discussions {
    Table,
}

#[derive(DeriveIden)]
enum Replies {
    Table,
}

#[derive(DeriveIden)]
enum Col {
    ContentWarning,
    Sensitive,
    Extras,
}

fn columns() -> Vec<ColumnDef> {
    vec![text_null(Col::ContentWarning), boolean(Col::Sensitive).default(false).to_owned(), text_null(Col::Extras)]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One ALTER per statement: SQLite adds one column at a time.
        for table in [Discussions::Table.into_iden(), Replies::Table.into_iden()] {
            for mut column in columns() {
                manager.alter_table(Table::alter().table(table.clone()).add_column(&mut column).to_owned()).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Discussions::Table.into_iden(), Replies::Table.into_iden()] {
            for column in [Col::Extras, Col::Sensitive, Col::ContentWarning] {
                manager.alter_table(Table::alter().table(table.clone()).drop_column(column).to_owned()).await?;
            }
        }
        Ok(())
    }
}
