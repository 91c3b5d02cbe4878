//! Events in communities, their participants, each community's event settings, and the
//! private calendar-feed tokens of members.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    CommunityId,
    OrganiserId,
    ApId,
    Url,
    Title,
    DescriptionSource,
    DescriptionHtml,
    StartsAt,
    EndsAt,
    Timezone,
    PlaceName,
    PlaceAddress,
    OnlineUrl,
    Capacity,
    JoinMode,
    ExternalUrl,
    Status,
    MembersOnly,
    Sequence,
    RemoteParticipantCount,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum EventParticipants {
    Table,
    Id,
    EventId,
    AccountId,
    Status,
    JoinApId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum EventSettings {
    Table,
    CommunityId,
    MembersMayCreate,
    AttendeesVisibleToMembers,
}

#[derive(DeriveIden)]
enum CalendarTokens {
    Table,
    AccountId,
    TokenHash,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(big_pk_auto(Events::Id))
                    .col(big_integer(Events::CommunityId))
                    .col(big_integer(Events::OrganiserId))
                    // Set for events that came from another server.
                    .col(string_null(Events::ApId).unique_key())
                    // The remote event's web page, when it has one.
                    .col(string_null(Events::Url))
                    .col(string(Events::Title))
                    .col(text(Events::DescriptionSource))
                    .col(text(Events::DescriptionHtml))
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(timestamp_with_time_zone(Events::EndsAt))
                    .col(string(Events::Timezone))
                    .col(string(Events::PlaceName))
                    .col(text(Events::PlaceAddress))
                    .col(text(Events::OnlineUrl))
                    .col(big_integer_null(Events::Capacity))
                    .col(string(Events::JoinMode))
                    .col(text(Events::ExternalUrl))
                    .col(string(Events::Status))
                    .col(boolean(Events::MembersOnly))
                    .col(integer(Events::Sequence))
                    // What the origin server last said about attendance (remote events).
                    .col(big_integer_null(Events::RemoteParticipantCount))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Events::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Events::Table, Events::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Events::Table, Events::OrganiserId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_community_starts")
                    .table(Events::Table)
                    .col(Events::CommunityId)
                    .col(Events::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventParticipants::Table)
                    .col(big_pk_auto(EventParticipants::Id))
                    .col(big_integer(EventParticipants::EventId))
                    .col(big_integer(EventParticipants::AccountId))
                    .col(string(EventParticipants::Status))
                    .col(string_null(EventParticipants::JoinApId))
                    .col(timestamp_with_time_zone(EventParticipants::CreatedAt))
                    .col(timestamp_with_time_zone(EventParticipants::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventParticipants::Table, EventParticipants::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventParticipants::Table, EventParticipants::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_participants_event_account")
                    .table(EventParticipants::Table)
                    .col(EventParticipants::EventId)
                    .col(EventParticipants::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_participants_account")
                    .table(EventParticipants::Table)
                    .col(EventParticipants::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventSettings::Table)
                    .col(big_integer(EventSettings::CommunityId).primary_key())
                    .col(boolean(EventSettings::MembersMayCreate))
                    .col(boolean(EventSettings::AttendeesVisibleToMembers))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventSettings::Table, EventSettings::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CalendarTokens::Table)
                    .col(big_integer(CalendarTokens::AccountId).primary_key())
                    .col(string(CalendarTokens::TokenHash).unique_key())
                    .col(timestamp_with_time_zone(CalendarTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarTokens::Table, CalendarTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            CalendarTokens::Table.into_iden(),
            EventSettings::Table.into_iden(),
            EventParticipants::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
