//! Who must report, who did, and who may still: the reporting population of a month (its
//! above-scale firms and the firms the analyst added), per-firm exceptions to the lock after
//! the deadline, and the data set's settings.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_scope, write_audit};
use crate::enterprises::{CURRENT_ATTRIBUTION_JOINS, SUMMARY_COLUMNS, require_city, summary_from_row};
use crate::model::{EnterpriseId, EnterpriseSummary};
use crate::org::corrupt;
use crate::reports::{DataSetId, ReportStatus};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A firm that must report a month, where it belongs now, and its report so far.
#[derive(Debug, Clone, Serialize)]
pub struct DueReport {
    pub firm: EnterpriseSummary,
    pub status: Option<ReportStatus>,
    pub submitted_at: Option<i64>,
    /// The firm's exception to the lock: open until the end of this day (yyyymmdd).
    pub exception_until: Option<i64>,
}

/// A firm allowed to report after the deadline.
#[derive(Debug, Clone, Serialize)]
pub struct ReportException {
    pub enterprise_id: EnterpriseId,
    pub period: Month,
    /// yyyymmdd, inclusive.
    pub until_date: i64,
    pub reason: String,
    pub granted_by: String,
}

/// What an analyst sets for a data set.
#[derive(Debug, Clone)]
pub struct DataSetSettings {
    pub deadline_day: i64,
    pub lock_after_deadline: bool,
    /// Submitted reports count in the monitoring figures before they are approved.
    pub counts_submitted: bool,
    /// Whoever entered a report on the firm's behalf cannot approve it.
    pub four_eyes: bool,
    /// Indicator ids in form order, with whether each is required.
    pub indicators: Vec<(crate::model::IndicatorId, bool)>,
}

impl Store {
    /// The firms of `scope` that must report `period`: above-scale in that month, or added to
    /// the data set; with their report's status, ordered by district, park and name.
    pub async fn due_reports(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        period: Month,
    ) -> Result<Vec<DueReport>, StoreError> {
        let mut sql = Sql::new(self.backend, SUMMARY_COLUMNS);
        sql.push(", rep.status, rep.submitted_at, x.until_date FROM enterprises e ");
        sql.push(CURRENT_ATTRIBUTION_JOINS);
        sql.push(" LEFT JOIN reports rep ON rep.enterprise_id = e.enterprise_id AND rep.data_set_id = ")
            .bind(data_set.0)?;
        sql.push(" AND rep.period = ").bind(period.yyyymm())?;
        sql.push(" LEFT JOIN report_exceptions x ON x.enterprise_id = e.enterprise_id AND x.data_set_id = ")
            .bind(data_set.0)?;
        sql.push(" AND x.period = ").bind(period.yyyymm())?;
        sql.push(
            " WHERE (EXISTS (SELECT 1 FROM memberships m WHERE m.enterprise_id = e.enterprise_id \
             AND m.kind = 'above_scale' AND m.valid_from <= ",
        )
        .bind(period.yyyymm())?;
        sql.push(" AND (m.valid_to IS NULL OR m.valid_to >= ").bind(period.yyyymm())?;
        sql.push(
            ")) OR EXISTS (SELECT 1 FROM data_set_firms f WHERE f.enterprise_id = e.enterprise_id AND f.data_set_id = ",
        )
        .bind(data_set.0)?;
        sql.push("))");
        push_scope(&mut sql, scope, "e.enterprise_id")?;
        sql.push(" ORDER BY r.code, p.code, e.name, e.enterprise_id");
        sql.query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let status: Option<String> = row.try_get("status")?;
                Ok(DueReport {
                    firm: summary_from_row(row)?,
                    status: status
                        .map(|s| ReportStatus::parse(&s).ok_or_else(|| corrupt("report status", &s)))
                        .transpose()?,
                    submitted_at: row.try_get("submitted_at")?,
                    exception_until: row.try_get("until_date")?,
                })
            })
            .collect()
    }

    /// How many reports of the data set are submitted for the months `first` to `last`.
    pub async fn count_reports(&self, data_set: DataSetId, first: Month, last: Month) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM reports WHERE data_set_id = $1 AND period BETWEEN $2 AND $3 AND status = 'submitted'",
        )
        .bind(data_set.0)
        .bind(first.yyyymm())
        .bind(last.yyyymm())
        .fetch_one(&self.pool)
        .await?)
    }

    /// The firm's exception to the lock for the month, if any (yyyymmdd, inclusive).
    pub async fn report_exception(
        &self,
        data_set: DataSetId,
        enterprise: EnterpriseId,
        period: Month,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT until_date FROM report_exceptions WHERE data_set_id = $1 AND enterprise_id = $2 AND period = $3",
        )
        .bind(data_set.0)
        .bind(enterprise.0)
        .bind(period.yyyymm())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every exception to the lock of a month, by firm (yyyymmdd, inclusive).
    pub async fn exceptions_of_month(
        &self,
        data_set: DataSetId,
        period: Month,
    ) -> Result<std::collections::HashMap<EnterpriseId, i64>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT enterprise_id, until_date FROM report_exceptions WHERE data_set_id = $1 AND period = $2",
        )
        .bind(data_set.0)
        .bind(period.yyyymm())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(e, until)| (EnterpriseId(e), until)).collect())
    }

    /// Lets a firm report a locked month until the end of `until_date` (a city decision,
    /// audited); granting again replaces the earlier exception.
    pub async fn grant_exception(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        exception: &ReportException,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        require_city(scope)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO report_exceptions (data_set_id, enterprise_id, period, until_date, reason, granted_by, granted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (data_set_id, enterprise_id, period) DO UPDATE SET \
             until_date = excluded.until_date, reason = excluded.reason, granted_by = excluded.granted_by, \
             granted_at = excluded.granted_at",
        )
        .bind(data_set.0)
        .bind(exception.enterprise_id.0)
        .bind(exception.period.yyyymm())
        .bind(exception.until_date)
        .bind(&exception.reason)
        .bind(&actor.name)
        .bind(now_unix())
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: "report.exception",
            object_type: Some("enterprise"),
            object_id: Some(exception.enterprise_id.0.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({
                "period": exception.period.to_string(),
                "until": exception.until_date,
                "reason": exception.reason,
            })),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes the deadline, the lock and the indicators of a data set (audited, old → new).
    pub async fn update_data_set(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        settings: &DataSetSettings,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        require_city(scope)?;
        if !(1..=28).contains(&settings.deadline_day) {
            return Err(StoreError::Invalid(format!("deadline day {} is not within 1–28", settings.deadline_day)));
        }
        let mut tx = self.begin_write().await?;
        let old = sqlx::query(
            "SELECT deadline_day, lock_after_deadline, counts_submitted, four_eyes FROM data_sets WHERE data_set_id = $1",
        )
        .bind(data_set.0)
        .fetch_one(&mut *tx)
        .await?;
        let was_counting = old.try_get::<i64, _>(2)? != 0;
        let old_indicators: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT indicator_id, required FROM data_set_indicators WHERE data_set_id = $1 ORDER BY position",
        )
        .bind(data_set.0)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE data_sets SET deadline_day = $1, lock_after_deadline = $2, counts_submitted = $3, four_eyes = $4 \
             WHERE data_set_id = $5",
        )
        .bind(settings.deadline_day)
        .bind(i64::from(settings.lock_after_deadline))
        .bind(i64::from(settings.counts_submitted))
        .bind(i64::from(settings.four_eyes))
        .bind(data_set.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM data_set_indicators WHERE data_set_id = $1")
            .bind(data_set.0)
            .execute(&mut *tx)
            .await?;
        for (position, (indicator, required)) in settings.indicators.iter().enumerate() {
            sqlx::query(
                "INSERT INTO data_set_indicators (data_set_id, indicator_id, required, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(data_set.0)
            .bind(indicator.0)
            .bind(i64::from(*required))
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        let new_indicators: Vec<(i64, i64)> =
            settings.indicators.iter().map(|(id, required)| (id.0, i64::from(*required))).collect();
        let entry = AuditEntry {
            actor,
            action: "data_set.update",
            object_type: Some("data_set"),
            object_id: Some(data_set.0.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({
                "deadline_day": {"old": old.try_get::<i64, _>(0)?, "new": settings.deadline_day},
                "lock_after_deadline": {"old": old.try_get::<i64, _>(1)? != 0, "new": settings.lock_after_deadline},
                "counts_submitted": {"old": was_counting, "new": settings.counts_submitted},
                "four_eyes": {"old": old.try_get::<i64, _>(3)? != 0, "new": settings.four_eyes},
                "indicators": {"old": old_indicators, "new": new_indicators},
            })),
        };
        write_audit(&mut tx, &entry).await?;
        if was_counting != settings.counts_submitted {
            // Every engine reloads: the submitted months' values come in or go out.
            sqlx::query("INSERT INTO value_changes (enterprise_id, period, changed_at) VALUES (NULL, NULL, $1)")
                .bind(crate::now_unix())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.forget_config();
        Ok(())
    }

    /// Adds (or, with `add = false`, removes) firms that must report besides the above-scale set.
    pub async fn set_data_set_firms(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        firms: &[EnterpriseId],
        add: bool,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        require_city(scope)?;
        let mut tx = self.begin_write().await?;
        for firm in firms {
            let query = if add {
                sqlx::query(
                    "INSERT INTO data_set_firms (data_set_id, enterprise_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (data_set_id, enterprise_id) DO NOTHING",
                )
                .bind(data_set.0)
                .bind(firm.0)
                .bind(actor.name.clone())
                .bind(now_unix())
            } else {
                sqlx::query("DELETE FROM data_set_firms WHERE data_set_id = $1 AND enterprise_id = $2")
                    .bind(data_set.0)
                    .bind(firm.0)
            };
            query.execute(&mut *tx).await?;
        }
        let entry = AuditEntry {
            actor,
            action: if add { "data_set.add_firms" } else { "data_set.remove_firms" },
            object_type: Some("data_set"),
            object_id: Some(data_set.0.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({ "enterprises": firms.iter().map(|f| f.0).collect::<Vec<_>>() })),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}
