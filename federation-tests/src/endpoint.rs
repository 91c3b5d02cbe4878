//! How a test reaches one instance, whether it runs as a process or inside the test process:
//! its name, loopback port and administrator account.

use crate::client::Client;

/// Username, email and password of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Username (`admin` for the instance administrator).
    pub username: String,
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// The client-facing side of an instance. Both [`crate::Instance`] and
/// [`crate::InProcessInstance`] dereference to it, so helpers that take `&Endpoint` accept
/// either.
#[derive(Debug, Clone)]
pub struct Endpoint {
    name: String,
    port: u16,
    admin: Credentials,
}

impl Endpoint {
    /// Instance `name` on loopback port `port`, administered by `admin`.
    pub(crate) fn new(name: &str, port: u16, admin: Credentials) -> Endpoint {
        Endpoint { name: name.to_owned(), port, admin }
    }

    /// The administrator credentials a new instance `name` gets.
    pub(crate) fn new_admin(name: &str) -> Credentials {
        Credentials {
            username: "admin".to_owned(),
            email: format!("admin@{name}.test"),
            password: crate::random_alphanumeric(20),
        }
    }

    /// The name given when the instance was started.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The loopback port the server listens on (the same across restarts).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The instance's domain, `localhost:PORT` (its `GUILDHALL_DOMAIN`).
    pub fn domain(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// `base_url()` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The administrator account created at start.
    pub fn admin(&self) -> &Credentials {
        &self.admin
    }

    /// An anonymous [`Client`] for this instance.
    pub fn client(&self) -> Client {
        Client::new(self.base_url())
    }

    /// A [`Client`] signed in as the administrator.
    pub async fn admin_client(&self) -> Client {
        let mut client = self.client();
        client.login(&self.admin.username, &self.admin.password).await;
        client
    }
}
