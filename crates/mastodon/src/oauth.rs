//! Signing in from Mastodon apps: registering an app (`POST /api/v1/apps`), checking an app's
//! token, the token and revocation endpoints (`/oauth/token`, `/oauth/revoke`) and the
//! server metadata (RFC 8414). The approval page (`/oauth/authorize`) is a web page: it needs
//! the member's browser session (`guildhall_web`).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use guildhall_app::AppContext;
use guildhall_app::oauth::{self, AppView, ClientAuth, IssuedToken, OAuthError};
use serde::{Deserialize, Serialize};

use crate::auth::TokenHolder;
use crate::body::Params;
use crate::error::{MastoError, Result};

/// The routes of this module.
pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/apps", post(create_app))
        .route("/api/v1/apps/verify_credentials", get(verify_credentials))
        .route("/oauth/token", post(token))
        .route("/oauth/revoke", post(revoke))
        .route("/.well-known/oauth-authorization-server", get(metadata))
}

/// One string or a list of strings (`redirect_uris` comes both ways).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// `POST /api/v1/apps`'s parameters.
#[derive(Debug, Deserialize)]
struct AppForm {
    #[serde(default)]
    client_name: String,
    redirect_uris: Option<OneOrMany>,
    #[serde(default)]
    scopes: String,
    website: Option<String>,
}

/// Mastodon's `Application` (with the credentials when just registered).
#[derive(Debug, Serialize)]
struct Application {
    id: String,
    name: String,
    website: Option<String>,
    scopes: Vec<String>,
    /// Deprecated in Mastodon 4.3 but still read by clients: the URIs, newline-separated.
    redirect_uri: String,
    redirect_uris: Vec<String>,
    vapid_key: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_secret_expires_at: Option<i64>,
}

impl Application {
    fn of(app: &AppView) -> Self {
        Application {
            id: app.id.to_string(),
            name: app.name.clone(),
            website: app.website.clone(),
            scopes: app.scopes.iter().map(str::to_owned).collect(),
            redirect_uri: app.redirect_uris.join("\n"),
            redirect_uris: app.redirect_uris.clone(),
            // Web push is not served.
            vapid_key: "",
            client_id: None,
            client_secret: None,
            client_secret_expires_at: None,
        }
    }
}

/// `POST /api/v1/apps`: registers an app and answers its credentials (the secret, once).
async fn create_app(State(ctx): State<AppContext>, Params(form): Params<AppForm>) -> Result<Json<Application>> {
    let redirect_uris = match form.redirect_uris {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    };
    let new = oauth::NewApp { name: form.client_name, redirect_uris, scopes: form.scopes, website: form.website };
    let registered = oauth::register_app(&ctx, new, Utc::now()).await?;
    let mut body = Application::of(&registered.app);
    body.client_id = Some(registered.app.client_id.clone());
    body.client_secret = Some(registered.client_secret);
    body.client_secret_expires_at = Some(0);
    Ok(Json(body))
}

/// `GET /api/v1/apps/verify_credentials`: the app holding the token (a member's token or
/// the app's own).
async fn verify_credentials(holder: TokenHolder) -> Result<Json<Application>> {
    // A Guildhall session token belongs to no app.
    let app = holder.app.ok_or_else(MastoError::invalid_token)?;
    Ok(Json(Application::of(&app)))
}

/// `POST /oauth/token`'s parameters (RFC 6749 §4.1.3 and §4.4.2).
#[derive(Debug, Default, Deserialize)]
struct TokenForm {
    #[serde(default)]
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code_verifier: Option<String>,
    scope: Option<String>,
}

/// The token endpoint's answer.
#[derive(Debug, Serialize)]
struct TokenBody {
    access_token: String,
    token_type: &'static str,
    scope: String,
    created_at: i64,
}

/// An OAuth refusal as RFC 6749 §5.2 shapes it: 401 for client authentication, else 400.
fn oauth_error(e: OAuthError) -> MastoError {
    let status = match e {
        OAuthError::InvalidClient => StatusCode::UNAUTHORIZED,
        OAuthError::Failed(inner) => return MastoError::from(inner),
        _ => StatusCode::BAD_REQUEST,
    };
    let description = match &e {
        OAuthError::InvalidClient => "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.".to_owned(),
        other => other.to_string(),
    };
    MastoError::oauth(status, e.code(), description)
}

fn invalid_request(what: &str) -> MastoError {
    MastoError::oauth(StatusCode::BAD_REQUEST, "invalid_request", what)
}

/// Client credentials from HTTP Basic (RFC 6749 §2.3.1, form-encoded parts), else the body.
fn client_auth(headers: &HeaderMap, id: Option<String>, secret: Option<String>) -> Result<ClientAuth> {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some((scheme, value)) = v.split_once(' ')
        && scheme.eq_ignore_ascii_case("basic")
    {
        let bad = || oauth_error(OAuthError::InvalidClient);
        let decoded = STANDARD.decode(value.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = text.split_once(':').ok_or_else(bad)?;
        let unescape =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        return Ok(ClientAuth { client_id: unescape(id).ok_or_else(bad)?, client_secret: unescape(secret) });
    }
    let client_id = id.filter(|i| !i.is_empty()).ok_or_else(|| oauth_error(OAuthError::InvalidClient))?;
    Ok(ClientAuth { client_id, client_secret: secret.filter(|s| !s.is_empty()) })
}

/// `POST /oauth/token`: `authorization_code` or `client_credentials`.
async fn token(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    params: std::result::Result<Params<TokenForm>, MastoError>,
) -> Result<Response> {
    let Params(form) = params.map_err(|_| invalid_request("The request body could not be read."))?;
    let client = client_auth(&headers, form.client_id, form.client_secret)?;
    let now = Utc::now();
    let issued: IssuedToken = match form.grant_type.as_str() {
        "authorization_code" => {
            let code = form.code.filter(|c| !c.is_empty()).ok_or_else(|| invalid_request("code is missing."))?;
            let redirect_uri = form.redirect_uri.unwrap_or_default();
            oauth::exchange_code(&ctx, &client, &code, &redirect_uri, form.code_verifier.as_deref(), now).await
        }
        "client_credentials" => oauth::client_credentials(&ctx, &client, form.scope.as_deref(), now).await,
        "" => return Err(invalid_request("grant_type is missing.")),
        _ => Err(OAuthError::UnsupportedGrantType),
    }
    .map_err(oauth_error)?;
    let body = TokenBody {
        access_token: issued.access_token,
        token_type: "Bearer",
        scope: issued.scopes.to_string(),
        created_at: issued.created_at.timestamp(),
    };
    let mut res = Json(body).into_response();
    // RFC 6749 §5.1: tokens are never cached.
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    Ok(res)
}

/// `POST /oauth/revoke`'s parameters (RFC 7009 §2.1).
#[derive(Debug, Default, Deserialize)]
struct RevokeForm {
    #[serde(default)]
    token: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// `POST /oauth/revoke`: 200 `{}` whether or not the token existed.
async fn revoke(
    State(ctx): State<AppContext>,
    headers: HeaderMap,
    params: std::result::Result<Params<RevokeForm>, MastoError>,
) -> Result<Json<serde_json::Map<String, serde_json::Value>>> {
    let Params(form) = params.map_err(|_| invalid_request("The request body could not be read."))?;
    let client = client_auth(&headers, form.client_id, form.client_secret)?;
    if form.token.is_empty() {
        return Err(invalid_request("token is missing."));
    }
    oauth::revoke(&ctx, &client, &form.token, Utc::now()).await.map_err(oauth_error)?;
    Ok(Json(serde_json::Map::new()))
}

/// RFC 8414 metadata, as Mastodon 4.3 serves it (less what Guildhall does not do).
#[derive(Debug, Serialize)]
struct Metadata {
    issuer: String,
    service_documentation: &'static str,
    authorization_endpoint: String,
    token_endpoint: String,
    app_registration_endpoint: String,
    revocation_endpoint: String,
    scopes_supported: Vec<String>,
    response_types_supported: [&'static str; 1],
    response_modes_supported: [&'static str; 1],
    code_challenge_methods_supported: [&'static str; 2],
    grant_types_supported: [&'static str; 2],
    token_endpoint_auth_methods_supported: [&'static str; 3],
}

/// `GET /.well-known/oauth-authorization-server`.
async fn metadata(State(ctx): State<AppContext>) -> Json<Metadata> {
    let base = ctx.instance().base_url();
    Json(Metadata {
        issuer: format!("{base}/"),
        service_documentation: "https://docs.joinmastodon.org/",
        authorization_endpoint: format!("{base}/oauth/authorize"),
        token_endpoint: format!("{base}/oauth/token"),
        app_registration_endpoint: format!("{base}/api/v1/apps"),
        revocation_endpoint: format!("{base}/oauth/revoke"),
        scopes_supported: guildhall_domain::oauth::supported(),
        response_types_supported: ["code"],
        response_modes_supported: ["query"],
        code_challenge_methods_supported: ["S256", "plain"],
        grant_types_supported: ["authorization_code", "client_credentials"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    })
}
