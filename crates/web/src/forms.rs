//! Form errors (shown next to each field and in a summary at the top, as in the GOV.UK
//! Design System) and turning app refusals into messages in the page language.

use guildhall_app::Error;
use guildhall_domain::{Denied, Invalid, InvalidCode, RegistrationRefused};

use crate::i18n::Lang;

/// One problem with a form, tied to the input it is about.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    /// The `id` of the input (the summary links to it).
    pub field: String,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// The problems with a submitted form.
#[derive(Debug, Clone, Default)]
pub(crate) struct Errors {
    /// In the order of the form's fields.
    pub list: Vec<FieldError>,
}

impl Errors {
    /// Adds a problem with `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.list.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// One problem.
    pub fn one(field: &str, message: impl Into<String>) -> Self {
        let mut e = Errors::default();
        e.add(field, message);
        e
    }

    /// No problems?
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.list.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// Whether `field` has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}

/// A validation failure in the page language, chosen by the rule that failed (`i.code`) and
/// the field; the English message is shown only where no translation says more.
pub(crate) fn invalid_message(lang: Lang, i: &Invalid) -> String {
    use InvalidCode as C;
    match (i.field, i.code) {
        (_, C::Empty) => lang.t("error-empty"),
        (_, C::TooLong { max }) => lang.tn("error-too-long", "max", max),
        (_, C::Length { min, max }) => lang.t2("error-length", "min", min, "max", max),
        (_, C::Required) => lang.t("error-required"),
        ("timezone" | "time_zone", _) => lang.t("error-timezone"),
        (_, C::DateTime) => lang.t("error-datetime"),
        (_, C::TimeSkipped) => lang.t("error-time-skipped"),
        (_, C::YearRange) => lang.t("error-year-range"),
        (_, C::EndsBeforeStart) => lang.t("error-ends-before-start"),
        (_, C::TooLongEvent) => lang.t("error-too-long-event"),
        ("capacity", _) => lang.t("error-capacity"),
        (_, C::DuplicateOption) => lang.t("error-poll-duplicate"),
        ("poll.options", _) => lang.t("error-poll-options"),
        (_, C::NotInFuture) => lang.t("error-poll-future"),
        ("poll.closes_at", _) => lang.t("error-poll-within-year"),
        (_, C::ExternalUrlRequired) => lang.t("error-external-required"),
        ("online_url" | "external_url" | "url", _) => lang.t("error-url"),
        ("email", _) => lang.t("error-email"),
        (_, C::Reserved) => lang.t("error-reserved"),
        (_, C::NameChars) => lang.t("error-name-chars"),
        (_, C::NameDash) => lang.t("error-name-dash"),
        (_, C::SingleLine) => lang.t("error-single-line"),
        ("current_password", _) => lang.t("error-current-password"),
        // The message quotes the entry that is not a host name.
        (_, C::NotAHost) => lang.ts("error-host", "value", &i.message),
        // Too many domains or instances are told with the tags' message, as before codes.
        (_, C::Tag | C::TooMany) => lang.t("error-tags"),
        _ => lang.ts("error-invalid", "detail", &i.message),
    }
}

/// A policy refusal in the page language.
pub(crate) fn denied_message(lang: Lang, d: Denied) -> String {
    lang.t(&format!("denied-{}", d.code().replace('_', "-")))
}

/// Turns a use case's refusal into a form error on `field` (or the field the error names),
/// or `None` when it is not the form's fault (not found, server errors).
pub(crate) fn form_error(lang: Lang, e: &Error, field: &str) -> Option<Errors> {
    match e {
        Error::Invalid(i) => Some(Errors::one(i.field, invalid_message(lang, i))),
        Error::Denied(Denied::CharterNotAccepted) => {
            Some(Errors::one("accept_charter", lang.t("denied-charter-not-accepted")))
        }
        Error::Denied(d) => Some(Errors::one(field, denied_message(lang, *d))),
        Error::Taken(_) => Some(Errors::one(field, lang.t("error-taken"))),
        Error::Conflict(m) => Some(Errors::one(field, lang.ts("error-invalid", "detail", m))),
        Error::Registration(r) => Some(Errors::one(
            if matches!(r, RegistrationRefused::EmailDomainNotAllowed(_)) { "email" } else { field },
            match r {
                RegistrationRefused::Closed => lang.t("registration-refused-closed"),
                RegistrationRefused::InviteRequired => lang.t("registration-refused-invite"),
                RegistrationRefused::EmailDomainNotAllowed(d) => lang.ts("registration-refused-domain", "domains", d),
            },
        )),
        _ => None,
    }
}

/// Splits a list typed one per line or separated by commas or spaces.
pub(crate) fn split_list(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_are_translated() {
        let fr = Lang::Fr;
        let coded = |field, code| Invalid::coded(field, code, "");
        assert_eq!(invalid_message(fr, &coded("title", InvalidCode::Empty)), fr.t("error-empty"));
        assert!(invalid_message(fr, &coded("title", InvalidCode::TooLong { max: 100 })).contains("100"));
        let length = InvalidCode::Length { min: 3, max: 30 };
        assert!(invalid_message(Lang::En, &coded("name", length)).contains('3'));
        assert_eq!(
            invalid_message(fr, &coded("ends_at", InvalidCode::EndsBeforeStart)),
            fr.t("error-ends-before-start")
        );
        assert_eq!(split_list("gc.ca, *.canada.ca\nexample.org"), ["gc.ca", "*.canada.ca", "example.org"]);
    }

    /// The message the domain's rule produces, as a page shows it.
    fn shown(lang: Lang, e: Invalid) -> String {
        invalid_message(lang, &e)
    }

    #[test]
    fn rules_are_told_by_code_not_by_text() {
        use chrono::{TimeZone, Utc};
        use guildhall_domain::{event, poll, validate};
        let fr = Lang::Fr;
        let at = |y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single().expect("date");

        let early = event::times(at(1960), at(1961)).expect_err("before 1970");
        assert_eq!(shown(fr, early), fr.t("error-year-range"));
        let long = event::times(at(2030), at(2032)).expect_err("two years");
        assert_eq!(shown(fr, long), fr.t("error-too-long-event"));
        let backwards = event::times(at(2031), at(2030)).expect_err("ends first");
        assert_eq!(shown(fr, backwards), fr.t("error-ends-before-start"));
        let twice = poll::options(&["a".into(), "a".into()]).expect_err("twice");
        assert_eq!(shown(fr, twice), fr.t("error-poll-duplicate"));
        let few = poll::options(&["a".into()]).expect_err("one option");
        assert_eq!(shown(fr, few), fr.t("error-poll-options"));
        let past = poll::closes_at(Some(at(2000)), at(2030)).expect_err("past");
        assert_eq!(shown(fr, past), fr.t("error-poll-future"));
        let external = event::join_mode(event::JoinMode::External, "").expect_err("no url");
        assert_eq!(shown(fr, external), fr.t("error-external-required"));
        assert_eq!(shown(fr, validate::name("name", "admin-").expect_err("dash")), fr.t("error-name-dash"));
        assert_eq!(shown(fr, validate::name("name", "api").expect_err("reserved")), fr.t("error-reserved"));
        assert_eq!(shown(fr, validate::name("name", "a b c").expect_err("chars")), fr.t("error-name-chars"));
        assert_eq!(shown(fr, validate::required_line("title", " ", 10).expect_err("empty")), fr.t("error-empty"));
        assert_eq!(shown(fr, validate::optional_line("t", "a\u{7}", 10).expect_err("bell")), fr.t("error-single-line"));
        assert_eq!(shown(fr, validate::tags("tags", &["a b".into()]).expect_err("tag")), fr.t("error-tags"));
        let host = Invalid::coded("member_domains", InvalidCode::NotAHost, "'x' is not a host name such as gc.ca");
        assert_eq!(shown(fr, host.clone()), fr.ts("error-host", "value", &host.message));
        // A message that merely reads like a rule is not taken for it.
        assert_eq!(
            shown(fr, Invalid::new("starts_at", "must be after 1970")),
            fr.ts("error-invalid", "detail", "must be after 1970")
        );
    }

    #[test]
    fn a_taken_name_is_told_by_its_variant() {
        let fr = Lang::Fr;
        let taken = form_error(fr, &Error::Taken("name is already taken".into()), "name").expect("form error");
        assert_eq!(taken.get("name"), Some(fr.t("error-taken").as_str()));
        // Any other conflict shows its own text, even one that mentions a name being taken.
        let other =
            form_error(fr, &Error::Conflict("already taken, said the wiki".into()), "name").expect("form error");
        assert_eq!(other.get("name"), Some(fr.ts("error-invalid", "detail", "already taken, said the wiki").as_str()));
    }
}
