//! Approving a Mastodon app (`/oauth/authorize`, OAuth 2.0's authorization endpoint), and
//! revoking an approved app from the account page. The checks are `guildhall_app::oauth`'s:
//! until the app and its redirect URI are known good, errors are pages, never redirects.

use askama::Template;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use guildhall_app::AppContext;
use guildhall_app::oauth::{self, Authorization, AuthorizeRequest, OAuthError};
use guildhall_domain::oauth::{Scopes, form_action_source};
use serde::Deserialize;

use super::error::ErrorPage;
use super::{OrPage, PageError, TokenForm, render, see_other};
use crate::i18n::Lang;
use crate::visit::{Chrome, Visit};

/// The approval page.
#[derive(Template)]
#[template(path = "oauth_authorize.html")]
pub(crate) struct AuthorizePage {
    pub c: Chrome,
    pub app_name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub req: AuthorizeRequest,
}

/// The page showing an out-of-band code to copy (or that access was denied).
#[derive(Template)]
#[template(path = "oauth_code.html")]
pub(crate) struct CodePage {
    pub c: Chrome,
    pub app_name: String,
    pub code: Option<String>,
}

/// Plain words for scopes, in the page language.
pub(crate) fn scope_words(lang: Lang, scopes: &Scopes) -> Vec<String> {
    scopes.iter().map(|s| lang.t(&format!("oauth-scope-{}", s.replace(':', "-")))).collect()
}

/// An authorization request refused: an error page (400), never a redirect.
fn refused(v: &Visit, e: OAuthError) -> Result<Response, PageError> {
    let (code, key) = match &e {
        OAuthError::InvalidClient => ("invalid_client", "oauth-error-client"),
        OAuthError::InvalidRedirectUri => ("invalid_redirect_uri", "oauth-error-redirect"),
        OAuthError::InvalidScope(_) => ("invalid_scope", "oauth-error-scope"),
        OAuthError::UnsupportedResponseType => ("unsupported_response_type", "oauth-error-response-type"),
        OAuthError::Failed(_) => return Err(PageError::app(v, into_app(e))),
        _ => ("invalid_request", "oauth-error-request"),
    };
    tracing::info!(error = %e, "oauth authorization refused");
    let page = ErrorPage {
        c: v.chrome(),
        title: v.lang.t("oauth-error-title"),
        message: format!("{} ({code})", v.lang.t(key)),
    };
    Ok(render(StatusCode::BAD_REQUEST, &page))
}

fn into_app(e: OAuthError) -> guildhall_app::Error {
    match e {
        OAuthError::Failed(inner) => inner,
        other => guildhall_app::Error::Internal(other.to_string()),
    }
}

/// `GET /oauth/authorize`: checks the request, sends signed-out visitors to sign in (and
/// back here), and asks the member to approve or deny.
pub(crate) async fn authorize_form(
    State(ctx): State<AppContext>,
    v: Visit,
    q: Result<Query<AuthorizeRequest>, QueryRejection>,
) -> Result<Response, PageError> {
    let Ok(Query(req)) = q else { return refused(&v, OAuthError::InvalidRequest("unreadable query".into())) };
    let auth = match oauth::check_authorization(&ctx, &req).await {
        Ok(a) => a,
        Err(e) => return refused(&v, e),
    };
    v.require()?;
    let page = AuthorizePage {
        c: v.chrome(),
        app_name: auth.app.name.clone(),
        website: auth.app.website.clone(),
        scopes: scope_words(v.lang, &auth.scopes),
        req: AuthorizeRequest { redirect_uri: auth.redirect_uri.clone(), ..req },
    };
    let mut res = render(StatusCode::OK, &page);
    // Browsers apply `form-action` to the redirect that follows the form too: allow the
    // app's redirect URI (the security layer keeps a handler's own policy).
    if let Some(source) = form_action_source(&auth.redirect_uri)
        && let Ok(csp) = HeaderValue::from_str(
            &crate::CONTENT_SECURITY_POLICY.replace("form-action 'self'", &format!("form-action 'self' {source}")),
        )
    {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(res)
}

/// The approval form: the request again, the decision and the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(flatten)]
    req: AuthorizeRequest,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /oauth/authorize`: Approve sends the app a code (or shows it, out of band); Deny
/// sends `error=access_denied`.
pub(crate) async fn decide(
    State(ctx): State<AppContext>,
    v: Visit,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    let auth: Authorization = match oauth::check_authorization(&ctx, &form.req).await {
        Ok(a) => a,
        Err(e) => return refused(&v, e),
    };
    if form.decision != "approve" {
        tracing::info!(account = %s.viewer.username, app = auth.app.id, "oauth app denied");
        if auth.out_of_band() {
            return Ok(render(StatusCode::OK, &CodePage { c: v.chrome(), app_name: auth.app.name, code: None }));
        }
        return Ok(Redirect::to(&auth.denied_redirect()).into_response());
    }
    let approved = match oauth::approve(&ctx, &s.viewer, &auth, Utc::now()).await {
        Ok(a) => a,
        Err(e) => return refused(&v, e),
    };
    match approved.redirect {
        Some(to) => Ok(Redirect::to(&to).into_response()),
        None => {
            Ok(render(StatusCode::OK, &CodePage { c: v.chrome(), app_name: auth.app.name, code: Some(approved.code) }))
        }
    }
}

/// `POST /account/apps/{id}/revoke`: ends every token of one app for the member.
pub(crate) async fn revoke(
    State(ctx): State<AppContext>,
    v: Visit,
    Path(app_id): Path<i64>,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = v.form(form)?;
    let s = v.authorize(&form.csrf_token)?;
    oauth::revoke_app(&ctx, &s.viewer, app_id, Utc::now()).await.or_page(&v)?;
    Ok(see_other("/account#apps-heading", Some("app-revoked")))
}
