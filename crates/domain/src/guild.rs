//! Guilds: groups of communities around a role (e.g. UX designers) or a focus area (e.g.
//! digital identity). A community belongs to a guild only when both sides said yes; either
//! side may end it. These are the rules, as pure functions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Visibility;

/// What a guild gathers communities around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GuildFocus {
    /// A role people hold (UX designers, data scientists).
    Role,
    /// A field of work (digital identity, accessibility).
    FocusArea,
}

impl GuildFocus {
    /// Every focus, for option lists.
    pub const ALL: [GuildFocus; 2] = [GuildFocus::Role, GuildFocus::FocusArea];

    /// The stable name used in storage, the API and the `guildFocus` actor property.
    pub fn as_str(self) -> &'static str {
        match self {
            GuildFocus::Role => "role",
            GuildFocus::FocusArea => "focus_area",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// Where a community's membership of a guild stands.
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The community asked; the guild has not answered.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "requested"))]
    Requested,
    /// The guild invited; the community has not answered.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "invited"))]
    Invited,
    /// Both agreed.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "active"))]
    Active,
}

impl LinkState {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Requested => "requested",
            LinkState::Invited => "invited",
            LinkState::Active => "active",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [LinkState::Requested, LinkState::Invited, LinkState::Active].into_iter().find(|l| l.as_str() == s)
    }
}

impl std::fmt::Display for LinkState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which side of a link acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The community (its moderators).
    Community,
    /// The guild (its stewards).
    Guild,
}

/// What saying yes does to a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// A new request (community side) or invitation (guild side) to send.
    Opened(LinkState),
    /// The other side had already asked: the link is now active.
    Completed,
    /// This side had already said yes; nothing changes.
    Unchanged(LinkState),
}

/// One side says yes to a link that is in `current` state (None: no link yet).
pub fn consent(current: Option<LinkState>, side: Side) -> Consent {
    match (current, side) {
        (None, Side::Community) => Consent::Opened(LinkState::Requested),
        (None, Side::Guild) => Consent::Opened(LinkState::Invited),
        (Some(LinkState::Invited), Side::Community) | (Some(LinkState::Requested), Side::Guild) => Consent::Completed,
        (Some(s), _) => Consent::Unchanged(s),
    }
}

/// Why a link cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefused {
    /// The target of a link request is not a guild.
    #[error("that is not a guild")]
    NotAGuild,
    /// Guilds do not join guilds: a guild is made of communities.
    #[error("a guild cannot join a guild")]
    GuildInGuild,
}

impl LinkRefused {
    /// A stable code for the API.
    pub fn code(self) -> &'static str {
        match self {
            LinkRefused::NotAGuild => "not_a_guild",
            LinkRefused::GuildInGuild => "guild_in_guild",
        }
    }
}

/// Checks the kinds of both ends: `guild_is_guild` for the guild end, `community_is_guild`
/// for the community end.
pub fn check_link(guild_is_guild: bool, community_is_guild: bool) -> Result<(), LinkRefused> {
    if !guild_is_guild {
        return Err(LinkRefused::NotAGuild);
    }
    if community_is_guild {
        return Err(LinkRefused::GuildInGuild);
    }
    Ok(())
}

/// What a guild may show of a member community. A private community lends only its name and
/// description: none of its discussions, events or managers reach the guild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shared {
    /// Its public discussions appear in the guild's feed (and are relayed to its followers).
    pub discussions: bool,
    /// Its public events appear in the guild's calendar.
    pub events: bool,
    /// Its managers appear in the guild's contact directory.
    pub managers: bool,
}

/// What of a member community the guild shows, by the community's visibility.
pub fn shared_with_guild(visibility: Visibility) -> Shared {
    let open = visibility != Visibility::Private;
    Shared { discussions: open, events: open, managers: open }
}

/// How alike two communities are, for "communities like this one": shared topic tags count
/// double, shared members once. Zero means unrelated.
pub fn likeness(tags_a: &[String], tags_b: &[String], shared_members: u64) -> u64 {
    let shared_tags = tags_a.iter().filter(|t| tags_b.contains(t)).count() as u64;
    shared_tags * 2 + shared_members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_needs_both_sides() {
        assert_eq!(consent(None, Side::Community), Consent::Opened(LinkState::Requested));
        assert_eq!(consent(None, Side::Guild), Consent::Opened(LinkState::Invited));
        assert_eq!(consent(Some(LinkState::Requested), Side::Guild), Consent::Completed);
        assert_eq!(consent(Some(LinkState::Invited), Side::Community), Consent::Completed);
    }

    #[test]
    fn saying_yes_twice_changes_nothing() {
        assert_eq!(consent(Some(LinkState::Requested), Side::Community), Consent::Unchanged(LinkState::Requested));
        assert_eq!(consent(Some(LinkState::Invited), Side::Guild), Consent::Unchanged(LinkState::Invited));
        for side in [Side::Community, Side::Guild] {
            assert_eq!(consent(Some(LinkState::Active), side), Consent::Unchanged(LinkState::Active));
        }
    }

    #[test]
    fn only_communities_join_only_guilds() {
        assert_eq!(check_link(true, false), Ok(()));
        assert_eq!(check_link(false, false), Err(LinkRefused::NotAGuild));
        assert_eq!(check_link(true, true), Err(LinkRefused::GuildInGuild));
    }

    #[test]
    fn private_communities_lend_only_their_name() {
        let private = shared_with_guild(Visibility::Private);
        assert!(!private.discussions && !private.events && !private.managers);
        for v in [Visibility::Public, Visibility::Approval] {
            let s = shared_with_guild(v);
            assert!(s.discussions && s.events && s.managers);
        }
    }

    #[test]
    fn likeness_weighs_tags_over_members() {
        let a = vec!["ux".to_owned(), "accessibility".to_owned()];
        let b = vec!["ux".to_owned(), "research".to_owned()];
        assert_eq!(likeness(&a, &b, 0), 2);
        assert_eq!(likeness(&a, &b, 3), 5);
        assert_eq!(likeness(&a, &[], 0), 0);
    }

    #[test]
    fn names_round_trip() {
        for f in GuildFocus::ALL {
            assert_eq!(GuildFocus::parse(f.as_str()), Some(f));
        }
        for l in [LinkState::Requested, LinkState::Invited, LinkState::Active] {
            assert_eq!(LinkState::parse(l.as_str()), Some(l));
        }
        assert_eq!(GuildFocus::parse("other"), None);
    }
}
