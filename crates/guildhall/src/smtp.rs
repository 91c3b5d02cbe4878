//! The email port over SMTP, with `lettre` (rustls, no OpenSSL): it only sends what the app
//! queued; what to send, to whom and when to retry is decided in `guildhall_app::email`.

use std::sync::Arc;
use std::time::Duration;

use guildhall_app::email::{Mailer, OutgoingEmail};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpConfig, SmtpSecurity};

/// How long one SMTP exchange may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends through one configured SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// Builds the transport (no connection is made until the first message).
    pub fn new(config: &SmtpConfig) -> Result<Self, String> {
        let builder = match config.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host),
            // Checked at start-up: only in dev mode or to this machine.
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)),
        }
        .map_err(|e| format!("SMTP server {}: {e}", config.host))?;
        let mut builder = builder.port(config.port).timeout(Some(SMTP_TIMEOUT));
        if let Some((user, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from = config.from.parse::<Mailbox>().map_err(|e| format!("email_from {:?}: {e}", config.from))?;
        Ok(SmtpMailer { transport: builder.build(), from })
    }

    /// Installs the port in `ctx`: from now on email is on.
    pub fn install(ctx: &guildhall_app::AppContext, config: &SmtpConfig) -> Result<(), String> {
        let mailer = SmtpMailer::new(config)?;
        ctx.set_mailer(Arc::new(mailer)).map_err(|e| e.to_string())
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, m: &OutgoingEmail) -> Result<(), String> {
        let to = m.to.parse::<Mailbox>().map_err(|e| format!("recipient {:?}: {e}", m.to))?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(&m.subject);
        if let Some(url) = &m.unsubscribe_url {
            // RFC 2369 and RFC 8058: mail clients offer "unsubscribe" and POST to the URL.
            builder =
                builder
                    .header(ListHeader::<UNSUBSCRIBE>(format!("<{url}>")))
                    .header(ListHeader::<UNSUBSCRIBE_POST>("List-Unsubscribe=One-Click".into()));
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(m.text.clone(), m.html.clone()))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

const UNSUBSCRIBE: u8 = 0;
const UNSUBSCRIBE_POST: u8 = 1;

/// `List-Unsubscribe` (`N` = 0) and `List-Unsubscribe-Post` (`N` = 1), which lettre does not name.
#[derive(Debug, Clone)]
struct ListHeader<const N: u8>(String);

impl<const N: u8> Header for ListHeader<N> {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str(if N == UNSUBSCRIBE { "List-Unsubscribe" } else { "List-Unsubscribe-Post" })
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListHeader(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}
