//! Guildhall as a library: the configuration and the server builder that `guildhall serve`
//! runs. Tests start instances in their own process with it ([`Server::start`] on a listener
//! bound to port 0); the command line (`src/main.rs`) is a thin layer over it.
//!
//! Process-wide set-up stays with the caller: the program's `main` installs the rustls crypto
//! provider and calls [`server::init_tracing`] once.

pub mod config;
pub mod limits;
pub mod server;
pub mod smtp;

pub use config::{Config, ConfigError};
pub use server::{Error, FirstAdmin, Server, open};
