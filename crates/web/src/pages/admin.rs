//! Instance administration: registration, invites and pending accounts; the federation
//! policy; and delivery health per remote instance.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::admin::{self, InstanceHealthView, SettingsChange};
use guildhall_app::views::{InviteView, PendingAccountView, SettingsView};
use guildhall_app::{AppContext, Error, Viewer};
use guildhall_domain::registration::CommunityCreation;
use guildhall_domain::{FederationMode, RegistrationMode};
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render, see_other};
use crate::forms::{Errors, form_error, split_list};
use crate::visit::{Chrome, Visit};

/// `GET /admin`.
#[derive(Template)]
#[template(path = "admin_settings.html")]
pub(crate) struct SettingsPage {
    pub c: Chrome,
    pub s: SettingsView,
    pub email_domains: String,
    pub pending: Vec<PendingAccountView>,
    pub invites: Vec<InviteView>,
    pub errors: Errors,
    /// The outgoing email queue (counts and last error).
    pub email: guildhall_app::email::QueueStatus,
}

impl SettingsPage {
    fn mode_is(&self, m: &str) -> bool {
        self.s.registration_mode.as_str() == m
    }
    fn creation_is(&self, m: &str) -> bool {
        self.s.community_creation.as_str() == m
    }
}

fn admin_of(v: &Visit) -> Result<&Viewer, PageError> {
    let s = v.require()?;
    if s.viewer.is_admin { Ok(&s.viewer) } else { Err(PageError::app(v, guildhall_domain::Denied::AdminsOnly.into())) }
}

async fn settings_page(
    ctx: &AppContext,
    v: &Visit,
    email_domains: Option<String>,
    errors: Errors,
) -> Result<Response, PageError> {
    let viewer = admin_of(v)?;
    let loaded = async {
        let s = admin::get_settings(ctx, viewer).await?;
        let pending = admin::pending_accounts(ctx, viewer, guildhall_app::page(None, Some(100))).await?;
        let invites = admin::list_invites(ctx, viewer, guildhall_app::page(None, Some(50))).await?;
        let email = guildhall_app::email::queue_status(ctx, viewer).await?;
        Ok::<_, Error>((s, pending.items, invites.items, email))
    };
    let (s, pending, invites, email) = loaded.await.or_page(v)?;
    let email_domains = email_domains.unwrap_or_else(|| s.email_domains.join("\n"));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &SettingsPage { c: v.chrome(), s, email_domains, pending, invites, errors, email }))
}

/// `GET /admin`.
pub(crate) async fn settings(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    settings_page(&ctx, &v, None, Errors::default()).await
}

/// The registration settings form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SettingsForm {
    #[serde(default)]
    registration_mode: String,
    #[serde(default)]
    email_domains: String,
    #[serde(default)]
    community_creation: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    require_email_confirmation: Option<String>,
    /// A checkbox: present when ticked.
    #[serde(default)]
    network_search: Option<String>,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/settings`.
pub(crate) async fn save_settings(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<SettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let change = SettingsChange {
        registration_mode: RegistrationMode::parse(&form.registration_mode),
        email_domains: Some(split_list(&form.email_domains)),
        community_creation: CommunityCreation::parse(&form.community_creation),
        // The box is shown only while email is on; otherwise the setting rests as it is.
        require_email_confirmation: ctx.email_enabled().then_some(form.require_email_confirmation.is_some()),
        network_search: Some(form.network_search.is_some()),
        ..Default::default()
    };
    let errors = match admin::update_settings(&ctx, &s.viewer, change).await {
        Ok(_) => return Ok(see_other("/admin", Some("saved"))),
        Err(e) => form_refusal(&v, e, "email_domains")?,
    };
    settings_page(&ctx, &v, Some(form.email_domains), errors).await
}

/// Approving or rejecting a pending account.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AccountDecision {
    #[serde(default)]
    username: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/accounts`: `value` is approve or reject.
pub(crate) async fn decide_account(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<AccountDecision>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let result = if form.value == "approve" {
        admin::approve_account(&ctx, &s.viewer, &form.username).await.map(|_| "approved")
    } else {
        admin::reject_account(&ctx, &s.viewer, &form.username).await.map(|()| "rejected")
    };
    let done = result.or_page(&v)?;
    Ok(see_other("/admin#pending-heading", Some(done)))
}

/// A new invite.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct InviteForm {
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/invites`.
pub(crate) async fn invite(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<InviteForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let number = |raw: &str, field: &str| -> Result<Option<i64>, Errors> {
        let t = raw.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>().map(Some).map_err(|_| Errors::one(field, v.lang.t("error-number")))
    };
    let parsed = number(&form.max_uses, "max_uses").and_then(|m| Ok((m, number(&form.days, "expires_in_days")?)));
    let errors = match parsed {
        Ok((max_uses, days)) => {
            let max_uses = max_uses.map(|m| m.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
            match admin::create_invite(&ctx, &s.viewer, max_uses, days).await {
                Ok(_) => return Ok(see_other("/admin#invites-heading", Some("invite"))),
                Err(e) => form_refusal(&v, e, "max_uses")?,
            }
        }
        Err(errors) => errors,
    };
    settings_page(&ctx, &v, None, errors).await
}

/// `GET /admin/federation`.
#[derive(Template)]
#[template(path = "admin_federation.html")]
pub(crate) struct FederationPage {
    pub c: Chrome,
    pub mode: String,
    pub domains: String,
    pub limited: String,
    pub errors: Errors,
}

impl FederationPage {
    fn mode_is(&self, m: &str) -> bool {
        self.mode == m
    }
}

/// `GET /admin/federation`.
pub(crate) async fn federation(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    let viewer = admin_of(&v)?;
    let s = admin::get_settings(&ctx, viewer).await.or_page(&v)?;
    Ok(render(
        StatusCode::OK,
        &FederationPage {
            c: v.chrome(),
            mode: s.federation_mode.as_str().into(),
            domains: s.federation_domains.join("\n"),
            limited: s.limited_domains.join("\n"),
            errors: Errors::default(),
        },
    ))
}

/// The federation policy form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FederationForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    domains: String,
    #[serde(default)]
    limited: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/federation`.
pub(crate) async fn save_federation(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<FederationForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let change = SettingsChange {
        federation_mode: FederationMode::parse(&form.mode),
        federation_domains: Some(split_list(&form.domains)),
        limited_domains: Some(split_list(&form.limited)),
        ..Default::default()
    };
    let errors = match admin::update_settings(&ctx, &s.viewer, change).await {
        Ok(_) => return Ok(see_other("/admin/federation", Some("saved"))),
        Err(e) => match form_error(v.lang, &e, "domains") {
            Some(mut errors) => {
                // The use case names the fields as the API does; the form's inputs differ.
                for err in &mut errors.list {
                    if err.field == "federation_domains" {
                        err.field = "domains".into();
                    } else if err.field == "limited_domains" {
                        err.field = "limited".into();
                    }
                }
                errors
            }
            None => return Err(PageError::app(&v, e)),
        },
    };
    let page = FederationPage { c: v.chrome(), mode: form.mode, domains: form.domains, limited: form.limited, errors };
    Ok(render(StatusCode::BAD_REQUEST, &page))
}

/// `GET /admin/instances`.
#[derive(Template)]
#[template(path = "admin_instances.html")]
pub(crate) struct InstancesPage {
    pub c: Chrome,
    pub instances: Vec<InstanceHealthView>,
    pub failures: Vec<admin::OutboxFailureView>,
}

/// `GET /admin/instances`: delivery queue and health per remote instance.
pub(crate) async fn instances(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    let viewer = admin_of(&v)?;
    let mut instances = admin::federation_health(&ctx, viewer).await.or_page(&v)?;
    instances.sort_by(|a, b| b.unreachable.cmp(&a.unreachable).then(a.domain.cmp(&b.domain)));
    let failures = admin::outbox_failures(&ctx, viewer).await.or_page(&v)?;
    Ok(render(StatusCode::OK, &InstancesPage { c: v.chrome(), instances, failures }))
}
