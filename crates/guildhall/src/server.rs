//! Wiring for `guildhall serve`: routes, middleware, graceful shutdown.

use std::time::{Duration, Instant};

use activitypub_federation::config::FederationConfig;
use axum::Router;
use axum::http::header;
use guildhall_app::{AppContext, auth};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;

/// Sets up logging (text or JSON) with the configured filter.
pub fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_json { builder.json().init() } else { builder.init() }
}

/// The whole application: API, web pages and federation endpoints.
pub fn app(ctx: AppContext, federation: FederationConfig<AppContext>) -> Router {
    Router::new()
        .merge(guildhall_api::router())
        .merge(guildhall_web::router())
        .merge(guildhall_federation::router())
        .with_state(ctx)
        .layer(guildhall_federation::middleware(federation))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new([header::AUTHORIZATION, header::COOKIE]))
        .layer(CatchPanicLayer::new())
}

/// Opens the database, runs migrations, creates the first admin if needed and serves.
pub async fn serve(config: Config) -> Result<(), String> {
    let started = Instant::now();
    let (ctx, ran) = crate::open(&config).await?;
    if let Some((username, password)) = auth::ensure_first_admin(&ctx).await.map_err(|e| e.to_string())? {
        // Printed once to the console, never to the log.
        println!("==============================================================");
        println!(" First start: an administrator account was created.");
        println!("   username: {username}");
        println!("   password: {password}");
        println!(" Sign in at {}/login and keep this password safe;", ctx.instance().base_url());
        println!(" it is not shown again (reset it with `guildhall admin reset-password {username}`).");
        println!("==============================================================");
    }
    let federation =
        guildhall_federation::config(ctx.clone(), guildhall_federation::Settings { debug: config.dev_mode })
            .await
            .map_err(|e| format!("cannot set up federation: {e}"))?;
    guildhall_federation::network::FederationNetwork::install(
        &ctx,
        guildhall_federation::Settings { debug: config.dev_mode },
    )
    .map_err(|e| format!("cannot set up federation: {e}"))?;
    let worker = guildhall_federation::delivery::spawn(federation.clone());
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    tracing::info!(
        bind = %config.bind,
        domain = %config.domain,
        migrations = ran,
        startup_ms = started.elapsed().as_millis() as u64,
        "guildhall listening"
    );
    println!("Guildhall is running at http://{} (public address {})", config.bind, ctx.instance().base_url());
    let db = ctx.db().clone();
    axum::serve(listener, app(ctx, federation).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))?;
    // Deliveries in flight are leased in the database; whatever was not acknowledged is
    // retried after the restart.
    worker.abort();
    db.close().await.ok();
    tracing::info!("guildhall stopped");
    Ok(())
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
    tracing::info!("shutdown requested: finishing in-flight requests");
}
