//! Registration, sign-in and profiles.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use guildhall_app::views::{AccountView, LoginView, ProfileView};
use guildhall_app::{AppContext, accounts, auth};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ClientAddress, DEVICE_COOKIE, SESSION_COOKIE, Session, cookie};

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppContext> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(profile))
}

/// Registers an account. Its status is `active`, or `pending` on approval instances.
#[utoipa::path(post, path = "/api/guildhall/v1/accounts", tag = "accounts", request_body = auth::Registration,
    responses((status = 201, body = AccountView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn register(
    State(ctx): State<AppContext>,
    ApiJson(reg): ApiJson<auth::Registration>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    Ok((StatusCode::CREATED, Json(auth::register(&ctx, reg).await?)))
}

/// Credentials.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
    /// The `device_token` of an earlier sign-in from this client (the `guildhall_device`
    /// cookie is read too): while wrong guesses hold the account back, it still lets the
    /// right password in.
    #[serde(default)]
    pub device_token: Option<String>,
}

/// Signs in: returns a bearer token and sets the session cookie.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = LoginView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, description = "too many recent wrong passwords for this account or from this address; see Retry-After", body = ErrorBody)))]
async fn login(
    State(ctx): State<AppContext>,
    ClientAddress(address): ClientAddress,
    request_headers: HeaderMap,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let device_cookie = cookie(&request_headers, DEVICE_COOKIE);
    let device_token = req.device_token.as_deref().or(device_cookie.as_deref());
    let attempt = auth::SignIn { username: &req.username, password: &req.password, address, device_token };
    let view = auth::login(&ctx, attempt).await?;
    let secure = if ctx.instance().https { "; Secure" } else { "" };
    let session = format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000{secure}", view.token);
    let device =
        format!("{DEVICE_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000{secure}", view.device_token);
    let mut headers = HeaderMap::new();
    for c in [session, device] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok((headers, Json(view)))
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/guildhall/v1/auth/logout", tag = "accounts",
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn logout(State(ctx): State<AppContext>, session: Session) -> ApiResult<impl IntoResponse> {
    auth::logout(&ctx, &session.token).await?;
    let clear = HeaderValue::from_static("guildhall_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/guildhall/v1/accounts/me", tag = "accounts",
    responses((status = 200, body = AccountView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn me(State(ctx): State<AppContext>, session: Session) -> ApiResult<Json<AccountView>> {
    Ok(Json(accounts::me(&ctx, &session.viewer).await?))
}

/// Edits the signed-in account's profile.
#[utoipa::path(patch, path = "/api/guildhall/v1/accounts/me", tag = "accounts", request_body = accounts::ProfileChange,
    responses((status = 200, body = AccountView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn update_me(
    State(ctx): State<AppContext>,
    session: Session,
    ApiJson(change): ApiJson<accounts::ProfileChange>,
) -> ApiResult<Json<AccountView>> {
    Ok(Json(accounts::update_profile(&ctx, &session.viewer, change).await?))
}

/// A password change.
#[derive(Deserialize, ToSchema)]
pub struct PasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new password (8–256 characters).
    pub new_password: String,
}

/// Changes the password; every session of the account ends.
#[utoipa::path(put, path = "/api/guildhall/v1/accounts/me/password", tag = "accounts", request_body = PasswordRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn change_password(
    State(ctx): State<AppContext>,
    session: Session,
    ApiJson(req): ApiJson<PasswordRequest>,
) -> ApiResult<StatusCode> {
    auth::change_password(&ctx, &session.viewer, &req.current_password, &req.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member's public profile.
#[utoipa::path(get, path = "/api/guildhall/v1/accounts/{username}", tag = "accounts", params(("username" = String, Path)),
    responses((status = 200, body = ProfileView), (status = 404, body = ErrorBody)))]
async fn profile(State(ctx): State<AppContext>, ApiPath(username): ApiPath<String>) -> ApiResult<Json<ProfileView>> {
    Ok(Json(accounts::profile(&ctx, &username).await?))
}
