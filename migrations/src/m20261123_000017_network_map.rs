//! The network map: what each community publishes about itself (listed or not, lifecycle),
//! what the instance says about itself (organisation, government, directory opt-out, crawl
//! seeds), the instances and entries the crawler found, and proposed external communities of
//! practice (Slack, Teams, mailing lists) that members suggest and admins approve.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Communities {
    Table,
    Listed,
    Lifecycle,
}

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    DirectoryListed,
    Organisation,
    Government,
    MapSeeds,
    MapRefreshHours,
}

#[derive(DeriveIden)]
enum MapInstances {
    Table,
    Id,
    Domain,
    Name,
    Organisation,
    Government,
    Software,
    Status,
    LastError,
    LastCrawledAt,
    NextPage,
    DiscoveredFrom,
    EntriesCount,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MapEntries {
    Table,
    Id,
    ApId,
    InstanceDomain,
    Kind,
    Name,
    Title,
    Summary,
    Url,
    Tags,
    Visibility,
    MemberCount,
    Active30d,
    Lifecycle,
    GuildFocus,
    Organisation,
    Government,
    Contact,
    Links,
    FetchedAt,
}

#[derive(DeriveIden)]
enum CopProposals {
    Table,
    Id,
    Name,
    Url,
    Summary,
    Topics,
    Government,
    Organisation,
    Contact,
    ProposedBy,
    Status,
    DecidedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        let community_columns = [
            // null: the default for its visibility (public and approval listed, private not).
            ColumnDef::new(Communities::Listed).boolean().null().to_owned(),
            // forming | active | dormant | archived
            ColumnDef::new(Communities::Lifecycle).string().not_null().default("active").to_owned(),
        ];
        for mut c in community_columns {
            manager.alter_table(Table::alter().table(Communities::Table).add_column(&mut c).to_owned()).await?;
        }
        let settings_columns = [
            boolean(InstanceSettings::DirectoryListed).default(true).to_owned(),
            string(InstanceSettings::Organisation).default("").to_owned(),
            string(InstanceSettings::Government).default("").to_owned(),
            text(InstanceSettings::MapSeeds).default("[]").to_owned(),
            integer(InstanceSettings::MapRefreshHours).default(24).to_owned(),
        ];
        for mut c in settings_columns {
            manager.alter_table(Table::alter().table(InstanceSettings::Table).add_column(&mut c).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MapInstances::Table)
                    .col(big_pk_auto(MapInstances::Id))
                    .col(string_uniq(MapInstances::Domain))
                    .col(string(MapInstances::Name).default(""))
                    .col(string(MapInstances::Organisation).default(""))
                    .col(string(MapInstances::Government).default(""))
                    .col(string(MapInstances::Software).default(""))
                    // pending | ok | error | opted_out | blocked
                    .col(string(MapInstances::Status))
                    .col(text_null(MapInstances::LastError))
                    .col(timestamp_with_time_zone_null(MapInstances::LastCrawledAt))
                    // Where an interrupted crawl of this instance resumes.
                    .col(text_null(MapInstances::NextPage))
                    .col(string_null(MapInstances::DiscoveredFrom))
                    .col(integer(MapInstances::EntriesCount).default(0))
                    .col(timestamp_with_time_zone(MapInstances::CreatedAt))
                    .col(timestamp_with_time_zone(MapInstances::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MapEntries::Table)
                    .col(big_pk_auto(MapEntries::Id))
                    .col(string_uniq(MapEntries::ApId))
                    .col(string(MapEntries::InstanceDomain))
                    // community | guild | external
                    .col(string(MapEntries::Kind))
                    .col(string(MapEntries::Name))
                    .col(string(MapEntries::Title))
                    .col(text(MapEntries::Summary))
                    .col(string(MapEntries::Url))
                    // JSON array of strings.
                    .col(text(MapEntries::Tags))
                    .col(string(MapEntries::Visibility))
                    .col(big_integer(MapEntries::MemberCount).default(0))
                    .col(big_integer(MapEntries::Active30d).default(0))
                    .col(string(MapEntries::Lifecycle).default("active"))
                    .col(string(MapEntries::GuildFocus).default(""))
                    .col(string(MapEntries::Organisation).default(""))
                    .col(string(MapEntries::Government).default(""))
                    .col(text(MapEntries::Contact).default(""))
                    // JSON array of the ap ids this entry is linked to (guild membership).
                    .col(text(MapEntries::Links).default("[]"))
                    .col(timestamp_with_time_zone(MapEntries::FetchedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_map_entries_instance")
                    .table(MapEntries::Table)
                    .col(MapEntries::InstanceDomain)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CopProposals::Table)
                    .col(big_pk_auto(CopProposals::Id))
                    .col(string(CopProposals::Name))
                    .col(string(CopProposals::Url))
                    .col(text(CopProposals::Summary))
                    // JSON array of strings.
                    .col(text(CopProposals::Topics))
                    .col(string(CopProposals::Government))
                    .col(string(CopProposals::Organisation))
                    .col(text(CopProposals::Contact))
                    .col(big_integer(CopProposals::ProposedBy))
                    // pending | approved | rejected
                    .col(string(CopProposals::Status))
                    .col(big_integer_null(CopProposals::DecidedBy))
                    .col(timestamp_with_time_zone(CopProposals::CreatedAt))
                    .col(timestamp_with_time_zone_null(CopProposals::DecidedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CopProposals::Table, CopProposals::ProposedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CopProposals::Table, CopProposals::DecidedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CopProposals::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MapEntries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(MapInstances::Table).to_owned()).await?;
        for c in [
            InstanceSettings::MapRefreshHours,
            InstanceSettings::MapSeeds,
            InstanceSettings::Government,
            InstanceSettings::Organisation,
            InstanceSettings::DirectoryListed,
        ] {
            manager.alter_table(Table::alter().table(InstanceSettings::Table).drop_column(c).to_owned()).await?;
        }
        for c in [Communities::Lifecycle, Communities::Listed] {
            manager.alter_table(Table::alter().table(Communities::Table).drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
