//! Honest counts both ways. `inbound_counts`: incoming activities this instance ignored or
//! refused, per remote instance, activity type and outcome, with the last status and reason
//! (admins see them next to the outgoing counts). `gone_inboxes`: inboxes that answered
//! `410 Gone`; nothing more is delivered to them.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InboundCounts {
    Table,
    Id,
    Domain,
    Kind,
    Outcome,
    Count,
    LastStatus,
    LastReason,
    LastAt,
}

#[derive(DeriveIden)]
enum GoneInboxes {
    Table,
    Inbox,
    Domain,
    GoneAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InboundCounts::Table)
                    .col(big_pk_auto(InboundCounts::Id))
                    .col(string(InboundCounts::Domain))
                    .col(string(InboundCounts::Kind))
                    .col(string(InboundCounts::Outcome))
                    .col(big_integer(InboundCounts::Count).default(0))
                    .col(integer(InboundCounts::LastStatus))
                    .col(text(InboundCounts::LastReason))
                    .col(timestamp_with_time_zone(InboundCounts::LastAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inbound_counts_key")
                    .table(InboundCounts::Table)
                    .col(InboundCounts::Domain)
                    .col(InboundCounts::Kind)
                    .col(InboundCounts::Outcome)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GoneInboxes::Table)
                    .col(string(GoneInboxes::Inbox).primary_key())
                    .col(string(GoneInboxes::Domain))
                    .col(timestamp_with_time_zone(GoneInboxes::GoneAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_gone_inboxes_domain")
                    .table(GoneInboxes::Table)
                    .col(GoneInboxes::Domain)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(GoneInboxes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(InboundCounts::Table).to_owned()).await
    }
}
