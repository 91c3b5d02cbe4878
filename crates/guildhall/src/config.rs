//! Configuration: an optional TOML file, then `GUILDHALL_*` environment variables. Every
//! value is checked at start-up; an error names the key and what is expected.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use guildhall_domain::client_address::TrustedProxies;

use crate::limits::RateLimits;

/// The checked configuration of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Public host[:port] of the instance.
    pub domain: String,
    /// Whether public URLs use https.
    pub https: bool,
    /// Directory for the embedded database and other files.
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`).
    pub database_url: String,
    /// tracing filter, e.g. `info` or `guildhall=debug,info`.
    pub log: String,
    /// `text` or `json` logs.
    pub log_json: bool,
    /// Test/development mode: federate with http:// peers and explicit ports.
    pub dev_mode: bool,
    /// Rate limits on unauthenticated endpoints that cost work.
    pub rate_limits: RateLimits,
    /// Reverse proxies believed about clients' addresses, besides one on this machine.
    pub trusted_proxies: TrustedProxies,
    /// Seconds one outgoing federation request (a delivery, a fetch) may take.
    pub federation_timeout_seconds: u32,
    /// The SMTP server email leaves through; `None`: email is off.
    pub smtp: Option<SmtpConfig>,
    /// How long a network search waits for other instances, in milliseconds.
    pub network_search_budget_ms: u32,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required), usually port 587.
    StartTls,
    /// TLS from the first byte ("implicit TLS"), usually port 465.
    Tls,
    /// No encryption: only with `dev_mode` or a loopback host.
    None,
}

/// The checked SMTP settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name or address of the SMTP server.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// How the connection is secured.
    pub security: SmtpSecurity,
    /// User name and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The From address of every message.
    pub from: String,
}

/// The SMTP port unless configured (submission with STARTTLS).
pub const DEFAULT_SMTP_PORT: u16 = 587;

/// Outgoing federation requests give up after this many seconds unless configured.
pub const DEFAULT_FEDERATION_TIMEOUT_SECONDS: u32 = 10;
/// How long a network search waits for other instances unless configured.
pub const DEFAULT_NETWORK_SEARCH_BUDGET_MS: u32 = 3000;

/// A configuration value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid configuration: {key}: {message}")]
pub struct ConfigError {
    /// Where the value came from: the env var or `key (in FILE)`.
    pub key: String,
    /// What is expected.
    pub message: String,
}

/// The TOML file's shape; unknown keys are refused.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    domain: Option<String>,
    https: Option<bool>,
    data_dir: Option<String>,
    database_url: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    dev_mode: Option<bool>,
    rate_limit_signup_per_hour: Option<u32>,
    rate_limit_search_per_minute: Option<u32>,
    rate_limit_webfinger_per_minute: Option<u32>,
    rate_limit_resolve_per_minute: Option<u32>,
    rate_limit_inbox_per_minute: Option<u32>,
    rate_limit_oauth_per_hour: Option<u32>,
    rate_limit_client_api_per_5_minutes: Option<u32>,
    rate_limit_email_requests_per_hour: Option<u32>,
    rate_limit_network_search_per_minute: Option<u32>,
    network_search_budget_ms: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    federation_timeout_seconds: Option<u32>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    email_from: Option<String>,
}

impl Config {
    /// Loads from the process environment and an optional file.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("GUILDHALL_")).collect();
        Self::from_sources(file, &env)
    }

    /// Loads from an optional file and a map of environment variables (testable).
    pub fn from_sources(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let (fc, fname) = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                    key: "config file".into(),
                    message: format!("cannot read {}: {e}", path.display()),
                })?;
                let fc: FileConfig = toml::from_str(&text).map_err(|e| ConfigError {
                    key: format!("{}", path.display()),
                    message: e.message().to_string(),
                })?;
                (fc, path.display().to_string())
            }
            None => (FileConfig::default(), String::new()),
        };
        // Each value: the env var wins over the file; the key names where it came from.
        let pick = |env_key: &str, file_key: &str, file_val: Option<String>| -> Option<(String, String)> {
            match env.get(env_key) {
                Some(v) => Some((env_key.to_string(), v.clone())),
                None => file_val.map(|v| (format!("{file_key} (in {fname})"), v)),
            }
        };
        let bind = match pick("GUILDHALL_BIND", "bind", fc.bind) {
            Some((key, v)) => v.trim().parse::<SocketAddr>().map_err(|_| ConfigError {
                key,
                message: format!("expected address:port such as 127.0.0.1:8080, got {v:?}"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
        };
        let domain = match pick("GUILDHALL_DOMAIN", "domain", fc.domain) {
            Some((key, v)) => check_domain(&v).map_err(|message| ConfigError { key, message })?,
            None => "localhost:8080".to_string(),
        };
        let https = match env.get("GUILDHALL_HTTPS") {
            Some(v) => parse_bool(v).ok_or_else(|| ConfigError {
                key: "GUILDHALL_HTTPS".into(),
                message: format!("expected true or false, got {v:?}"),
            })?,
            None => fc.https.unwrap_or(false),
        };
        let data_dir = match pick("GUILDHALL_DATA_DIR", "data_dir", fc.data_dir) {
            Some((key, v)) if v.trim().is_empty() => {
                return Err(ConfigError { key, message: "expected a directory path, got an empty value".into() });
            }
            Some((_, v)) => PathBuf::from(v),
            None => PathBuf::from("data"),
        };
        let database_url = match pick("GUILDHALL_DATABASE_URL", "database_url", fc.database_url) {
            Some((key, v)) => {
                let v = v.trim().to_string();
                if !(v.starts_with("sqlite:") || v.starts_with("postgres://") || v.starts_with("postgresql://")) {
                    return Err(ConfigError {
                        key,
                        message: format!("expected sqlite://PATH?mode=rwc or postgres://USER@HOST/DB, got {v:?}"),
                    });
                }
                v
            }
            None => format!("sqlite://{}?mode=rwc", data_dir.join("guildhall.db").display()),
        };
        let log = match pick("GUILDHALL_LOG", "log", fc.log) {
            Some((key, v)) => {
                tracing_subscriber::EnvFilter::try_new(&v).map_err(|e| ConfigError {
                    key,
                    message: format!("expected a tracing filter such as info or guildhall=debug,info: {e}"),
                })?;
                v
            }
            None => "info".into(),
        };
        let log_json = match pick("GUILDHALL_LOG_FORMAT", "log_format", fc.log_format) {
            Some((_, v)) if v == "json" => true,
            Some((_, v)) if v == "text" => false,
            Some((key, v)) => return Err(ConfigError { key, message: format!("expected text or json, got {v:?}") }),
            None => false,
        };
        let dev_mode = match env.get("GUILDHALL_DEV_MODE") {
            Some(v) => parse_bool(v).ok_or_else(|| ConfigError {
                key: "GUILDHALL_DEV_MODE".into(),
                message: format!("expected true or false, got {v:?}"),
            })?,
            None => fc.dev_mode.unwrap_or(false),
        };
        let count = |env_key: &str, file_key: &str, file_val: Option<u32>, default: u32| -> Result<u32, ConfigError> {
            match env.get(env_key) {
                Some(v) => v.trim().parse::<u32>().map_err(|_| ConfigError {
                    key: env_key.into(),
                    message: format!("expected a number of requests (0 for no limit), got {v:?}"),
                }),
                None => Ok(file_val.unwrap_or(default)),
            }
            .map_err(|mut e| {
                if !env.contains_key(env_key) {
                    e.key = format!("{file_key} (in {fname})");
                }
                e
            })
        };
        let d = RateLimits::default();
        let rate_limits = RateLimits {
            signup_per_hour: count(
                "GUILDHALL_RATE_LIMIT_SIGNUP_PER_HOUR",
                "rate_limit_signup_per_hour",
                fc.rate_limit_signup_per_hour,
                d.signup_per_hour,
            )?,
            search_per_minute: count(
                "GUILDHALL_RATE_LIMIT_SEARCH_PER_MINUTE",
                "rate_limit_search_per_minute",
                fc.rate_limit_search_per_minute,
                d.search_per_minute,
            )?,
            webfinger_per_minute: count(
                "GUILDHALL_RATE_LIMIT_WEBFINGER_PER_MINUTE",
                "rate_limit_webfinger_per_minute",
                fc.rate_limit_webfinger_per_minute,
                d.webfinger_per_minute,
            )?,
            resolve_per_minute: count(
                "GUILDHALL_RATE_LIMIT_RESOLVE_PER_MINUTE",
                "rate_limit_resolve_per_minute",
                fc.rate_limit_resolve_per_minute,
                d.resolve_per_minute,
            )?,
            inbox_per_minute: count(
                "GUILDHALL_RATE_LIMIT_INBOX_PER_MINUTE",
                "rate_limit_inbox_per_minute",
                fc.rate_limit_inbox_per_minute,
                d.inbox_per_minute,
            )?,
            oauth_per_hour: count(
                "GUILDHALL_RATE_LIMIT_OAUTH_PER_HOUR",
                "rate_limit_oauth_per_hour",
                fc.rate_limit_oauth_per_hour,
                d.oauth_per_hour,
            )?,
            client_api_per_5_minutes: count(
                "GUILDHALL_RATE_LIMIT_CLIENT_API_PER_5_MINUTES",
                "rate_limit_client_api_per_5_minutes",
                fc.rate_limit_client_api_per_5_minutes,
                d.client_api_per_5_minutes,
            )?,
            email_requests_per_hour: count(
                "GUILDHALL_RATE_LIMIT_EMAIL_REQUESTS_PER_HOUR",
                "rate_limit_email_requests_per_hour",
                fc.rate_limit_email_requests_per_hour,
                d.email_requests_per_hour,
            )?,
            network_search_per_minute: count(
                "GUILDHALL_RATE_LIMIT_NETWORK_SEARCH_PER_MINUTE",
                "rate_limit_network_search_per_minute",
                fc.rate_limit_network_search_per_minute,
                d.network_search_per_minute,
            )?,
        };
        let trusted_proxies = match env.get("GUILDHALL_TRUSTED_PROXIES") {
            Some(v) => {
                let entries: Vec<&str> = v.split(',').filter(|e| !e.trim().is_empty()).collect();
                TrustedProxies::parse(&entries)
                    .map_err(|message| ConfigError { key: "GUILDHALL_TRUSTED_PROXIES".into(), message })?
            }
            None => TrustedProxies::parse(fc.trusted_proxies.as_deref().unwrap_or_default())
                .map_err(|message| ConfigError { key: format!("trusted_proxies (in {fname})"), message })?,
        };
        let federation_timeout_seconds = match env.get("GUILDHALL_FEDERATION_TIMEOUT_SECONDS") {
            Some(v) => {
                Some(("GUILDHALL_FEDERATION_TIMEOUT_SECONDS".to_string(), v.trim().parse::<u32>().ok(), v.clone()))
            }
            None => fc
                .federation_timeout_seconds
                .map(|n| (format!("federation_timeout_seconds (in {fname})"), Some(n), n.to_string())),
        };
        let federation_timeout_seconds = match federation_timeout_seconds {
            Some((_, Some(n), _)) if (1..=300).contains(&n) => n,
            Some((key, _, v)) => {
                return Err(ConfigError {
                    key,
                    message: format!("expected a number of seconds from 1 to 300, got {v:?}"),
                });
            }
            None => DEFAULT_FEDERATION_TIMEOUT_SECONDS,
        };
        let network_search_budget_ms = match env.get("GUILDHALL_NETWORK_SEARCH_BUDGET_MS") {
            Some(v) => {
                Some(("GUILDHALL_NETWORK_SEARCH_BUDGET_MS".to_string(), v.trim().parse::<u32>().ok(), v.clone()))
            }
            None => fc
                .network_search_budget_ms
                .map(|n| (format!("network_search_budget_ms (in {fname})"), Some(n), n.to_string())),
        };
        let network_search_budget_ms = match network_search_budget_ms {
            Some((_, Some(n), _)) if (100..=30_000).contains(&n) => n,
            Some((key, _, v)) => {
                return Err(ConfigError {
                    key,
                    message: format!("expected a number of milliseconds from 100 to 30000, got {v:?}"),
                });
            }
            None => DEFAULT_NETWORK_SEARCH_BUDGET_MS,
        };
        let smtp = smtp_config(
            SmtpSources {
                host: pick("GUILDHALL_SMTP_HOST", "smtp_host", fc.smtp_host),
                port: pick("GUILDHALL_SMTP_PORT", "smtp_port", fc.smtp_port.map(|p| p.to_string())),
                security: pick("GUILDHALL_SMTP_SECURITY", "smtp_security", fc.smtp_security),
                username: pick("GUILDHALL_SMTP_USERNAME", "smtp_username", fc.smtp_username),
                password: pick("GUILDHALL_SMTP_PASSWORD", "smtp_password", fc.smtp_password),
                from: pick("GUILDHALL_EMAIL_FROM", "email_from", fc.email_from),
            },
            dev_mode,
        )?;
        Ok(Config {
            bind,
            domain,
            https,
            data_dir,
            database_url,
            log,
            log_json,
            dev_mode,
            rate_limits,
            trusted_proxies,
            federation_timeout_seconds,
            smtp,
            network_search_budget_ms,
        })
    }

    /// Whether the database is the embedded SQLite one.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }

    /// What the federation layer needs from the configuration.
    pub fn federation_settings(&self) -> guildhall_federation::Settings {
        guildhall_federation::Settings {
            debug: self.dev_mode,
            request_timeout: std::time::Duration::from_secs(u64::from(self.federation_timeout_seconds)),
        }
    }
}

/// The SMTP values as found, each with the key it came from.
struct SmtpSources {
    host: Option<(String, String)>,
    port: Option<(String, String)>,
    security: Option<(String, String)>,
    username: Option<(String, String)>,
    password: Option<(String, String)>,
    from: Option<(String, String)>,
}

/// Checks the SMTP settings: none without a host; with one, a From address is required and
/// an unencrypted connection is allowed only in dev mode or to this machine.
fn smtp_config(src: SmtpSources, dev_mode: bool) -> Result<Option<SmtpConfig>, ConfigError> {
    let err = |key: &str, message: String| ConfigError { key: key.to_owned(), message };
    let host = match src.host {
        Some((_, v)) if v.trim().is_empty() => None,
        Some((key, v)) => {
            let h = v.trim().to_ascii_lowercase();
            if h.contains(['/', ':', ' ', '@']) && h.parse::<std::net::Ipv6Addr>().is_err() {
                return Err(err(&key, format!("expected a host name such as smtp.dept.example, got {v:?}")));
            }
            Some(h)
        }
        None => None,
    };
    let Some(host) = host else {
        // Email is off; a From address or credentials alone would be a mistake worth naming.
        if let Some((key, _)) = src.from.or(src.username) {
            return Err(err(
                &key,
                "expected smtp_host (GUILDHALL_SMTP_HOST) to be set too: email needs an SMTP server".into(),
            ));
        }
        return Ok(None);
    };
    let port = match src.port {
        Some((key, v)) => match v.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return Err(err(&key, format!("expected a port number from 1 to 65535, got {v:?}"))),
        },
        None => DEFAULT_SMTP_PORT,
    };
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback());
    let security = match src.security {
        Some((key, v)) => match v.trim().to_ascii_lowercase().as_str() {
            "starttls" => SmtpSecurity::StartTls,
            "tls" => SmtpSecurity::Tls,
            "none" if dev_mode || loopback => SmtpSecurity::None,
            "none" => {
                return Err(err(
                    &key,
                    "expected starttls or tls: none (no encryption) is allowed only with dev_mode or an SMTP server \
                     on this machine (localhost)"
                        .into(),
                ));
            }
            _ => return Err(err(&key, format!("expected starttls, tls or none, got {v:?}"))),
        },
        None => SmtpSecurity::StartTls,
    };
    let credentials = match (src.username, src.password) {
        (Some((_, u)), Some((_, p))) if !u.trim().is_empty() => Some((u.trim().to_owned(), p)),
        (Some((key, u)), None) if !u.trim().is_empty() => {
            return Err(err(&key, "expected smtp_password (GUILDHALL_SMTP_PASSWORD) to be set too".into()));
        }
        (None, Some((key, _))) => {
            return Err(err(&key, "expected smtp_username (GUILDHALL_SMTP_USERNAME) to be set too".into()));
        }
        _ => None,
    };
    let from = match src.from {
        Some((key, v)) => {
            let f = v.trim();
            if f.parse::<lettre::Address>().is_err() {
                return Err(err(&key, format!("expected an email address such as guildhall@dept.example, got {v:?}")));
            }
            f.to_owned()
        }
        None => {
            return Err(err(
                "GUILDHALL_EMAIL_FROM",
                "expected an email address (email_from) such as guildhall@dept.example: it is required when \
                 smtp_host is set"
                    .into(),
            ));
        }
    };
    Ok(Some(SmtpConfig { host, port, security, credentials, from }))
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A public host with optional port: no scheme, path, user info or spaces.
fn check_domain(raw: &str) -> Result<String, String> {
    let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let expected =
        || format!("expected a host name with optional port such as dept.example or localhost:8080, got {raw:?}");
    let (host, port) = match d.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (d.as_str(), None),
    };
    if let Some(p) = port
        && p.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(expected());
    }
    // An IP address starts but cannot federate: ActivityPub ids and signatures need a host name
    // (the federation library refuses "Url must have a domain" at the first delivery).
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(format!(
            "expected a host name, not an IP address: other servers cannot federate with {raw:?}; use a DNS name \
             (or localhost:PORT on your own computer)"
        ));
    }
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        });
    if host_ok { Ok(d) } else { Err(expected()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_need_no_config() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.domain, "localhost:8080");
        assert_eq!(c.database_url, "sqlite://data/guildhall.db?mode=rwc");
        assert!(c.is_sqlite() && !c.https && !c.log_json);
        assert_eq!(c.rate_limits, RateLimits::default());
    }

    #[test]
    fn trusted_proxies_come_from_the_file_or_the_environment_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guildhall.toml");
        std::fs::write(&path, "trusted_proxies = [\"10.0.0.0/8\", \"192.0.2.7\"]\n").unwrap();
        let c = Config::from_sources(Some(&path), &HashMap::new()).unwrap();
        assert_eq!(c.trusted_proxies, TrustedProxies::parse(&["10.0.0.0/8", "192.0.2.7"]).unwrap());
        let env = HashMap::from([("GUILDHALL_TRUSTED_PROXIES".to_owned(), "172.16.0.0/12, ".to_owned())]);
        let c = Config::from_sources(Some(&path), &env).unwrap();
        assert_eq!(c.trusted_proxies, TrustedProxies::parse(&["172.16.0.0/12"]).unwrap());
        assert_eq!(Config::from_sources(None, &HashMap::new()).unwrap().trusted_proxies, TrustedProxies::default());

        std::fs::write(&path, "trusted_proxies = [\"lb.internal\"]\n").unwrap();
        let err = Config::from_sources(Some(&path), &HashMap::new()).unwrap_err();
        assert!(err.key.starts_with("trusted_proxies") && err.message.contains("lb.internal"), "{err}");
        let env = HashMap::from([("GUILDHALL_TRUSTED_PROXIES".to_owned(), "10.0.0.0/99".to_owned())]);
        assert_eq!(Config::from_sources(None, &env).unwrap_err().key, "GUILDHALL_TRUSTED_PROXIES");
    }

    #[test]
    fn rate_limits_come_from_the_file_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(&path, "rate_limit_inbox_per_minute = 50\nrate_limit_search_per_minute = 0\n").unwrap();
        let c = Config::from_sources(
            Some(&path),
            &env(&[
                ("GUILDHALL_RATE_LIMIT_RESOLVE_PER_MINUTE", "3"),
                ("GUILDHALL_RATE_LIMIT_CLIENT_API_PER_5_MINUTES", "0"),
            ]),
        )
        .unwrap();
        assert_eq!(c.rate_limits.client_api_per_5_minutes, 0);
        assert_eq!((c.rate_limits.inbox_per_minute, c.rate_limits.search_per_minute), (50, 0));
        assert_eq!(c.rate_limits.resolve_per_minute, 3);
        assert_eq!(c.rate_limits.signup_per_hour, RateLimits::default().signup_per_hour);
    }

    #[test]
    fn the_network_search_budget_and_limit_come_from_the_file_or_the_environment() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(c.network_search_budget_ms, 3000);
        assert_eq!(c.rate_limits.network_search_per_minute, 60);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(&path, "network_search_budget_ms = 1500\nrate_limit_network_search_per_minute = 5\n").unwrap();
        let c = Config::from_sources(Some(&path), &env(&[])).unwrap();
        assert_eq!((c.network_search_budget_ms, c.rate_limits.network_search_per_minute), (1500, 5));
        let c = Config::from_sources(Some(&path), &env(&[("GUILDHALL_NETWORK_SEARCH_BUDGET_MS", "800")])).unwrap();
        assert_eq!(c.network_search_budget_ms, 800);
        let err = Config::from_sources(None, &env(&[("GUILDHALL_NETWORK_SEARCH_BUDGET_MS", "0")])).unwrap_err();
        assert_eq!(err.key, "GUILDHALL_NETWORK_SEARCH_BUDGET_MS");
    }

    #[test]
    fn the_federation_timeout_comes_from_the_file_or_the_environment() {
        let default = Config::from_sources(None, &env(&[])).unwrap().federation_settings();
        assert_eq!(default.request_timeout, std::time::Duration::from_secs(10));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(&path, "federation_timeout_seconds = 30\n").unwrap();
        let c = Config::from_sources(Some(&path), &env(&[])).unwrap();
        assert_eq!(c.federation_settings().request_timeout, std::time::Duration::from_secs(30));
        let c = Config::from_sources(Some(&path), &env(&[("GUILDHALL_FEDERATION_TIMEOUT_SECONDS", "60")])).unwrap();
        assert_eq!(c.federation_timeout_seconds, 60);
        std::fs::write(&path, "federation_timeout_seconds = 0\n").unwrap();
        let err = Config::from_sources(Some(&path), &env(&[])).unwrap_err();
        assert!(err.key.starts_with("federation_timeout_seconds (in "), "{err}");
    }

    #[test]
    fn smtp_is_off_by_default_and_on_with_a_host_and_a_from_address() {
        assert_eq!(Config::from_sources(None, &env(&[])).unwrap().smtp, None);
        let c = Config::from_sources(
            None,
            &env(&[("GUILDHALL_SMTP_HOST", "smtp.dept.example"), ("GUILDHALL_EMAIL_FROM", "gh@dept.example")]),
        )
        .unwrap();
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.security), ("smtp.dept.example", 587, SmtpSecurity::StartTls));
        assert_eq!((smtp.from.as_str(), smtp.credentials), ("gh@dept.example", None));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(
            &path,
            "smtp_host = \"mail.example\"\nsmtp_port = 465\nsmtp_security = \"tls\"\nsmtp_username = \"u\"\n\
             smtp_password = \"p\"\nemail_from = \"gh@dept.example\"\n",
        )
        .unwrap();
        let smtp = Config::from_sources(Some(&path), &env(&[])).unwrap().smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (465, SmtpSecurity::Tls));
        assert_eq!(smtp.credentials, Some(("u".into(), "p".into())));
        // No encryption: on this machine, or in dev mode.
        let local = env(&[
            ("GUILDHALL_SMTP_HOST", "127.0.0.1"),
            ("GUILDHALL_SMTP_SECURITY", "none"),
            ("GUILDHALL_EMAIL_FROM", "gh@dept.example"),
        ]);
        assert_eq!(Config::from_sources(None, &local).unwrap().smtp.unwrap().security, SmtpSecurity::None);
        let dev = env(&[
            ("GUILDHALL_SMTP_HOST", "mail.example"),
            ("GUILDHALL_SMTP_SECURITY", "none"),
            ("GUILDHALL_EMAIL_FROM", "gh@dept.example"),
            ("GUILDHALL_DEV_MODE", "true"),
        ]);
        assert_eq!(Config::from_sources(None, &dev).unwrap().smtp.unwrap().security, SmtpSecurity::None);
    }

    #[test]
    fn bad_smtp_settings_name_their_key() {
        let host = ("GUILDHALL_SMTP_HOST", "mail.example");
        let from = ("GUILDHALL_EMAIL_FROM", "gh@dept.example");
        let cases: [(&[(&str, &str)], &str); 8] = [
            (&[host], "GUILDHALL_EMAIL_FROM"),
            (&[host, ("GUILDHALL_EMAIL_FROM", "not an address")], "GUILDHALL_EMAIL_FROM"),
            (&[host, from, ("GUILDHALL_SMTP_PORT", "0")], "GUILDHALL_SMTP_PORT"),
            (&[host, from, ("GUILDHALL_SMTP_PORT", "smtp")], "GUILDHALL_SMTP_PORT"),
            (&[host, from, ("GUILDHALL_SMTP_SECURITY", "ssl3")], "GUILDHALL_SMTP_SECURITY"),
            (&[host, from, ("GUILDHALL_SMTP_SECURITY", "none")], "GUILDHALL_SMTP_SECURITY"),
            (&[host, from, ("GUILDHALL_SMTP_USERNAME", "u")], "GUILDHALL_SMTP_USERNAME"),
            (&[from], "GUILDHALL_EMAIL_FROM"),
        ];
        for (pairs, key) in cases {
            let err = Config::from_sources(None, &env(pairs)).unwrap_err();
            assert_eq!(err.key, key, "{pairs:?}: {err}");
            assert!(err.message.contains("expected"), "{err}");
        }
        let err =
            Config::from_sources(None, &env(&[("GUILDHALL_SMTP_HOST", "smtp://mail.example"), from])).unwrap_err();
        assert_eq!(err.key, "GUILDHALL_SMTP_HOST");
    }

    #[test]
    fn env_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\ndomain = \"dept.example\"\nhttps = true\n").unwrap();
        let c = Config::from_sources(Some(&path), &env(&[("GUILDHALL_BIND", "127.0.0.1:9001")])).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:9001");
        assert_eq!(c.domain, "dept.example");
        assert!(c.https);
    }

    #[test]
    fn invalid_values_name_their_key() {
        let cases = [
            ("GUILDHALL_BIND", "8080"),
            ("GUILDHALL_DOMAIN", "https://dept.example/x"),
            ("GUILDHALL_DOMAIN", "dept.example:99999"),
            ("GUILDHALL_DOMAIN", "192.168.1.10"),
            ("GUILDHALL_DOMAIN", "10.0.0.2:8080"),
            ("GUILDHALL_DATABASE_URL", "mysql://x"),
            ("GUILDHALL_LOG_FORMAT", "xml"),
            ("GUILDHALL_HTTPS", "maybe"),
            ("GUILDHALL_DATA_DIR", " "),
            ("GUILDHALL_LOG", "info,[[["),
            ("GUILDHALL_RATE_LIMIT_INBOX_PER_MINUTE", "lots"),
            ("GUILDHALL_RATE_LIMIT_SIGNUP_PER_HOUR", "-1"),
            ("GUILDHALL_RATE_LIMIT_OAUTH_PER_HOUR", "many"),
            ("GUILDHALL_FEDERATION_TIMEOUT_SECONDS", "0"),
            ("GUILDHALL_FEDERATION_TIMEOUT_SECONDS", "301"),
            ("GUILDHALL_FEDERATION_TIMEOUT_SECONDS", "ten"),
        ];
        for (k, v) in cases {
            let err = Config::from_sources(None, &env(&[(k, v)])).unwrap_err();
            assert_eq!(err.key, k, "{k}={v}: {err}");
            assert!(err.to_string().contains("expected"), "{err}");
        }
    }

    #[test]
    fn file_errors_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.toml");
        std::fs::write(&path, "bnd = \"x\"\n").unwrap();
        let err = Config::from_sources(Some(&path), &env(&[])).unwrap_err();
        assert!(err.message.contains("unknown field"), "{err}");
        std::fs::write(&path, "bind = \"nope\"\n").unwrap();
        let err = Config::from_sources(Some(&path), &env(&[])).unwrap_err();
        assert!(err.key.starts_with("bind (in "), "{err}");
        let err = Config::from_sources(Some(&dir.path().join("missing.toml")), &env(&[])).unwrap_err();
        assert_eq!(err.key, "config file");
    }
}
