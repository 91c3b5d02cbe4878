//! The published directory and the network map: which communities an instance lists, what a
//! listing shows, a community's lifecycle stage, and the rules for proposed external
//! communities of practice. Pure functions, no I/O.

use crate::validate::{self, Invalid, Limits};
use crate::{Visibility, federation_policy};

/// Entries per directory page.
pub const PAGE_SIZE: u64 = 50;

/// Longest URL accepted for an external community of practice.
pub const MAX_URL: usize = 2048;

/// Where a community stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Getting started.
    Forming,
    /// Active (the default).
    Active,
    /// Quiet for now.
    Dormant,
    /// Kept for reference; no longer active.
    Archived,
}

impl Lifecycle {
    /// Every stage, in order.
    pub const ALL: [Lifecycle; 4] = [Lifecycle::Forming, Lifecycle::Active, Lifecycle::Dormant, Lifecycle::Archived];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Forming => "forming",
            Lifecycle::Active => "active",
            Lifecycle::Dormant => "dormant",
            Lifecycle::Archived => "archived",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == raw)
    }
}

/// Whether a local community appears in the published directory: its explicit choice, else
/// listed when public or approval and unlisted when private.
pub fn is_listed(visibility: Visibility, listed: Option<bool>) -> bool {
    listed.unwrap_or(visibility != Visibility::Private)
}

/// What a directory entry may show beyond name, title, summary, tags, visibility and links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disclosure {
    /// Member count and activity in the last 30 days.
    pub counts: bool,
}

/// What a listed community discloses: a private one only its name, description, tags,
/// visibility and guild links, never how many members it has or how active it is.
pub fn disclosure(visibility: Visibility) -> Disclosure {
    Disclosure { counts: visibility != Visibility::Private }
}

/// Checks an external community's URL: absolute `http` or `https` with a valid host.
pub fn external_url(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let t = raw.trim();
    let bad = || Invalid::new(field, "must be a web address starting with https:// or http://");
    if t.is_empty() || t.len() > MAX_URL || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).ok_or_else(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // No user info: `https://good.example@evil.example` must not pass for good.example.
    if authority.contains('@') || federation_policy::normalise_host(authority).is_none() {
        return Err(bad());
    }
    Ok(t.to_owned())
}

/// A proposed external community of practice, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalInput {
    /// Its name.
    pub name: String,
    /// Where it lives (http or https).
    pub url: String,
    /// What it is about.
    pub summary: String,
    /// Topic tags.
    pub topics: Vec<String>,
    /// Country or government.
    pub government: String,
    /// Department or organisation.
    pub organisation: String,
    /// How to reach it (a name, an address).
    pub contact: String,
}

/// Checks a proposal, trimming its fields; the error names the first bad field.
pub fn check_proposal(p: &ProposalInput) -> Result<ProposalInput, Invalid> {
    Ok(ProposalInput {
        name: validate::required_line("name", &p.name, Limits::TITLE)?,
        url: external_url("url", &p.url)?,
        summary: validate::text("summary", &p.summary, Limits::DESCRIPTION, false)?,
        topics: validate::tags("topics", &p.topics)?,
        government: validate::optional_line("government", &p.government, Limits::SHORT)?,
        organisation: validate::optional_line("organisation", &p.organisation, Limits::SHORT)?,
        contact: validate::optional_line("contact", &p.contact, Limits::SHORT)?,
    })
}

string_enum! {
    /// The status of a proposal.
    ProposalStatus {
        /// Waiting for an admin.
        Pending = "pending",
        /// In the published directory.
        Approved = "approved",
        /// Turned down.
        Rejected = "rejected",
    }
}

string_enum! {
    /// How the network-map crawler's last visit to an instance went.
    MapInstanceStatus {
        /// Known, not crawled yet (or a crawl is under way).
        Pending = "pending",
        /// Its last crawl completed.
        Ok = "ok",
        /// Its last crawl failed (the reason is kept with it).
        Error = "error",
        /// It asked not to be on the map; its entries are removed.
        OptedOut = "opted_out",
        /// On this instance's blocklist; never contacted.
        Blocked = "blocked",
    }
}

/// Hours between map refreshes an admin may set (one hour to 90 days).
pub const REFRESH_HOURS: (i32, i32) = (1, 24 * 90);

/// Checks the map refresh period.
pub fn refresh_hours(field: &'static str, hours: i32) -> Result<i32, Invalid> {
    if (REFRESH_HOURS.0..=REFRESH_HOURS.1).contains(&hours) {
        Ok(hours)
    } else {
        Err(Invalid::new(field, format!("must be between {} and {} hours", REFRESH_HOURS.0, REFRESH_HOURS.1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_defaults_follow_visibility_and_explicit_choice_wins() {
        assert!(is_listed(Visibility::Public, None));
        assert!(is_listed(Visibility::Approval, None));
        assert!(!is_listed(Visibility::Private, None));
        assert!(is_listed(Visibility::Private, Some(true)));
        assert!(!is_listed(Visibility::Public, Some(false)));
    }

    #[test]
    fn private_listings_show_no_counts() {
        assert!(!disclosure(Visibility::Private).counts);
        assert!(disclosure(Visibility::Approval).counts);
        assert!(disclosure(Visibility::Public).counts);
    }

    #[test]
    fn lifecycle_round_trips() {
        for l in Lifecycle::ALL {
            assert_eq!(Lifecycle::parse(l.as_str()), Some(l));
        }
        assert_eq!(Lifecycle::parse("sleeping"), None);
    }

    #[test]
    fn external_urls_are_http_with_a_host() {
        for ok in ["https://example.slack.com/archives/C1", "http://lists.gc.ca", "HTTPS://Teams.Example:8443/x?y#z"] {
            assert!(external_url("url", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ftp://x.example",
            "javascript:alert(1)",
            "https://",
            "https://good.example@evil.example/",
            "https://exa mple.org",
            "//x.example",
            "mailto:a@b.c",
        ] {
            assert_eq!(external_url("url", bad).map_err(|e| e.field), Err("url"), "{bad}");
        }
    }

    #[test]
    fn proposals_name_the_bad_field() {
        let good = ProposalInput {
            name: " Data folk ".into(),
            url: "https://data.example/".into(),
            topics: vec!["data".into()],
            ..Default::default()
        };
        assert_eq!(check_proposal(&good).unwrap().name, "Data folk");
        let field = |p: ProposalInput| check_proposal(&p).unwrap_err().field;
        assert_eq!(field(ProposalInput { name: " ".into(), ..good.clone() }), "name");
        assert_eq!(field(ProposalInput { url: "data.example".into(), ..good.clone() }), "url");
        assert_eq!(field(ProposalInput { contact: "x".repeat(300), ..good.clone() }), "contact");
        assert_eq!(field(ProposalInput { topics: vec!["a b c".repeat(30)], ..good }), "topics");
    }

    #[test]
    fn refresh_period_is_bounded() {
        assert!(refresh_hours("h", 24).is_ok());
        assert!(refresh_hours("h", 0).is_err());
        assert!(refresh_hours("h", 24 * 91).is_err());
    }
}
