//! Storage for Xinzhi on SQLite (default) or PostgreSQL, from one codebase.
//!
//! All SQL of the project lives in this crate. Queries are written once in the dialect both
//! backends share and run through sqlx's `Any` driver; only the DDL differs, in
//! `migrations/sqlite` and `migrations/postgres`. Rules that keep the SQL portable (see
//! `shared/docs/stack.md` §4): `$N` placeholders, integer months and unix-second timestamps,
//! `CAST(... AS DOUBLE PRECISION)`/`BIGINT` around aggregates, flags as 0/1.
//!
//! `Store` is one concrete type rather than a trait with two implementations: the Any driver
//! already gives one implementation for both databases, and a trait would only add a layer of
//! indirection with nothing to choose between.

pub mod access;
pub mod attachments;
pub mod backup;
pub mod briefings;
mod catalogue;
mod chains;
pub mod changelog;
pub mod completion;
pub mod cultivation;
mod enterprises;
mod error;
pub mod evaluation;
pub mod imports;
pub mod inbox;
mod migrate;
pub mod model;
pub mod monitoring;
mod official;
mod org;
mod overview;
pub mod peers;
pub mod policies;
pub mod programmes;
pub mod projects;
mod report_writer;
pub mod reports;
pub mod requests;
pub mod rules;
pub mod sign_in;
mod sql;
pub mod tasks;
pub mod two_factor;
mod uploads;
mod values;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection, Executor};

pub use access::{
    ApiToken, AuditActor, AuditEntry, AuditFilter, AuditRecord, Department, NewApiToken, NewSession, NewUser, Outcome,
    Scope, Session, User, UserChange,
};
pub use backup::BackupSummary;
pub use completion::{DataSetSettings, DueReport, ReportException};
pub use error::StoreError;
pub use imports::{ImportItem, ImportMode, ImportOptions, ImportSummary, RowOutcome};
pub use model::*;
pub use official::OfficialFigure;
pub use reports::{
    Correction, DataSet, DataSetId, DataSetIndicator, Report, ReportId, ReportRow, ReportStatus, ReportWrite, Review,
};
pub use rules::RuleRecord;
pub use sign_in::AddressAttempt;
pub use two_factor::{LoginChallenge, TotpState};
pub use uploads::{UPLOAD_LIFETIME_SECONDS, Upload};
pub use values::{EnterpriseSet, VALUE_MONTHS, ValueSource};

/// The database behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            _ => Err(StoreError::UnsupportedScheme(redact_url(url))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A URL with its password replaced by `***`, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    match tail {
        Some(tail) => format!("{scheme}://{authority}/{tail}"),
        None => format!("{scheme}://{authority}"),
    }
}

/// Handle to the database: a connection pool plus the backend it talks to. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite writers of this process take turns here before `BEGIN IMMEDIATE`: waiting on an
    /// async lock costs nothing, while SQLite's busy handler would put the losers to sleep for
    /// milliseconds at a time (measured: 500 instead of over 1,000 submissions a second).
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// Data sets and their rules, read on every report and rarely changed.
    config: Arc<std::sync::Mutex<ConfigCache>>,
    /// The group-commit queue of report saves (`report_writer.rs`); `None` inside the writing
    /// task itself.
    report_writer: Option<report_writer::ReportWriter>,
    /// SQLite's checkpoint task, stopped by [`Store::close`].
    checkpointer: Option<Arc<Checkpointer>>,
}

/// The background task that copies the write-ahead log into the database file, and the means
/// to stop it. Its connection must be closed before the process ends: SQLite folds the log
/// into the file and deletes it only when the last connection closes, and a file copied while
/// a log is left beside it lacks what the log holds.
struct Checkpointer {
    stop: tokio::sync::watch::Sender<bool>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// How long a cached data set or rule list is trusted. Changes made through this process are
/// seen at once (the writes clear the cache); another server sees them within this time.
const CONFIG_TTL: Duration = Duration::from_secs(5);

#[derive(Default)]
struct ConfigCache {
    data_sets: std::collections::HashMap<String, (std::time::Instant, reports::DataSet)>,
    rules: std::collections::HashMap<i64, (std::time::Instant, Vec<xinzhi_domain::validation::ValidationRule>)>,
}

/// A write transaction; on SQLite it also holds this process's turn to write. Derefs to the
/// connection, so `&mut *tx` runs a query inside it.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a pool on `sqlite://PATH` (the file is created if missing) or `postgres://…`.
    /// SQLite connections run in WAL mode with `synchronous=NORMAL`, foreign keys on, a 5 s
    /// busy timeout (sqlx's default), a 64 MiB page cache, and statement journals in memory
    /// (a multi-statement write otherwise writes a temporary file per statement), which suits
    /// one server process with many readers and bulk loads of monthly values. (A memory map
    /// for reads was tried: the burst's p99 got worse, 152 against 72 ms, as checkpoints
    /// wrote under the mapping.) Four connections: eight made the burst's p99 worse (195 ms)
    /// on two cores.
    ///
    /// SQLite checkpoints run off the request path: connections do not checkpoint when they
    /// commit (`wal_autocheckpoint = 0`); a task of the pool does, every second. A month's
    /// import dirties a leaf of the per-firm index for every firm, and copying those pages
    /// into the database file and syncing it took 2 of the 4 s of a 10,000-firm import when
    /// the committing connection did it.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let (url, options) = match backend {
            Backend::Sqlite => {
                let url = if url.contains("mode=") {
                    url.to_owned()
                } else if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                };
                // One connection first, so that a damaged file or a failing pragma is reported
                // as what it is: the pool retries a failing `after_connect` until it times out,
                // and then says only that.
                let mut probe = sqlx::AnyConnection::connect(&url)
                    .await
                    .map_err(|e| StoreError::Connect { url: redact_url(&url), reason: e.to_string() })?;
                let checked = probe.execute(SQLITE_PRAGMAS).await;
                let _ = probe.close().await;
                checked.map_err(|e| StoreError::Connect { url: redact_url(&url), reason: e.to_string() })?;
                let options = AnyPoolOptions::new().max_connections(4).after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute(SQLITE_PRAGMAS).await?;
                        Ok(())
                    })
                });
                (url, options)
            }
            Backend::Postgres => (url.to_owned(), AnyPoolOptions::new().max_connections(8)),
        };
        let pool = options
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .map_err(|e| StoreError::Connect { url: redact_url(&url), reason: e.to_string() })?;
        let checkpointer = (backend == Backend::Sqlite).then(|| {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let task = tokio::spawn(checkpoint_every_second(url.clone(), stopped));
            Arc::new(Checkpointer { stop, task: std::sync::Mutex::new(Some(task)) })
        });
        let mut store = Store {
            pool,
            backend,
            write_gate: Arc::default(),
            config: Arc::default(),
            report_writer: None,
            checkpointer,
        };
        store.report_writer = Some(report_writer::ReportWriter::start(store.clone()));
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations this backend has not seen yet.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        migrate::run(&self.pool, self.backend).await
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), waiting up to the busy timeout: a transaction that reads first and writes
    /// later would instead fail at its first write whenever another writer committed in between
    /// (SQLITE_BUSY_SNAPSHOT), which a month-end rush of submissions does all the time.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.write_gate.clone().lock_owned().await;
                WriteTx { tx: self.pool.begin_with("BEGIN IMMEDIATE").await?, _turn: Some(turn) }
            }
            Backend::Postgres => WriteTx { tx: self.pool.begin().await?, _turn: None },
        })
    }

    /// Drops cached data sets and rules, after a change to them or to the catalogue.
    pub(crate) fn forget_config(&self) {
        if let Ok(mut cache) = self.config.lock() {
            *cache = ConfigCache::default();
        }
    }

    fn cached_data_set(&self, code: &str) -> Option<reports::DataSet> {
        let cache = self.config.lock().ok()?;
        cache.data_sets.get(code).filter(|(at, _)| at.elapsed() < CONFIG_TTL).map(|(_, set)| set.clone())
    }

    fn cached_rules(&self, data_set: i64) -> Option<Vec<xinzhi_domain::validation::ValidationRule>> {
        let cache = self.config.lock().ok()?;
        cache.rules.get(&data_set).filter(|(at, _)| at.elapsed() < CONFIG_TTL).map(|(_, rules)| rules.clone())
    }

    fn cache_data_set(&self, set: &reports::DataSet) {
        if let Ok(mut cache) = self.config.lock() {
            cache.data_sets.insert(set.code.clone(), (std::time::Instant::now(), set.clone()));
        }
    }

    fn cache_rules(&self, data_set: i64, rules: &[xinzhi_domain::validation::ValidationRule]) {
        if let Ok(mut cache) = self.config.lock() {
            cache.rules.insert(data_set, (std::time::Instant::now(), rules.to_vec()));
        }
    }

    /// Waits for in-flight queries and closes every connection, the checkpoint task's last:
    /// on SQLite the database file is then whole, with no write-ahead log beside it.
    pub async fn close(&self) {
        self.pool.close().await;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.stop.send_replace(true);
            let task = checkpointer.task.lock().ok().and_then(|mut task| task.take());
            if let Some(task) = task {
                let _ = task.await;
            }
        }
    }

    /// A cheap round trip, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Reads an installation setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value)
    }

    /// Writes an installation setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Set on every SQLite connection (see [`Store::connect`]).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; \
                              PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;";

/// Copies committed pages from the write-ahead log into the database file until told to
/// stop, on a connection of its own: a checkpoint can take a second under load, and on a
/// pool connection it would leave the requests one connection short meanwhile. PASSIVE never
/// waits for readers or writers; what it cannot copy now waits for the next round.
///
/// Under a steady stream of commits the log is never found unused, so it grows until the
/// stream stops (2.6 GB in a 30-second burst of 1,000 saves a second). Forcing it back to
/// its start (RESTART, with this process's writers held) was tried: it stalls every writer
/// for 50–110 ms a second, and the burst's p99 went from 57–102 ms to 175–195 ms.
async fn checkpoint_every_second(url: String, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection: Option<sqlx::AnyConnection> = None;
    loop {
        // Also ends when every `Store` is dropped without `close`, and with it the sender.
        let stopped = async {
            let _ = stop.wait_for(|stopped| *stopped).await;
        };
        tokio::select! {
            _ = ticks.tick() => {}
            () = stopped => {
                if let Some(connection) = connection.take() {
                    let _ = connection.close().await;
                }
                return;
            }
        }
        if connection.is_none() {
            connection = sqlx::AnyConnection::connect(&url).await.ok();
        }
        let Some(conn) = connection.as_mut() else { continue };
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").fetch_all(&mut *conn).await {
            tracing::warn!(error.message = %e, "SQLite checkpoint failed");
            connection = None;
        }
    }
}

/// Seconds since the Unix epoch, the storage form of timestamps.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(Backend::from_url("sqlite://data/x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(Backend::from_url("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        assert!(
            matches!(Backend::from_url("mysql://u:pw@h/db"), Err(StoreError::UnsupportedScheme(u)) if u == "mysql://u:***@h/db")
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(redact_url("sqlite://data/xinzhi.db"), "sqlite://data/xinzhi.db");
    }
}

#[cfg(feature = "testing")]
pub mod testing;
