//! Who may register on an instance and who may create communities.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How new accounts are admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone (matching the email allowlist, if set) gets an active account.
    Open,
    /// Accounts wait for an admin's approval.
    Approval,
    /// A valid invite code is required.
    Invite,
    /// Only admins create accounts.
    Closed,
}

impl RegistrationMode {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Approval => "approval",
            RegistrationMode::Invite => "invite",
            RegistrationMode::Closed => "closed",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Approval, Self::Invite, Self::Closed].into_iter().find(|m| m.as_str() == s)
    }
}

/// Who may create communities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommunityCreation {
    /// Any active member.
    Members,
    /// Instance admins only.
    Admins,
}

impl CommunityCreation {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CommunityCreation::Members => "members",
            CommunityCreation::Admins => "admins",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Members, Self::Admins].into_iter().find(|m| m.as_str() == s)
    }

    /// Whether an account may create a community under this setting.
    pub fn allows(self, is_admin: bool) -> bool {
        is_admin || self == CommunityCreation::Members
    }
}

/// State of an account.
#[cfg_attr(feature = "sea-orm", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "sea-orm", sea_orm(rs_type = "String", db_type = "String(sea_orm::sea_query::StringLen::None)"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// May sign in and take part.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "active"))]
    Active,
    /// Registered, waiting for an admin's approval.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// Suspended by an admin.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "suspended"))]
    Suspended,
}

impl AccountStatus {
    /// The stable name used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Pending => "pending",
            AccountStatus::Suspended => "suspended",
        }
    }

    /// Parses the stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Pending, Self::Suspended].into_iter().find(|m| m.as_str() == s)
    }
}

impl std::fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationRefused {
    /// Registration is closed.
    #[error("registration is closed on this instance")]
    Closed,
    /// An invite code is needed and none (or an invalid one) was given.
    #[error("a valid invite code is required to register")]
    InviteRequired,
    /// The email address's domain is not on the allowlist.
    #[error("registration is limited to email addresses at: {0}")]
    EmailDomainNotAllowed(String),
}

/// The instance's registration rules, as set by an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationPolicy {
    /// How accounts are admitted.
    pub mode: RegistrationMode,
    /// Allowed email domains: `gc.ca` matches exactly, `*.gc.ca` matches any subdomain.
    /// Empty means any domain.
    pub email_domains: Vec<String>,
}

impl RegistrationPolicy {
    /// Decides a self-service registration: the status the new account gets, or why not.
    pub fn decide(&self, email: &str, valid_invite: bool) -> Result<AccountStatus, RegistrationRefused> {
        if !self.email_allowed(email) {
            return Err(RegistrationRefused::EmailDomainNotAllowed(self.email_domains.join(", ")));
        }
        match self.mode {
            RegistrationMode::Closed => Err(RegistrationRefused::Closed),
            RegistrationMode::Open => Ok(AccountStatus::Active),
            RegistrationMode::Approval => Ok(AccountStatus::Pending),
            RegistrationMode::Invite if valid_invite => Ok(AccountStatus::Active),
            RegistrationMode::Invite => Err(RegistrationRefused::InviteRequired),
        }
    }

    /// Whether an email address's domain is allowed.
    pub fn email_allowed(&self, email: &str) -> bool {
        if self.email_domains.is_empty() {
            return true;
        }
        let Some((_, domain)) = email.rsplit_once('@') else {
            return false;
        };
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        self.email_domains.iter().any(|pattern| domain_matches(pattern, &domain))
    }
}

/// Whether an account must confirm its address before it may sign in: only when the admin
/// asks for it and email is on (with email off no link could arrive, so the setting rests),
/// and only for an address not yet confirmed (accounts without one have nothing to confirm).
pub fn must_confirm_email(required: bool, email_on: bool, has_address: bool, confirmed: bool) -> bool {
    required && email_on && has_address && !confirmed
}

/// `*.gc.ca` matches subdomains of gc.ca (any depth); other patterns match exactly.
fn domain_matches(pattern: &str, domain: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => domain.len() > suffix.len() + 1 && domain.ends_with(&format!(".{suffix}")),
        None => domain == pattern,
    }
}

/// Checks and normalises one allowlist pattern (`gc.ca` or `*.gc.ca`).
pub fn normalise_domain_pattern(pattern: &str) -> Option<String> {
    let p = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = p.strip_prefix("*.").unwrap_or(&p);
    let valid = !host.is_empty()
        && host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    valid.then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: RegistrationMode, domains: &[&str]) -> RegistrationPolicy {
        RegistrationPolicy { mode, email_domains: domains.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn only_a_required_unconfirmed_address_with_email_on_blocks_sign_in() {
        assert!(must_confirm_email(true, true, true, false));
        assert!(!must_confirm_email(false, true, true, false), "not required");
        assert!(!must_confirm_email(true, false, true, false), "email off: no link could arrive");
        assert!(!must_confirm_email(true, true, false, false), "no address to confirm");
        assert!(!must_confirm_email(true, true, true, true), "confirmed");
    }

    #[test]
    fn modes() {
        let e = "a@example.org";
        assert_eq!(policy(RegistrationMode::Open, &[]).decide(e, false), Ok(AccountStatus::Active));
        assert_eq!(policy(RegistrationMode::Approval, &[]).decide(e, false), Ok(AccountStatus::Pending));
        assert_eq!(policy(RegistrationMode::Invite, &[]).decide(e, true), Ok(AccountStatus::Active));
        assert_eq!(policy(RegistrationMode::Invite, &[]).decide(e, false), Err(RegistrationRefused::InviteRequired));
        assert_eq!(policy(RegistrationMode::Closed, &[]).decide(e, true), Err(RegistrationRefused::Closed));
    }

    #[test]
    fn email_domain_allowlist() {
        let p = policy(RegistrationMode::Open, &["*.gc.ca", "canada.ca"]);
        assert!(p.email_allowed("jo@tbs-sct.gc.ca"));
        assert!(p.email_allowed("jo@a.b.GC.CA"));
        assert!(p.email_allowed("jo@canada.ca"));
        assert!(!p.email_allowed("jo@gc.ca"));
        assert!(!p.email_allowed("jo@evilgc.ca"));
        assert!(!p.email_allowed("jo@gc.ca.evil.com"));
        assert!(!p.email_allowed("jo@sub.canada.ca"));
        assert!(!p.email_allowed("no-at-sign"));
        assert!(matches!(p.decide("x@evil.com", true), Err(RegistrationRefused::EmailDomainNotAllowed(_))));
        // The allowlist applies in every mode.
        let p = policy(RegistrationMode::Approval, &["*.gc.ca"]);
        assert!(p.decide("x@gmail.com", false).is_err());
        assert_eq!(p.decide("x@ssc.gc.ca", false), Ok(AccountStatus::Pending));
    }

    #[test]
    fn domain_patterns_are_checked() {
        assert_eq!(normalise_domain_pattern(" *.GC.ca. "), Some("*.gc.ca".into()));
        assert_eq!(normalise_domain_pattern("canada.ca"), Some("canada.ca".into()));
        for bad in ["", "*.", "ca", "a b.ca", "*.-x.ca", "x..ca", "a/b.ca", "a@b.ca", "**.ca"] {
            assert_eq!(normalise_domain_pattern(bad), None, "{bad}");
        }
    }

    #[test]
    fn community_creation() {
        assert!(CommunityCreation::Members.allows(false));
        assert!(!CommunityCreation::Admins.allows(false));
        assert!(CommunityCreation::Admins.allows(true));
    }

    #[test]
    fn names_round_trip() {
        for m in ["open", "approval", "invite", "closed"] {
            assert_eq!(RegistrationMode::parse(m).map(|m| m.as_str()), Some(m));
        }
        for s in ["active", "pending", "suspended"] {
            assert_eq!(AccountStatus::parse(s).map(|m| m.as_str()), Some(s));
        }
        assert_eq!(CommunityCreation::parse("admins"), Some(CommunityCreation::Admins));
        assert_eq!(RegistrationMode::parse("x"), None);
    }
}
