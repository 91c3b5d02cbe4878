//! The signed-in member's email settings: how and when notifications reach them by email.

use axum::Json;
use axum::extract::State;
use guildhall_app::AppContext;
use guildhall_app::email_settings::{self, EmailSettingsChange, EmailSettingsView};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(show, save))
}

/// Your email settings: delivery mode, kinds emailed, quiet hours (and whether email is on here).
#[utoipa::path(get, path = "/api/guildhall/v1/account/email-settings", tag = "accounts",
    responses((status = 200, body = EmailSettingsView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn show(State(ctx): State<AppContext>, s: Session) -> ApiResult<Json<EmailSettingsView>> {
    Ok(Json(email_settings::get(&ctx, &s.viewer).await?))
}

/// Changes your email settings. Bad input (unknown `mode` or kind in `kinds_on`, a
/// `quiet_start`/`quiet_end` not `HH:MM`, one without the other) answers 400 naming the field.
#[utoipa::path(put, path = "/api/guildhall/v1/account/email-settings", tag = "accounts", request_body = EmailSettingsChange,
    responses((status = 200, body = EmailSettingsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn save(
    State(ctx): State<AppContext>,
    s: Session,
    ApiJson(change): ApiJson<EmailSettingsChange>,
) -> ApiResult<Json<EmailSettingsView>> {
    Ok(Json(email_settings::update(&ctx, &s.viewer, change).await?))
}
