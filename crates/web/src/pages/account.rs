//! Public profiles, and a member's own settings: profile, language, time zone, email address
//! and password.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::views::{AccountView, ProfileView};
use guildhall_app::{AppContext, accounts, auth, email_confirmation, oauth};
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render, see_other, with_cookies};
use crate::cookies;
use crate::forms::{Errors, split_list};
use crate::i18n::Lang;
use crate::visit::{Chrome, Visit};

/// `GET /people/{username}`.
#[derive(Template)]
#[template(path = "profile.html")]
pub(crate) struct ProfilePage {
    pub c: Chrome,
    pub p: ProfileView,
}

/// `GET /people/{username}`: a member's public profile.
pub(crate) async fn profile(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    let p = accounts::profile(&ctx, &username).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &ProfilePage { c: v.chrome(), p }))
}

/// `GET /account`: profile, language and password forms.
#[derive(Template)]
#[template(path = "account.html")]
pub(crate) struct AccountPage {
    pub c: Chrome,
    pub me: AccountView,
    pub form: ProfileForm,
    pub errors: Errors,
    pub password_errors: Errors,
    /// The private "my events" feed address, just made (shown once).
    pub feed_url: Option<String>,
    /// The apps the member allowed to use the account (OAuth).
    pub apps: Vec<AppRow>,
    /// Errors of the change-of-address form.
    pub email_errors: Errors,
    /// The address a change waits to move to, until it is confirmed.
    pub pending_email: Option<String>,
    /// Whether the instance sends email (else an address changes at once).
    pub email_on: bool,
}

/// One allowed app on the account page.
pub(crate) struct AppRow {
    pub app_id: i64,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub since: chrono::DateTime<chrono::Utc>,
}

impl AccountPage {
    fn language_is(&self, code: &str) -> bool {
        self.form.language == code
    }

    fn languages(&self) -> [Lang; 2] {
        Lang::ALL
    }

    /// Every IANA time zone name, for the time zone field's suggestions.
    fn time_zones(&self) -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

/// The profile form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub csrf_token: String,
}

impl ProfileForm {
    fn of(me: &AccountView) -> Self {
        ProfileForm {
            display_name: me.display_name.clone(),
            bio: me.bio.clone(),
            department: me.department.clone(),
            tags: me.tags.join(", "),
            language: me.language.clone().unwrap_or_default(),
            time_zone: me.time_zone.clone().unwrap_or_default(),
            csrf_token: String::new(),
        }
    }
}

async fn account_page(
    ctx: &AppContext,
    v: &Visit,
    form: Option<ProfileForm>,
    errors: Errors,
    password_errors: Errors,
) -> Result<Response, PageError> {
    account_page_with(ctx, v, form, errors, password_errors, None, Errors::default()).await
}

async fn account_page_with(
    ctx: &AppContext,
    v: &Visit,
    form: Option<ProfileForm>,
    errors: Errors,
    password_errors: Errors,
    feed_url: Option<String>,
    email_errors: Errors,
) -> Result<Response, PageError> {
    let s = v.require()?;
    let me = accounts::me(ctx, &s.viewer).await.or_page(v)?;
    let form = form.unwrap_or_else(|| ProfileForm::of(&me));
    let apps = oauth::authorised_apps(ctx, &s.viewer)
        .await
        .or_page(v)?
        .into_iter()
        .map(|a| AppRow {
            app_id: a.app_id,
            scopes: super::oauth::scope_words(v.lang, &a.scopes),
            name: a.name,
            website: a.website,
            since: a.since,
        })
        .collect();
    let pending_email = email_confirmation::pending_change(ctx, &s.viewer).await.or_page(v)?;
    let fine = errors.is_empty() && password_errors.is_empty() && email_errors.is_empty();
    let status = if fine { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    let page = AccountPage {
        c: v.chrome(),
        me,
        form,
        errors,
        password_errors,
        feed_url,
        apps,
        email_errors,
        pending_email,
        email_on: ctx.email_enabled(),
    };
    Ok(render(status, &page))
}

/// `GET /account`.
pub(crate) async fn account(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    account_page(&ctx, &v, None, Errors::default(), Errors::default()).await
}

/// `POST /account`: saves the profile and language.
pub(crate) async fn save(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<ProfileForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let change = accounts::ProfileChange {
        display_name: Some(form.display_name.clone()),
        bio: Some(form.bio.clone()),
        department: Some(form.department.clone()),
        tags: Some(split_list(&form.tags)),
        language: Some(form.language.clone()),
        time_zone: Some(form.time_zone.clone()),
    };
    let errors = match accounts::update_profile(&ctx, &s.viewer, change).await {
        Ok(me) => {
            let mut set = Vec::new();
            if let Some(l) = &me.language {
                set.push(cookies::lang(l, ctx.instance().https));
            }
            return Ok(with_cookies(see_other("/account", Some("saved")), &set));
        }
        Err(e) => form_refusal(&v, e, "display_name")?,
    };
    account_page(&ctx, &v, Some(form), errors, Errors::default()).await
}

/// The password form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /account/password`: every session ends, so the member signs in again.
pub(crate) async fn password(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let errors = match auth::change_password(&ctx, &s.viewer, &form.current_password, &form.new_password).await {
        Ok(()) => {
            let clear = cookies::clear_session(ctx.instance().https);
            return Ok(with_cookies(see_other("/login", Some("password")), &[clear]));
        }
        Err(e) => form_refusal(&v, e, "current_password")?,
    };
    account_page(&ctx, &v, None, Errors::default(), errors).await
}

/// The change-of-address form's fields.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    email: String,
    /// Named apart from the password form's field: both are on one page.
    #[serde(default)]
    email_password: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /account/email-address`: links go to both addresses (or, with email off, the address
/// changes at once).
pub(crate) async fn email(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<EmailForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let lang = Some(v.lang.code());
    let errors =
        match email_confirmation::request_change(&ctx, &s.viewer, &form.email, &form.email_password, lang).await {
            Ok(r) => return Ok(see_other("/account", Some(if r.pending { "email-change-sent" } else { "saved" }))),
            Err(guildhall_app::Error::Invalid(i)) if i.field == "current_password" => {
                let mut errors = Errors::default();
                errors.add("email_password", crate::forms::invalid_message(v.lang, &i));
                errors
            }
            Err(e) => form_refusal(&v, e, "email")?,
        };
    account_page_with(&ctx, &v, None, Errors::default(), Errors::default(), None, errors).await
}

/// `POST /account/calendar`: makes a new private address for the "my events" feed (the old
/// one stops working) and shows it once, on the page this answers with.
pub(crate) async fn calendar(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<super::TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let given = form.map(|Form(f)| f.csrf_token).unwrap_or_default();
    let s = v.authorize(&given)?;
    let t = guildhall_app::events::ical::new_token(&ctx, &s.viewer).await.or_page(&v)?;
    account_page_with(&ctx, &v, None, Errors::default(), Errors::default(), Some(t.url), Errors::default()).await
}
