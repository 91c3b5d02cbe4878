//! What a Mastodon app asks about the server before and right after signing in: instance
//! information (v1 and v2), peers, and the lists of things Guildhall does not have (custom
//! emoji, filters, announcements...), which are honestly empty rather than 404, so apps start.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use guildhall_app::AppContext;
use guildhall_domain::RegistrationMode;
use guildhall_domain::validate::Limits;
use serde_json::{Value, json};

use crate::auth::Authed;
use crate::error::Result;

/// The Mastodon API version Guildhall answers like, with its own version after it, as
/// Mastodon-compatible servers write it (apps read the leading number to pick features).
pub fn version() -> String {
    format!("4.3.0 (compatible; Guildhall {})", env!("CARGO_PKG_VERSION"))
}

/// The most characters a status may have (Guildhall's post body limit).
pub const MAX_CHARACTERS: usize = Limits::BODY;

pub(crate) fn routes() -> Router<AppContext> {
    Router::new()
        .route("/api/v1/instance", get(v1))
        .route("/api/v2/instance", get(v2))
        .route("/api/v1/instance/peers", get(peers))
        .route("/api/v1/instance/activity", get(empty))
        .route("/api/v1/instance/rules", get(empty))
        .route("/api/v1/instance/extended_description", get(extended_description))
        .route("/api/v1/custom_emojis", get(empty))
        .route("/api/v1/announcements", get(empty_signed_in))
        .route("/api/v1/filters", get(empty_signed_in))
        .route("/api/v2/filters", get(empty_signed_in))
        .route("/api/v1/followed_tags", get(empty_signed_in))
        .route("/api/v1/blocks", get(empty_signed_in))
        .route("/api/v1/mutes", get(empty_signed_in))
        .route("/api/v1/domain_blocks", get(empty_signed_in))
        .route("/api/v1/endorsements", get(empty_signed_in))
        .route("/api/v1/featured_tags", get(empty_signed_in))
        .route("/api/v1/conversations", get(empty_signed_in))
        .route("/api/v1/scheduled_statuses", get(empty_signed_in))
        .route("/api/v1/trends", get(empty))
        .route("/api/v1/trends/tags", get(empty))
        .route("/api/v1/trends/statuses", get(empty))
        .route("/api/v1/trends/links", get(empty))
        .route("/api/v2/suggestions", get(empty_signed_in))
        .route("/api/v1/preferences", get(preferences))
}

/// What both instance documents say.
struct About {
    title: String,
    description: String,
    users: u64,
    domains: u64,
    registrations: bool,
    approval_required: bool,
    invites: bool,
}

async fn about(ctx: &AppContext) -> Result<About> {
    let settings = guildhall_app::admin::settings(ctx).await?;
    let users = guildhall_app::federation::actors::active_users(ctx).await?;
    let domains = guildhall_app::federation::peers::known(ctx).await?.len() as u64;
    let title = if settings.organisation.trim().is_empty() {
        ctx.instance().domain.clone()
    } else {
        settings.organisation.clone()
    };
    let description = if settings.government.trim().is_empty() {
        "A Guildhall community server".to_string()
    } else {
        format!("A Guildhall community server of {}", settings.government)
    };
    Ok(About {
        title,
        description,
        users,
        domains,
        registrations: matches!(settings.registration_mode, RegistrationMode::Open | RegistrationMode::Approval),
        approval_required: settings.registration_mode == RegistrationMode::Approval,
        invites: settings.registration_mode == RegistrationMode::Invite,
    })
}

fn configuration() -> Value {
    json!({
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": MAX_CHARACTERS,
            "max_media_attachments": 0,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": [],
            "image_size_limit": 0,
            "image_matrix_limit": 0,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        "polls": {
            "max_options": guildhall_domain::poll::MAX_OPTIONS,
            "max_characters_per_option": guildhall_domain::poll::OPTION_LEN,
            "min_expiration": 300,
            "max_expiration": guildhall_domain::poll::MAX_DURATION_DAYS * 24 * 3600,
        },
    })
}

fn streaming_url(ctx: &AppContext) -> String {
    let base = ctx.instance().base_url();
    base.replacen("https://", "wss://", 1).replacen("http://", "ws://", 1)
}

async fn v1(State(ctx): State<AppContext>) -> Result<Json<Value>> {
    let a = about(&ctx).await?;
    Ok(Json(json!({
        "uri": ctx.instance().domain,
        "title": a.title,
        "short_description": a.description,
        "description": a.description,
        "email": "",
        "version": version(),
        "urls": {"streaming_api": streaming_url(&ctx)},
        "stats": {"user_count": a.users, "status_count": 0, "domain_count": a.domains},
        "thumbnail": null,
        "languages": ["en", "fr"],
        "registrations": a.registrations,
        "approval_required": a.approval_required,
        "invites_enabled": a.invites,
        "configuration": configuration(),
        "contact_account": null,
        "rules": [],
    })))
}

async fn v2(State(ctx): State<AppContext>) -> Result<Json<Value>> {
    let a = about(&ctx).await?;
    let mut configuration = configuration();
    configuration["urls"] = json!({"streaming": streaming_url(&ctx), "status": null});
    configuration["vapid"] = json!({"public_key": ""});
    configuration["translation"] = json!({"enabled": false});
    Ok(Json(json!({
        "domain": ctx.instance().domain,
        "title": a.title,
        "version": version(),
        "source_url": "https://example.invalid/guildhall",
        "description": a.description,
        "usage": {"users": {"active_month": a.users}},
        "thumbnail": {"url": format!("{}/static/avatar.png", ctx.instance().base_url())},
        "icon": [],
        "languages": ["en", "fr"],
        "configuration": configuration,
        "registrations": {
            "enabled": a.registrations,
            "approval_required": a.approval_required,
            "message": null,
            "url": format!("{}/signup", ctx.instance().base_url()),
        },
        "api_versions": {"mastodon": 2},
        "contact": {"email": "", "account": null},
        "rules": [],
    })))
}

async fn peers(State(ctx): State<AppContext>) -> Result<Json<Vec<String>>> {
    Ok(Json(guildhall_app::federation::peers::known(&ctx).await?))
}

async fn extended_description(State(ctx): State<AppContext>) -> Result<Json<Value>> {
    let a = about(&ctx).await?;
    Ok(Json(json!({"updated_at": null, "content": format!("<p>{}</p>", crate::render::escape(&a.description))})))
}

async fn empty() -> Json<Vec<Value>> {
    Json(vec![])
}

async fn empty_signed_in(_: Authed) -> Json<Vec<Value>> {
    Json(vec![])
}

async fn preferences(authed: Authed) -> Result<Json<Value>> {
    authed.require("read:accounts")?;
    Ok(Json(json!({
        "posting:default:visibility": "public",
        "posting:default:sensitive": false,
        "posting:default:language": null,
        "reading:expand:media": "default",
        "reading:expand:spoilers": false,
    })))
}
