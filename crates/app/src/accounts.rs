//! A member's own account and public profiles.

use chrono::Utc;
use guildhall_domain::{AccountStatus, validate, validate::Limits};
use guildhall_store::{Set, accounts, encode_list};

use crate::views::{AccountView, ProfileView};
use crate::{AppContext, Error, Result, Viewer};

/// Profile changes; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ProfileChange {
    /// Display name.
    pub display_name: Option<String>,
    /// Bio (Markdown).
    pub bio: Option<String>,
    /// Department or organisation.
    pub department: Option<String>,
    /// Roles and skills.
    pub tags: Option<Vec<String>>,
    /// Language of the web pages: `en` or `fr`; `""` clears it (the browser's language).
    pub language: Option<String>,
    /// Time zone (IANA name, e.g. `Europe/Paris`); `""` clears it.
    pub time_zone: Option<String>,
}

/// The languages the web pages are written in.
pub const LANGUAGES: [&str; 2] = ["en", "fr"];

/// Checks a language choice: `Some(code)`, or `None` for "no preference" (`""`).
fn language(raw: &str) -> Result<Option<String>> {
    let code = raw.trim().to_ascii_lowercase();
    if code.is_empty() {
        return Ok(None);
    }
    if LANGUAGES.contains(&code.as_str()) {
        Ok(Some(code))
    } else {
        Err(guildhall_domain::Invalid::new("language", "must be en or fr").into())
    }
}

/// Checks a time zone: `Some(IANA name)`, or `None` for "no preference" (`""`).
fn time_zone(raw: &str) -> Result<Option<String>> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(None);
    }
    match name.parse::<chrono_tz::Tz>() {
        Ok(tz) => Ok(Some(tz.name().to_owned())),
        Err(_) => Err(guildhall_domain::Invalid::new("time_zone", "must be a time zone such as Europe/Paris").into()),
    }
}

/// `name` for local accounts, `name@domain` for federated ones.
pub fn handle_of(a: &guildhall_store::entities::account::Model) -> String {
    if a.domain.is_empty() { a.username.clone() } else { format!("{}@{}", a.username, a.domain) }
}

/// Finds an account by `name` (local) or `name@domain`.
pub async fn find_handle(ctx: &AppContext, handle: &str) -> Result<Option<guildhall_store::entities::account::Model>> {
    let h = handle.trim().trim_start_matches('@').to_ascii_lowercase();
    match h.split_once('@') {
        Some((name, domain)) if domain != ctx.instance().domain => {
            Ok(guildhall_store::federation::find_account(ctx.db(), name, domain).await?)
        }
        Some((name, _)) => Ok(accounts::find_by_username(ctx.db(), name).await?),
        None => Ok(accounts::find_by_username(ctx.db(), &h).await?),
    }
}

/// The viewer's own account.
pub async fn me(ctx: &AppContext, viewer: &Viewer) -> Result<AccountView> {
    let a = accounts::find_by_id(ctx.db(), viewer.account_id).await?.ok_or(Error::NotFound("account"))?;
    AccountView::from_model(&a)
}

/// Edits the viewer's profile.
pub async fn update_profile(ctx: &AppContext, viewer: &Viewer, change: ProfileChange) -> Result<AccountView> {
    let display_name = change
        .display_name
        .as_deref()
        .map(|d| validate::required_line("display_name", d, Limits::TITLE))
        .transpose()?;
    let bio = change.bio.as_deref().map(|b| validate::text("bio", b, Limits::DESCRIPTION, false)).transpose()?;
    let department =
        change.department.as_deref().map(|d| validate::optional_line("department", d, Limits::SHORT)).transpose()?;
    let tags = change.tags.as_deref().map(|t| validate::tags("tags", t)).transpose()?;
    let lang = change.language.as_deref().map(language).transpose()?;
    let tz = change.time_zone.as_deref().map(time_zone).transpose()?;
    let a = accounts::find_by_id(ctx.db(), viewer.account_id).await?.ok_or(Error::NotFound("account"))?;
    let mut active: guildhall_store::entities::account::ActiveModel = a.into();
    if let Some(v) = display_name {
        active.display_name = Set(v);
    }
    if let Some(v) = bio {
        active.bio = Set(v);
    }
    if let Some(v) = department {
        active.department = Set(v);
    }
    if let Some(v) = tags {
        active.tags = Set(encode_list(&v));
    }
    if let Some(v) = lang {
        active.language = Set(v);
    }
    if let Some(v) = tz {
        active.time_zone = Set(v);
    }
    active.updated_at = Set(Utc::now());
    AccountView::from_model(&accounts::update(ctx.db(), active).await?)
}

/// A member's public profile (active accounts only).
pub async fn profile(ctx: &AppContext, username: &str) -> Result<ProfileView> {
    let a = accounts::find_by_username(ctx.db(), &username.to_ascii_lowercase())
        .await?
        .filter(|a| a.status == AccountStatus::Active)
        .ok_or(Error::NotFound("account"))?;
    Ok(ProfileView {
        bio_html: crate::markdown::render(&a.bio),
        tags: guildhall_store::decode_list(&a.tags)?,
        username: a.username,
        display_name: a.display_name,
        bio: a.bio,
        department: a.department,
        created_at: a.created_at,
    })
}
