//! Monthly reports (企业月报): the data set a firm reports, its validation rules, and each
//! report's way through draft → submitted → approved (or returned with a reason).
//!
//! Approved values are never overwritten silently: an approved report must be returned by a
//! reviewer before it changes, and every value change keeps its old version and an audit row.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;
use xinzhi_domain::validation::{Expression, Importance, MissingValues, Operator, ValidationRule};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_scope, write_audit};
use crate::model::*;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::values::{ValueSource, write_value};
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
        let mut tx = self.pool.begin().await?;
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
        Ok(DataSetId(id))
    }

    pub async fn data_set(&self, code: &str) -> Result<DataSet, StoreError> {
        let row = sqlx::query("SELECT data_set_id, code, name_zh, name_en, deadline_day, lock_after_deadline FROM data_sets WHERE code = $1")
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
            indicators,
        })
    }

    /// The active rules of a data set. A stored rule that no longer parses is an error: rules
    /// are checked when they are written.
    pub async fn validation_rules(&self, data_set: DataSetId) -> Result<Vec<ValidationRule>, StoreError> {
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

    /// A firm's report for a month (empty if not started), with last year's values.
    pub async fn report(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        enterprise: EnterpriseId,
        period: Month,
    ) -> Result<Report, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let row = sqlx::query(
            "SELECT report_id, status, explanation, return_reason, submitted_at, submitted_by, reviewed_at, reviewed_by \
             FROM reports WHERE data_set_id = $1 AND enterprise_id = $2 AND period = $3",
        )
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(period.yyyymm())
        .fetch_optional(&self.pool)
        .await?;
        let values_at = |month: Month| async move {
            sqlx::query(
                "SELECT v.indicator_id, v.value FROM data_values v JOIN data_set_indicators d \
                 ON d.indicator_id = v.indicator_id AND d.data_set_id = $1 \
                 WHERE v.enterprise_id = $2 AND v.period = $3",
            )
            .bind(data_set.0)
            .bind(enterprise.0)
            .bind(month.yyyymm())
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((IndicatorId(r.try_get(0)?), r.try_get(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()
        };
        let values = values_at(period).await?;
        let last_year = values_at(period.same_month_last_year()).await?;
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
        };
        if let Some(row) = row {
            let status: String = row.try_get("status")?;
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
    pub async fn save_report(
        &self,
        scope: &Scope,
        write: &ReportWrite,
        actor: &AuditActor,
    ) -> Result<ReportStatus, StoreError> {
        self.ensure_visible(scope, write.enterprise_id).await?;
        if let Some((_, Some(v))) = write.values.iter().find(|(_, v)| v.is_some_and(|v| !v.is_finite())) {
            return Err(StoreError::Invalid(format!("value {v} is not a finite number")));
        }
        let now = now_unix();
        let mut tx = self.pool.begin().await?;
        let current: Option<(i64, String)> = sqlx::query_as(
            "SELECT report_id, status FROM reports WHERE data_set_id = $1 AND enterprise_id = $2 AND period = $3",
        )
        .bind(write.data_set_id.0)
        .bind(write.enterprise_id.0)
        .bind(write.period.yyyymm())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((_, status)) = &current {
            let status = ReportStatus::parse(status).ok_or_else(|| corrupt("report status", status))?;
            if !status.editable() {
                return Err(StoreError::Conflict(format!(
                    "the report is {}; a reviewer must return it before it changes",
                    status.as_str()
                )));
            }
        }
        let reason = if write.submit { "submit" } else { "draft" };
        for (indicator_id, value) in &write.values {
            match value {
                Some(value) => {
                    let new = NewDataValue {
                        enterprise_id: write.enterprise_id,
                        indicator_id: *indicator_id,
                        period: write.period,
                        value: *value,
                    };
                    write_value(&mut tx, new, write.source, Some(reason), actor).await?;
                }
                None => clear_value(&mut tx, write.enterprise_id, *indicator_id, write.period, actor).await?,
            }
        }
        let status = if write.submit { ReportStatus::Submitted } else { ReportStatus::Draft };
        let (submitted_at, submitted_by) =
            if write.submit { (Some(now), Some(actor.name.clone())) } else { (None, None) };
        match current {
            Some((id, _)) => {
                sqlx::query(
                    "UPDATE reports SET status = $1, explanation = $2, submitted_at = COALESCE($3, submitted_at), \
                     submitted_by = COALESCE($4, submitted_by), return_reason = CASE WHEN $5 = 1 THEN NULL ELSE return_reason END, \
                     updated_at = $6 WHERE report_id = $7",
                )
                .bind(status.as_str())
                .bind(write.explanation.as_deref())
                .bind(submitted_at)
                .bind(submitted_by.as_deref())
                .bind(i64::from(write.submit))
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO reports (data_set_id, enterprise_id, period, status, explanation, submitted_at, submitted_by, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(write.data_set_id.0)
                .bind(write.enterprise_id.0)
                .bind(write.period.yyyymm())
                .bind(status.as_str())
                .bind(write.explanation.as_deref())
                .bind(submitted_at)
                .bind(submitted_by.as_deref())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        let entry = AuditEntry {
            actor,
            action: if write.submit { "report.submit" } else { "report.save" },
            object_type: Some("report"),
            object_id: Some(format!("{}/{}", write.enterprise_id.0, write.period)),
            outcome: Outcome::Success,
            detail: write.explanation.as_ref().map(|e| serde_json::json!({"explanation": e})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(status)
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
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE reports SET status = $1, return_reason = $2, reviewed_at = $3, reviewed_by = $4, updated_at = $3 \
             WHERE data_set_id = $5 AND enterprise_id = $6 AND period = $7 AND status = 'submitted'",
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
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("only a submitted report can be approved or returned".into()));
        }
        let entry = AuditEntry {
            actor,
            action: if reason.is_some() { "report.return" } else { "report.approve" },
            object_type: Some("report"),
            object_id: Some(format!("{}/{period}", enterprise.0)),
            outcome: Outcome::Success,
            detail: reason.map(|r| serde_json::json!({"reason": r})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(status)
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

/// Removes a value, keeping it as the last revision (a cleared field is a change too).
async fn clear_value(
    conn: &mut sqlx::AnyConnection,
    enterprise: EnterpriseId,
    indicator: IndicatorId,
    period: Month,
    actor: &AuditActor,
) -> Result<(), StoreError> {
    let current: Option<(f64, i64, String, i64)> = sqlx::query_as(
        "SELECT value, revision, source, updated_at FROM data_values WHERE indicator_id = $1 AND period = $2 AND enterprise_id = $3",
    )
    .bind(indicator.0)
    .bind(period.yyyymm())
    .bind(enterprise.0)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((old, revision, source, written_at)) = current else { return Ok(()) };
    sqlx::query(
        "INSERT INTO data_value_revisions (indicator_id, period, enterprise_id, revision, value, source, written_at, replaced_at, reason, changed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'cleared', $9)",
    )
    .bind(indicator.0)
    .bind(period.yyyymm())
    .bind(enterprise.0)
    .bind(revision)
    .bind(old)
    .bind(source)
    .bind(written_at)
    .bind(now_unix())
    .bind(&actor.name)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM data_values WHERE indicator_id = $1 AND period = $2 AND enterprise_id = $3")
        .bind(indicator.0)
        .bind(period.yyyymm())
        .bind(enterprise.0)
        .execute(&mut *conn)
        .await?;
    let entry = AuditEntry {
        actor,
        action: "data_value.delete",
        object_type: Some("data_value"),
        object_id: Some(format!("{}/{}/{period}", enterprise.0, indicator.0)),
        outcome: Outcome::Success,
        detail: Some(serde_json::json!({"value": {"old": old}})),
    };
    write_audit(conn, &entry).await
}
