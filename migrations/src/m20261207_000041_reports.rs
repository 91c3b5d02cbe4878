//! Reports (`Flag`) received from other servers about content or members of a community here:
//! who reported (any actor type: Mastodon and Misskey report from their instance actor), what
//! (one or more ActivityPub ids), in which community, why, when, and from which instance.
//! Its moderators see them; the fuller moderation queue is a later issue.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    CommunityId,
    ActivityApId,
    ReporterApId,
    ReporterDomain,
    Targets,
    Content,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(big_pk_auto(Reports::Id))
                    .col(big_integer(Reports::CommunityId))
                    .col(string_uniq(Reports::ActivityApId))
                    .col(string(Reports::ReporterApId))
                    .col(string(Reports::ReporterDomain))
                    .col(text(Reports::Targets))
                    .col(text(Reports::Content))
                    .col(timestamp_with_time_zone(Reports::ReceivedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reports::Table, Reports::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reports_community")
                    .table(Reports::Table)
                    .col(Reports::CommunityId)
                    .col(Reports::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Reports::Table).to_owned()).await
    }
}
