//! The security headers of every response of the instance (web pages, the JSON API,
//! ActivityPub documents and inboxes), in one place: the binary applies [`apply`] once around
//! the whole application (`guildhall::server::app`). docs/admin-guide.md lists them.

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

use crate::CONTENT_SECURITY_POLICY;

/// HSTS: two years. Without `includeSubDomains`: other hosts under the same domain are not
/// this instance's to decide for.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000";
/// Browser features no page of Guildhall uses.
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()";
/// Links to other sites carry no address of the page they were on (private communities'
/// page names would leak otherwise).
pub const REFERRER_POLICY: &str = "same-origin";

/// What the headers depend on.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeaders {
    /// Whether the instance is served over https (then HSTS is sent).
    pub https: bool,
}

/// Adds the security headers to a response (a handler's own value of one of them wins).
pub async fn apply(State(config): State<SecurityHeaders>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, REFERRER_POLICY);
    set(HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
    if config.https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    response
}
