//! Bulk import of monthly values (a district's month from one spreadsheet): one transaction,
//! existing values read per month in a few queries, the differences computed here, and
//! multi-row writes, so that 10,000 firms × 20 indicators do not become 200,000 round trips.
//!
//! Imported reports become `submitted`. A submitted or approved report is not overwritten: a
//! row with the same values is `Unchanged` (re-importing a file changes nothing), a row with
//! other values is `Locked`.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::validation::{RuleNeeds, RuleValues};
use xinzhi_domain::{CreditCode, Month};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_scope, write_audit};
use crate::model::*;
use crate::reports::{DataSet, DataSetId, ReportStatus};
use crate::sql::Sql;
use crate::values::ValueSource;
use crate::{Store, StoreError, now_unix};

/// Ids per `IN (…)` list.
const IDS_PER_QUERY: usize = 500;
/// Rows per multi-row statement (at most 10 parameters a row).
const ROWS_PER_STATEMENT: usize = 500;

/// One firm's month to import.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// Row of the file, for the answer.
    pub row: usize,
    pub enterprise_id: EnterpriseId,
    pub period: Month,
    pub values: Vec<(IndicatorId, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Write the rows that can be written.
    ValidRows,
    /// Write nothing if any row cannot be written.
    AllOrNothing,
}

/// How an import writes.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub mode: ImportMode,
    pub source: ValueSource,
    /// Work out every row's outcome, then write nothing (the preview).
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RowOutcome {
    Written {
        added: usize,
        changed: usize,
    },
    Unchanged,
    /// The report is submitted or approved with other values; it must be returned first.
    Locked {
        status: ReportStatus,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub rows: Vec<(usize, RowOutcome)>,
    pub values_written: usize,
    /// False for a dry run, and when all-or-nothing refused the import: nothing was written.
    /// `rows` and `values_written` still say what would have been.
    pub committed: bool,
}

type Existing = HashMap<(i64, i64, i64), (f64, i64, String, i64)>;

impl Store {
    /// Enterprise ids and names by credit code, for the codes visible to `scope` (others are
    /// absent).
    pub async fn enterprises_by_codes(
        &self,
        scope: &Scope,
        codes: &[CreditCode],
    ) -> Result<HashMap<String, (EnterpriseId, String)>, StoreError> {
        let mut found = HashMap::new();
        let unique: Vec<String> = codes.iter().map(|c| c.to_string()).collect::<HashSet<_>>().into_iter().collect();
        for chunk in unique.chunks(IDS_PER_QUERY) {
            let mut sql = Sql::new(
                self.backend,
                "SELECT e.enterprise_id, e.credit_code, e.name FROM enterprises e WHERE e.credit_code IN ",
            );
            sql.bind_list(chunk.iter().cloned())?;
            push_scope(&mut sql, scope, "e.enterprise_id")?;
            for row in sql.query().fetch_all(&self.pool).await? {
                found.insert(row.try_get::<String, _>(1)?, (EnterpriseId(row.try_get(0)?), row.try_get(2)?));
            }
        }
        Ok(found)
    }

    /// Current values of many (firm, month) pairs, read in a few queries.
    pub async fn values_of_pairs(
        &self,
        scope: &Scope,
        pairs: &[(EnterpriseId, Month)],
    ) -> Result<HashMap<(EnterpriseId, Month), Vec<(IndicatorId, f64)>>, StoreError> {
        let mut by_pair: HashMap<(EnterpriseId, Month), Vec<(IndicatorId, f64)>> = HashMap::new();
        self.scan_months(
            scope,
            pairs,
            |month| month,
            |enterprise, month, indicator, value| {
                by_pair.entry((enterprise, month)).or_default().push((indicator, value));
            },
        )
        .await?;
        Ok(by_pair)
    }

    /// For each (firm, month), each indicator's values summed from January of that year
    /// through that month (1—N月累计), for rules on cumulative values and files that report
    /// them. Months the firm did not report add nothing; only flows should be asked for.
    pub async fn sums_through(
        &self,
        scope: &Scope,
        pairs: &[(EnterpriseId, Month)],
    ) -> Result<HashMap<(EnterpriseId, Month), Vec<(IndicatorId, f64)>>, StoreError> {
        let mut sums: HashMap<(EnterpriseId, Month), HashMap<IndicatorId, f64>> = HashMap::new();
        self.scan_months(scope, pairs, Month::january, |enterprise, month, indicator, value| {
            *sums.entry((enterprise, month)).or_default().entry(indicator).or_default() += value;
        })
        .await?;
        Ok(sums
            .into_iter()
            .map(|(pair, by_indicator)| {
                let mut values: Vec<(IndicatorId, f64)> = by_indicator.into_iter().collect();
                values.sort_by_key(|(id, _)| *id);
                (pair, values)
            })
            .collect())
    }

    /// What the rules of `set` read for each (firm, month) report, from what is stored: the
    /// parts `needs` asks for, by indicator code. Callers overlay this month's new values.
    pub async fn rule_values(
        &self,
        scope: &Scope,
        set: &DataSet,
        pairs: &[(EnterpriseId, Month)],
        needs: RuleNeeds,
    ) -> Result<HashMap<(EnterpriseId, Month), RuleValues>, StoreError> {
        let code_of: HashMap<IndicatorId, &str> =
            set.indicators.iter().map(|i| (i.indicator.indicator_id, i.indicator.def.code.as_str())).collect();
        let mut answer: HashMap<(EnterpriseId, Month), RuleValues> =
            pairs.iter().map(|pair| (*pair, RuleValues::default())).collect();
        // Each part: which month's values (or sums) of the firm it holds, and where it goes.
        type Part = (bool, fn(Month) -> Option<Month>, bool, fn(&mut RuleValues) -> &mut BTreeMap<String, f64>);
        let parts: [Part; 5] = [
            (needs.this_month, Some, false, |v| &mut v.this_month),
            (needs.last_year, |m| Some(m.same_month_last_year()), false, |v| &mut v.last_year),
            (needs.last_month, |m| Some(m.prev()), false, |v| &mut v.last_month),
            (needs.earlier_this_year, |m| (m.month() > 1).then(|| m.prev()), true, |v| &mut v.earlier_this_year),
            (needs.ytd_last_year, |m| Some(m.same_month_last_year()), true, |v| &mut v.ytd_last_year),
        ];
        for (needed, month_of, summed, slot) in parts {
            if !needed {
                continue;
            }
            let wanted: Vec<((EnterpriseId, Month), (EnterpriseId, Month))> = pairs
                .iter()
                .filter_map(|&(firm, month)| month_of(month).map(|read| ((firm, read), (firm, month))))
                .collect();
            let reads: Vec<(EnterpriseId, Month)> = wanted.iter().map(|(read, _)| *read).collect();
            let found = if summed {
                self.sums_through(scope, &reads).await?
            } else {
                self.values_of_pairs(scope, &reads).await?
            };
            for (read, pair) in wanted {
                let (Some(values), Some(target)) = (found.get(&read), answer.get_mut(&pair)) else { continue };
                let map = slot(target);
                map.extend(values.iter().filter_map(|(id, v)| code_of.get(id).map(|c| ((*c).to_owned(), *v))));
            }
        }
        Ok(answer)
    }

    /// Every stored value of each pair's firm from `first(month)` through the pair's month,
    /// handed to `each` with the pair's month, in a few queries per month: by firm for a few
    /// firms, along the primary key for many.
    async fn scan_months(
        &self,
        scope: &Scope,
        pairs: &[(EnterpriseId, Month)],
        first: impl Fn(Month) -> Month,
        mut each: impl FnMut(EnterpriseId, Month, IndicatorId, f64),
    ) -> Result<(), StoreError> {
        for (period, ids) in by_month(pairs) {
            let Ok(month) = Month::from_yyyymm(period) else { continue };
            let wanted: HashSet<i64> = ids.iter().copied().collect();
            let chunks: Vec<&[i64]> =
                if ids.len() >= RANGE_SCAN_FROM { vec![&[]] } else { ids.chunks(IDS_PER_QUERY).collect() };
            for chunk in chunks {
                let mut sql =
                    Sql::new(self.backend, "SELECT enterprise_id, indicator_id, value FROM data_values WHERE ");
                let from = first(month).yyyymm();
                if from == period {
                    sql.push("period = ").bind(period)?;
                } else {
                    sql.push("period BETWEEN ").bind(from)?.push(" AND ").bind(period)?;
                }
                // Many firms: the months along the primary key, filtered below.
                if !chunk.is_empty() {
                    sql.push(" AND enterprise_id IN ");
                    sql.bind_list(chunk.iter().copied())?;
                }
                push_scope(&mut sql, scope, "data_values.enterprise_id")?;
                let mut rows = sql.query().fetch(&self.pool);
                while let Some(row) = rows.try_next().await? {
                    let enterprise: i64 = row.try_get(0)?;
                    if wanted.contains(&enterprise) {
                        each(EnterpriseId(enterprise), month, IndicatorId(row.try_get(1)?), row.try_get(2)?);
                    }
                }
            }
        }
        Ok(())
    }

    /// Imports the items in one transaction; see the module comment for the rules.
    pub async fn import_reports(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        items: &[ImportItem],
        actor: &AuditActor,
        options: ImportOptions,
    ) -> Result<ImportSummary, StoreError> {
        let ImportOptions { mode, source, dry_run } = options;
        let now = now_unix();
        self.ensure_all_visible(scope, items.iter().map(|i| i.enterprise_id)).await?;
        let pairs: Vec<(EnterpriseId, Month)> = items.iter().map(|i| (i.enterprise_id, i.period)).collect();
        let mut tx = self.begin_write().await?;
        let existing = load_existing(&mut tx, self.backend, scope, &pairs).await?;
        let statuses = load_statuses(&mut tx, self.backend, data_set, &pairs).await?;

        let mut summary = ImportSummary { rows: Vec::with_capacity(items.len()), values_written: 0, committed: true };
        let mut revisions = Vec::new();
        let mut upserts = Vec::new();
        let mut submitted = Vec::new();
        for item in items {
            let key = |indicator: IndicatorId| (item.enterprise_id.0, indicator.0, item.period.yyyymm());
            let (mut added, mut changed) = (0, 0);
            let mut row_revisions = Vec::new();
            let mut row_upserts = Vec::new();
            for &(indicator, value) in &item.values {
                if !value.is_finite() {
                    return Err(StoreError::Invalid(format!("row {}: value {value} is not a finite number", item.row)));
                }
                match existing.get(&key(indicator)) {
                    Some((old, _, _, _)) if *old == value => {}
                    Some((old, revision, old_source, written_at)) => {
                        changed += 1;
                        row_revisions.push((indicator, *revision, *old, old_source.clone(), *written_at));
                        row_upserts.push((indicator, value, revision + 1));
                    }
                    None => {
                        added += 1;
                        row_upserts.push((indicator, value, 1));
                    }
                }
            }
            let status = statuses.get(&(item.enterprise_id.0, item.period.yyyymm())).copied();
            let outcome = match status {
                Some(status) if !status.editable() => {
                    if added + changed == 0 {
                        RowOutcome::Unchanged
                    } else {
                        RowOutcome::Locked { status }
                    }
                }
                _ if added + changed == 0 && status == Some(ReportStatus::Submitted) => RowOutcome::Unchanged,
                _ => {
                    revisions.extend(row_revisions.into_iter().map(|r| (item.enterprise_id, item.period, r)));
                    upserts.extend(row_upserts.into_iter().map(|u| (item.enterprise_id, item.period, u)));
                    submitted.push((item.enterprise_id, item.period));
                    summary.values_written += added + changed;
                    RowOutcome::Written { added, changed }
                }
            };
            summary.rows.push((item.row, outcome));
        }
        let refused = mode == ImportMode::AllOrNothing
            && summary.rows.iter().any(|(_, o)| matches!(o, RowOutcome::Locked { .. }));
        if refused || dry_run {
            tx.rollback().await?;
            summary.committed = false;
            if refused {
                summary.values_written = 0;
            }
            return Ok(summary);
        }

        // In primary-key order (period, firm, indicator), so writes land on neighbouring pages.
        revisions.sort_unstable_by_key(|(e, p, (i, ..))| (p.yyyymm(), e.0, i.0));
        upserts.sort_unstable_by_key(|(e, p, (i, ..))| (p.yyyymm(), e.0, i.0));
        for chunk in revisions.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO data_value_revisions (indicator_id, period, enterprise_id, revision, value, source, written_at, \
                 replaced_at, reason, changed_by) VALUES ",
            );
            for (i, (enterprise, period, (indicator, revision, old, old_source, written_at))) in
                chunk.iter().enumerate()
            {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(indicator.0)?.push(", ");
                sql.bind(period.yyyymm())?.push(", ");
                sql.bind(enterprise.0)?.push(", ");
                sql.bind(*revision)?.push(", ");
                sql.bind(*old)?.push(", ");
                sql.bind(old_source.clone())?.push(", ");
                sql.bind(*written_at)?.push(", ");
                sql.bind(now)?.push(", 'import', ");
                sql.bind(actor.name.clone())?.push(")");
            }
            sql.query().execute(&mut *tx).await?;
        }
        // New values: plain inserts, 4 parameters a row; the source and the time are fixed
        // values of this import, written as literals (no user input reaches the SQL text).
        let (inserts, updates): (Vec<_>, Vec<_>) = upserts.iter().partition(|(_, _, (_, _, revision))| *revision == 1);
        let constants = format!(", 1, '{}', {now})", source.as_str());
        for chunk in inserts.chunks(ROWS_PER_STATEMENT * 2) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO data_values (indicator_id, period, enterprise_id, value, revision, source, updated_at) VALUES ",
            );
            for (i, (enterprise, period, (indicator, value, _))) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(indicator.0)?.push(", ");
                sql.bind(period.yyyymm())?.push(", ");
                sql.bind(enterprise.0)?.push(", ");
                sql.bind(*value)?.push(&constants);
            }
            sql.query().execute(&mut *tx).await?;
        }
        // Changed values replace the current version (its old one is in the revisions above).
        for chunk in updates.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO data_values (indicator_id, period, enterprise_id, value, revision, source, updated_at) VALUES ",
            );
            for (i, (enterprise, period, (indicator, value, revision))) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(indicator.0)?.push(", ");
                sql.bind(period.yyyymm())?.push(", ");
                sql.bind(enterprise.0)?.push(", ");
                sql.bind(*value)?.push(", ");
                sql.bind(*revision)?.push(&format!(", '{}', {now})", source.as_str()));
            }
            sql.push(
                " ON CONFLICT (indicator_id, period, enterprise_id) DO UPDATE SET value = excluded.value, \
                 revision = excluded.revision, source = excluded.source, updated_at = excluded.updated_at",
            );
            sql.query().execute(&mut *tx).await?;
        }
        for chunk in submitted.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO reports (data_set_id, enterprise_id, period, status, submitted_at, submitted_by, created_at, updated_at) VALUES ",
            );
            for (i, (enterprise, period)) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(data_set.0)?.push(", ");
                sql.bind(enterprise.0)?.push(", ");
                sql.bind(period.yyyymm())?.push(", 'submitted', ");
                sql.bind(now)?.push(", ");
                sql.bind(actor.name.clone())?.push(", ");
                sql.bind(now)?.push(", ");
                sql.bind(now)?.push(")");
            }
            sql.push(
                " ON CONFLICT (data_set_id, enterprise_id, period) DO UPDATE SET status = 'submitted', \
                 submitted_at = excluded.submitted_at, submitted_by = excluded.submitted_by, return_reason = NULL, \
                 updated_at = excluded.updated_at",
            );
            sql.query().execute(&mut *tx).await?;
        }
        let count = |f: fn(&RowOutcome) -> bool| summary.rows.iter().filter(|(_, o)| f(o)).count();
        let entry = AuditEntry {
            actor,
            action: "report.import",
            object_type: Some("data_set"),
            object_id: Some(data_set.0.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({
                "rows_written": count(|o| matches!(o, RowOutcome::Written { .. })),
                "rows_unchanged": count(|o| matches!(o, RowOutcome::Unchanged)),
                "rows_locked": count(|o| matches!(o, RowOutcome::Locked { .. })),
                "values_written": summary.values_written,
            })),
        };
        write_audit(&mut tx, &entry).await?;
        let changed: Vec<(i64, i64)> = submitted.iter().map(|(e, p)| (e.0, p.yyyymm())).collect();
        crate::changelog::log_changes_now(&mut tx, self.backend, &changed, now).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

/// Groups the pairs' firms by month.
fn by_month(pairs: &[(EnterpriseId, Month)]) -> HashMap<i64, Vec<i64>> {
    let mut months: HashMap<i64, Vec<i64>> = HashMap::new();
    for (enterprise, period) in pairs {
        months.entry(period.yyyymm()).or_default().push(enterprise.0);
    }
    for ids in months.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    months
}

/// Above this many firms in a month, the month is read along the primary key (period, firm)
/// and filtered here: one sequential range beats thousands of index lookups.
const RANGE_SCAN_FROM: usize = 200;

async fn load_existing(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    scope: &Scope,
    pairs: &[(EnterpriseId, Month)],
) -> Result<Existing, StoreError> {
    let mut existing = Existing::new();
    for (period, ids) in by_month(pairs) {
        if ids.len() >= RANGE_SCAN_FROM {
            let wanted: HashSet<i64> = ids.iter().copied().collect();
            let mut sql = Sql::new(
                backend,
                "SELECT enterprise_id, indicator_id, value, revision, source, updated_at FROM data_values \
                 WHERE period = ",
            );
            sql.bind(period)?;
            push_scope(&mut sql, scope, "data_values.enterprise_id")?;
            // Streamed: the month of every firm is far more than the rows kept.
            let mut rows = sql.query().fetch(&mut *conn);
            while let Some(row) = rows.try_next().await? {
                let enterprise: i64 = row.try_get(0)?;
                if wanted.contains(&enterprise) {
                    existing.insert(
                        (enterprise, row.try_get(1)?, period),
                        (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?),
                    );
                }
            }
            continue;
        }
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut sql = Sql::new(
                backend,
                "SELECT enterprise_id, indicator_id, value, revision, source, updated_at FROM data_values WHERE period = ",
            );
            sql.bind(period)?.push(" AND enterprise_id IN ");
            sql.bind_list(chunk.iter().copied())?;
            push_scope(&mut sql, scope, "data_values.enterprise_id")?;
            for row in sql.query().fetch_all(&mut *conn).await? {
                existing.insert(
                    (row.try_get(0)?, row.try_get(1)?, period),
                    (row.try_get(2)?, row.try_get(3)?, row.try_get(4)?, row.try_get(5)?),
                );
            }
        }
    }
    Ok(existing)
}

async fn load_statuses(
    conn: &mut sqlx::AnyConnection,
    backend: crate::Backend,
    data_set: DataSetId,
    pairs: &[(EnterpriseId, Month)],
) -> Result<HashMap<(i64, i64), ReportStatus>, StoreError> {
    let mut statuses = HashMap::new();
    for (period, ids) in by_month(pairs) {
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let mut sql = Sql::new(backend, "SELECT enterprise_id, status FROM reports WHERE data_set_id = ");
            sql.bind(data_set.0)?.push(" AND period = ").bind(period)?.push(" AND enterprise_id IN ");
            sql.bind_list(chunk.iter().copied())?;
            for row in sql.query().fetch_all(&mut *conn).await? {
                let status: String = row.try_get(1)?;
                if let Some(status) = ReportStatus::parse(&status) {
                    statuses.insert((row.try_get(0)?, period), status);
                }
            }
        }
    }
    Ok(statuses)
}
