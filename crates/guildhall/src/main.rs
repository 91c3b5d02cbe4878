//! `guildhall`: the server binary and its command line.

mod map_cmd;
mod search_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guildhall::{Config, server};
use guildhall_app::{AppContext, auth};

/// Guildhall: a federated ActivityPub community server.
#[derive(Parser)]
#[command(name = "guildhall", version, about)]
struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, global = true, env = "GUILDHALL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve HTTP until SIGTERM or Ctrl-C.
    Serve,
    /// Run pending database migrations and exit.
    Migrate,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The network map of communities of practice.
    #[command(subcommand)]
    Map(map_cmd::MapCommand),
    /// The full-text search index.
    #[command(subcommand)]
    Search(search_cmd::SearchCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an active account (bypasses the registration policy).
    CreateUser {
        /// Username (3–30 of a-z, 0-9, _ and -).
        username: String,
        /// Email address.
        #[arg(long)]
        email: Option<String>,
        /// Make the account an instance administrator.
        #[arg(long)]
        admin: bool,
        /// Password; a random one is generated and printed if omitted.
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a new password for an account and end its sessions.
    ResetPassword {
        /// Username.
        username: String,
        /// New password; a random one is generated and printed if omitted.
        #[arg(long)]
        password: Option<String>,
    },
}

fn main() -> ExitCode {
    // One TLS stack (rustls on ring) for outgoing requests; reqwest panics without it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("guildhall: {e}");
            return ExitCode::from(2);
        }
    };
    server::init_tracing(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("guildhall: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("guildhall: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), String> {
    match command {
        Command::Serve => server::serve(config).await.map_err(|e| e.to_string()),
        Command::Map(command) => map_cmd::run(command, config).await,
        Command::Search(command) => search_cmd::run(command, config).await,
        Command::Migrate => {
            let (_, ran) = open(&config).await?;
            println!("migrations applied: {ran}");
            Ok(())
        }
        Command::Admin(AdminCommand::CreateUser { username, email, admin, password }) => {
            let (ctx, _) = open(&config).await?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (auth::random_password(), true),
            };
            let account = auth::create_account(&ctx, &username, email.as_deref(), &password, admin)
                .await
                .map_err(|e| format!("cannot create {username}: {e}"))?;
            println!("created {}account {}", if admin { "admin " } else { "" }, account.username);
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        Command::Admin(AdminCommand::ResetPassword { username, password }) => {
            let (ctx, _) = open(&config).await?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (auth::random_password(), true),
            };
            auth::reset_password(&ctx, &username, &password)
                .await
                .map_err(|e| format!("cannot reset the password of {username}: {e}"))?;
            println!("password reset for {username}; their sessions have ended");
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
    }
}

/// Opens (creating if needed) and migrates the database; returns the context and how many
/// migrations ran.
pub(crate) async fn open(config: &Config) -> Result<(AppContext, usize), String> {
    guildhall::open(config).await.map_err(|e| e.to_string())
}
