//! Monthly reports (企业月报): the data set a firm reports, its validation rules, and each
//! report's way through draft → submitted → approved (or returned with a reason).
//!
//! Approved values are never overwritten silently: an approved report must be returned by a
//! reviewer before it changes, and every value change keeps its old version and an audit row.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;
use xinzhi_domain::validation::{Expression, Importance, MissingValues, Operator, ValidationRule};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_audits, push_scope, write_audit};
use crate::model::*;
use crate::org::corrupt;
use crate::sql::{Batch, Sql};
use crate::values::ValueSource;
use crate::{Store, StoreError, now_unix};

/// The standard monthly data set's code.
pub const MONTHLY: &str = "monthly";

/// Indicators a monthly report cannot be submitted without.
const REQUIRED: [&str; 5] = ["gross_output", "sales_output", "revenue", "main_revenue", "employees_end"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DataSetId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ReportId(pub i64);

/// Where a report is in the review workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Approved => "approved",
        }
    }

    pub fn parse(text: &str) -> Option<ReportStatus> {
        [ReportStatus::Draft, ReportStatus::Submitted, ReportStatus::Returned, ReportStatus::Approved]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// The reporter may still change the values.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DataSetIndicator {
    pub indicator: Indicator,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataSet {
    pub data_set_id: DataSetId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Reports are due by this day of the following month.
    pub deadline_day: i64,
    pub lock_after_deadline: bool,
    /// Submitted (not yet approved) reports count in the monitoring figures too.
    pub counts_submitted: bool,
    /// Whoever entered a report on the firm's behalf cannot approve it.
    pub four_eyes: bool,
    pub indicators: Vec<DataSetIndicator>,
}

/// A report as the form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub report_id: Option<ReportId>,
    pub enterprise_id: EnterpriseId,
    pub period: Month,
    /// `None` until the firm saves anything.
    pub status: Option<ReportStatus>,
    pub explanation: Option<String>,
    pub return_reason: Option<String>,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<String>,
    pub values: Vec<(IndicatorId, f64)>,
    /// The same firm's values a year earlier (同期), shown beside each field.
    pub last_year: Vec<(IndicatorId, f64)>,
    /// The month before, which rules on stocks compare with.
    pub last_month: Vec<(IndicatorId, f64)>,
}

/// What a reporter sends: the values (`None` clears a field) and whether to submit.
#[derive(Debug, Clone)]
pub struct ReportWrite {
    pub data_set_id: DataSetId,
    pub enterprise_id: EnterpriseId,
    pub period: Month,
    pub values: Vec<(IndicatorId, Option<f64>)>,
    pub submit: bool,
    pub explanation: Option<String>,
    pub source: ValueSource,
}

/// A reviewer's decision.
#[derive(Debug, Clone)]
pub enum Review {
    Approve,
    Return { reason: String },
}

/// A reviewer's correction of one firm's approved month: the new values and why.
#[derive(Debug, Clone, Copy)]
pub struct Correction<'a> {
    pub enterprise: EnterpriseId,
    pub period: Month,
    pub values: &'a [(IndicatorId, f64)],
    pub reason: &'a str,
}

/// A row of the review queue.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub report_id: ReportId,
    pub credit_code: String,
    pub name: String,
    pub status: ReportStatus,
    pub submitted_at: Option<i64>,
}

impl Store {
    /// Creates the standard monthly data set with the standard indicators and validation rules,
    /// unless it exists. Returns its id.
    pub async fn seed_monthly_data_set(&self) -> Result<DataSetId, StoreError> {
        if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT data_set_id FROM data_sets WHERE code = $1")
            .bind(MONTHLY)
            .fetch_optional(&self.pool)
            .await?
        {
            return Ok(DataSetId(id));
        }
        self.seed_standard_indicators().await?;
        let indicators = self.list_indicators().await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO data_sets (code, name_zh, name_en, deadline_day, lock_after_deadline) \
             VALUES ($1, '规模以上工业企业月报', 'Monthly report of above-scale enterprises', 8, 1) RETURNING data_set_id",
        )
        .bind(MONTHLY)
        .fetch_one(&mut *tx)
        .await?;
        for indicator in &indicators {
            sqlx::query("INSERT INTO data_set_indicators (data_set_id, indicator_id, required, position) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(indicator.indicator_id.0)
                .bind(i64::from(REQUIRED.contains(&indicator.def.code.as_str())))
                .bind(indicator.position)
                .execute(&mut *tx)
                .await?;
        }
        for (code, zh, en, left, op, right, importance) in xinzhi_domain::validation::STANDARD_RULES {
            sqlx::query(
                "INSERT INTO validation_rules (data_set_id, code, name_zh, name_en, left_expression, operator, \
                 right_expression, importance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(code)
            .bind(zh)
            .bind(en)
            .bind(left)
            .bind(op)
            .bind(right)
            .bind(importance)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.forget_config();
        Ok(DataSetId(id))
    }

    pub async fn data_set(&self, code: &str) -> Result<DataSet, StoreError> {
        if let Some(set) = self.cached_data_set(code) {
            return Ok(set);
        }
        let set = self.read_data_set(code).await?;
        self.cache_data_set(&set);
        Ok(set)
    }

    /// The data set as stored now, past the cache (which another server's change may have made
    /// stale); the cache takes the fresh copy.
    pub async fn data_set_fresh(&self, code: &str) -> Result<DataSet, StoreError> {
        let set = self.read_data_set(code).await?;
        self.cache_data_set(&set);
        Ok(set)
    }

    async fn read_data_set(&self, code: &str) -> Result<DataSet, StoreError> {
        let row = sqlx::query(
            "SELECT data_set_id, code, name_zh, name_en, deadline_day, lock_after_deadline, counts_submitted, \
             four_eyes FROM data_sets WHERE code = $1",
        )
        .bind(code)
        .fetch_one(&self.pool)
        .await?;
        let id: i64 = row.try_get("data_set_id")?;
        let members: Vec<(i64, bool, i64)> = sqlx::query(
            "SELECT indicator_id, required, position FROM data_set_indicators WHERE data_set_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get::<i64, _>(1)? != 0, r.try_get(2)?)))
        .collect::<Result<_, StoreError>>()?;
        let catalogue = self.list_indicators().await?;
        let indicators = members
            .iter()
            .filter_map(|(indicator_id, required, _)| {
                catalogue
                    .iter()
                    .find(|i| i.indicator_id.0 == *indicator_id && i.active)
                    .map(|i| DataSetIndicator { indicator: i.clone(), required: *required })
            })
            .collect();
        Ok(DataSet {
            data_set_id: DataSetId(id),
            code: row.try_get("code")?,
            name_zh: row.try_get("name_zh")?,
            name_en: row.try_get("name_en")?,
            deadline_day: row.try_get("deadline_day")?,
            lock_after_deadline: row.try_get::<i64, _>("lock_after_deadline")? != 0,
            counts_submitted: row.try_get::<i64, _>("counts_submitted")? != 0,
            four_eyes: row.try_get::<i64, _>("four_eyes")? != 0,
            indicators,
        })
    }

    /// The active rules of a data set. A stored rule that no longer parses is an error: rules
    /// are checked when they are written.
    pub async fn validation_rules(&self, data_set: DataSetId) -> Result<Vec<ValidationRule>, StoreError> {
        if let Some(rules) = self.cached_rules(data_set.0) {
            return Ok(rules);
        }
        let rules = self.read_validation_rules(data_set).await?;
        self.cache_rules(data_set.0, &rules);
        Ok(rules)
    }

    async fn read_validation_rules(&self, data_set: DataSetId) -> Result<Vec<ValidationRule>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, left_expression, operator, right_expression, importance, missing_values \
             FROM validation_rules WHERE data_set_id = $1 AND active = 1 ORDER BY validation_rule_id",
        )
        .bind(data_set.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let code: String = row.try_get("code")?;
                let text = |column: &str| -> Result<String, StoreError> { Ok(row.try_get(column)?) };
                Ok(ValidationRule {
                    left: Expression::parse(&text("left_expression")?).map_err(|_| corrupt("rule", &code))?,
                    operator: Operator::parse(&text("operator")?).ok_or_else(|| corrupt("rule", &code))?,
                    right: Expression::parse(&text("right_expression")?).map_err(|_| corrupt("rule", &code))?,
                    importance: Importance::parse(&text("importance")?).ok_or_else(|| corrupt("rule", &code))?,
                    missing: MissingValues::parse(&text("missing_values")?).ok_or_else(|| corrupt("rule", &code))?,
                    name_zh: text("name_zh")?,
                    name_en: text("name_en")?,
                    code,
                })
            })
            .collect()
    }

    /// A firm's report for a month (empty if not started), with last year's and last month's
    /// values.
    pub async fn report(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        enterprise: EnterpriseId,
        period: Month,
    ) -> Result<Report, StoreError> {
        // Visibility, the report and the values of this month, the month before and the same
        // month a year earlier, in one query (one row per value); no row means the firm is not
        // in the scope.
        let (last_year_month, last_month) = (period.same_month_last_year(), period.prev());
        let mut sql = Sql::new(
            self.backend,
            "SELECT e.enterprise_id, r.report_id, r.status, r.explanation, r.return_reason, r.submitted_at, \
             r.submitted_by, r.reviewed_at, r.reviewed_by, v.period, v.indicator_id, v.value FROM enterprises e \
             LEFT JOIN reports r ON r.enterprise_id = e.enterprise_id AND r.data_set_id = ",
        );
        sql.bind(data_set.0)?.push(" AND r.period = ").bind(period.yyyymm())?;
        sql.push(" LEFT JOIN data_values v ON v.enterprise_id = e.enterprise_id AND v.period IN (");
        sql.bind(period.yyyymm())?.push(", ").bind(last_year_month.yyyymm())?;
        sql.push(", ").bind(last_month.yyyymm())?;
        sql.push(") AND v.indicator_id IN (SELECT d.indicator_id FROM data_set_indicators d WHERE d.data_set_id = ");
        sql.bind(data_set.0)?.push(")");
        sql.push(" WHERE e.enterprise_id = ").bind(enterprise.0)?;
        push_scope(&mut sql, scope, "e.enterprise_id")?;
        let rows = sql.query().fetch_all(&self.pool).await?;
        let row = rows.first().ok_or(StoreError::NotFound)?;
        let (mut values, mut last_year, mut before) = (Vec::new(), Vec::new(), Vec::new());
        for r in &rows {
            let Some(month) = r.try_get::<Option<i64>, _>("period")? else { continue };
            let value = (IndicatorId(r.try_get("indicator_id")?), r.try_get("value")?);
            match month {
                m if m == period.yyyymm() => values.push(value),
                m if m == last_month.yyyymm() => before.push(value),
                _ => last_year.push(value),
            }
        }
        let mut report = Report {
            report_id: None,
            enterprise_id: enterprise,
            period,
            status: None,
            explanation: None,
            return_reason: None,
            submitted_at: None,
            submitted_by: None,
            reviewed_at: None,
            reviewed_by: None,
            values,
            last_year,
            last_month: before,
        };
        if let Some(status) = row.try_get::<Option<String>, _>("status")? {
            report.report_id = Some(ReportId(row.try_get("report_id")?));
            report.status = Some(ReportStatus::parse(&status).ok_or_else(|| corrupt("report status", &status))?);
            report.explanation = row.try_get("explanation")?;
            report.return_reason = row.try_get("return_reason")?;
            report.submitted_at = row.try_get("submitted_at")?;
            report.submitted_by = row.try_get("submitted_by")?;
            report.reviewed_at = row.try_get("reviewed_at")?;
            report.reviewed_by = row.try_get("reviewed_by")?;
        }
        Ok(report)
    }

    /// Saves a draft or submits, in one transaction with the values, their history and the
    /// audit. A submitted or approved report cannot be changed (`Conflict`): a reviewer must
    /// return it first. Validation is the caller's job (it knows the rules and the user).
    ///
    /// On SQLite the save joins the others waiting at that moment in one transaction (group
    /// commit, `report_writer.rs`); it returns once that transaction is committed.
    pub async fn save_report(
        &self,
        scope: &Scope,
        write: &ReportWrite,
        actor: &AuditActor,
    ) -> Result<ReportStatus, StoreError> {
        if let Some((_, Some(v))) = write.values.iter().find(|(_, v)| v.is_some_and(|v| !v.is_finite())) {
            return Err(StoreError::Invalid(format!("value {v} is not a finite number")));
        }
        self.ensure_visible(scope, write.enterprise_id).await?;
        match &self.report_writer {
            Some(writer) => writer.save(write.clone(), actor.clone()).await,
            None => {
                let mut outcomes = self.write_reports(&[(write, actor)]).await?;
                outcomes.pop().unwrap_or(Err(StoreError::Closed))
            }
        }
    }

    /// Writes several reports in one transaction of four trips whatever their number: begin,
    /// one read (each report and its stored values), one batch of writes, commit. A report that
    /// cannot change gets its own `Conflict`; a failure of the transaction is the `Err`. The
    /// firms' visibility is checked by the caller; no two writes may be for the same report.
    pub(crate) async fn write_reports(
        &self,
        writes: &[(&ReportWrite, &AuditActor)],
    ) -> Result<Vec<Result<ReportStatus, StoreError>>, StoreError> {
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut sql = Sql::new(self.backend, "WITH wanted (job, enterprise_id, period, data_set_id) AS (VALUES ");
        for (job, (write, _)) in writes.iter().enumerate() {
            sql.push(if job == 0 { "(" } else { ", (" });
            sql.bind(job as i64)?.push(", ").bind(write.enterprise_id.0)?.push(", ");
            sql.bind(write.period.yyyymm())?.push(", ").bind(write.data_set_id.0)?.push(")");
        }
        sql.push(
            ") SELECT w.job, r.report_id, r.status, v.indicator_id, v.value, v.revision, v.source, v.updated_at \
             FROM wanted w LEFT JOIN reports r ON r.enterprise_id = w.enterprise_id AND r.data_set_id = w.data_set_id \
             AND r.period = w.period LEFT JOIN data_values v ON v.enterprise_id = w.enterprise_id AND v.period = w.period",
        );
        let mut current: Vec<Option<(i64, String)>> = vec![None; writes.len()];
        let mut stored: Vec<Vec<StoredValue>> = writes.iter().map(|_| Vec::new()).collect();
        for row in sql.query().fetch_all(&mut *tx).await? {
            let job = usize::try_from(row.try_get::<i64, _>(0)?).map_err(|_| corrupt("job", "negative"))?;
            if let (Some(id), Some(slot)) = (row.try_get::<Option<i64>, _>(1)?, current.get_mut(job)) {
                *slot = Some((id, row.try_get(2)?));
            }
            if let (Some(indicator), Some(values)) = (row.try_get::<Option<i64>, _>(3)?, stored.get_mut(job)) {
                values.push(StoredValue {
                    indicator,
                    value: row.try_get(4)?,
                    revision: row.try_get(5)?,
                    source: row.try_get(6)?,
                    written_at: row.try_get(7)?,
                });
            }
        }

        let mut rows = ReportRows::default();
        let mut outcomes = Vec::with_capacity(writes.len());
        for (((write, actor), current), stored) in writes.iter().zip(current).zip(stored) {
            if let Some((_, status)) = &current {
                let status = ReportStatus::parse(status).ok_or_else(|| corrupt("report status", status))?;
                if !status.editable() {
                    outcomes.push(Err(StoreError::Conflict(format!(
                        "the report is {}; a reviewer must return it before it changes",
                        status.as_str()
                    ))));
                    continue;
                }
            }
            let returned = current.as_ref().is_some_and(|(_, status)| status == ReportStatus::Returned.as_str());
            outcomes.push(Ok(rows.add(write, actor, current.map(|(id, _)| id), returned, &stored)));
        }
        rows.into_batch(self.backend, now)?.execute(&mut tx).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Approves or returns a submitted report. Anything but a submitted report is a `Conflict`.
    pub async fn review_report(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        enterprise: EnterpriseId,
        period: Month,
        review: &Review,
        actor: &AuditActor,
    ) -> Result<ReportStatus, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let (status, reason) = match review {
            Review::Approve => (ReportStatus::Approved, None),
            Review::Return { reason } => (ReportStatus::Returned, Some(reason.as_str())),
        };
        let mut tx = self.begin_write().await?;
        let row: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT r.status, r.submitted_by, d.four_eyes FROM reports r JOIN data_sets d ON d.data_set_id = r.data_set_id \
             WHERE r.data_set_id = $1 AND r.enterprise_id = $2 AND r.period = $3",
        )
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(period.yyyymm())
        .fetch_optional(&mut *tx)
        .await?;
        let was = row.as_ref().map(|(status, _, _)| status.clone());
        // A reviewer who entered the firm's report on its behalf (the firm's own reporter never
        // reviews) does not approve it where the data set asks for four eyes.
        if let (Review::Approve, Some((_, Some(by), four_eyes))) = (review, &row)
            && *four_eyes != 0
            && *by == actor.name
        {
            return Err(StoreError::FourEyes);
        }
        // A submitted report is approved or returned; an approved one can still be returned for
        // correction, with a reason (its figures leave the totals until it is approved again).
        let allowed =
            matches!((was.as_deref(), review), (Some("submitted"), _) | (Some("approved"), Review::Return { .. }));
        if !allowed {
            return Err(StoreError::Conflict("only a submitted report can be approved or returned".into()));
        }
        sqlx::query(
            "UPDATE reports SET status = $1, return_reason = $2, reviewed_at = $3, reviewed_by = $4, updated_at = $3 \
             WHERE data_set_id = $5 AND enterprise_id = $6 AND period = $7",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(now_unix())
        .bind(&actor.name)
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(period.yyyymm())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: if reason.is_some() { "report.return" } else { "report.approve" },
            object_type: Some("report"),
            object_id: Some(format!("{}/{period}", enterprise.0)),
            outcome: Outcome::Success,
            detail: reason.map(|r| serde_json::json!({"reason": r, "was": was})),
        };
        write_audit(&mut tx, &entry).await?;
        let changed = [(enterprise.0, period.yyyymm())];
        crate::changelog::log_changes_now(&mut tx, self.backend, &changed, now_unix()).await?;
        tx.commit().await?;
        Ok(status)
    }

    /// A correction (更正) of an approved report by its reviewer: the values change in place, the
    /// report stays approved, each old value is kept as a revision with the reason, and the
    /// correction is audited with old and new values, all in one transaction; the engines see
    /// it at their next read. Only an approved report is corrected (others go through the firm).
    pub async fn correct_report(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        correction: &Correction<'_>,
        actor: &AuditActor,
    ) -> Result<usize, StoreError> {
        let Correction { enterprise, period, values, reason } = *correction;
        if let Some((_, v)) = values.iter().find(|(_, v)| !v.is_finite()) {
            return Err(StoreError::Invalid(format!("value {v} is not a finite number")));
        }
        self.ensure_visible(scope, enterprise).await?;
        let mut tx = self.begin_write().await?;
        let status: Option<String> = sqlx::query_scalar(
            "SELECT status FROM reports WHERE data_set_id = $1 AND enterprise_id = $2 AND period = $3",
        )
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(period.yyyymm())
        .fetch_optional(&mut *tx)
        .await?;
        if status.as_deref() != Some("approved") {
            return Err(StoreError::Conflict("only an approved report is corrected".into()));
        }
        let mut changed = serde_json::Map::new();
        for (indicator, value) in values {
            let old: Option<f64> = sqlx::query_scalar(
                "SELECT value FROM data_values WHERE indicator_id = $1 AND period = $2 AND enterprise_id = $3",
            )
            .bind(indicator.0)
            .bind(period.yyyymm())
            .bind(enterprise.0)
            .fetch_optional(&mut *tx)
            .await?;
            if old == Some(*value) {
                continue;
            }
            let new = NewDataValue { indicator_id: *indicator, period, enterprise_id: enterprise, value: *value };
            crate::values::write_value(&mut tx, self.backend, new, ValueSource::Correction, Some(reason), actor)
                .await?;
            changed.insert(indicator.0.to_string(), serde_json::json!({"old": old, "new": value}));
        }
        if changed.is_empty() {
            return Ok(0);
        }
        sqlx::query("UPDATE reports SET updated_at = $1 WHERE data_set_id = $2 AND enterprise_id = $3 AND period = $4")
            .bind(now_unix())
            .bind(data_set.0)
            .bind(enterprise.0)
            .bind(period.yyyymm())
            .execute(&mut *tx)
            .await?;
        let count = changed.len();
        let entry = AuditEntry {
            actor,
            action: "report.correct",
            object_type: Some("report"),
            object_id: Some(format!("{}/{period}", enterprise.0)),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({"reason": reason, "values": changed})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(count)
    }

    /// One firm's report statuses over a range of months (months without a report are absent).
    pub async fn report_history(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        enterprise: EnterpriseId,
        months: xinzhi_domain::period::MonthRange,
    ) -> Result<Vec<(Month, ReportStatus)>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        sqlx::query(
            "SELECT period, status FROM reports WHERE data_set_id = $1 AND enterprise_id = $2 \
             AND period BETWEEN $3 AND $4 ORDER BY period DESC",
        )
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(months.first.yyyymm())
        .bind(months.last.yyyymm())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            let period: i64 = row.try_get(0)?;
            let status: String = row.try_get(1)?;
            Ok((
                Month::from_yyyymm(period).map_err(|_| corrupt("month", period))?,
                ReportStatus::parse(&status).ok_or_else(|| corrupt("report status", &status))?,
            ))
        })
        .collect()
    }

    /// Reports of a month visible to `scope`, optionally with one status, submitted first.
    pub async fn review_queue(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        period: Month,
        status: Option<ReportStatus>,
        page: Page,
    ) -> Result<PageOf<ReportRow>, StoreError> {
        let build = |head: &str| -> Result<Sql, StoreError> {
            let mut sql = Sql::new(self.backend, head);
            sql.push(" FROM reports r JOIN enterprises e ON e.enterprise_id = r.enterprise_id WHERE r.data_set_id = ")
                .bind(data_set.0)?;
            sql.push(" AND r.period = ").bind(period.yyyymm())?;
            if let Some(status) = status {
                sql.push(" AND r.status = ").bind(status.as_str().to_owned())?;
            }
            push_scope(&mut sql, scope, "r.enterprise_id")?;
            Ok(sql)
        };
        let total: i64 = build("SELECT COUNT(*)")?.query_scalar().fetch_one(&self.pool).await?;
        let mut select = build("SELECT r.report_id, e.credit_code, e.name, r.status, r.submitted_at")?;
        select
            .push(" ORDER BY CASE WHEN r.status = 'submitted' THEN 0 ELSE 1 END, r.submitted_at, e.name LIMIT ")
            .bind(page.limit)?;
        select.push(" OFFSET ").bind(page.offset)?;
        let items = select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok(ReportRow {
                    report_id: ReportId(row.try_get("report_id")?),
                    credit_code: row.try_get("credit_code")?,
                    name: row.try_get("name")?,
                    status: ReportStatus::parse(&status).ok_or_else(|| corrupt("report status", &status))?,
                    submitted_at: row.try_get("submitted_at")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(PageOf { total, items })
    }
}

/// A value as stored, before a report's write replaces it.
#[derive(Clone)]
struct StoredValue {
    indicator: i64,
    value: f64,
    revision: i64,
    source: String,
    written_at: i64,
}

/// The rows a transaction of report saves writes, gathered per table so that any number of
/// saves costs one multi-row statement per table.
#[derive(Default)]
struct ReportRows {
    revisions: Vec<RevisionRow>,
    /// (indicator, period, firm, value, revision, source)
    values: Vec<(i64, i64, i64, f64, i64, &'static str)>,
    /// (period, firm, cleared indicators)
    cleared: Vec<(i64, i64, Vec<i64>)>,
    new_reports: Vec<(ReportWrite, ReportStatus, Option<String>)>,
    /// (report id, write, status, submitted by)
    changed_reports: Vec<(i64, ReportWrite, ReportStatus, Option<String>)>,
    audits: Vec<(AuditActor, &'static str, String, serde_json::Value)>,
    /// (firm, period) of every save, for the change log.
    saved: Vec<(i64, i64)>,
}

/// A value's version as it is replaced or cleared, with why and by whom.
struct RevisionRow {
    indicator: i64,
    period: i64,
    enterprise: i64,
    old: StoredValue,
    why: &'static str,
    who: String,
}

/// Rows per multi-row statement (at most ten parameters a row).
const ROWS_PER_STATEMENT: usize = 2_000;

impl ReportRows {
    /// Adds one save: its values (with history), the report row, the audit entry. A value
    /// replaced in a `returned` report is a correction the reviewer asked for.
    fn add(
        &mut self,
        write: &ReportWrite,
        actor: &AuditActor,
        report_id: Option<i64>,
        returned: bool,
        stored: &[StoredValue],
    ) -> ReportStatus {
        let (enterprise, period) = (write.enterprise_id.0, write.period.yyyymm());
        let reason = match (returned, write.submit) {
            (true, _) => "returned",
            (false, true) => "submit",
            (false, false) => "draft",
        };
        let mut changes = serde_json::Map::new();
        let mut cleared = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (indicator, value) in &write.values {
            if !seen.insert(indicator.0) {
                continue;
            }
            let old = stored.iter().find(|s| s.indicator == indicator.0);
            if let Some(old) = old.filter(|o| Some(o.value) != *value) {
                let why = if value.is_some() { reason } else { "cleared" };
                self.revisions.push(RevisionRow {
                    indicator: indicator.0,
                    period,
                    enterprise,
                    old: old.clone(),
                    why,
                    who: actor.name.clone(),
                });
            }
            match (old, value) {
                (Some(old), Some(new)) if old.value == *new => {}
                (None, None) => {}
                (_, Some(new)) => self.values.push((
                    indicator.0,
                    period,
                    enterprise,
                    *new,
                    old.map_or(1, |o| o.revision + 1),
                    write.source.as_str(),
                )),
                (Some(_), None) => cleared.push(indicator.0),
            }
            if old.map(|o| o.value) != *value {
                changes.insert(indicator.0.to_string(), serde_json::json!({"old": old.map(|o| o.value), "new": value}));
            }
        }
        if !cleared.is_empty() {
            self.cleared.push((period, enterprise, cleared));
        }
        let status = if write.submit { ReportStatus::Submitted } else { ReportStatus::Draft };
        let submitted_by = write.submit.then(|| actor.name.clone());
        match report_id {
            Some(id) => self.changed_reports.push((id, write.clone(), status, submitted_by)),
            None => self.new_reports.push((write.clone(), status, submitted_by)),
        }
        self.saved.push((enterprise, period));
        let action = if write.submit { "report.submit" } else { "report.save" };
        let detail = serde_json::json!({"explanation": write.explanation, "values": changes});
        self.audits.push((actor.clone(), action, format!("{enterprise}/{}", write.period), detail));
        status
    }

    /// The statements, table by table (revisions before the values they preserve).
    fn into_batch(self, backend: crate::Backend, now: i64) -> Result<Batch, StoreError> {
        let mut batch = Batch::new(backend);
        for chunk in self.revisions.chunks(ROWS_PER_STATEMENT) {
            let sql = batch.statement(
                "INSERT INTO data_value_revisions (indicator_id, period, enterprise_id, revision, value, source, \
                 written_at, replaced_at, reason, changed_by) VALUES ",
            );
            for (i, r) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(r.indicator)?.push(", ").bind(r.period)?.push(", ").bind(r.enterprise)?.push(", ");
                sql.bind(r.old.revision)?
                    .push(", ")
                    .bind(r.old.value)?
                    .push(", ")
                    .bind(r.old.source.clone())?
                    .push(", ");
                sql.bind(r.old.written_at)?.push(", ").bind(now)?.push(", ").bind(r.why.to_owned())?.push(", ");
                sql.bind(r.who.clone())?.push(")");
            }
        }
        for chunk in self.values.chunks(ROWS_PER_STATEMENT) {
            let sql = batch.statement(
                "INSERT INTO data_values (indicator_id, period, enterprise_id, value, revision, source, updated_at) VALUES ",
            );
            for (i, (indicator, period, enterprise, value, revision, source)) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(*indicator)?.push(", ").bind(*period)?.push(", ").bind(*enterprise)?.push(", ");
                sql.bind(*value)?.push(", ").bind(*revision)?.push(", ").bind((*source).to_owned())?.push(", ");
                sql.bind(now)?.push(")");
            }
            sql.push(
                " ON CONFLICT (indicator_id, period, enterprise_id) DO UPDATE SET value = excluded.value, \
                 revision = excluded.revision, source = excluded.source, updated_at = excluded.updated_at",
            );
        }
        for (period, enterprise, indicators) in self.cleared {
            let sql = batch.statement("DELETE FROM data_values WHERE period = ");
            sql.bind(period)?.push(" AND enterprise_id = ").bind(enterprise)?.push(" AND indicator_id IN ");
            sql.bind_list(indicators)?;
        }
        for chunk in self.new_reports.chunks(ROWS_PER_STATEMENT) {
            let sql = batch.statement(
                "INSERT INTO reports (data_set_id, enterprise_id, period, status, explanation, submitted_at, \
                 submitted_by, created_at, updated_at) VALUES ",
            );
            for (i, (write, status, submitted_by)) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(write.data_set_id.0)?.push(", ").bind(write.enterprise_id.0)?.push(", ");
                sql.bind(write.period.yyyymm())?.push(", ").bind(status.as_str().to_owned())?.push(", ");
                sql.bind(write.explanation.clone())?.push(", ").bind(write.submit.then_some(now))?.push(", ");
                sql.bind(submitted_by.clone())?.push(", ").bind(now)?.push(", ").bind(now)?.push(")");
            }
        }
        for (id, write, status, submitted_by) in self.changed_reports {
            let sql = batch.statement("UPDATE reports SET status = ");
            sql.bind(status.as_str().to_owned())?.push(", explanation = ").bind(write.explanation)?;
            sql.push(", submitted_at = COALESCE(").bind(write.submit.then_some(now))?.push(", submitted_at)");
            sql.push(", submitted_by = COALESCE(").bind(submitted_by)?.push(", submitted_by)");
            if write.submit {
                sql.push(", return_reason = NULL");
            }
            sql.push(", updated_at = ").bind(now)?.push(" WHERE report_id = ").bind(id)?;
        }
        for chunk in self.audits.chunks(ROWS_PER_STATEMENT) {
            let entries: Vec<AuditEntry<'_>> = chunk
                .iter()
                .map(|(actor, action, object_id, detail)| AuditEntry {
                    actor,
                    action,
                    object_type: Some("report"),
                    object_id: Some(object_id.clone()),
                    outcome: Outcome::Success,
                    detail: Some(detail.clone()),
                })
                .collect();
            push_audits(batch.statement(""), &entries)?;
        }
        crate::changelog::log_changes(&mut batch, &self.saved, now)?;
        Ok(batch)
    }
}
