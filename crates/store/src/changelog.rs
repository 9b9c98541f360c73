//! The change log (`value_changes`): every write of a firm's month appends its pair in the same
//! transaction, and the monitoring engines of every server read what was appended since they
//! last looked, so that a figure shown anywhere is the stored one. Writers (reports, values,
//! imports) and the engines' reads meet here and nowhere else.

use sqlx::Row;
use xinzhi_domain::Month;

use crate::org::corrupt;
use crate::sql::{Batch, Sql};
use crate::{EnterpriseId, Store, StoreError, now_unix};

/// Where the change log stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeMarks {
    pub last_change: i64,
    pub registry_revision: i64,
    /// Revision of the annual profiles (bumped by every profile write).
    pub profile_revision: i64,
}

/// One entry of the change log: a firm's month changed, or (no firm) everything did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueChange {
    pub change_id: i64,
    pub pair: Option<(EnterpriseId, Month)>,
}

/// Appends "these firms' months changed" to the change log, inside the caller's transaction.
pub(crate) fn log_changes(batch: &mut Batch, pairs: &[(i64, i64)], now: i64) -> Result<(), StoreError> {
    for chunk in pairs.chunks(1_000) {
        let sql = batch.statement("INSERT INTO value_changes (enterprise_id, period, changed_at) VALUES ");
        for (i, (enterprise, period)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(*enterprise)?.push(", ").bind(*period)?.push(", ").bind(now)?.push(")");
        }
    }
    Ok(())
}

/// Writes change-log rows at once on `conn` (a transaction of the caller's).
pub(crate) async fn log_changes_now(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    pairs: &[(i64, i64)],
    now: i64,
) -> Result<(), StoreError> {
    let mut batch = Batch::new(backend);
    log_changes(&mut batch, pairs, now)?;
    batch.execute(conn).await
}

impl Store {
    /// The newest change id and the registry revision: one cheap read before every query of
    /// the engine, so that what another server wrote shows at once.
    pub async fn change_marks(&self) -> Result<ChangeMarks, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COALESCE(MAX(change_id), 0) FROM value_changes), \
             (SELECT revision FROM change_counters WHERE name = 'registry'), \
             (SELECT revision FROM change_counters WHERE name = 'profiles')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(ChangeMarks {
            last_change: row.try_get(0)?,
            registry_revision: row.try_get(1)?,
            profile_revision: row.try_get(2)?,
        })
    }

    /// Change-log entries after `after`, oldest first, at most `limit`.
    pub async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<ValueChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT change_id, enterprise_id, period FROM value_changes WHERE change_id > $1 ORDER BY change_id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(change_row).collect()
    }

    /// Change-log entries with these ids (ones missing earlier that may have committed since).
    pub async fn changes_with_ids(&self, ids: &[i64]) -> Result<Vec<ValueChange>, StoreError> {
        let mut found = Vec::new();
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(
                self.backend,
                "SELECT change_id, enterprise_id, period FROM value_changes WHERE change_id IN ",
            );
            sql.bind_list(chunk.iter().copied())?;
            for row in sql.query().fetch_all(&self.pool).await? {
                found.push(change_row(&row)?);
            }
        }
        Ok(found)
    }

    /// Marks every value as changed (after a bulk load), for engines already running.
    pub async fn log_reload(&self) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO value_changes (enterprise_id, period, changed_at) VALUES (NULL, NULL, $1)")
            .bind(now_unix())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn change_row(row: &sqlx::any::AnyRow) -> Result<ValueChange, StoreError> {
    let (firm, period): (Option<i64>, Option<i64>) = (row.try_get(1)?, row.try_get(2)?);
    let pair = match (firm, period) {
        (Some(firm), Some(period)) => {
            Some((EnterpriseId(firm), Month::from_yyyymm(period).map_err(|_| corrupt("month", period))?))
        }
        _ => None,
    };
    Ok(ValueChange { change_id: row.try_get(0)?, pair })
}
