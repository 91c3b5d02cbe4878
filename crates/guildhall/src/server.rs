//! The server builder: opens the database, starts the delivery worker and serves routes and
//! middleware on a listener until asked to stop. `guildhall serve` and the in-process test
//! harness (`federation-tests`) both start an instance through [`Server::start`].

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use activitypub_federation::config::FederationConfig;
use axum::Router;
use axum::http::header;
use guildhall_app::{AppContext, InstanceInfo, auth};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::limits::{Limiter, RateLimits};

/// Why an instance could not start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SQLite data directory could not be created.
    #[error("cannot create data directory {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The database could not be opened.
    #[error("cannot open the database: {0}")]
    Connect(#[source] guildhall_store::Error),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[source] guildhall_store::Error),
    /// The instance settings row could not be read or created.
    #[error("cannot read instance settings: {0}")]
    Settings(#[source] guildhall_store::Error),
    /// The first administrator could not be created.
    #[error("{0}")]
    FirstAdmin(#[source] guildhall_app::Error),
    /// The federation configuration (instance actor, HTTP client) could not be built.
    #[error("cannot set up federation: {0}")]
    Federation(#[source] guildhall_federation::Error),
    /// The network port could not be wired into the context.
    #[error("cannot set up federation: {0}")]
    Network(#[source] guildhall_app::Error),
    /// The SMTP settings could not be turned into a transport.
    #[error("cannot set up email: {0}")]
    Email(String),
    /// The listening address could not be bound or read.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address asked for.
        address: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// Serving stopped with an error.
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
    /// The serving task panicked or was cancelled.
    #[error("the server task failed: {0}")]
    Task(#[source] tokio::task::JoinError),
}

/// Sets up logging (text or JSON) with the configured filter. The subscriber is process-wide:
/// the first call sets it, later ones (another instance in the same process) change nothing.
pub fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log_json { builder.json().try_init() } else { builder.try_init() };
}

/// The whole application: API, web pages and federation endpoints, with the security
/// headers on every response and the rate limits of `limits`.
pub fn app(ctx: AppContext, federation: FederationConfig<AppContext>, limits: RateLimits) -> Router {
    let headers = guildhall_web::security::SecurityHeaders { https: ctx.instance().https };
    let limiter = Limiter::new(limits).trusting(ctx.trusted_proxies());
    Router::new()
        .merge(guildhall_api::router())
        .merge(guildhall_mastodon::router())
        .merge(guildhall_web::router())
        .merge(guildhall_federation::router())
        .with_state(ctx)
        .layer(guildhall_federation::middleware(federation))
        .layer(axum::middleware::from_fn_with_state(limiter, crate::limits::limit))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        // Around the limits and the timeout, so that 429s and 408s carry the headers too.
        .layer(axum::middleware::map_response_with_state(headers, guildhall_web::security::apply))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
        .layer(CatchPanicLayer::new())
}

/// Opens (creating if needed) and migrates the database; returns the context and how many
/// migrations ran.
pub async fn open(config: &Config) -> Result<(AppContext, usize), Error> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| Error::DataDir { path: config.data_dir.clone(), source })?;
    }
    let db = guildhall_store::connect(&config.database_url).await.map_err(Error::Connect)?;
    let ran = guildhall_store::migrate(&db).await.map_err(Error::Migrate)?;
    // Creates the settings row with its defaults, so later reads never race to insert it.
    guildhall_store::settings::get(&db).await.map_err(Error::Settings)?;
    let ctx = AppContext::new(db, InstanceInfo { domain: config.domain.clone(), https: config.https });
    // A fresh context: nothing has set them yet, so this cannot be refused.
    let _ = ctx.set_trusted_proxies(config.trusted_proxies.clone());
    Ok((ctx, ran))
}

/// The administrator account created on the first start, to be shown once to the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstAdmin {
    /// Its username.
    pub username: String,
    /// Its generated password.
    pub password: String,
}

/// A running instance: the router served on a listener, and the delivery worker.
///
/// [`Server::shutdown`] stops it gracefully. Dropping the handle also asks for a graceful
/// shutdown, but does not wait for it.
#[derive(Debug)]
pub struct Server {
    local_addr: SocketAddr,
    base_url: String,
    first_admin: Option<FirstAdmin>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), Error>>,
}

impl Server {
    /// Opens and migrates the database, creates the first administrator if there is none,
    /// starts the delivery worker and serves on `listener` (`config.bind` is not used).
    pub async fn start(config: Config, listener: TcpListener) -> Result<Server, Error> {
        let started = Instant::now();
        let local_addr =
            listener.local_addr().map_err(|source| Error::Listen { address: config.bind.to_string(), source })?;
        let (ctx, ran) = open(&config).await?;
        let first_admin = auth::ensure_first_admin(&ctx)
            .await
            .map_err(Error::FirstAdmin)?
            .map(|(username, password)| FirstAdmin { username, password });
        let federation =
            guildhall_federation::config(ctx.clone(), config.federation_settings()).await.map_err(Error::Federation)?;
        // The port through which app use cases reach other servers.
        guildhall_federation::network::FederationNetwork::install(&ctx, config.federation_settings())
            .map_err(Error::Network)?;
        let worker = guildhall_federation::delivery::spawn(federation.clone());
        // Email is on only with an SMTP server configured; its queue worker runs only then.
        let email_worker = match &config.smtp {
            Some(smtp) => {
                crate::smtp::SmtpMailer::install(&ctx, smtp).map_err(Error::Email)?;
                Some(tokio::spawn(guildhall_app::email::run_worker(ctx.clone())))
            }
            None => None,
        };
        // Reminders, digests and clean-up: due with the clock, recorded in the database.
        let scheduler = tokio::spawn(guildhall_app::schedule::run(ctx.clone()));
        // The search index follows the queue its triggers fill.
        let indexer = tokio::spawn(guildhall_app::search_index::run(ctx.clone()));
        tracing::info!(
            bind = %local_addr,
            domain = %config.domain,
            migrations = ran,
            startup_ms = started.elapsed().as_millis() as u64,
            "guildhall listening"
        );
        let base_url = ctx.instance().base_url();
        let db = ctx.db().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app(ctx, federation, config.rate_limits);
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                // A dropped handle (the sender gone) stops the server too.
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                    tracing::info!("shutdown requested: finishing in-flight requests");
                })
                .await;
            // Deliveries in flight are leased in the database; whatever was not acknowledged
            // is retried after the restart.
            worker.abort();
            let _ = worker.await;
            scheduler.abort();
            let _ = scheduler.await;
            indexer.abort();
            let _ = indexer.await;
            // Messages being sent are leased in the database: one cut mid-send is retried
            // once the lease runs out; nothing else is sent twice.
            if let Some(w) = email_worker {
                w.abort();
                let _ = w.await;
            }
            db.close().await.ok();
            tracing::info!("guildhall stopped");
            served.map_err(Error::Serve)
        });
        Ok(Server { local_addr, base_url, first_admin, stop: Some(stop), task })
    }

    /// The address the server listens on (with the actual port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The instance's public base URL, such as `https://dept.example`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The administrator created by this start, if the database had none.
    pub fn first_admin(&self) -> Option<&FirstAdmin> {
        self.first_admin.as_ref()
    }

    /// Stops gracefully: no new connections, in-flight requests finish, the delivery worker
    /// stops and the database closes. Returns once all of that is done.
    pub async fn shutdown(mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.map_err(Error::Task)?
    }

    /// Serves until `signal` completes, then shuts down gracefully; returns early with the
    /// error if serving stops on its own.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> Result<(), Error> {
        tokio::select! {
            () = signal => self.shutdown().await,
            ended = &mut self.task => ended.map_err(Error::Task)?,
        }
    }
}

/// `guildhall serve`: binds `config.bind`, starts the instance, prints where it runs (and
/// the first administrator's password, once) and serves until SIGTERM or Ctrl-C.
pub async fn serve(config: Config) -> Result<(), Error> {
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| Error::Listen { address: config.bind.to_string(), source })?;
    let bind = config.bind;
    let server = Server::start(config, listener).await?;
    if let Some(FirstAdmin { username, password }) = server.first_admin() {
        // Printed once to the console, never to the log.
        println!("==============================================================");
        println!(" First start: an administrator account was created.");
        println!("   username: {username}");
        println!("   password: {password}");
        println!(" Sign in at {}/login and keep this password safe;", server.base_url());
        println!(" it is not shown again (reset it with `guildhall admin reset-password {username}`).");
        println!("==============================================================");
    }
    println!("Guildhall is running at http://{bind} (public address {})", server.base_url());
    server.run_until(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
