//! Migrations, one list per backend, embedded in the binary and applied in order.
//!
//! A small runner of our own instead of sqlx's `Migrator`: sqlx embeds migrations only through
//! its `migrate!` macro (the `macros` feature builds a second SQLite for the host), and keeping
//! two folders under one version table is all we need. Each migration runs in a transaction
//! together with its bookkeeping row; a checksum catches an applied migration edited later.

use sqlx::{AnyPool, Row};

use crate::{Backend, StoreError, now_unix};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const SQLITE: &[Migration] = &[
    Migration { version: 1, name: "core", sql: include_str!("../migrations/sqlite/0001_core.sql") },
    Migration { version: 2, name: "access", sql: include_str!("../migrations/sqlite/0002_access.sql") },
    Migration { version: 3, name: "reports", sql: include_str!("../migrations/sqlite/0003_reports.sql") },
    Migration {
        version: 4,
        name: "revision_author",
        sql: include_str!("../migrations/sqlite/0004_revision_author.sql"),
    },
    Migration {
        version: 5,
        name: "imports_and_deadlines",
        sql: include_str!("../migrations/sqlite/0005_imports_and_deadlines.sql"),
    },
    Migration {
        version: 6,
        name: "reporting_population",
        sql: include_str!("../migrations/sqlite/0006_reporting_population.sql"),
    },
    Migration {
        version: 7,
        name: "reports_by_month",
        sql: include_str!("../migrations/sqlite/0007_reports_by_month.sql"),
    },
    Migration {
        version: 8,
        name: "values_by_month",
        sql: include_str!("../migrations/sqlite/0008_values_by_month.sql"),
    },
    Migration { version: 9, name: "monitoring", sql: include_str!("../migrations/sqlite/0009_monitoring.sql") },
    Migration { version: 10, name: "cultivation", sql: include_str!("../migrations/sqlite/0010_cultivation.sql") },
    Migration { version: 11, name: "evaluation", sql: include_str!("../migrations/sqlite/0011_evaluation.sql") },
    Migration { version: 12, name: "policies", sql: include_str!("../migrations/sqlite/0012_policies.sql") },
    Migration { version: 13, name: "requests", sql: include_str!("../migrations/sqlite/0013_requests.sql") },
    Migration { version: 14, name: "projects", sql: include_str!("../migrations/sqlite/0014_projects.sql") },
    Migration { version: 15, name: "tasks", sql: include_str!("../migrations/sqlite/0015_tasks.sql") },
    Migration {
        version: 16,
        name: "notices_and_attachments",
        sql: include_str!("../migrations/sqlite/0016_notices_and_attachments.sql"),
    },
    Migration { version: 17, name: "peer_reports", sql: include_str!("../migrations/sqlite/0017_peer_reports.sql") },
    Migration { version: 18, name: "briefings", sql: include_str!("../migrations/sqlite/0018_briefings.sql") },
    Migration {
        version: 19,
        name: "sign_in_throttle",
        sql: include_str!("../migrations/sqlite/0019_sign_in_throttle.sql"),
    },
    Migration {
        version: 20,
        name: "counted_statuses",
        sql: include_str!("../migrations/sqlite/0020_counted_statuses.sql"),
    },
    Migration { version: 21, name: "token_expiry", sql: include_str!("../migrations/sqlite/0021_token_expiry.sql") },
    Migration { version: 22, name: "two_factor", sql: include_str!("../migrations/sqlite/0022_two_factor.sql") },
    Migration {
        version: 23,
        name: "password_age_and_demo_accounts",
        sql: include_str!("../migrations/sqlite/0023_password_age_and_demo_accounts.sql"),
    },
    Migration { version: 24, name: "four_eyes", sql: include_str!("../migrations/sqlite/0024_four_eyes.sql") },
    Migration {
        version: 25,
        name: "separation_of_duties",
        sql: include_str!("../migrations/sqlite/0025_separation_of_duties.sql"),
    },
];

/// SQLite migrations that rebuild a table other tables reference. SQLite drops a referenced
/// table as a `DELETE` that cascades, so these run with foreign keys off (they cannot be switched
/// inside a transaction) and are checked with `foreign_key_check` before they commit — the
/// procedure of sqlite.org/lang_altertable.html.
const SQLITE_WITHOUT_FOREIGN_KEYS: &[i64] = &[25];

const POSTGRES: &[Migration] = &[
    Migration { version: 1, name: "core", sql: include_str!("../migrations/postgres/0001_core.sql") },
    Migration { version: 2, name: "access", sql: include_str!("../migrations/postgres/0002_access.sql") },
    Migration { version: 3, name: "reports", sql: include_str!("../migrations/postgres/0003_reports.sql") },
    Migration {
        version: 4,
        name: "revision_author",
        sql: include_str!("../migrations/postgres/0004_revision_author.sql"),
    },
    Migration {
        version: 5,
        name: "imports_and_deadlines",
        sql: include_str!("../migrations/postgres/0005_imports_and_deadlines.sql"),
    },
    Migration {
        version: 6,
        name: "reporting_population",
        sql: include_str!("../migrations/postgres/0006_reporting_population.sql"),
    },
    Migration {
        version: 7,
        name: "reports_by_month",
        sql: include_str!("../migrations/postgres/0007_reports_by_month.sql"),
    },
    Migration {
        version: 8,
        name: "values_by_month",
        sql: include_str!("../migrations/postgres/0008_values_by_month.sql"),
    },
    Migration { version: 9, name: "monitoring", sql: include_str!("../migrations/postgres/0009_monitoring.sql") },
    Migration { version: 10, name: "cultivation", sql: include_str!("../migrations/postgres/0010_cultivation.sql") },
    Migration { version: 11, name: "evaluation", sql: include_str!("../migrations/postgres/0011_evaluation.sql") },
    Migration { version: 12, name: "policies", sql: include_str!("../migrations/postgres/0012_policies.sql") },
    Migration { version: 13, name: "requests", sql: include_str!("../migrations/postgres/0013_requests.sql") },
    Migration { version: 14, name: "projects", sql: include_str!("../migrations/postgres/0014_projects.sql") },
    Migration { version: 15, name: "tasks", sql: include_str!("../migrations/postgres/0015_tasks.sql") },
    Migration {
        version: 16,
        name: "notices_and_attachments",
        sql: include_str!("../migrations/postgres/0016_notices_and_attachments.sql"),
    },
    Migration { version: 17, name: "peer_reports", sql: include_str!("../migrations/postgres/0017_peer_reports.sql") },
    Migration { version: 18, name: "briefings", sql: include_str!("../migrations/postgres/0018_briefings.sql") },
    Migration {
        version: 19,
        name: "sign_in_throttle",
        sql: include_str!("../migrations/postgres/0019_sign_in_throttle.sql"),
    },
    Migration {
        version: 20,
        name: "counted_statuses",
        sql: include_str!("../migrations/postgres/0020_counted_statuses.sql"),
    },
    Migration { version: 21, name: "token_expiry", sql: include_str!("../migrations/postgres/0021_token_expiry.sql") },
    Migration { version: 22, name: "two_factor", sql: include_str!("../migrations/postgres/0022_two_factor.sql") },
    Migration {
        version: 23,
        name: "password_age_and_demo_accounts",
        sql: include_str!("../migrations/postgres/0023_password_age_and_demo_accounts.sql"),
    },
    Migration { version: 24, name: "four_eyes", sql: include_str!("../migrations/postgres/0024_four_eyes.sql") },
    Migration {
        version: 25,
        name: "separation_of_duties",
        sql: include_str!("../migrations/postgres/0025_separation_of_duties.sql"),
    },
];

/// Arbitrary constant key of the PostgreSQL advisory lock that serialises concurrent starts.
const LOCK_KEY: i64 = 0x5869_6e7a_6869;

/// FNV-1a, enough to notice an edited migration.
fn checksum(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<Vec<i64>, StoreError> {
    let migrations = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    let mut conn = pool.acquire().await?;
    if backend == Backend::Postgres {
        // Several `xinzhi serve` instances may start together on one database.
        sqlx::query("SELECT pg_advisory_lock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    }
    let outcome = apply(&mut conn, backend, migrations).await;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(LOCK_KEY).execute(&mut *conn).await?;
    }
    outcome
}

async fn apply(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    migrations: &[Migration],
) -> Result<Vec<i64>, StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (\
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let applied: Vec<(i64, String)> = sqlx::query("SELECT version, checksum FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut newly_applied = Vec::new();
    for migration in migrations {
        let sum = checksum(migration.sql);
        if let Some((_, recorded)) = applied.iter().find(|(v, _)| *v == migration.version) {
            if *recorded != sum {
                return Err(StoreError::Migration(format!(
                    "migration {} ({}) was changed after it was applied",
                    migration.version, migration.name
                )));
            }
            continue;
        }
        let without_foreign_keys =
            backend == Backend::Sqlite && SQLITE_WITHOUT_FOREIGN_KEYS.contains(&migration.version);
        if without_foreign_keys {
            sqlx::raw_sql("PRAGMA foreign_keys = OFF").execute(&mut *conn).await?;
        }
        let outcome = apply_one(conn, migration, &sum, without_foreign_keys).await;
        if without_foreign_keys {
            sqlx::raw_sql("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
        }
        outcome?;
        newly_applied.push(migration.version);
    }
    Ok(newly_applied)
}

/// One migration and its bookkeeping row, in one transaction.
async fn apply_one(
    conn: &mut sqlx::AnyConnection,
    migration: &Migration,
    sum: &str,
    check_foreign_keys: bool,
) -> Result<(), StoreError> {
    let failed = |e: &dyn std::fmt::Display| {
        StoreError::Migration(format!("migration {} ({}): {e}", migration.version, migration.name))
    };
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    sqlx::raw_sql(migration.sql).execute(&mut *tx).await.map_err(|e| failed(&e))?;
    if check_foreign_keys {
        let broken = sqlx::raw_sql("PRAGMA foreign_key_check").fetch_all(&mut *tx).await?;
        if !broken.is_empty() {
            return Err(failed(&format!("{} rows would break a foreign key", broken.len())));
        }
    }
    sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
        .bind(migration.version)
        .bind(migration.name)
        .bind(sum)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let versions = |list: &[Migration]| list.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(versions(SQLITE), versions(POSTGRES));
    }

    #[test]
    fn both_backends_create_the_same_tables() {
        // The tables after each migration: created, dropped and renamed (SQLite rebuilds a
        // table to change its key where PostgreSQL alters it in place).
        fn apply(tables: &mut std::collections::BTreeSet<String>, sql: &str) {
            for line in sql.lines() {
                let words: Vec<&str> = line.split_whitespace().collect();
                match words.as_slice() {
                    ["CREATE", "TABLE", name, ..] => {
                        tables.insert((*name).to_owned());
                    }
                    ["DROP", "TABLE", name, ..] => {
                        tables.remove(name.trim_end_matches(';'));
                    }
                    ["ALTER", "TABLE", old, "RENAME", "TO", new, ..] => {
                        tables.remove(*old);
                        tables.insert(new.trim_end_matches(';').to_owned());
                    }
                    _ => {}
                }
            }
        }
        let (mut sqlite, mut postgres) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
        for (s, p) in SQLITE.iter().zip(POSTGRES) {
            apply(&mut sqlite, s.sql);
            apply(&mut postgres, p.sql);
            assert_eq!(sqlite, postgres, "after migration {}", s.version);
        }
        assert!(sqlite.contains("data_values") && !sqlite.contains("data_values_by_month"));
    }

    /// Rebuilding `users` (migration 25) on a database in use: the sessions that reference a
    /// user survive it, still reference it (deleting the user cascades), and foreign keys are on
    /// again afterwards.
    #[tokio::test]
    async fn rebuilding_users_on_sqlite_keeps_what_references_them() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = crate::Store::connect(&format!("sqlite://{}", dir.path().join("old.db").display())).await?;
        let mut conn = store.pool.acquire().await?;
        let before = SQLITE.iter().position(|m| m.version == 25).ok_or("migration 25")?;
        apply(&mut conn, Backend::Sqlite, &SQLITE[..before]).await?;
        sqlx::raw_sql(
            "INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) \
                 VALUES ('admin', 'A', 'x', 'admin', 1, 1); \
             INSERT INTO sessions (session_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
                 VALUES ('h', 1, 'c', 1, 1, 9999999999);",
        )
        .execute(&mut *conn)
        .await?;

        assert_eq!(apply(&mut conn, Backend::Sqlite, SQLITE).await?, vec![25]);
        let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
        assert_eq!(count("SELECT COUNT(*) FROM sessions WHERE user_id = 1").fetch_one(&mut *conn).await?, 1);
        assert_eq!(count("SELECT role_pending FROM users WHERE username = 'admin'").fetch_one(&mut *conn).await?, 0);
        assert_eq!(count("PRAGMA foreign_keys").fetch_one(&mut *conn).await?, 1);
        sqlx::raw_sql(
            "INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) \
                 VALUES ('auditor', 'B', 'x', 'audit_admin', 1, 1)",
        )
        .execute(&mut *conn)
        .await?;
        sqlx::raw_sql("DELETE FROM users WHERE user_id = 1").execute(&mut *conn).await?;
        assert_eq!(count("SELECT COUNT(*) FROM sessions").fetch_one(&mut *conn).await?, 0);
        Ok(())
    }
}
