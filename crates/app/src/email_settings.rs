//! A member's email settings (delivery mode, kinds emailed, quiet hours) and one-click
//! unsubscribe links (RFC 8058): an HMAC over the account id, keyed by the instance's secret,
//! so the link needs no sign-in and cannot be made for someone else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use guildhall_domain::email_delivery::{self as rule, Mode, QuietHours};
use guildhall_domain::validate::Invalid;
use guildhall_store::email_notify as store;
use guildhall_store::entities::email_setting;
use ring::hmac;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::notifications::Kind;
use crate::{AppContext, Error, Result, Viewer};

/// The path of the unsubscribe link (the token follows as `?token=`).
pub const UNSUBSCRIBE_PATH: &str = "/email/unsubscribe";
/// What a one-click unsubscribe request's body holds (RFC 8058).
pub const ONE_CLICK_BODY: &str = "List-Unsubscribe=One-Click";

/// A member's email settings, as the API and the page show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EmailSettingsView {
    /// `off`, `immediate`, `daily` or `weekly`.
    pub mode: String,
    /// The notification kinds emailed.
    pub kinds_on: Vec<String>,
    /// Every kind there is (those not in `kinds_on` are not emailed).
    pub all_kinds: Vec<String>,
    /// Start of the quiet hours (`HH:MM`, member-local), if any.
    pub quiet_start: Option<String>,
    /// End of the quiet hours (`HH:MM`), if any.
    pub quiet_end: Option<String>,
    /// The time zone quiet hours and digest times are in (UTC when none is chosen).
    pub time_zone: String,
    /// Whether this instance sends email at all (an SMTP server is configured).
    pub email_enabled: bool,
    /// Whether the account has an address to send to.
    pub has_address: bool,
}

/// A change of email settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EmailSettingsChange {
    /// `off`, `immediate`, `daily` or `weekly`.
    pub mode: String,
    /// The notification kinds to email (stable names, see `all_kinds`).
    pub kinds_on: Vec<String>,
    /// Start of the quiet hours, `HH:MM`; none or empty (with `quiet_end`): no quiet hours.
    #[serde(default)]
    pub quiet_start: Option<String>,
    /// End of the quiet hours, `HH:MM`.
    #[serde(default)]
    pub quiet_end: Option<String>,
}

/// A member's settings as the jobs use them.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub mode: Mode,
    pub kinds_off: Vec<String>,
    pub quiet: Option<QuietHours>,
}

impl Settings {
    /// The defaults: immediate, the default kinds, no quiet hours.
    pub fn default_() -> Self {
        Settings { mode: Mode::Immediate, kinds_off: default_kinds_off(), quiet: None }
    }

    /// From a stored row; unreadable values fall back to the defaults.
    pub fn of(row: Option<&email_setting::Model>) -> Self {
        let Some(r) = row else { return Self::default_() };
        Settings {
            mode: Mode::parse("mode", &r.mode).unwrap_or(Mode::Immediate),
            kinds_off: r.kinds_off.split(',').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            quiet: rule::parse_quiet(r.quiet_start.as_deref(), r.quiet_end.as_deref()).ok().flatten(),
        }
    }

    /// Whether `kind` is emailed.
    pub fn kind_on(&self, kind: &str) -> bool {
        !self.kinds_off.iter().any(|k| k == kind)
    }
}

fn default_kinds_off() -> Vec<String> {
    rule::DEFAULT_OFF.iter().map(|k| (*k).to_owned()).collect()
}

/// The stored form of the default kinds off.
pub(crate) fn default_kinds_off_stored() -> String {
    rule::DEFAULT_OFF.join(",")
}

fn fmt_time(t: chrono::NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The viewer's email settings.
pub async fn get(ctx: &AppContext, viewer: &Viewer) -> Result<EmailSettingsView> {
    let account =
        guildhall_store::accounts::find_by_id(ctx.db(), viewer.account_id).await?.ok_or(Error::NotFound("account"))?;
    let row = store::settings(ctx.db(), viewer.account_id).await?;
    let s = Settings::of(row.as_ref());
    Ok(EmailSettingsView {
        mode: s.mode.as_str().to_owned(),
        kinds_on: Kind::ALL.iter().map(|k| k.as_str()).filter(|k| s.kind_on(k)).map(str::to_owned).collect(),
        all_kinds: Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect(),
        quiet_start: s.quiet.map(|q| fmt_time(q.start)),
        quiet_end: s.quiet.map(|q| fmt_time(q.end)),
        time_zone: rule::time_zone(account.time_zone.as_deref()).name().to_owned(),
        email_enabled: ctx.email_enabled(),
        has_address: account.email.as_deref().is_some_and(|e| !e.is_empty()),
    })
}

/// Saves the viewer's email settings; bad input names its field (`mode`, `kinds_on`,
/// `quiet_start`, `quiet_end`).
pub async fn update(ctx: &AppContext, viewer: &Viewer, change: EmailSettingsChange) -> Result<EmailSettingsView> {
    let mode = Mode::parse("mode", change.mode.trim())?;
    let mut on = Vec::new();
    for k in &change.kinds_on {
        let kind = Kind::parse(k.trim()).ok_or_else(|| Invalid::new("kinds_on", format!("unknown kind {k:?}")))?;
        on.push(kind.as_str());
    }
    let quiet = rule::parse_quiet(change.quiet_start.as_deref(), change.quiet_end.as_deref())?;
    let kinds_off: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).filter(|k| !on.contains(k)).collect();
    let now = Utc::now();
    let old = store::settings(ctx.db(), viewer.account_id).await?;
    let was_digest = old.as_ref().is_some_and(|o| matches!(o.mode.as_str(), "daily" | "weekly"));
    // Choosing a digest starts it now: the first one comes at the next digest time.
    let last_digest_at = match (matches!(mode, Mode::Daily | Mode::Weekly), was_digest) {
        (true, true) => old.as_ref().and_then(|o| o.last_digest_at),
        (true, false) => Some(now),
        (false, _) => None,
    };
    store::save_settings(
        ctx.db(),
        email_setting::Model {
            account_id: viewer.account_id,
            mode: mode.as_str().to_owned(),
            kinds_off: kinds_off.join(","),
            quiet_start: quiet.map(|q| fmt_time(q.start)),
            quiet_end: quiet.map(|q| fmt_time(q.end)),
            last_digest_at,
            last_moderator_digest_at: old.and_then(|o| o.last_moderator_digest_at),
            updated_at: now,
        },
    )
    .await?;
    tracing::info!(account = viewer.account_id, mode = mode.as_str(), "email settings saved");
    get(ctx, viewer).await
}

async fn key(ctx: &AppContext) -> Result<hmac::Key> {
    let secret = store::secret(ctx.db(), crate::auth::random_token()).await?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()))
}

fn signed_message(account_id: i64) -> String {
    format!("guildhall unsubscribe from notification email: {account_id}")
}

/// The one-click unsubscribe URL for `account_id` (absolute).
pub async fn unsubscribe_url(ctx: &AppContext, account_id: i64) -> Result<String> {
    Ok(unsubscribe_url_with(&key(ctx).await?, &ctx.instance().base_url(), account_id))
}

pub(crate) fn unsubscribe_url_with(key: &hmac::Key, base_url: &str, account_id: i64) -> String {
    let tag = hmac::sign(key, signed_message(account_id).as_bytes());
    format!("{base_url}{UNSUBSCRIBE_PATH}?token={account_id}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

pub(crate) async fn key_for_jobs(ctx: &AppContext) -> Result<hmac::Key> {
    key(ctx).await
}

/// The account an unsubscribe token is for, when it is genuine (constant-time check).
pub async fn check_token(ctx: &AppContext, token: &str) -> Result<i64> {
    let bad = || Error::Invalid(Invalid::new("token", "is not a valid unsubscribe link"));
    let (id, mac) = token.trim().split_once('.').ok_or_else(bad)?;
    let account_id: i64 = id.parse().map_err(|_| bad())?;
    let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| bad())?;
    hmac::verify(&key(ctx).await?, signed_message(account_id).as_bytes(), &mac).map_err(|_| bad())?;
    Ok(account_id)
}

/// One-click unsubscribe: turns the token's member's notification email off (idempotent).
pub async fn unsubscribe(ctx: &AppContext, token: &str) -> Result<()> {
    let account_id = check_token(ctx, token).await?;
    if guildhall_store::accounts::find_by_id(ctx.db(), account_id).await?.is_none() {
        return Err(Error::Invalid(Invalid::new("token", "is not a valid unsubscribe link")));
    }
    store::set_off(ctx.db(), account_id, &default_kinds_off_stored(), Utc::now()).await?;
    tracing::info!(account = account_id, "notification email turned off by one-click unsubscribe");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_urls_are_keyed_and_per_account() {
        let k = hmac::Key::new(hmac::HMAC_SHA256, b"secret");
        let a = unsubscribe_url_with(&k, "https://h.example", 7);
        assert!(a.starts_with("https://h.example/email/unsubscribe?token=7."));
        assert_ne!(a, unsubscribe_url_with(&k, "https://h.example", 8));
        let other = hmac::Key::new(hmac::HMAC_SHA256, b"other");
        assert_ne!(a, unsubscribe_url_with(&other, "https://h.example", 7));
    }

    #[test]
    fn settings_default_to_immediate_without_favourites_and_polls() {
        let s = Settings::of(None);
        assert_eq!(s.mode, Mode::Immediate);
        assert!(s.kind_on("reply") && s.kind_on("join_request") && s.kind_on("event_reminder"));
        assert!(!s.kind_on("favourite") && !s.kind_on("poll_closed"));
    }
}
