//! Guildhall's domain: what things are (accounts, communities, discussions) and the rules
//! about who may see, join, post, moderate and administer. Pure Rust, no I/O.

pub mod community;
pub mod directory;
pub mod event;
pub mod federation_policy;
pub mod guild;
pub mod policy;
pub mod poll;
pub mod private_fetch;
pub mod registration;
pub mod validate;
pub mod visibility;
pub mod wiki;

pub use community::{CommunityRole, MembershipStatus, Visibility};
pub use federation_policy::{FederationMode, FederationPolicy};
pub use policy::{Access, Denied, JoinOutcome, member_instance_allowed};
pub use private_fetch::{FetchSigner, private_fetch_allowed};
pub use registration::{AccountStatus, CommunityCreation, RegistrationMode, RegistrationPolicy, RegistrationRefused};
pub use validate::{Invalid, Limits};
