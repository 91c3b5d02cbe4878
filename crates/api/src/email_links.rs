//! Email addresses: confirming one with an emailed link, asking for a new link, changing the
//! signed-in member's address, and calling a change off from the old address.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use guildhall_app::email_confirmation::{self, ChangeRequested, Confirmed};
use guildhall_app::{AppContext, password_reset};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Session};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(confirm))
        .routes(routes!(resend))
        .routes(routes!(change))
        .routes(routes!(cancel))
}

/// An emailed link's token.
#[derive(Deserialize, ToSchema)]
pub struct LinkToken {
    /// The `token` of the emailed link.
    pub token: String,
}

/// An address to send a new confirmation link to.
#[derive(Deserialize, ToSchema)]
pub struct ResendRequest {
    /// The address the account signed up with.
    pub email: String,
}

/// A change of the signed-in member's address.
#[derive(Deserialize, ToSchema)]
pub struct EmailChange {
    /// The new address.
    pub email: String,
    /// The member's current password.
    pub current_password: String,
}

fn lang(headers: &HeaderMap) -> Option<&'static str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(password_reset::lang_from_accept_language)
}

/// Confirms an address with a link's token: at sign-up the account's address; for a change,
/// the new address replaces the old. 400 (field `token`) for an unknown, used, expired or
/// called-off link; 409 when email is off.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/email-confirmation", tag = "accounts", request_body = LinkToken,
    responses((status = 200, body = Confirmed), (status = 400, body = ErrorBody), (status = 409, description = "email is off on this instance", body = ErrorBody)))]
async fn confirm(State(ctx): State<AppContext>, ApiJson(req): ApiJson<LinkToken>) -> ApiResult<Json<Confirmed>> {
    Ok(Json(email_confirmation::confirm(&ctx, &req.token).await?))
}

/// Sends a new confirmation link (valid 24 hours) if an account waits for this address to
/// be confirmed. The answer is the same whether or not one does; at most 3 links per address
/// per hour. 409 when email is off.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/email-confirmation/resend", tag = "accounts", request_body = ResendRequest,
    responses((status = 202, description = "if an account waits for that address, a link was sent"),
        (status = 400, body = ErrorBody), (status = 409, description = "email is off on this instance", body = ErrorBody),
        (status = 429, description = "too many requests from this address; see Retry-After", body = ErrorBody)))]
async fn resend(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResendRequest>,
) -> ApiResult<StatusCode> {
    email_confirmation::resend(&ctx, &req.email, lang(&headers)).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Changes the signed-in member's address. With email on, the new address gets a link that
/// makes the change (202, `pending: true`) and the old one a notice with a link to call it
/// off; with email off the address changes at once (200, `pending: false`). 400 for a wrong
/// password or a malformed address, 403 for a domain the instance does not allow, 409 for an
/// address another account uses.
#[utoipa::path(post, path = "/api/guildhall/v1/accounts/me/email", tag = "accounts", request_body = EmailChange,
    responses((status = 202, body = ChangeRequested), (status = 200, body = ChangeRequested), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
async fn change(
    State(ctx): State<AppContext>,
    session: Session,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EmailChange>,
) -> ApiResult<(StatusCode, Json<ChangeRequested>)> {
    let r =
        email_confirmation::request_change(&ctx, &session.viewer, &req.email, &req.current_password, lang(&headers))
            .await?;
    Ok((if r.pending { StatusCode::ACCEPTED } else { StatusCode::OK }, Json(r)))
}

/// Calls off a change of address with the token the old address received. 400 (field
/// `token`) for an unknown link, or when the new address confirmed already.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/email-change/cancel", tag = "accounts", request_body = LinkToken,
    responses((status = 204), (status = 400, body = ErrorBody)))]
async fn cancel(State(ctx): State<AppContext>, ApiJson(req): ApiJson<LinkToken>) -> ApiResult<StatusCode> {
    email_confirmation::cancel(&ctx, &req.token).await?;
    Ok(StatusCode::NO_CONTENT)
}
