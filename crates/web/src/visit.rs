//! Who is asking and in which language: the per-request context every page starts from,
//! the page "chrome" (header, language switch, notices) and the CSRF checks for forms.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use guildhall_app::{AppContext, Viewer, accounts, auth, notifications};

use crate::cookies;
use crate::i18n::{self, Lang, Num};
use crate::pages::error::PageError;

/// A signed-in visitor.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    /// The session token (to end it).
    pub token: String,
    /// The account, for use cases.
    pub viewer: Viewer,
    /// The session's CSRF token, put in every form.
    pub csrf_token: String,
    /// Display name for the header.
    pub display_name: String,
    /// The account's language setting.
    pub language: Option<String>,
    /// The account's time zone (IANA name), if chosen.
    pub time_zone: Option<String>,
    /// Unread notifications, for the header link.
    pub unread_notifications: u64,
}

/// The context of one page request.
#[derive(Debug, Clone)]
pub(crate) struct Visit {
    /// The language the page is in.
    pub lang: Lang,
    /// The session, when signed in.
    pub signed: Option<Signed>,
    /// Path and query of this request (where the language switch comes back to).
    pub path: String,
    /// A `done` notice to show after a Post/Redirect/Get.
    pub notice: Option<&'static str>,
    /// Whether this is a form post (not a page).
    pub post: bool,
}

/// Notices a redirect may ask for with `?done=`; anything else is ignored.
const NOTICES: &[&str] = &[
    "joined",
    "requested",
    "left",
    "created",
    "posted",
    "replied",
    "edited",
    "deleted",
    "saved",
    "pinned",
    "unpinned",
    "locked",
    "unlocked",
    "voted",
    "accepted",
    "rejected",
    "banned",
    "unbanned",
    "moderator-added",
    "moderator-removed",
    "registered",
    "pending",
    "password",
    "approved",
    "invite",
    "found",
    "event-created",
    "event-cancelled",
    "event-deleted",
    "rsvp-going",
    "rsvp-waitlisted",
    "rsvp-pending",
    "rsvp-removed",
    "proposed",
    "notifications-read",
    "notify-level-saved",
    "thread-muted",
    "thread-unmuted",
    "app-revoked",
    "confirm-sent",
    "email-change-sent",
];

fn notice_of(query: Option<&str>) -> Option<&'static str> {
    let q = query?;
    let v = q.split('&').find_map(|kv| kv.strip_prefix("done="))?;
    NOTICES.iter().copied().find(|n| *n == v)
}

impl Visit {
    /// Resolves the session cookie and the language.
    pub async fn load(
        ctx: &AppContext,
        headers: &HeaderMap,
        path: String,
        query: Option<&str>,
        post: bool,
    ) -> Result<Self, PageError> {
        let mut signed = None;
        if let Some(token) = cookies::get(headers, cookies::SESSION_COOKIE) {
            let info = auth::authenticate(ctx, token).await.map_err(|e| PageError::Internal(Lang::En, e))?;
            if let Some(info) = info {
                let me = accounts::me(ctx, &info.viewer).await.map_err(|e| PageError::Internal(Lang::En, e))?;
                // One indexed COUNT per signed-in page, for the header link.
                let unread = notifications::unread_count(ctx, &info.viewer)
                    .await
                    .map_err(|e| PageError::Internal(Lang::En, e))?;
                signed = Some(Signed {
                    token: token.to_owned(),
                    viewer: info.viewer,
                    csrf_token: info.csrf_token,
                    display_name: me.display_name,
                    language: me.language,
                    time_zone: me.time_zone,
                    unread_notifications: unread,
                });
            }
        }
        let account_lang = signed.as_ref().and_then(|s| s.language.as_deref());
        let lang = i18n::choose(account_lang, cookies::get(headers, cookies::LANG_COOKIE), headers);
        let path = match query {
            Some(q) if !q.is_empty() => format!("{path}?{q}"),
            _ => path,
        };
        Ok(Visit { lang, signed, path, notice: notice_of(query), post })
    }

    /// The viewer, if signed in.
    pub fn viewer(&self) -> Option<&Viewer> {
        self.signed.as_ref().map(|s| &s.viewer)
    }

    /// The header and shared parts of every page.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            lang: self.lang,
            username: self.signed.as_ref().map(|s| s.viewer.username.clone()),
            display_name: self.signed.as_ref().map(|s| s.display_name.clone()).unwrap_or_default(),
            is_admin: self.signed.as_ref().is_some_and(|s| s.viewer.is_admin),
            unread_notifications: self.signed.as_ref().map_or(0, |s| s.unread_notifications),
            csrf: self.signed.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default(),
            path: self.path.clone(),
            notice: self.notice.map(|n| self.lang.t(&format!("notice-{n}"))),
        }
    }

    /// For a form post: the signed-in session whose CSRF token matches `given`. Signed-out
    /// visitors are sent to sign in; a wrong token gets the "form has expired" page.
    pub fn authorize(&self, given: &str) -> Result<&Signed, PageError> {
        let Some(s) = self.signed.as_ref() else {
            return Err(self.sign_in_first());
        };
        if given.is_empty() || !cookies::same_secret(&s.csrf_token, given) {
            return Err(self.csrf_failed());
        }
        Ok(s)
    }

    /// The signed-in session for a page that needs one, or a redirect to sign in.
    pub fn require(&self) -> Result<&Signed, PageError> {
        self.signed.as_ref().ok_or_else(|| self.sign_in_first())
    }

    /// The "form has expired" page (403), for a form whose CSRF token does not match or
    /// that could not be read.
    pub fn csrf_failed(&self) -> PageError {
        PageError::Csrf(self.lang)
    }

    /// The form posted, or the "form has expired" page when it could not be read.
    pub fn form<T>(
        &self,
        form: Result<axum::Form<T>, axum::extract::rejection::FormRejection>,
    ) -> Result<T, PageError> {
        form.map(|axum::Form(f)| f).map_err(|_| self.csrf_failed())
    }

    /// Redirects to the sign-in page, coming back here afterwards (to the page a form was
    /// on, for a form post: its path less the action, `/discussions/7/vote` → `/discussions/7`).
    pub fn sign_in_first(&self) -> PageError {
        let back = if self.post {
            let path = self.path.split('?').next().unwrap_or("/");
            match path.rsplit_once('/') {
                Some((parent, _)) if !parent.is_empty() => parent.to_owned(),
                _ => "/".to_owned(),
            }
        } else {
            self.path.clone()
        };
        PageError::SignIn { back }
    }
}

/// Percent-encodes a value for a query string.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A local path safe to redirect to (`/...`, not `//host`); otherwise `/`.
///
/// Browsers drop tabs and newlines anywhere in a URL, trim controls at its ends and read
/// `\` as `/`, so `/<TAB>/evil.example/` would leave the site. Rather than imitate one
/// browser's parser, anything one might rewrite is refused: only visible ASCII and spaces
/// (a space inside a path stays in it), no `\`, one leading `/` and no second one. That
/// also keeps `Location` a valid header (a vertical tab used to answer 500).
pub(crate) fn safe_next(next: &str) -> String {
    let plain = next.bytes().all(|b| (b.is_ascii_graphic() || b == b' ') && b != b'\\');
    let local = next.starts_with('/') && !next.starts_with("//");
    if plain && local { next.to_owned() } else { "/".to_owned() }
}

/// The client's address: the connection's peer, or what a local reverse proxy says it is
/// (`AppContext::client_address`); `None` without connection info.
pub(crate) struct ClientAddress(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppContext> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(ClientAddress(peer.map(|p| ctx.client_address(p, forwarded))))
    }
}

impl FromRequestParts<AppContext> for Visit {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, ctx: &AppContext) -> Result<Self, Self::Rejection> {
        let post = parts.method == axum::http::Method::POST;
        Visit::load(ctx, &parts.headers, parts.uri.path().to_owned(), parts.uri.query(), post).await
    }
}

/// What the page layout needs: language, who is signed in, the switch and notices.
#[derive(Debug, Clone)]
pub(crate) struct Chrome {
    /// Page language.
    pub lang: Lang,
    /// Signed-in username.
    pub username: Option<String>,
    /// Signed-in display name.
    pub display_name: String,
    /// Whether the viewer administers the instance.
    pub is_admin: bool,
    /// The signed-in viewer's unread notifications (0 when signed out).
    pub unread_notifications: u64,
    /// The session's CSRF token ('' when signed out).
    pub csrf: String,
    /// This page's path and query.
    pub path: String,
    /// A success message after a Post/Redirect/Get.
    pub notice: Option<String>,
}

impl Chrome {
    /// Chrome for pages shown without a full visit (errors).
    pub fn bare(lang: Lang) -> Self {
        Chrome {
            lang,
            username: None,
            display_name: String::new(),
            is_admin: false,
            unread_notifications: 0,
            csrf: String::new(),
            path: "/".into(),
            notice: None,
        }
    }

    /// Message `id`.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// Message `prefix` + `suffix`, for ids built from a stable name (`visibility-public`).
    pub fn tk(&self, prefix: &str, suffix: impl std::fmt::Display) -> String {
        self.lang.t(&format!("{prefix}{suffix}"))
    }

    /// Message `id` with a text argument.
    pub fn ts(&self, id: &str, name: &'static str, v: impl std::fmt::Display) -> String {
        self.lang.ts(id, name, v)
    }

    /// Message `id` with several text arguments.
    pub fn tm(&self, id: &str, named: &[(&'static str, &str)]) -> String {
        self.lang.tm(id, named)
    }

    /// Message `id` with a number argument.
    pub fn tn(&self, id: &str, name: &'static str, n: impl Num) -> String {
        self.lang.tn(id, name, n)
    }

    /// A localised date and time.
    pub fn when(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.lang.datetime(at)
    }

    /// A localised date and time as the wall clock shows it in time zone `tz`.
    pub fn when_in(&self, at: &chrono::DateTime<chrono::Utc>, tz: &str) -> String {
        self.lang.datetime_in(at, tz)
    }

    /// A localised date.
    pub fn day(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.lang.date(at)
    }

    /// `<time datetime>` value.
    pub fn iso(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        self.lang.iso(at)
    }

    /// A role's stable name (`anonymous`, `non_member`, `pending`, `member`, `moderator`,
    /// `banned`), for templates.
    pub fn role(&self, r: impl std::borrow::Borrow<guildhall_domain::CommunityRole>) -> &'static str {
        use guildhall_domain::CommunityRole as R;
        match r.borrow() {
            R::Anonymous => "anonymous",
            R::NonMember => "non_member",
            R::Pending => "pending",
            R::Member => "member",
            R::Moderator => "moderator",
            R::Banned => "banned",
        }
    }

    /// Whether a community's moderation pages are offered (moderators and instance admins;
    /// the use cases decide).
    pub fn moderates(&self, r: impl std::borrow::Borrow<guildhall_domain::CommunityRole>) -> bool {
        *r.borrow() == guildhall_domain::CommunityRole::Moderator || self.is_admin
    }

    /// The percent-encoded path of this page, for `next=` parameters.
    pub fn here(&self) -> String {
        encode(&self.path)
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests {
    use super::safe_next;

    /// Whether a browser resolving `location` against this site stays on it: a model of
    /// the WHATWG URL parser's steps that matter here (strip tabs and newlines anywhere,
    /// trim C0 controls and spaces at the ends, `\` as `/`).
    fn browser_stays_local(location: &str) -> bool {
        let stripped: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let trimmed = stripped.trim_matches(|c: char| c <= ' ');
        let norm = trimmed.replace('\\', "/");
        norm.starts_with('/') && !norm.starts_with("//")
    }

    #[test]
    fn the_cases_from_the_issue_go_home() {
        for bad in [
            "/\t/evil.example/",
            "/\n/evil.example/",
            "/\r/evil.example/",
            "/\u{b}/evil.example/",
            "/\u{c}/evil.example/",
            "/\u{0}/evil.example/",
            "/\u{7f}",
            "/\u{85}/evil.example/",
            "/\\evil.example/",
            "/\\/evil.example/",
            "\\/evil.example/",
            "//evil.example/",
            "///evil.example/",
            " //evil.example/",
            "\t//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn local_paths_are_kept() {
        for good in [
            "/",
            "/communities/ux-design",
            "/discussions/3#reply-4",
            "/search?q=a%20b&page=2",
            "/search?q=a b",
            "/@ada",
        ] {
            assert_eq!(safe_next(good), good);
        }
    }

    /// Every string of up to three characters from the ones a browser treats specially:
    /// the answer is always a path a browser keeps on this site, and never needs a change.
    #[test]
    fn no_short_combination_leaves_the_site() {
        let alphabet =
            ['/', '\\', '\t', '\n', '\r', '\u{b}', '\u{0}', ' ', 'e', '.', ':', '%', '?', '#', '@', '\u{e9}'];
        let mut seen = 0;
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for input in
                        [format!("{a}"), format!("{a}{b}"), format!("{a}{b}{c}"), format!("/{a}{b}{c}/evil.example/")]
                    {
                        let out = safe_next(&input);
                        assert!(browser_stays_local(&out), "{input:?} -> {out:?}");
                        assert!(axum::http::HeaderValue::from_str(&out).is_ok(), "{input:?} -> {out:?}");
                        assert!(out == input || out == "/", "{input:?} -> {out:?}");
                        seen += 1;
                    }
                }
            }
        }
        assert_eq!(seen, 16 * 16 * 16 * 4);
    }
}
