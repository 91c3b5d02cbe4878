//! `/admin/map`: the directory and map settings (opt-out, organisation, government, crawl
//! seeds, refresh period) and the proposed external communities of practice to decide.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::Response;
use guildhall_app::admin::{self, SettingsChange};
use guildhall_app::proposals::{self, ProposalView};
use guildhall_app::{AppContext, Error, Viewer};
use guildhall_domain::directory::ProposalStatus;
use serde::Deserialize;

use super::{OrPage, PageError, form_refusal, render, see_other};
use crate::forms::{Errors, split_list};
use crate::visit::{Chrome, Visit};

/// The community form's `listed` choice for a stored value.
pub(crate) fn listed_choice(listed: Option<bool>) -> &'static str {
    match listed {
        None => "default",
        Some(true) => "listed",
        Some(false) => "unlisted",
    }
}

/// The change a `listed` choice asks for (`None`: leave it as it is).
pub(crate) fn listed_from_choice(choice: &str) -> Option<Option<bool>> {
    match choice {
        "default" => Some(None),
        "listed" => Some(Some(true)),
        "unlisted" => Some(Some(false)),
        _ => None,
    }
}

/// The settings form.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct MapSettingsForm {
    #[serde(default)]
    pub directory_listed: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub government: String,
    #[serde(default)]
    pub map_seeds: String,
    #[serde(default)]
    pub map_refresh_hours: String,
    #[serde(default)]
    pub csrf_token: String,
}

/// `GET /admin/map`.
#[derive(Template)]
#[template(path = "map_admin.html")]
pub(crate) struct MapAdminPage {
    pub c: Chrome,
    pub form: MapSettingsForm,
    pub pending: Vec<ProposalView>,
    pub errors: Errors,
}

impl MapAdminPage {
    fn listed_is(&self, v: &str) -> bool {
        self.form.directory_listed == v
    }
}

fn admin_of(v: &Visit) -> Result<&Viewer, PageError> {
    let s = v.require()?;
    if s.viewer.is_admin { Ok(&s.viewer) } else { Err(PageError::app(v, guildhall_domain::Denied::AdminsOnly.into())) }
}

async fn page(
    ctx: &AppContext,
    v: &Visit,
    form: Option<MapSettingsForm>,
    errors: Errors,
) -> Result<Response, PageError> {
    let viewer = admin_of(v)?;
    let loaded = async {
        let s = admin::get_settings(ctx, viewer).await?;
        let pending =
            proposals::list(ctx, viewer, ProposalStatus::Pending, guildhall_app::page(None, Some(100))).await?;
        Ok::<_, Error>((s, pending.items))
    };
    let (s, pending) = loaded.await.or_page(v)?;
    let form = form.unwrap_or_else(|| MapSettingsForm {
        directory_listed: if s.directory_listed { "yes" } else { "no" }.into(),
        organisation: s.organisation,
        government: s.government,
        map_seeds: s.map_seeds.join("\n"),
        map_refresh_hours: s.map_refresh_hours.to_string(),
        csrf_token: String::new(),
    });
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok(render(status, &MapAdminPage { c: v.chrome(), form, pending, errors }))
}

/// `GET /admin/map`.
pub(crate) async fn show(State(ctx): State<AppContext>, v: Visit) -> Result<Response, PageError> {
    page(&ctx, &v, None, Errors::default()).await
}

/// `POST /admin/map`: saves the directory and map settings.
pub(crate) async fn save(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<MapSettingsForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let hours = form.map_refresh_hours.trim();
    let refresh = match hours.parse::<i32>() {
        Ok(h) => Some(h),
        Err(_) if hours.is_empty() => None,
        Err(_) => {
            let errors = Errors::one("map_refresh_hours", v.lang.t("error-number"));
            return page(&ctx, &v, Some(form), errors).await;
        }
    };
    let change = SettingsChange {
        directory_listed: match form.directory_listed.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        organisation: Some(form.organisation.clone()),
        government: Some(form.government.clone()),
        map_seeds: Some(split_list(&form.map_seeds)),
        map_refresh_hours: refresh,
        ..Default::default()
    };
    let errors = match admin::update_settings(&ctx, &s.viewer, change).await {
        Ok(_) => return Ok(see_other("/admin/map", Some("saved"))),
        Err(e) => form_refusal(&v, e, "organisation")?,
    };
    page(&ctx, &v, Some(form), errors).await
}

/// Approving or rejecting a proposal.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Decision {
    #[serde(default)]
    id: i64,
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /admin/map/proposals`: `value` is approve or reject.
pub(crate) async fn decide(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<Decision>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let approve = form.value == "approve";
    proposals::decide(&ctx, &s.viewer, form.id, approve).await.or_page(&v)?;
    Ok(see_other("/admin/map#proposals-heading", Some(if approve { "approved" } else { "rejected" })))
}
