//! Fresh, migrated databases for tests: always a SQLite file in a temporary directory, and a
//! PostgreSQL database created for the test (and dropped afterwards) when `TEST_DATABASE_URL`
//! points at a server. Plain `cargo test` needs no service.

use crate::{Store, StoreError};

/// Environment variable naming a PostgreSQL server where test databases may be created.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// A migrated database that exists for one test.
pub struct TestDatabase {
    pub store: Store,
    pub url: String,
    pub label: &'static str,
    cleanup: Cleanup,
}

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("xinzhi_test_{}_{nanos}_{n}", std::process::id())
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = match base.find("://").map(|i| i + 3) {
        Some(start) => match base[start..].find('/') {
            Some(slash) => &base[..start + slash],
            None => base,
        },
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl TestDatabase {
    pub async fn sqlite() -> Result<TestDatabase, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(TestDatabase { store, url, label: "sqlite", cleanup: Cleanup::Sqlite(dir) })
    }

    /// `None` when `TEST_DATABASE_URL` is not set.
    pub async fn postgres() -> Result<Option<TestDatabase>, StoreError> {
        let Ok(admin_url) = std::env::var(TEST_DATABASE_URL) else {
            return Ok(None);
        };
        let name = unique_name();
        let admin = Store::connect(&admin_url).await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin.pool).await?;
        admin.close().await;
        let url = with_database(&admin_url, &name);
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Some(TestDatabase { store, url, label: "postgres", cleanup: Cleanup::Postgres { admin_url, name } }))
    }

    /// One database per available backend; says so on stderr when PostgreSQL is skipped.
    pub async fn all() -> Result<Vec<TestDatabase>, StoreError> {
        let mut databases = vec![TestDatabase::sqlite().await?];
        match TestDatabase::postgres().await? {
            Some(db) => databases.push(db),
            None => eprintln!(
                "note: PostgreSQL part skipped; set {TEST_DATABASE_URL}=postgres://postgres@127.0.0.1:5432/test to run it"
            ),
        }
        Ok(databases)
    }

    /// Closes the pool and removes the database.
    pub async fn remove(self) -> Result<(), StoreError> {
        self.store.close().await;
        match self.cleanup {
            Cleanup::Sqlite(dir) => drop(dir),
            Cleanup::Postgres { admin_url, name } => {
                let admin = Store::connect(&admin_url).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&admin.pool)
                    .await?;
                admin.close().await;
            }
        }
        Ok(())
    }
}

/// Runs raw SQL, for tests that check what the database itself refuses (append-only audit).
pub async fn execute_raw(store: &Store, sql: &'static str) -> Result<u64, StoreError> {
    Ok(sqlx::query(sql).execute(&store.pool).await?.rows_affected())
}

impl Store {
    /// Moves the time a user's password was set (tests of the maximum password age).
    pub async fn backdate_password(&self, user: crate::UserId, changed_at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_changed_at = $1 WHERE user_id = $2")
            .bind(changed_at)
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_keeping_query_parameters() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u:p@h/test?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
