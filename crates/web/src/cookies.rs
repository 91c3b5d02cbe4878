//! Reading and writing the session and pre-login CSRF cookies.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie: the token `guildhall_app::auth::login` returned.
pub const SESSION_COOKIE: &str = "guildhall_session";

/// The pre-login CSRF cookie (double-submit pattern on the sign-in form).
pub const CSRF_COOKIE: &str = "guildhall_csrf";

/// The language chosen with the switch in the header (`en` or `fr`).
pub const LANG_COOKIE: &str = "guildhall_lang";

/// Marks a browser that signed in before (`guildhall_app::auth::SignIn::device_token`).
pub const DEVICE_COOKIE: &str = "guildhall_device";

/// How long the session cookie lives, in seconds (30 days, as the session itself).
const SESSION_MAX_AGE: u64 = 30 * 24 * 60 * 60;

/// The value of the first cookie called `name`, if present and non-empty.
pub(crate) fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Whether a token is shaped like ours (URL-safe base64), so it is safe to echo into a
/// cookie or a form field.
pub(crate) fn well_formed(token: &str) -> bool {
    (16..=128).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Compares two secrets in time independent of where they first differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn secure(https: bool) -> &'static str {
    if https { "; Secure" } else { "" }
}

/// `Set-Cookie` value for a new session.
pub(crate) fn session(token: &str, https: bool) -> String {
    format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={SESSION_MAX_AGE}{}", secure(https))
}

/// `Set-Cookie` value for the known-device token (a year; kept after signing out).
pub(crate) fn device(token: &str, https: bool) -> String {
    format!("{DEVICE_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000{}", secure(https))
}

/// `Set-Cookie` value that removes the session cookie.
pub(crate) fn clear_session(https: bool) -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{}", secure(https))
}

/// `Set-Cookie` value for the pre-login CSRF token (a browser-session cookie).
pub(crate) fn csrf(token: &str, https: bool) -> String {
    format!("{CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/{}", secure(https))
}

/// `Set-Cookie` value for the language switch (a year).
pub(crate) fn lang(code: &str, https: bool) -> String {
    format!("{LANG_COOKIE}={code}; HttpOnly; SameSite=Lax; Path=/; Max-Age=31536000{}", secure(https))
}

/// `Set-Cookie` value that removes the pre-login CSRF cookie.
pub(crate) fn clear_csrf(https: bool) -> String {
    format!("{CSRF_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}", secure(https))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_cookies_from_all_headers() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; guildhall_csrf=abc"));
        h.append(COOKIE, HeaderValue::from_static("guildhall_session=tok"));
        assert_eq!(get(&h, CSRF_COOKIE), Some("abc"));
        assert_eq!(get(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(get(&h, "missing"), None);
        h.insert(COOKIE, HeaderValue::from_static("guildhall_session="));
        assert_eq!(get(&h, SESSION_COOKIE), None, "empty counts as absent");
    }

    #[test]
    fn compares_and_checks_tokens() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(well_formed(&guildhall_app::auth::random_token()));
        assert!(!well_formed("short"));
        assert!(!well_formed("0123456789abcdef; Path=/x"));
    }

    #[test]
    fn cookies_have_the_right_attributes() {
        assert_eq!(session("t", false), "guildhall_session=t; HttpOnly; SameSite=Lax; Path=/; Max-Age=2592000");
        assert!(session("t", true).ends_with("; Secure"));
        assert!(clear_session(false).contains("Max-Age=0"));
        assert_eq!(csrf("c", false), "guildhall_csrf=c; HttpOnly; SameSite=Strict; Path=/");
        assert!(clear_csrf(true).contains("Max-Age=0") && clear_csrf(true).ends_with("; Secure"));
    }
}
