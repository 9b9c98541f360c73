//! Settings, layered: built-in defaults < config file < `XINZHI_*` environment < command-line
//! flags. The layering is a pure function ([`Settings::resolve`]) so its precedence is tested.
//!
//! | setting      | file key       | environment           | flag         | default                        |
//! |--------------|----------------|-----------------------|--------------|--------------------------------|
//! | listen       | `listen`       | `XINZHI_LISTEN`       | `--listen`   | `127.0.0.1:8080`               |
//! | data dir     | `data_dir`     | `XINZHI_DATA_DIR`     | `--data`     | `./data`                       |
//! | database     | `database_url` | `XINZHI_DATABASE_URL` | `--database` | `sqlite://<data dir>/xinzhi.db`|
//! | log filter   | `log`          | `XINZHI_LOG`          | —            | `info,sqlx=warn`               |
//! | served over TLS | `https`     | `XINZHI_HTTPS`        | —            | `false` (Secure cookies, HSTS) |
//! | reverse proxies | `trusted_proxies` | `XINZHI_TRUSTED_PROXIES` (comma-separated) | — | none |
//! | roles with 2FA  | `two_factor_roles` | `XINZHI_TWO_FACTOR_ROLES` (comma-separated, e.g. `admin,city_leader`) | — | none |
//! | password age   | `password_max_age_days` | `XINZHI_PASSWORD_MAX_AGE_DAYS` | — | `90` (0: no limit) |
//! | `/metrics` readers | `metrics_allow` | `XINZHI_METRICS_ALLOW` (comma-separated) | — | `127.0.0.1, ::1` |
//! | log format     | `log_format`   | `XINZHI_LOG_FORMAT`   | —            | `text` (or `json`: one JSON object a line) |
//!
//! The file is `--config FILE`, else `XINZHI_CONFIG`, else `xinzhi.toml` in the working
//! directory when it exists.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

pub const ENV_PREFIX: &str = "XINZHI_";
pub const KNOWN_ENV: [&str; 11] = [
    "XINZHI_LISTEN",
    "XINZHI_DATA_DIR",
    "XINZHI_DATABASE_URL",
    "XINZHI_LOG",
    "XINZHI_CONFIG",
    "XINZHI_HTTPS",
    "XINZHI_TRUSTED_PROXIES",
    "XINZHI_TWO_FACTOR_ROLES",
    "XINZHI_PASSWORD_MAX_AGE_DAYS",
    "XINZHI_METRICS_ALLOW",
    "XINZHI_LOG_FORMAT",
];

/// One layer: every setting optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub log: Option<String>,
    /// Served over TLS (directly or behind a proxy that terminates it): cookies are `Secure`
    /// and pages send HSTS.
    pub https: Option<bool>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Option<Vec<String>>,
    /// Roles that must sign in with a second factor (TOTP).
    pub two_factor_roles: Option<Vec<String>>,
    /// Days a password may be used before it must be changed (0: no limit).
    pub password_max_age_days: Option<u32>,
    /// Addresses that may read `/metrics`.
    pub metrics_allow: Option<Vec<String>>,
    /// `text` or `json`.
    pub log_format: Option<String>,
}

impl Layer {
    /// Fields of `over` win over those of `self`.
    fn overlay(self, over: Layer) -> Layer {
        Layer {
            listen: over.listen.or(self.listen),
            data_dir: over.data_dir.or(self.data_dir),
            database_url: over.database_url.or(self.database_url),
            log: over.log.or(self.log),
            https: over.https.or(self.https),
            trusted_proxies: over.trusted_proxies.or(self.trusted_proxies),
            two_factor_roles: over.two_factor_roles.or(self.two_factor_roles),
            password_max_age_days: over.password_max_age_days.or(self.password_max_age_days),
            metrics_allow: over.metrics_allow.or(self.metrics_allow),
            log_format: over.log_format.or(self.log_format),
        }
    }

    pub fn from_env(env: &BTreeMap<String, String>) -> Layer {
        let get = |key: &str| env.get(key).filter(|v| !v.is_empty()).cloned();
        Layer {
            listen: get("XINZHI_LISTEN"),
            data_dir: get("XINZHI_DATA_DIR").map(PathBuf::from),
            database_url: get("XINZHI_DATABASE_URL"),
            log: get("XINZHI_LOG"),
            https: get("XINZHI_HTTPS").map(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")),
            trusted_proxies: get("XINZHI_TRUSTED_PROXIES").map(|v| list(&v)),
            two_factor_roles: get("XINZHI_TWO_FACTOR_ROLES").map(|v| list(&v)),
            password_max_age_days: get("XINZHI_PASSWORD_MAX_AGE_DAYS").and_then(|v| v.trim().parse().ok()),
            metrics_allow: get("XINZHI_METRICS_ALLOW").map(|v| list(&v)),
            log_format: get("XINZHI_LOG_FORMAT"),
        }
    }

    pub fn from_file(path: &Path) -> anyhow::Result<Layer> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
    }
}

/// A comma-separated list from the environment.
fn list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// A database URL whose `Debug` and `Display` hide the password.
#[derive(Clone, PartialEq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", xinzhi_store::redact_url(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&xinzhi_store::redact_url(&self.0))
    }
}

/// The resolved settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub log: String,
    pub https: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The security policy until the security administrator sets one (`two_factor_roles`,
    /// `password_max_age_days`).
    pub security_policy: xinzhi_domain::SecurityPolicy,
    pub metrics_allow: Vec<std::net::IpAddr>,
    /// Log as JSON lines.
    pub log_json: bool,
}

impl Settings {
    /// Resolves the layers in order of precedence.
    pub fn resolve(file: Layer, env: Layer, flags: Layer) -> anyhow::Result<Settings> {
        let defaults = Layer {
            listen: Some("127.0.0.1:8080".into()),
            data_dir: Some(PathBuf::from("data")),
            database_url: None,
            log: Some("info,sqlx=warn".into()),
            https: Some(false),
            trusted_proxies: None,
            two_factor_roles: None,
            password_max_age_days: Some(90),
            metrics_allow: Some(vec!["127.0.0.1".into(), "::1".into()]),
            log_format: Some("text".into()),
        };
        let merged = defaults.overlay(file).overlay(env).overlay(flags);
        let listen_text = merged.listen.unwrap_or_default();
        let listen: SocketAddr = listen_text.parse().with_context(|| {
            format!("invalid listen address '{listen_text}': use HOST:PORT such as 127.0.0.1:8080 (--listen or XINZHI_LISTEN)")
        })?;
        let data_dir = merged.data_dir.unwrap_or_else(|| PathBuf::from("data"));
        let database_url = match merged.database_url {
            Some(url) => url,
            None => format!("sqlite://{}", data_dir.join("xinzhi.db").display()),
        };
        if xinzhi_store::Backend::from_url(&database_url).is_err() {
            bail!(
                "unsupported database URL '{}': use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE (--database or XINZHI_DATABASE_URL)",
                xinzhi_store::redact_url(&database_url)
            );
        }
        let addresses = |list: Option<Vec<String>>, setting: &str| -> anyhow::Result<Vec<std::net::IpAddr>> {
            list.unwrap_or_default()
                .iter()
                .map(|p| {
                    p.parse::<std::net::IpAddr>().with_context(|| {
                        format!("invalid address '{p}' in {setting}: give IP addresses such as 127.0.0.1")
                    })
                })
                .collect()
        };
        let trusted_proxies = addresses(merged.trusted_proxies, "trusted_proxies (XINZHI_TRUSTED_PROXIES)")?;
        let metrics_allow = addresses(merged.metrics_allow, "metrics_allow (XINZHI_METRICS_ALLOW)")?;
        let log_json = match merged.log_format.as_deref().map(str::trim) {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => bail!("unknown log format '{other}': use text or json (log_format or XINZHI_LOG_FORMAT)"),
        };
        let two_factor_roles = merged
            .two_factor_roles
            .unwrap_or_default()
            .iter()
            .map(|r| {
                xinzhi_domain::Role::parse(r).with_context(|| {
                    let roles: Vec<&str> = xinzhi_domain::Role::ALL.iter().map(|r| r.as_str()).collect();
                    format!(
                        "unknown role '{r}' in two_factor_roles (XINZHI_TWO_FACTOR_ROLES): use {}",
                        roles.join(", ")
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let password_max_age_days = merged.password_max_age_days.unwrap_or(90);
        let security_policy = xinzhi_domain::SecurityPolicy::new(password_max_age_days, &two_factor_roles)
            .map_err(|e| anyhow::anyhow!("password_max_age_days (XINZHI_PASSWORD_MAX_AGE_DAYS): {e}"))?;
        Ok(Settings {
            listen,
            data_dir,
            database_url: DatabaseUrl(database_url),
            log: merged.log.unwrap_or_default(),
            https: merged.https.unwrap_or(false),
            trusted_proxies,
            security_policy,
            metrics_allow,
            log_json,
        })
    }

    /// What the web server takes from the settings.
    pub fn web_config(&self) -> xinzhi_web::WebConfig {
        xinzhi_web::WebConfig {
            https: self.https,
            trusted_proxies: self.trusted_proxies.clone(),
            security_policy: self.security_policy.clone(),
            metrics_allow: self.metrics_allow.clone(),
            ..xinzhi_web::WebConfig::default()
        }
    }

    /// `XINZHI_*` variables that are not settings: likely typos, worth a warning.
    pub fn unknown_env(env: &BTreeMap<String, String>) -> Vec<String> {
        env.keys().filter(|k| k.starts_with(ENV_PREFIX) && !KNOWN_ENV.contains(&k.as_str())).cloned().collect()
    }

    /// Which config file to read, if any.
    pub fn config_path(flag: Option<&Path>, env: &BTreeMap<String, String>) -> Option<PathBuf> {
        flag.map(Path::to_path_buf)
            .or_else(|| env.get("XINZHI_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("xinzhi.toml")).filter(|p| p.exists()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() -> anyhow::Result<()> {
        let s = Settings::resolve(Layer::default(), Layer::default(), Layer::default())?;
        assert_eq!(s.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(s.data_dir, PathBuf::from("data"));
        assert_eq!(s.database_url.expose(), "sqlite://data/xinzhi.db");
        Ok(())
    }

    #[test]
    fn file_beats_defaults_env_beats_file_and_flags_beat_env() -> anyhow::Result<()> {
        let file: Layer = toml::from_str("listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/file\"\nlog = \"debug\"")?;
        let environment =
            Layer::from_env(&env(&[("XINZHI_DATA_DIR", "/srv/env"), ("XINZHI_LISTEN", "127.0.0.1:9100")]));
        let flags = Layer { listen: Some("127.0.0.1:9200".into()), ..Layer::default() };
        let s = Settings::resolve(file.clone(), environment.clone(), flags)?;
        assert_eq!(s.listen.to_string(), "127.0.0.1:9200", "flag wins");
        assert_eq!(s.data_dir, PathBuf::from("/srv/env"), "env beats file");
        assert_eq!(s.log, "debug", "file beats default");
        assert_eq!(s.database_url.expose(), "sqlite:///srv/env/xinzhi.db", "derived from the winning data dir");
        let s = Settings::resolve(file, Layer::default(), Layer::default())?;
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000", "file beats default");
        Ok(())
    }

    #[test]
    fn bad_settings_are_explained_with_where_to_fix_them() {
        let bad_scheme = Layer { database_url: Some("mysql://root:pw@db/x".into()), ..Layer::default() };
        let error = Settings::resolve(Layer::default(), Layer::default(), bad_scheme).expect_err("mysql").to_string();
        assert!(error.contains("XINZHI_DATABASE_URL") && error.contains("mysql://root:***@db/x"), "{error}");
        let bad_listen = Layer { listen: Some("localhost".into()), ..Layer::default() };
        let error = Settings::resolve(Layer::default(), Layer::default(), bad_listen).expect_err("no port").to_string();
        assert!(error.contains("--listen"), "{error}");
        assert!(toml::from_str::<Layer>("listne = \"x\"").is_err(), "unknown file keys are rejected");
    }

    #[test]
    fn unknown_variables_and_empty_values_are_handled() {
        let e = env(&[("XINZHI_LISTN", "x"), ("XINZHI_LOG", ""), ("PATH", "/bin")]);
        assert_eq!(Settings::unknown_env(&e), vec!["XINZHI_LISTN".to_string()]);
        assert_eq!(Layer::from_env(&e).log, None);
    }

    #[test]
    fn tls_and_proxies_come_from_the_file_or_the_environment() -> anyhow::Result<()> {
        let file: Layer = toml::from_str("https = true\ntrusted_proxies = [\"10.0.0.5\"]")?;
        let s = Settings::resolve(file, Layer::default(), Layer::default())?;
        assert!(s.https && s.web_config().https);
        assert_eq!(s.web_config().trusted_proxies, vec!["10.0.0.5".parse::<std::net::IpAddr>()?]);
        let environment =
            Layer::from_env(&env(&[("XINZHI_TRUSTED_PROXIES", "127.0.0.1, ::1"), ("XINZHI_HTTPS", "no")]));
        let s = Settings::resolve(Layer::default(), environment, Layer::default())?;
        assert!(!s.https);
        assert_eq!(s.trusted_proxies.len(), 2);
        let roles = Layer::from_env(&env(&[("XINZHI_TWO_FACTOR_ROLES", "admin, city_leader")]));
        let s = Settings::resolve(Layer::default(), roles, Layer::default())?;
        let required = s.web_config().security_policy.two_factor_roles;
        assert_eq!(required, [xinzhi_domain::Role::Admin, xinzhi_domain::Role::CityLeader]);
        let forever = Layer { password_max_age_days: Some(366), ..Layer::default() };
        let error = Settings::resolve(forever, Layer::default(), Layer::default()).expect_err("too long").to_string();
        assert!(error.contains("password_max_age_days") && error.contains("365"), "{error}");
        let json = Layer::from_env(&env(&[("XINZHI_LOG_FORMAT", "json"), ("XINZHI_METRICS_ALLOW", "10.1.2.3")]));
        let s = Settings::resolve(Layer::default(), json, Layer::default())?;
        assert!(s.log_json);
        assert_eq!(s.web_config().metrics_allow, vec!["10.1.2.3".parse::<std::net::IpAddr>()?]);
        let xml = Layer { log_format: Some("xml".into()), ..Layer::default() };
        assert!(Settings::resolve(xml, Layer::default(), Layer::default()).is_err());
        let typo = Layer { two_factor_roles: Some(vec!["boss".into()]), ..Layer::default() };
        assert!(Settings::resolve(typo, Layer::default(), Layer::default()).is_err());
        let bad = Layer { trusted_proxies: Some(vec!["proxy.local".into()]), ..Layer::default() };
        let error = Settings::resolve(bad, Layer::default(), Layer::default()).expect_err("not an address").to_string();
        assert!(error.contains("XINZHI_TRUSTED_PROXIES"), "{error}");
        Ok(())
    }

    #[test]
    fn database_urls_never_print_their_password() {
        let url = DatabaseUrl("postgres://app:s3cret@db/x".into());
        assert!(!format!("{url:?} {url}").contains("s3cret"));
    }
}
