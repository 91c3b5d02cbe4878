//! Guilds: a guild is a community row of kind `guild` (a federated `Group` like any
//! community), and `guild_links` records which communities belong to which guilds, by mutual
//! consent (`requested` by a community, `invited` by a guild, then `active`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Communities {
    Table,
    Id,
    Kind,
    GuildFocus,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum GuildLinks {
    Table,
    Id,
    GuildId,
    CommunityId,
    State,
    InitiatedBy,
    OfferApId,
    Contacts,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Communities::Table)
                    .add_column(string(Communities::Kind).default("community"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Communities::Table)
                    .add_column(string(Communities::GuildFocus).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuildLinks::Table)
                    .col(big_pk_auto(GuildLinks::Id))
                    .col(big_integer(GuildLinks::GuildId))
                    .col(big_integer(GuildLinks::CommunityId))
                    // requested | invited | active
                    .col(string(GuildLinks::State))
                    // The local person who asked or invited (none when it came from elsewhere).
                    .col(big_integer_null(GuildLinks::InitiatedBy))
                    // The `Offer` or `Invite` that opened the link, for the answer to name.
                    .col(string_null(GuildLinks::OfferApId))
                    // JSON array of the actor ids of the community's managers, as the guild's
                    // contact directory shows them (fetched for remote communities).
                    .col(text(GuildLinks::Contacts).default("[]"))
                    .col(timestamp_with_time_zone(GuildLinks::CreatedAt))
                    .col(timestamp_with_time_zone(GuildLinks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuildLinks::Table, GuildLinks::GuildId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuildLinks::Table, GuildLinks::CommunityId)
                            .to(Communities::Table, Communities::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(GuildLinks::Table, GuildLinks::InitiatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guild_links_guild_community")
                    .table(GuildLinks::Table)
                    .col(GuildLinks::GuildId)
                    .col(GuildLinks::CommunityId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guild_links_community")
                    .table(GuildLinks::Table)
                    .col(GuildLinks::CommunityId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(GuildLinks::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(Communities::Table).drop_column(Communities::GuildFocus).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Communities::Table).drop_column(Communities::Kind).to_owned()).await?;
        Ok(())
    }
}
