//! Password reset by email: ask for a link, then set a new password with its token.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use guildhall_app::{AppContext, password_reset};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiJson;

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new().routes(routes!(request_reset)).routes(routes!(confirm_reset))
}

/// A request for a reset link.
#[derive(Deserialize, ToSchema)]
pub struct ResetRequest {
    /// The account's email address.
    pub email: String,
}

/// A new password set with a reset link's token.
#[derive(Deserialize, ToSchema)]
pub struct ResetConfirm {
    /// The `token` of the emailed link.
    pub token: String,
    /// The new password (8–256 characters).
    pub new_password: String,
}

/// Emails a single-use reset link (valid one hour) to the account using this address. The
/// answer is the same whether or not an account uses it, and at most 3 links per address
/// per hour are sent. 409 when email is off on this instance.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/password-reset", tag = "accounts", request_body = ResetRequest,
    responses((status = 202, description = "if an account uses that address, a link was sent"),
        (status = 400, body = ErrorBody), (status = 409, description = "email is off on this instance", body = ErrorBody),
        (status = 429, description = "too many requests from this address; see Retry-After", body = ErrorBody)))]
async fn request_reset(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = accept.and_then(password_reset::lang_from_accept_language);
    password_reset::request(&ctx, &req.email, lang).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with a reset link's token: the link is used up and every session of
/// the account ends. 400 (field `token`) for an unknown, used or expired link.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirm,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 409, description = "email is off on this instance", body = ErrorBody)))]
async fn confirm_reset(State(ctx): State<AppContext>, ApiJson(req): ApiJson<ResetConfirm>) -> ApiResult<StatusCode> {
    password_reset::confirm(&ctx, &req.token, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
