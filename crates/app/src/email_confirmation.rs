//! Confirming email addresses: a link at sign-up (required before the first sign-in when
//! the admin says so), and a change of address that takes effect only once the new address
//! confirms, while the old address is told and can call it off. Links are single-use,
//! expire after a day, and at most a few go to one address per hour.

use chrono::{Duration, Utc};
use guildhall_domain::validate;
use guildhall_store::email_confirmations::{self as store, NewConfirmation};
use guildhall_store::entities::account;

use crate::auth::{random_token, token_hash};
use crate::email::{self, OutgoingEmail};
use crate::mail::{self, escape};
use crate::password_reset::{LinkProblem, check_link};
use crate::{AppContext, Error, Result, Viewer};

/// How long a confirmation link works.
pub const LINK_LIFETIME: Duration = Duration::hours(24);
/// Confirmation links sent to one address per hour; more requests are answered the same
/// but send nothing.
pub const MAX_PER_HOUR: u64 = 3;
/// The page a confirmation link opens (`?token=` follows).
pub const CONFIRM_PATH: &str = "/email/confirm";
/// The page the old address's link opens to call a change off (`?token=` follows).
pub const CANCEL_PATH: &str = "/email/cancel";

const SIGNUP: &str = "signup";
const CHANGE: &str = "change";

fn email_off() -> Error {
    Error::Conflict("email is off on this instance, so addresses cannot be confirmed".into())
}

fn bad_link(why: &str) -> Error {
    Error::Invalid(validate::Invalid::new("token", why))
}

fn link_error(p: LinkProblem) -> Error {
    match p {
        LinkProblem::Used => bad_link("was used already"),
        LinkProblem::Expired => bad_link("has expired; ask for a new one"),
        LinkProblem::Unknown => bad_link("is not a valid confirmation link"),
    }
}

/// Whether `a` may not sign in yet because its address awaits confirmation.
pub(crate) async fn blocks_sign_in(ctx: &AppContext, a: &account::Model) -> Result<bool> {
    let must = |required| {
        guildhall_domain::registration::must_confirm_email(
            required,
            ctx.email_enabled(),
            a.email.is_some(),
            a.email_confirmed_at.is_some(),
        )
    };
    // The setting is read only when it could matter: every sign-in passes here.
    if !must(true) {
        return Ok(false);
    }
    Ok(must(crate::admin::settings(ctx).await?.require_email_confirmation))
}

/// Queues the sign-up confirmation link for a new account, in the registration's
/// transaction; nothing when email is off.
pub(crate) async fn send_at_signup<C: guildhall_store::ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    a: &account::Model,
    lang: &str,
) -> Result<bool> {
    let Some(address) = a.email.as_deref().filter(|_| ctx.email_enabled()) else { return Ok(false) };
    queue_link(txn, ctx, a, address, lang).await
}

/// Stores a sign-up link for `address` and queues its message, unless the hourly allowance
/// is spent; returns whether one was queued.
async fn queue_link<C: guildhall_store::ConnectionTrait>(
    txn: &C,
    ctx: &AppContext,
    a: &account::Model,
    address: &str,
    lang: &str,
) -> Result<bool> {
    let now = Utc::now();
    if store::sent_since(txn, address, now - Duration::hours(1)).await? >= MAX_PER_HOUR {
        tracing::info!(account = %a.username, "confirmation link not sent: hourly allowance spent");
        return Ok(false);
    }
    let token = random_token();
    let new = NewConfirmation {
        account_id: a.id,
        email: address.to_owned(),
        purpose: SIGNUP,
        token_hash: token_hash(&token),
        cancel_token_hash: None,
        expires_at: now + LINK_LIFETIME,
    };
    store::insert(txn, new, now).await?;
    let link = format!("{}{CONFIRM_PATH}?token={token}", ctx.instance().base_url());
    let lang = a.language.as_deref().unwrap_or(lang);
    email::enqueue(txn, Messages::new(lang, &ctx.instance().domain, &a.username).signup(address, &link)).await?;
    Ok(true)
}

/// Sends a new sign-up link to `address` if an account uses it unconfirmed. Answers `Ok`
/// whether or not one does (the form must not reveal who has an account); refuses only a
/// malformed address, and everything when email is off.
pub async fn resend(ctx: &AppContext, address: &str, request_lang: Option<&str>) -> Result<()> {
    if !ctx.email_enabled() {
        return Err(email_off());
    }
    let address = validate::email("email", address)?;
    let Some(a) = store::unconfirmed_by_email(ctx.db(), &address).await? else {
        tracing::info!("confirmation asked again for an address with nothing to confirm");
        return Ok(());
    };
    let txn = crate::receipt::begin_write(ctx).await?;
    let queued = queue_link(&txn, ctx, &a, &address, request_lang.unwrap_or("en")).await?;
    txn.commit().await?;
    if queued {
        email::wake(ctx);
    }
    Ok(())
}

/// What a confirmation link did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    /// The account.
    pub username: String,
    /// The address now confirmed (for a change: the account's new address).
    pub email: String,
    /// `signup` or `change`.
    pub purpose: String,
}

/// Confirms an address with a link's token: at sign-up the account's address counts as
/// confirmed; for a change, the new address replaces the old. The link is then used up.
pub async fn confirm(ctx: &AppContext, token: &str) -> Result<Confirmed> {
    if !ctx.email_enabled() {
        return Err(email_off());
    }
    let Some(link) = store::find(ctx.db(), &token_hash(token.trim())).await? else {
        return Err(link_error(LinkProblem::Unknown));
    };
    if link.cancelled_at.is_some() {
        return Err(bad_link("was called off from the old address"));
    }
    if let Some(p) = check_link(link.expires_at, link.used_at, Utc::now()) {
        return Err(link_error(p));
    }
    let a = guildhall_store::accounts::find_by_id(ctx.db(), link.account_id)
        .await?
        .ok_or_else(|| link_error(LinkProblem::Unknown))?;
    // A sign-up link confirms the address it was sent to, not one the account moved to since.
    if link.purpose == SIGNUP && a.email.as_deref() != Some(link.email.as_str()) {
        return Err(bad_link("is for an address this account no longer uses"));
    }
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    if !store::consume(&txn, link.id, now).await? {
        return Err(link_error(LinkProblem::Used));
    }
    store::set_confirmed(&txn, a.id, &link.email, now).await?;
    txn.commit().await?;
    tracing::info!(account = %a.username, purpose = %link.purpose, "email address confirmed");
    Ok(Confirmed { username: a.username, email: link.email, purpose: link.purpose })
}

/// Asks to move the viewer's address to `new_address` (the current password proves it is
/// them): the new address gets a link that makes the change, the old one a notice with a
/// link to call it off. With email off the address changes at once, as before email existed.
pub async fn request_change(
    ctx: &AppContext,
    viewer: &Viewer,
    new_address: &str,
    current_password: &str,
    request_lang: Option<&str>,
) -> Result<ChangeRequested> {
    let address = validate::email("email", new_address)?;
    let a = guildhall_store::accounts::find_by_id(ctx.db(), viewer.account_id)
        .await?
        .ok_or(Error::Unauthenticated("no such account"))?;
    if !crate::auth::verify_password(current_password, &a.password_hash).await {
        return Err(Error::Invalid(validate::Invalid::new("current_password", "is not your current password")));
    }
    if a.email.as_deref() == Some(address.as_str()) {
        return Err(Error::Invalid(validate::Invalid::new("email", "is already your address")));
    }
    let settings = crate::admin::settings(ctx).await?;
    let policy = guildhall_domain::registration::RegistrationPolicy {
        mode: settings.registration_mode,
        email_domains: settings.email_domains,
    };
    if !policy.email_allowed(&address) {
        return Err(guildhall_domain::registration::RegistrationRefused::EmailDomainNotAllowed(
            policy.email_domains.join(", "),
        )
        .into());
    }
    if guildhall_store::accounts::email_taken(ctx.db(), &address).await? {
        return Err(Error::Taken("an account with this email address already exists".into()));
    }
    let now = Utc::now();
    let txn = crate::receipt::begin_write(ctx).await?;
    if !ctx.email_enabled() {
        store::set_confirmed(&txn, a.id, &address, now).await?;
        txn.commit().await?;
        tracing::info!(account = %a.username, "email address changed (email off: no confirmation)");
        return Ok(ChangeRequested { pending: false });
    }
    if store::sent_since(&txn, &address, now - Duration::hours(1)).await? >= MAX_PER_HOUR {
        return Err(Error::Conflict(format!(
            "{MAX_PER_HOUR} links went to this address in the last hour; try again later"
        )));
    }
    // A newer request replaces any still open.
    store::cancel_open_changes(&txn, a.id, now).await?;
    let (token, cancel) = (random_token(), random_token());
    let new = NewConfirmation {
        account_id: a.id,
        email: address.clone(),
        purpose: CHANGE,
        token_hash: token_hash(&token),
        cancel_token_hash: Some(token_hash(&cancel)),
        expires_at: now + LINK_LIFETIME,
    };
    store::insert(&txn, new, now).await?;
    let base = ctx.instance().base_url();
    let lang = a.language.as_deref().or(request_lang).unwrap_or("en");
    let say = Messages::new(lang, &ctx.instance().domain, &a.username);
    email::enqueue(&txn, say.change_to_new(&address, &format!("{base}{CONFIRM_PATH}?token={token}"))).await?;
    if let Some(old) = a.email.as_deref() {
        email::enqueue(&txn, say.change_to_old(old, &address, &format!("{base}{CANCEL_PATH}?token={cancel}"))).await?;
    }
    txn.commit().await?;
    email::wake(ctx);
    tracing::info!(account = %a.username, "change of email address asked; links queued");
    Ok(ChangeRequested { pending: true })
}

/// The answer to a change of address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ChangeRequested {
    /// True: waiting for the new address to confirm; false: changed at once (email off).
    pub pending: bool,
}

/// The address a change waits to move to, if one is open.
pub async fn pending_change(ctx: &AppContext, viewer: &Viewer) -> Result<Option<String>> {
    Ok(store::open_change(ctx.db(), viewer.account_id, Utc::now()).await?.map(|c| c.email))
}

/// Calls off a change of address with the token the old address received.
pub async fn cancel(ctx: &AppContext, token: &str) -> Result<()> {
    let Some(link) = store::find_by_cancel(ctx.db(), &token_hash(token.trim())).await? else {
        return Err(link_error(LinkProblem::Unknown));
    };
    if link.used_at.is_some() {
        return Err(bad_link("came too late: the new address confirmed the change already"));
    }
    store::cancel_open_changes(ctx.db(), link.account_id, Utc::now()).await?;
    tracing::info!(account = link.account_id, "change of email address called off from the old address");
    Ok(())
}

/// Deletes links that expired more than [`crate::email::KEEP_SENT`] ago (a scheduled job).
pub async fn purge(ctx: &AppContext, now: chrono::DateTime<Utc>) -> Result<usize> {
    Ok(store::purge_before(ctx.db(), now - email::KEEP_SENT).await? as usize)
}

/// The messages of this module, in one reader's language.
struct Messages<'a> {
    fr: bool,
    lang: &'a str,
    instance: &'a str,
    username: &'a str,
}

impl<'a> Messages<'a> {
    fn new(lang: &'a str, instance: &'a str, username: &'a str) -> Self {
        Messages { fr: lang.starts_with("fr"), lang, instance, username }
    }

    fn hello(&self) -> String {
        if self.fr { format!("Bonjour {},", self.username) } else { format!("Hello {},", self.username) }
    }

    /// A message of paragraphs with one link and its button text.
    fn build(
        &self,
        to: &str,
        subject: String,
        before: &[String],
        link: &str,
        action: &str,
        after: &[String],
    ) -> OutgoingEmail {
        let mut text = format!("{}\n\n", self.hello());
        let mut html = format!("<p>{}</p>\n", escape(&self.hello()));
        for p in before {
            text.push_str(&format!("{p}\n\n"));
            html.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        text.push_str(&format!("{link}\n\n"));
        html.push_str(&format!("<p><a href=\"{k}\">{a}</a></p>\n<p>{k}</p>\n", k = escape(link), a = escape(action)));
        for p in after {
            text.push_str(&format!("{p}\n\n"));
            html.push_str(&format!("<p>{}</p>\n", escape(p)));
        }
        let html = mail::html_document(self.lang, &subject, &html);
        OutgoingEmail { to: to.to_owned(), subject, text, html, unsubscribe_url: None }
    }

    fn signup(&self, to: &str, link: &str) -> OutgoingEmail {
        let i = self.instance;
        if self.fr {
            self.build(
                to,
                format!("Confirmez votre adresse sur {i}"),
                &[format!(
                    "Pour confirmer que cette adresse est bien la vôtre sur {i}, ouvrez ce lien (valable 24 heures) :"
                )],
                link,
                "Confirmer mon adresse",
                &["Si vous n'avez pas créé de compte, ignorez ce message.".into()],
            )
        } else {
            self.build(
                to,
                format!("Confirm your address on {i}"),
                &[format!("To confirm this is your address on {i}, open this link (it works for 24 hours):")],
                link,
                "Confirm my address",
                &["If you did not create an account, ignore this message.".into()],
            )
        }
    }

    fn change_to_new(&self, to: &str, link: &str) -> OutgoingEmail {
        let i = self.instance;
        if self.fr {
            self.build(
                to,
                format!("Confirmez votre nouvelle adresse sur {i}"),
                &[format!("Vous avez demandé à utiliser cette adresse pour votre compte sur {i}. Le changement se fait quand vous ouvrez ce lien (valable 24 heures) :")],
                link,
                "Confirmer la nouvelle adresse",
                &["Si vous n'avez rien demandé, ignorez ce message : rien ne change.".into()],
            )
        } else {
            self.build(
                to,
                format!("Confirm your new address on {i}"),
                &[format!("You asked to use this address for your account on {i}. The change happens when you open this link (it works for 24 hours):")],
                link,
                "Confirm the new address",
                &["If you did not ask, ignore this message: nothing changes.".into()],
            )
        }
    }

    fn change_to_old(&self, to: &str, new_address: &str, cancel_link: &str) -> OutgoingEmail {
        let i = self.instance;
        if self.fr {
            self.build(
                to,
                format!("Changement d'adresse demandé sur {i}"),
                &[format!("Quelqu'un (vous, sans doute) a demandé à remplacer cette adresse par {new_address} pour votre compte sur {i}. Le changement se fera quand la nouvelle adresse sera confirmée."),
                  "Si ce n'est pas vous, annulez-le avec ce lien, puis changez votre mot de passe :".into()],
                cancel_link,
                "Annuler le changement",
                &[],
            )
        } else {
            self.build(
                to,
                format!("Change of address asked on {i}"),
                &[format!("Someone (probably you) asked to replace this address with {new_address} for your account on {i}. The change happens once the new address is confirmed."),
                  "If it was not you, call it off with this link, then change your password:".into()],
                cancel_link,
                "Call the change off",
                &[],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_in_the_readers_language_and_carry_their_link() {
        let m = Messages::new("fr", "here.example", "ana")
            .signup("a@b.example", "https://here.example/email/confirm?token=<t>");
        assert!(m.subject.starts_with("Confirmez") && m.html.contains("lang=\"fr\""));
        assert!(m.text.contains("token=<t>") && m.html.contains("token=&lt;t&gt;"));
        let m =
            Messages::new("en", "here.example", "ana").change_to_old("old@b.example", "new@b.example", "https://x/c");
        assert_eq!(m.to, "old@b.example");
        assert!(m.text.contains("new@b.example") && m.text.contains("https://x/c") && m.subject.starts_with("Change"));
    }
}
