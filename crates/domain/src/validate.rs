//! Input rules shared by the API, the web forms, the CLI and (later) federation.

/// Size limits for user-supplied text, in characters.
pub struct Limits;

impl Limits {
    /// Usernames and community names.
    pub const NAME: (usize, usize) = (3, 30);
    /// Passwords.
    pub const PASSWORD: (usize, usize) = (8, 256);
    /// Display names and community titles.
    pub const TITLE: usize = 100;
    /// Discussion titles.
    pub const DISCUSSION_TITLE: usize = 200;
    /// Discussion and reply bodies (Markdown source).
    pub const BODY: usize = 100_000;
    /// Descriptions, bios and welcome messages.
    pub const DESCRIPTION: usize = 5_000;
    /// Community charters.
    pub const CHARTER: usize = 20_000;
    /// Department names and similar short fields.
    pub const SHORT: usize = 200;
    /// Email addresses.
    pub const EMAIL: usize = 254;
    /// Number of tags, and characters per tag.
    pub const TAGS: (usize, usize) = (20, 50);
}

/// A field failed validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The field's name as the API spells it.
    pub field: &'static str,
    /// Which rule failed, for callers that word it themselves (the web pages translate it).
    pub code: InvalidCode,
    /// What is expected, readable by a person (in English; the API returns it as is).
    pub message: String,
}

impl Invalid {
    /// A validation failure for `field` that needs no code of its own (`InvalidCode::Other`).
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Invalid { field, code: InvalidCode::Other, message: message.into() }
    }

    /// A validation failure for `field` with the rule that failed.
    pub fn coded(field: &'static str, code: InvalidCode, message: impl Into<String>) -> Self {
        Invalid { field, code, message: message.into() }
    }
}

/// Which input rule failed. Callers match on this, never on the message's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidCode {
    /// Any other rule; the message says which (and the field often tells enough).
    Other,
    /// Blank where text is needed.
    Empty,
    /// Longer than `max` characters.
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// Not between `min` and `max` characters.
    Length {
        /// The fewest characters allowed.
        min: usize,
        /// The most characters allowed.
        max: usize,
    },
    /// Missing.
    Required,
    /// A name the instance keeps for itself.
    Reserved,
    /// A name with characters other than `a-z 0-9 _ -`.
    NameChars,
    /// A name starting or ending with `-`.
    NameDash,
    /// Line breaks or control characters in single-line text.
    SingleLine,
    /// A tag that is empty, too long or has other characters than letters, digits, `-`, `_`.
    Tag,
    /// More items in a list than allowed (tags, domains, instances).
    TooMany,
    /// An entry of a list that is not a host or domain name (the message quotes it).
    NotAHost,
    /// Not a date and time.
    DateTime,
    /// A local time skipped by a daylight-saving change.
    TimeSkipped,
    /// A date outside the years 1970 to 2200.
    YearRange,
    /// An end not after the start.
    EndsBeforeStart,
    /// An event lasting more than a year.
    TooLongEvent,
    /// The external URL an external-RSVP event needs is missing.
    ExternalUrlRequired,
    /// A poll option given twice.
    DuplicateOption,
    /// A time that should be in the future is not.
    NotInFuture,
}

/// Names reserved for the instance itself (URLs, the future instance actor).
const RESERVED_NAMES: &[&str] = &[
    "api",
    "inbox",
    "outbox",
    "instance",
    "guildhall",
    "system",
    "root",
    "well-known",
    "nodeinfo",
    "static",
    "login",
    "logout",
    "signup",
    "settings",
    "admin-panel",
];

/// A username or community name: 3–30 of `a-z 0-9 _ -`, case-insensitive (stored lowercase),
/// not starting or ending with `-`. Users and communities share one name space.
pub fn name(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let n = raw.trim().to_ascii_lowercase();
    let len = n.chars().count();
    if len < Limits::NAME.0 || len > Limits::NAME.1 {
        return Err(Invalid::coded(
            field,
            InvalidCode::Length { min: Limits::NAME.0, max: Limits::NAME.1 },
            format!("must be {} to {} characters", Limits::NAME.0, Limits::NAME.1),
        ));
    }
    if !n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err(Invalid::coded(field, InvalidCode::NameChars, "may contain only letters a-z, digits, '_' and '-'"));
    }
    if n.starts_with('-') || n.ends_with('-') {
        return Err(Invalid::coded(field, InvalidCode::NameDash, "must not start or end with '-'"));
    }
    if RESERVED_NAMES.contains(&n.as_str()) {
        return Err(Invalid::coded(field, InvalidCode::Reserved, "is reserved"));
    }
    Ok(n)
}

/// A password within the length limits.
pub fn password(field: &'static str, raw: &str) -> Result<(), Invalid> {
    let len = raw.chars().count();
    if len < Limits::PASSWORD.0 || len > Limits::PASSWORD.1 {
        return Err(Invalid::coded(
            field,
            InvalidCode::Length { min: Limits::PASSWORD.0, max: Limits::PASSWORD.1 },
            format!("must be {} to {} characters", Limits::PASSWORD.0, Limits::PASSWORD.1),
        ));
    }
    Ok(())
}

/// A plausible email address, returned trimmed and lowercased.
pub fn email(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let e = raw.trim();
    let bad = || Invalid::new(field, "must be an email address such as name@department.gc.ca");
    if e.len() > Limits::EMAIL || e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = e.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.contains('@') || domain.len() < 3 || !domain.contains('.') {
        return Err(bad());
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err(bad());
    }
    // Compared case-insensitively everywhere in practice, so stored lowercase.
    Ok(format!("{local}@{domain}").to_lowercase())
}

/// Required single-line text: trimmed, non-empty, at most `max` characters, no control chars.
pub fn required_line(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let t = optional_line(field, raw, max)?;
    if t.is_empty() {
        return Err(Invalid::coded(field, InvalidCode::Empty, "must not be empty"));
    }
    Ok(t)
}

/// Optional single-line text: trimmed, at most `max` characters, no control chars.
pub fn optional_line(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let t = raw.trim();
    if t.chars().count() > max {
        return Err(Invalid::coded(field, InvalidCode::TooLong { max }, format!("must be at most {max} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(Invalid::coded(field, InvalidCode::SingleLine, "must be a single line of text"));
    }
    Ok(t.to_string())
}

/// Multi-line text (Markdown source) of at most `max` characters; `required` forbids blank.
pub fn text(field: &'static str, raw: &str, max: usize, required: bool) -> Result<String, Invalid> {
    if raw.chars().count() > max {
        return Err(Invalid::coded(field, InvalidCode::TooLong { max }, format!("must be at most {max} characters")));
    }
    if required && raw.trim().is_empty() {
        return Err(Invalid::coded(field, InvalidCode::Empty, "must not be empty"));
    }
    if raw.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(raw.trim_end().to_string())
}

/// Topic or skill tags: lowercased, `#` stripped, de-duplicated, letters/digits/`-`/`_`.
pub fn tags(field: &'static str, raw: &[String]) -> Result<Vec<String>, Invalid> {
    let (max_count, max_len) = Limits::TAGS;
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim().trim_start_matches('#').to_lowercase();
        if t.is_empty() || t.chars().count() > max_len {
            return Err(Invalid::coded(field, InvalidCode::Tag, format!("each tag must be 1 to {max_len} characters")));
        }
        if !t.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return Err(Invalid::coded(field, InvalidCode::Tag, "tags may contain only letters, digits, '-' and '_'"));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > max_count {
        return Err(Invalid::coded(field, InvalidCode::TooMany, format!("at most {max_count} tags")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name("name", " UX-Design ").as_deref(), Ok("ux-design"));
        assert_eq!(name("name", "data_stewards").as_deref(), Ok("data_stewards"));
        for bad in ["ab", "-abc", "abc-", "a b c", "café", "x".repeat(31).as_str(), "api", "a.b.c", "a@b"] {
            assert!(name("name", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("password", "correct horse").is_ok());
        assert!(password("password", "short").is_err());
        assert!(password("password", &"x".repeat(257)).is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(email("email", " Jo.Smith@TBS-SCT.GC.CA ").as_deref(), Ok("jo.smith@tbs-sct.gc.ca"));
        for bad in ["", "jo", "@gc.ca", "jo@", "jo@ca", "jo@@gc.ca", "jo smith@gc.ca", "jo@gc..ca", "jo@.gc.ca"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lines_and_texts() {
        assert_eq!(required_line("title", "  Hello ", 10).as_deref(), Ok("Hello"));
        assert!(required_line("title", "   ", 10).is_err());
        assert!(required_line("title", "12345678901", 10).is_err());
        assert!(required_line("title", "a\nb", 10).is_err());
        assert_eq!(optional_line("d", "", 10).as_deref(), Ok(""));
        assert_eq!(text("body", "line 1\nline 2\n\n", 100, true).as_deref(), Ok("line 1\nline 2"));
        assert!(text("body", " \n ", 100, true).is_err());
        assert!(text("body", "a\u{0}b", 100, false).is_err());
        assert!(text("body", &"x".repeat(101), 100, false).is_err());
    }

    #[test]
    fn tag_lists() {
        let raw = vec!["#UX".to_string(), "ux".into(), "accessibilité".into(), "data-gov".into()];
        assert_eq!(tags("tags", &raw).unwrap(), vec!["ux", "accessibilité", "data-gov"]);
        assert!(tags("tags", &["a b".to_string()]).is_err());
        assert!(tags("tags", &["".to_string()]).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(tags("tags", &many).is_err());
    }
}
