//! Backups of a SQLite database while it is in use: `VACUUM INTO` copies one consistent
//! snapshot (a read transaction) into a new file while writers go on; attachments live in the
//! database, so the copy holds them. PostgreSQL deployments use `pg_dump`/`pg_restore`.

use std::path::Path;

use crate::{Backend, Store, StoreError};

/// What a backup file holds, read back to check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// The newest migration applied in the copy.
    pub schema_version: i64,
    pub enterprises: i64,
    pub values: i64,
    pub reports: i64,
    pub attachments: i64,
    pub audit_entries: i64,
}

impl Store {
    /// Writes a consistent copy of this SQLite database to `target` (which must not exist).
    pub async fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Invalid("a PostgreSQL database is backed up with pg_dump".into()));
        }
        if target.exists() {
            return Err(StoreError::Invalid(format!("{} exists already", target.display())));
        }
        let target = target.to_str().ok_or_else(|| StoreError::Invalid("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(target).execute(&self.pool).await?;
        Ok(())
    }

    /// Checks a database's integrity (SQLite's `PRAGMA integrity_check`, PostgreSQL trusts
    /// its own) and counts what it holds.
    pub async fn backup_summary(&self) -> Result<BackupSummary, StoreError> {
        if self.backend() == Backend::Sqlite {
            let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&self.pool).await?;
            if check != "ok" {
                return Err(StoreError::Invalid(format!("integrity check failed: {check}")));
            }
        }
        let count = |table: &'static str| {
            let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
            async move { sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(&self.pool).await }
        };
        Ok(BackupSummary {
            schema_version: sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
            )
            .fetch_one(&self.pool)
            .await?,
            enterprises: count("enterprises").await?,
            values: count("data_values").await?,
            reports: count("reports").await?,
            attachments: count("attachments").await?,
            audit_entries: count("audit_log").await?,
        })
    }
}
