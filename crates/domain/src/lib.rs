//! Guildhall's domain: what things are (accounts, communities, discussions) and the rules
//! about who may see, join, post, moderate and administer. Pure Rust, no I/O.

/// A string-valued enum: stable snake_case names in storage (sea-orm `ActiveEnum` behind the
/// `sea-orm` feature) and the API (serde), with `ALL`, `as_str` and `parse`.
macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* #[cfg_attr(feature = "sea-orm", sea_orm(string_value = $s))] $v),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The stable name used in storage and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            /// Parses the stable name.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod client_address;
pub mod community;
pub mod directory;
pub mod email_delivery;
pub mod event;
pub mod extras;
pub mod federation_policy;
pub mod guild;
pub mod mentions;
pub mod notify_prefs;
pub mod oauth;
pub mod policy;
pub mod poll;
pub mod private_fetch;
pub mod registration;
pub mod reminder;
pub mod search;
pub mod sign_in_backoff;
pub mod validate;
pub mod visibility;
pub mod wiki;

pub use community::{CommunityRole, MembershipStatus, Visibility};
pub use federation_policy::{FederationMode, FederationPolicy};
pub use policy::{Access, Denied, JoinOutcome, member_instance_allowed};
pub use private_fetch::{FetchSigner, private_fetch_allowed};
pub use registration::{AccountStatus, CommunityCreation, RegistrationMode, RegistrationPolicy, RegistrationRefused};
pub use validate::{Invalid, InvalidCode, Limits};
