//! Communities and the roles people hold in them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who may read a community and how people join it.
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone may read; anyone signed in may join at once.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "public"))]
    Public,
    /// Anyone may read; joining needs a moderator's approval.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "approval"))]
    Approval,
    /// Only approved members see anything beyond name, description and charter.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "private"))]
    Private,
}

impl Visibility {
    /// Every visibility, for exhaustive tests and option lists.
    pub const ALL: [Visibility; 3] = [Visibility::Public, Visibility::Approval, Visibility::Private];

    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Approval => "approval",
            Visibility::Private => "private",
        }
    }

    /// Parses the stable name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// State of a person's membership row in a community.
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    /// Asked to join; waiting for a moderator.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// An approved member.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "active"))]
    Active,
    /// Banned from the community.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "banned"))]
    Banned,
}

impl MembershipStatus {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipStatus::Pending => "pending",
            MembershipStatus::Active => "active",
            MembershipStatus::Banned => "banned",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Banned].into_iter().find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for MembershipStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role a viewer holds in one community, as the policies see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    /// Not signed in.
    Anonymous,
    /// Signed in, no membership.
    NonMember,
    /// Asked to join, not yet approved.
    Pending,
    /// Approved member.
    Member,
    /// Member who moderates.
    Moderator,
    /// Banned from this community.
    Banned,
}

impl CommunityRole {
    /// Every role, for exhaustive tests.
    pub const ALL: [CommunityRole; 6] = [
        CommunityRole::Anonymous,
        CommunityRole::NonMember,
        CommunityRole::Pending,
        CommunityRole::Member,
        CommunityRole::Moderator,
        CommunityRole::Banned,
    ];

    /// Derives the role from a stored membership (status, moderator flag), if any.
    pub fn from_membership(signed_in: bool, membership: Option<(MembershipStatus, bool)>) -> Self {
        match (signed_in, membership) {
            (false, _) => CommunityRole::Anonymous,
            (true, None) => CommunityRole::NonMember,
            (true, Some((MembershipStatus::Pending, _))) => CommunityRole::Pending,
            (true, Some((MembershipStatus::Banned, _))) => CommunityRole::Banned,
            (true, Some((MembershipStatus::Active, true))) => CommunityRole::Moderator,
            (true, Some((MembershipStatus::Active, false))) => CommunityRole::Member,
        }
    }

    /// Approved member or moderator.
    pub fn is_member(self) -> bool {
        matches!(self, CommunityRole::Member | CommunityRole::Moderator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visibility_round_trips_through_its_name() {
        for v in Visibility::ALL {
            assert_eq!(Visibility::parse(v.as_str()), Some(v));
        }
        assert_eq!(Visibility::parse("secret"), None);
    }

    #[test]
    fn role_from_membership() {
        use MembershipStatus::*;
        assert_eq!(CommunityRole::from_membership(false, Some((Active, true))), CommunityRole::Anonymous);
        assert_eq!(CommunityRole::from_membership(true, None), CommunityRole::NonMember);
        assert_eq!(CommunityRole::from_membership(true, Some((Pending, false))), CommunityRole::Pending);
        assert_eq!(CommunityRole::from_membership(true, Some((Banned, true))), CommunityRole::Banned);
        assert_eq!(CommunityRole::from_membership(true, Some((Active, true))), CommunityRole::Moderator);
        assert_eq!(CommunityRole::from_membership(true, Some((Active, false))), CommunityRole::Member);
        assert_eq!(MembershipStatus::parse("active"), Some(Active));
        assert_eq!(MembershipStatus::parse("x"), None);
    }
}
