//! Federation: stored activities (ours, dereferenceable; theirs, de-duplicated), the durable
//! outbox of intents, per-inbox deliveries and the health of remote instances.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    ApId,
    Kind,
    Actor,
    Local,
    Json,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Intent,
    CreatedAt,
    ProcessedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    ActivityId,
    SenderKind,
    SenderId,
    Inbox,
    Domain,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum RemoteInstances {
    Table,
    Domain,
    Failures,
    FailingSince,
    LastSuccessAt,
    Unreachable,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .col(big_pk_auto(Activities::Id))
                    // Unique: a received activity id is processed once.
                    .col(string_uniq(Activities::ApId))
                    .col(string(Activities::Kind))
                    .col(string(Activities::Actor))
                    .col(boolean(Activities::Local))
                    .col(text(Activities::Json))
                    .col(timestamp_with_time_zone(Activities::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    .col(text(Outbox::Intent))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::ProcessedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::ProcessedAt)
                    .col(Outbox::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(big_pk_auto(Deliveries::Id))
                    .col(big_integer(Deliveries::ActivityId))
                    .col(string(Deliveries::SenderKind))
                    .col(big_integer(Deliveries::SenderId))
                    .col(string(Deliveries::Inbox))
                    .col(string(Deliveries::Domain))
                    .col(string(Deliveries::Status))
                    .col(integer(Deliveries::Attempts))
                    .col(timestamp_with_time_zone(Deliveries::NextAttemptAt))
                    .col(text_null(Deliveries::LastError))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(Deliveries::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::ActivityId)
                            .to(Activities::Table, Activities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_due")
                    .table(Deliveries::Table)
                    .col(Deliveries::Status)
                    .col(Deliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_domain")
                    .table(Deliveries::Table)
                    .col(Deliveries::Domain)
                    .col(Deliveries::Status)
                    .col(Deliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RemoteInstances::Table)
                    .col(string(RemoteInstances::Domain).primary_key())
                    .col(integer(RemoteInstances::Failures))
                    .col(timestamp_with_time_zone_null(RemoteInstances::FailingSince))
                    .col(timestamp_with_time_zone_null(RemoteInstances::LastSuccessAt))
                    .col(boolean(RemoteInstances::Unreachable))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            RemoteInstances::Table.into_iden(),
            Deliveries::Table.into_iden(),
            Outbox::Table.into_iden(),
            Activities::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
