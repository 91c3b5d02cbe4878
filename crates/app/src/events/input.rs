//! Event fields from a form or API body, validated into what is stored.

use chrono::{DateTime, Utc};
use guildhall_domain::event::{self as rules, EventLimits, EventStatus, JoinMode};
use guildhall_domain::{Invalid, InvalidCode, validate, validate::Limits};
use guildhall_store::entities::event;
use serde::{Deserialize, Deserializer};

/// Event fields. On create, `title`, `starts_at`, `ends_at` and `timezone` are required; on
/// edit, absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EventInput {
    /// Title (up to 200 characters).
    pub title: Option<String>,
    /// Description (Markdown).
    pub description: Option<String>,
    /// Start: wall-clock time in `timezone` (`2026-12-01T18:30`) or RFC 3339 with an offset.
    pub starts_at: Option<String>,
    /// End, as `starts_at`; must be after it.
    pub ends_at: Option<String>,
    /// IANA time zone, such as `Europe/Paris`.
    pub timezone: Option<String>,
    /// Name of the place.
    pub place_name: Option<String>,
    /// Postal address.
    pub place_address: Option<String>,
    /// Link to join online (http/https).
    pub online_url: Option<String>,
    /// Places (0 or more); null for no limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub capacity: Option<Option<i64>>,
    /// `free` (default), `approval` or `external`.
    pub join_mode: Option<String>,
    /// Where people register, for `external` events.
    pub external_url: Option<String>,
    /// `confirmed` (default), `tentative` or `cancelled`.
    pub status: Option<String>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(d).map(Some)
}

/// Validated event fields.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub title: String,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    pub place_name: String,
    pub place_address: String,
    pub online_url: String,
    pub capacity: Option<i64>,
    pub join_mode: JoinMode,
    pub external_url: String,
    pub status: EventStatus,
}

fn required<'a>(field: &'static str, v: Option<&'a str>) -> Result<&'a str, Invalid> {
    v.ok_or_else(|| Invalid::coded(field, InvalidCode::Required, "is required"))
}

impl Fields {
    /// Validates `input` over `current` (an edit) or alone (a new event).
    pub(crate) fn validate(input: &EventInput, current: Option<&event::Model>) -> Result<Fields, Invalid> {
        let title = match (&input.title, current) {
            (Some(t), _) => validate::required_line("title", t, EventLimits::TITLE)?,
            (None, Some(c)) => c.title.clone(),
            (None, None) => return Err(Invalid::coded("title", InvalidCode::Required, "is required")),
        };
        let description = match (&input.description, current) {
            (Some(d), _) => validate::text("description", d, Limits::BODY, false)?,
            (None, Some(c)) => c.description_source.clone(),
            (None, None) => String::new(),
        };
        let tz_raw = match (&input.timezone, current) {
            (Some(t), _) => t.as_str(),
            (None, Some(c)) => c.timezone.as_str(),
            (None, None) => required("timezone", None)?,
        };
        let tz = rules::timezone(tz_raw)?;
        let when = |field: &'static str, raw: Option<&String>, old: Option<DateTime<Utc>>| match (raw, old) {
            (Some(r), _) => rules::time(field, r, tz),
            (None, Some(o)) => Ok(o),
            (None, None) => Err(Invalid::coded(field, InvalidCode::Required, "is required")),
        };
        let starts_at = when("starts_at", input.starts_at.as_ref(), current.map(|c| c.starts_at))?;
        let ends_at = when("ends_at", input.ends_at.as_ref(), current.map(|c| c.ends_at))?;
        rules::times(starts_at, ends_at)?;
        let line = |field: &'static str, raw: &Option<String>, old: Option<&String>, max: usize| match (raw, old) {
            (Some(r), _) => validate::optional_line(field, r, max),
            (None, Some(o)) => Ok(o.clone()),
            (None, None) => Ok(String::new()),
        };
        let place_name =
            line("place_name", &input.place_name, current.map(|c| &c.place_name), EventLimits::PLACE_NAME)?;
        let place_address =
            line("place_address", &input.place_address, current.map(|c| &c.place_address), EventLimits::ADDRESS)?;
        let link = |field: &'static str, raw: &Option<String>, old: Option<&String>| match (raw, old) {
            (Some(r), _) => rules::url(field, r),
            (None, Some(o)) => Ok(o.clone()),
            (None, None) => Ok(String::new()),
        };
        let online_url = link("online_url", &input.online_url, current.map(|c| &c.online_url))?;
        let external_url = link("external_url", &input.external_url, current.map(|c| &c.external_url))?;
        let capacity = match (input.capacity, current) {
            (Some(c), _) => rules::capacity(c)?,
            (None, Some(c)) => c.capacity,
            (None, None) => None,
        };
        let join_mode = match (&input.join_mode, current) {
            (Some(m), _) => JoinMode::parse(m.trim())
                .ok_or_else(|| Invalid::new("join_mode", "must be free, approval or external"))?,
            (None, Some(c)) => c.join_mode,
            (None, None) => JoinMode::Free,
        };
        rules::join_mode(join_mode, &external_url)?;
        let status = match (&input.status, current) {
            (Some(s), _) => EventStatus::parse(s.trim())
                .ok_or_else(|| Invalid::new("status", "must be confirmed, tentative or cancelled"))?,
            (None, Some(c)) => c.status,
            (None, None) => EventStatus::Confirmed,
        };
        Ok(Fields {
            title,
            description,
            starts_at,
            ends_at,
            timezone: tz.name().to_owned(),
            place_name,
            place_address,
            online_url,
            capacity,
            join_mode,
            external_url,
            status,
        })
    }

    /// Writes the fields into an active model (description rendered and sanitised).
    pub(crate) fn apply(self, m: &mut event::ActiveModel) {
        use guildhall_store::Set;
        m.title = Set(self.title);
        m.description_html = Set(crate::markdown::render(&self.description));
        m.description_source = Set(self.description);
        m.starts_at = Set(self.starts_at);
        m.ends_at = Set(self.ends_at);
        m.timezone = Set(self.timezone);
        m.place_name = Set(self.place_name);
        m.place_address = Set(self.place_address);
        m.online_url = Set(self.online_url);
        m.capacity = Set(self.capacity);
        m.join_mode = Set(self.join_mode);
        m.external_url = Set(self.external_url);
        m.status = Set(self.status);
    }
}
