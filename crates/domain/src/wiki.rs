//! A community's wiki: page names and slugs, size limits, who may edit, edit conflicts and
//! `[[Page name]]` links. Pure functions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::policy::{Access, Denied};
use crate::validate::{self, Invalid};

/// Longest page title, in characters.
pub const TITLE_LEN: usize = 200;
/// Longest slug, in characters.
pub const SLUG_LEN: usize = 100;
/// Largest page body (Markdown), in characters.
pub const BODY_LEN: usize = 200_000;
/// Longest edit summary, in characters.
pub const SUMMARY_LEN: usize = 300;

/// Who may edit a community's wiki (a community setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum WikiEditors {
    /// Every approved member.
    #[default]
    Members,
    /// Moderators only.
    Moderators,
}

impl WikiEditors {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            WikiEditors::Members => "members",
            WikiEditors::Moderators => "moderators",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "members" => Some(WikiEditors::Members),
            "moderators" => Some(WikiEditors::Moderators),
            _ => None,
        }
    }
}

/// The slug of a title: lower case letters and digits, words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed: String = out.trim_end_matches('-').chars().take(SLUG_LEN).collect();
    trimmed.trim_end_matches('-').to_owned()
}

/// Checks a new page's title; returns it trimmed with its slug.
pub fn title(raw: &str) -> Result<(String, String), Invalid> {
    let t = validate::required_line("title", raw, TITLE_LEN)?;
    let s = slug(&t);
    if s.is_empty() {
        return Err(Invalid::new("title", "must contain a letter or digit"));
    }
    Ok((t, s))
}

/// Checks a page body: at most 200,000 characters.
pub fn body(raw: &str) -> Result<String, Invalid> {
    validate::text("body", raw, BODY_LEN, false)
}

/// Checks an edit summary.
pub fn summary(raw: Option<&str>) -> Result<String, Invalid> {
    validate::optional_line("summary", raw.unwrap_or_default(), SUMMARY_LEN)
}

/// May this viewer change pages (create, edit, restore)? Members or moderators per the
/// community's setting; a locked page only moderators (and instance admins).
pub fn may_edit(access: &Access, editors: WikiEditors, page_locked: bool) -> Result<(), Denied> {
    access.start_discussion()?;
    let moderator = access.moderate().is_ok();
    if editors == WikiEditors::Moderators && !moderator {
        return Err(Denied::ModeratorsOnly);
    }
    if page_locked && !moderator {
        return Err(Denied::Locked);
    }
    Ok(())
}

/// An edit must start from the latest revision: otherwise someone else's change would be
/// silently overwritten. Returns the latest revision number as the conflict's detail.
pub fn check_base(base_revision: i32, latest: i32) -> Result<(), i32> {
    if base_revision == latest { Ok(()) } else { Err(latest) }
}

/// The `[[Page name]]` links of a body, in order, without repeats (name, slug).
pub fn links(body: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        let name = after[..end].trim();
        if !name.is_empty() && !name.contains('\n') && name.chars().count() <= TITLE_LEN {
            let s = slug(name);
            if !s.is_empty() && !out.iter().any(|(_, x)| *x == s) {
                out.push((name.to_owned(), s));
            }
        }
        rest = &after[end + 2..];
    }
    out
}

/// Replaces each `[[Page name]]` with a Markdown link to `{base}/{slug}`; links to pages that
/// do not exist yet (per `exists`) get `?missing=1` so pages can show them differently.
pub fn expand_links(body: &str, base: &str, exists: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        let s = slug(name);
        if name.is_empty() || name.contains('\n') || s.is_empty() {
            out.push_str(&rest[start..start + 2 + end + 2]);
        } else {
            let label = name.replace('[', "\\[").replace(']', "\\]");
            let missing = if exists(&s) { "" } else { "?missing=1" };
            out.push_str(&format!("[{label}]({base}/{s}{missing})"));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CommunityRole, Visibility};

    fn access(role: CommunityRole) -> Access {
        Access { visibility: Visibility::Public, role, instance_admin: false }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Onboarding Guide"), "onboarding-guide");
        assert_eq!(slug("  C++ & Rust: tips!  "), "c-rust-tips");
        assert_eq!(slug("Été à Montréal"), "été-à-montréal");
        assert_eq!(slug("!!!"), "");
        assert!(slug(&"a ".repeat(200)).chars().count() <= SLUG_LEN);
        assert!(title("!!!").is_err());
        assert_eq!(title(" Home ").unwrap(), ("Home".into(), "home".into()));
    }

    #[test]
    fn oversized_pages_are_refused() {
        assert!(body(&"x".repeat(BODY_LEN)).is_ok());
        assert_eq!(body(&"x".repeat(BODY_LEN + 1)).unwrap_err().field, "body");
        assert!(summary(Some(&"s".repeat(SUMMARY_LEN + 1))).is_err());
        assert_eq!(summary(None).unwrap(), "");
    }

    #[test]
    fn who_may_edit() {
        use CommunityRole::*;
        assert_eq!(may_edit(&access(Member), WikiEditors::Members, false), Ok(()));
        assert_eq!(may_edit(&access(Member), WikiEditors::Moderators, false), Err(Denied::ModeratorsOnly));
        assert_eq!(may_edit(&access(Moderator), WikiEditors::Moderators, true), Ok(()));
        assert_eq!(may_edit(&access(Member), WikiEditors::Members, true), Err(Denied::Locked));
        assert_eq!(may_edit(&access(NonMember), WikiEditors::Members, false), Err(Denied::MembersOnly));
        assert_eq!(may_edit(&access(Pending), WikiEditors::Members, false), Err(Denied::MembersOnly));
        assert_eq!(may_edit(&access(Banned), WikiEditors::Members, false), Err(Denied::Banned));
        assert_eq!(may_edit(&access(Anonymous), WikiEditors::Members, false), Err(Denied::SignInRequired));
    }

    #[test]
    fn edits_start_from_the_latest_revision() {
        assert_eq!(check_base(3, 3), Ok(()));
        assert_eq!(check_base(2, 3), Err(3));
    }

    #[test]
    fn page_links() {
        let body = "See [[Onboarding Guide]] and [[ FAQ ]], again [[faq]]; not [[]] or [[\n]] or [[!!]].";
        assert_eq!(
            links(body),
            vec![("Onboarding Guide".into(), "onboarding-guide".into()), ("FAQ".into(), "faq".into())]
        );
        let out = expand_links(body, "/c/ux/wiki", |s| s == "faq");
        assert!(out.contains("[Onboarding Guide](/c/ux/wiki/onboarding-guide?missing=1)"), "{out}");
        assert!(out.contains("[FAQ](/c/ux/wiki/faq)"), "{out}");
        assert!(out.contains("[[]]") && out.contains("[[!!]]"), "{out}");
        assert_eq!(expand_links("no links [[open", "/b", |_| true), "no links [[open");
    }
}
