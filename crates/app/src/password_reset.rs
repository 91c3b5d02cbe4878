//! Password reset by email: a single-use link, valid for an hour, at most a few per address
//! per hour; the answer to a request never says whether an account uses the address.

use chrono::{DateTime, Duration, Utc};
use guildhall_domain::validate;
use guildhall_store::email as store;

use crate::auth::{random_token, token_hash};
use crate::email::{self, OutgoingEmail};
use crate::mail::{self, escape};
use crate::{AppContext, Error, Result};

/// How long a reset link works.
pub const TOKEN_LIFETIME: Duration = Duration::hours(1);
/// Reset emails sent to one address per hour; further requests are answered the same but
/// send nothing, so the form cannot be used to flood someone's mailbox.
pub const MAX_PER_HOUR: u64 = 3;
/// The path of the page a reset link opens (the token follows as `?token=`).
pub const RESET_PATH: &str = "/password-reset/confirm";

/// Why a reset link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link (mistyped, or never sent).
    Unknown,
    /// The link was used already.
    Used,
    /// The link is older than [`TOKEN_LIFETIME`].
    Expired,
}

/// Whether a link created with `expires_at` and `used_at` may still be used at `now`.
pub fn check_link(
    expires_at: DateTime<Utc>,
    used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<LinkProblem> {
    if used_at.is_some() {
        Some(LinkProblem::Used)
    } else if now >= expires_at {
        Some(LinkProblem::Expired)
    } else {
        None
    }
}

fn email_off() -> Error {
    Error::Conflict("email is off on this instance: ask an administrator to reset your password".into())
}

/// Asks for a reset link for the account using `address`, written in `request_lang` (`en`
/// or `fr`) unless the account chose a language. Answers `Ok` whether or not an account
/// uses the address and whether or not the hourly allowance is spent; refuses only a
/// malformed address, and every request when email is off.
pub async fn request(ctx: &AppContext, address: &str, request_lang: Option<&str>) -> Result<()> {
    if !ctx.email_enabled() {
        return Err(email_off());
    }
    let address = validate::email("email", address)?;
    let Some(account) = store::account_by_email(ctx.db(), &address).await? else {
        tracing::info!("password reset asked for an address no account uses");
        return Ok(());
    };
    if account.status != guildhall_domain::AccountStatus::Active {
        return Ok(());
    }
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    if store::resets_since(&txn, &address, now - Duration::hours(1)).await? >= MAX_PER_HOUR {
        tracing::info!(account = %account.username, "password reset not sent: hourly allowance spent");
        return Ok(());
    }
    let token = random_token();
    store::insert_reset(&txn, account.id, &address, token_hash(&token), now, now + TOKEN_LIFETIME).await?;
    let lang = account.language.as_deref().or(request_lang).unwrap_or("en");
    let link = format!("{}{RESET_PATH}?token={token}", ctx.instance().base_url());
    email::enqueue(&txn, message(lang, &address, &account.username, &ctx.instance().domain, &link)).await?;
    txn.commit().await?;
    email::wake(ctx);
    tracing::info!(account = %account.username, "password reset link queued");
    Ok(())
}

/// Why a link does not work, or `None` when it does (for the page that asks a new password).
pub async fn link_problem(ctx: &AppContext, token: &str) -> Result<Option<LinkProblem>> {
    if !ctx.email_enabled() {
        return Err(email_off());
    }
    Ok(match store::find_reset(ctx.db(), &token_hash(token.trim())).await? {
        None => Some(LinkProblem::Unknown),
        Some(r) => check_link(r.expires_at, r.used_at, Utc::now()),
    })
}

/// Sets a new password with a reset link's token; the link is then used up and every
/// session of the account ends. `Err(Ok(problem))`-like refusals are `Invalid` on `token`.
pub async fn confirm(ctx: &AppContext, token: &str, new_password: &str) -> Result<()> {
    if !ctx.email_enabled() {
        return Err(email_off());
    }
    let bad = |why: &str| Error::Invalid(validate::Invalid::new("token", why));
    let Some(reset) = store::find_reset(ctx.db(), &token_hash(token.trim())).await? else {
        return Err(bad("is not a valid reset link; ask for a new one"));
    };
    match check_link(reset.expires_at, reset.used_at, Utc::now()) {
        Some(LinkProblem::Used) => return Err(bad("was used already; ask for a new one")),
        Some(LinkProblem::Expired) => return Err(bad("has expired; ask for a new one")),
        Some(LinkProblem::Unknown) => return Err(bad("is not a valid reset link; ask for a new one")),
        None => {}
    }
    validate::password("new_password", new_password)?;
    let account = guildhall_store::accounts::find_by_id(ctx.db(), reset.account_id)
        .await?
        .ok_or_else(|| bad("is not a valid reset link; ask for a new one"))?;
    // Used up before the password changes: of two requests racing with one link, one wins.
    if !store::consume_reset(ctx.db(), reset.id, Utc::now()).await? {
        return Err(bad("was used already; ask for a new one"));
    }
    crate::auth::set_password(ctx, account, new_password).await?;
    tracing::info!(account = reset.account_id, "password reset by email link");
    Ok(())
}

/// The first of `en` and `fr` an `Accept-Language` header prefers (by weight), if any.
pub fn lang_from_accept_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(&'static str, f32)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q =
            pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok())).unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("en") => "en",
            Some("fr") => "fr",
            _ => continue,
        };
        if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(l, _)| l)
}

/// The reset message in `lang` (French for `fr`, English otherwise).
fn message(lang: &str, to: &str, username: &str, instance: &str, link: &str) -> OutgoingEmail {
    let fr = lang.starts_with("fr");
    let (subject, hello, body, action, ignore) = if fr {
        (
            format!("Réinitialiser votre mot de passe sur {instance}"),
            format!("Bonjour {username},"),
            "Quelqu'un (vous, sans doute) a demandé à réinitialiser votre mot de passe. Ce lien fonctionne une \
             fois, pendant une heure :"
                .to_string(),
            "Choisir un nouveau mot de passe",
            "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.",
        )
    } else {
        (
            format!("Reset your password on {instance}"),
            format!("Hello {username},"),
            "Someone (probably you) asked to reset your password. This link works once, for one hour:".to_string(),
            "Choose a new password",
            "If you did not ask, ignore this message: your password stays as it is.",
        )
    };
    let text = format!("{hello}\n\n{body}\n\n{link}\n\n{ignore}\n");
    let body_html = format!(
        "<p>{h}</p>\n<p>{b}</p>\n<p><a href=\"{k}\">{a}</a></p>\n<p>{k}</p>\n<p>{i}</p>\n",
        h = escape(&hello),
        b = escape(&body),
        k = escape(link),
        a = escape(action),
        i = escape(ignore),
    );
    let html = mail::html_document(lang, &subject, &body_html);
    OutgoingEmail { to: to.to_owned(), subject, text, html, unsubscribe_url: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_until_it_expires_or_is_used() {
        let now = Utc::now();
        let expires = now + TOKEN_LIFETIME;
        assert_eq!(check_link(expires, None, now), None);
        assert_eq!(check_link(expires, None, now + Duration::minutes(59)), None);
        assert_eq!(check_link(expires, None, now + Duration::hours(1)), Some(LinkProblem::Expired));
        assert_eq!(check_link(expires, Some(now), now), Some(LinkProblem::Used));
    }

    #[test]
    fn the_request_language_follows_accept_language() {
        assert_eq!(lang_from_accept_language("fr-CA,fr;q=0.9,en;q=0.8"), Some("fr"));
        assert_eq!(lang_from_accept_language("de, en;q=0.5, fr;q=0.7"), Some("fr"));
        assert_eq!(lang_from_accept_language("de, fr;q=0"), None);
        assert_eq!(lang_from_accept_language(""), None);
    }

    #[test]
    fn the_message_is_in_the_members_language_and_escaped() {
        let m = message("fr", "a@b.example", "ana", "here.example", "https://here.example/x?token=<t>");
        assert!(m.subject.starts_with("Réinitialiser"));
        assert!(m.text.contains("https://here.example/x?token=<t>"));
        assert!(m.html.contains("lang=\"fr\"") && m.html.contains("token=&lt;t&gt;"));
        let m = message("en", "a@b.example", "ana", "here.example", "https://here.example/x");
        assert!(m.subject.starts_with("Reset") && m.html.contains("lang=\"en\""));
    }
}
