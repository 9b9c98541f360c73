//! What the in-memory analytics engine reads: the registry whole, monthly values and report
//! statuses in bulk, and the change log it catches up with; and the annual targets.
//!
//! The engine holds every firm of the city and applies the caller's scope itself, so these
//! reads are not scoped: they are for the engine only, never for a handler.

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::targets::{LightRule, TargetKind};
use xinzhi_domain::{DesignationLevel, DesignationStatus, MembershipKind, Month, Tier};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, write_audit};
use crate::model::{EnterpriseId, IndicatorId};
use crate::org::corrupt;
use crate::reports::{DataSetId, ReportStatus};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A firm as the engine keeps it.
#[derive(Debug, Clone)]
pub struct FirmRecord {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    /// GB/T 4754 class code as stored (`C3311`).
    pub industry_code: String,
    /// Its 大类, the two digits after the section letter (33); 0 when the code is not valid.
    pub division: u8,
    /// Land it uses, in mu (亩), where recorded.
    pub land_mu: Option<f64>,
    /// yyyymmdd, where recorded.
    pub established_on: Option<i64>,
}

/// A membership span: the firm belongs to `target` (a region, park, cluster or segment id; 0
/// for the above-scale set) from `valid_from` through `valid_to`.
#[derive(Debug, Clone, Copy)]
pub struct MembershipSpan {
    pub enterprise_id: EnterpriseId,
    pub kind: MembershipKind,
    pub target: i64,
    pub valid_from: Month,
    pub valid_to: Option<Month>,
}

/// A ladder designation with its dates (`yyyymmdd`).
#[derive(Debug, Clone, Copy)]
pub struct DesignationSpan {
    pub enterprise_id: EnterpriseId,
    pub tier: Tier,
    pub level: DesignationLevel,
    pub granted_on: i64,
    pub expires_on: Option<i64>,
    pub status: DesignationStatus,
}

/// A programme recognition, as the engine counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgrammeSpan {
    pub enterprise_id: EnterpriseId,
    pub programme: xinzhi_domain::programme::Programme,
    /// yyyymmdd.
    pub recognised_on: i64,
    pub quantity: i64,
}

/// The registry at one revision: firms, memberships, designations, and which chain each
/// segment belongs to.
#[derive(Debug, Clone, Default)]
pub struct RegistrySnapshot {
    pub revision: i64,
    pub firms: Vec<FirmRecord>,
    pub memberships: Vec<MembershipSpan>,
    pub designations: Vec<DesignationSpan>,
    pub programmes: Vec<ProgrammeSpan>,
    /// (segment id, chain id).
    pub segment_chains: Vec<(i64, i64)>,
    /// (chain id, cluster id): a firm on a chain belongs to the chain's cluster.
    pub chain_clusters: Vec<(i64, i64)>,
}

/// An annual target of a unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub target_id: i64,
    pub year: i32,
    pub unit: TargetUnit,
    /// An indicator code (growth, level) or a count metric (`new_above_scale`, `new_<tier>`).
    pub metric: String,
    pub kind: TargetKind,
    /// Percent for growth; the indicator's unit for a level; a number for a count.
    pub value: f64,
    pub lights: LightRule,
    pub note: Option<String>,
    pub updated_at: i64,
    pub updated_by: String,
}

/// The unit a target belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum TargetUnit {
    City,
    District(i64),
    Park(i64),
    Cluster(i64),
    Chain(i64),
}

impl TargetUnit {
    fn columns(self) -> (&'static str, i64) {
        match self {
            TargetUnit::City => ("city", 0),
            TargetUnit::District(id) => ("district", id),
            TargetUnit::Park(id) => ("park", id),
            TargetUnit::Cluster(id) => ("cluster", id),
            TargetUnit::Chain(id) => ("chain", id),
        }
    }

    fn from_columns(kind: &str, id: i64) -> Option<TargetUnit> {
        Some(match kind {
            "city" => TargetUnit::City,
            "district" => TargetUnit::District(id),
            "park" => TargetUnit::Park(id),
            "cluster" => TargetUnit::Cluster(id),
            "chain" => TargetUnit::Chain(id),
            _ => return None,
        })
    }

    /// Whether a caller of `scope` sees this unit's targets: the city sees all; a district
    /// its own and its parks' (`park_region` says a park's district); a park its own.
    pub fn visible_to(self, scope: &Scope, park_region: impl Fn(i64) -> Option<i64>) -> bool {
        match (scope, self) {
            (Scope::City, _) => true,
            (Scope::District(region), TargetUnit::District(id)) => region.0 == id,
            (Scope::District(region), TargetUnit::Park(id)) => park_region(id) == Some(region.0),
            (Scope::Park(park), TargetUnit::Park(id)) => park.0 == id,
            _ => false,
        }
    }
}

/// A target as set by the analyst.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub year: i32,
    pub unit: TargetUnit,
    pub metric: String,
    pub kind: TargetKind,
    pub value: f64,
    pub lights: LightRule,
    pub note: Option<String>,
}

impl Store {
    /// The whole registry, with the revision it was read at (read first: a change during the
    /// read leaves a newer revision, and the engine reads again).
    pub async fn registry_snapshot(&self) -> Result<RegistrySnapshot, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let revision: i64 = sqlx::query_scalar("SELECT revision FROM change_counters WHERE name = 'registry'")
            .fetch_one(&mut *conn)
            .await?;
        let mut snapshot = RegistrySnapshot { revision, ..RegistrySnapshot::default() };
        let mut rows = sqlx::query(
            "SELECT enterprise_id, credit_code, name, industry_code, land_area_mu, established_on FROM enterprises \
             ORDER BY enterprise_id",
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let industry_code: String = row.try_get(3)?;
            let division =
                xinzhi_domain::IndustryCode::parse(&industry_code).ok().and_then(|c| c.division()).unwrap_or(0);
            snapshot.firms.push(FirmRecord {
                enterprise_id: EnterpriseId(row.try_get(0)?),
                credit_code: row.try_get(1)?,
                name: row.try_get(2)?,
                industry_code,
                division,
                land_mu: row.try_get(4)?,
                established_on: row.try_get(5)?,
            });
        }
        drop(rows);
        let mut rows = sqlx::query(
            "SELECT enterprise_id, kind, COALESCE(region_id, park_id, cluster_id, segment_id, 0), valid_from, valid_to \
             FROM memberships",
        )
        .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let kind: String = row.try_get(1)?;
            let month = |yyyymm: i64| Month::from_yyyymm(yyyymm).map_err(|_| corrupt("month", yyyymm));
            snapshot.memberships.push(MembershipSpan {
                enterprise_id: EnterpriseId(row.try_get(0)?),
                kind: MembershipKind::parse(&kind).ok_or_else(|| corrupt("membership kind", &kind))?,
                target: row.try_get(2)?,
                valid_from: month(row.try_get(3)?)?,
                valid_to: row.try_get::<Option<i64>, _>(4)?.map(month).transpose()?,
            });
        }
        drop(rows);
        let mut rows =
            sqlx::query("SELECT enterprise_id, tier, level, granted_on, expires_on, status FROM designations")
                .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let (tier, level, status): (String, String, String) = (row.try_get(1)?, row.try_get(2)?, row.try_get(5)?);
            snapshot.designations.push(DesignationSpan {
                enterprise_id: EnterpriseId(row.try_get(0)?),
                tier: Tier::parse(&tier).ok_or_else(|| corrupt("tier", &tier))?,
                level: DesignationLevel::parse(&level).ok_or_else(|| corrupt("designation level", &level))?,
                granted_on: row.try_get(3)?,
                expires_on: row.try_get(4)?,
                status: DesignationStatus::parse(&status).ok_or_else(|| corrupt("designation status", &status))?,
            });
        }
        drop(rows);
        let mut rows = sqlx::query("SELECT enterprise_id, programme, recognised_on, quantity FROM programme_records")
            .fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let programme: String = row.try_get(1)?;
            snapshot.programmes.push(ProgrammeSpan {
                enterprise_id: EnterpriseId(row.try_get(0)?),
                programme: xinzhi_domain::programme::Programme::parse(&programme)
                    .ok_or_else(|| corrupt("programme", &programme))?,
                recognised_on: row.try_get(2)?,
                quantity: row.try_get(3)?,
            });
        }
        drop(rows);
        snapshot.segment_chains =
            sqlx::query_as("SELECT segment_id, chain_id FROM chain_segments").fetch_all(&mut *conn).await?;
        snapshot.chain_clusters =
            sqlx::query_as("SELECT chain_id, cluster_id FROM chains").fetch_all(&mut *conn).await?;
        Ok(snapshot)
    }

    /// Every stored value of `indicators` in `months`, in key order (month, firm, indicator),
    /// handed to `each`; returns how many. One range of the primary key, streamed.
    pub async fn scan_values(
        &self,
        months: MonthRange,
        indicators: &[IndicatorId],
        mut each: impl FnMut(EnterpriseId, Month, IndicatorId, f64),
    ) -> Result<u64, StoreError> {
        let mut count = 0;
        let mut sql = Sql::new(
            self.backend,
            "SELECT period, enterprise_id, indicator_id, value FROM data_values WHERE period BETWEEN ",
        );
        sql.bind(months.first.yyyymm())?.push(" AND ").bind(months.last.yyyymm())?;
        sql.push(" AND indicator_id IN ").bind_list(indicators.iter().map(|i| i.0))?;
        let mut rows = sql.query().fetch(&self.pool);
        let mut month: Option<(i64, Month)> = None;
        while let Some(row) = rows.try_next().await? {
            let period: i64 = row.try_get(0)?;
            let current = match month {
                Some((p, m)) if p == period => m,
                _ => {
                    let m = Month::from_yyyymm(period).map_err(|_| corrupt("month", period))?;
                    month = Some((period, m));
                    m
                }
            };
            each(EnterpriseId(row.try_get(1)?), current, IndicatorId(row.try_get(2)?), row.try_get(3)?);
            count += 1;
        }
        Ok(count)
    }

    /// Every firm-month of `months` with any value of `indicators`, in key order, handed to
    /// `each` with the values in the order of `indicators` (`None` where missing); returns how
    /// many firm-months. One row per firm-month (the indicators pivoted in SQL) rather than
    /// one per value: each row crosses from the database thread to ours on its own, and at
    /// 19 million values those crossings, not the scan, were the cost (15 s).
    pub async fn scan_firm_months(
        &self,
        months: MonthRange,
        indicators: &[IndicatorId],
        mut each: impl FnMut(EnterpriseId, Month, &[Option<f64>]),
    ) -> Result<u64, StoreError> {
        if indicators.is_empty() {
            return Ok(0);
        }
        let mut sql = Sql::new(self.backend, "SELECT period, enterprise_id");
        for indicator in indicators {
            sql.push(", MAX(CASE WHEN indicator_id = ").bind(indicator.0)?.push(" THEN value END)");
        }
        sql.push(" FROM data_values WHERE period BETWEEN ").bind(months.first.yyyymm())?;
        sql.push(" AND ").bind(months.last.yyyymm())?;
        sql.push(" AND indicator_id IN ").bind_list(indicators.iter().map(|i| i.0))?;
        sql.push(" GROUP BY period, enterprise_id");
        let mut rows = sql.query().fetch(&self.pool);
        let mut values = vec![None; indicators.len()];
        let mut count = 0;
        let mut month: Option<(i64, Month)> = None;
        while let Some(row) = rows.try_next().await? {
            let period: i64 = row.try_get(0)?;
            let current = match month {
                Some((p, m)) if p == period => m,
                _ => {
                    let m = Month::from_yyyymm(period).map_err(|_| corrupt("month", period))?;
                    month = Some((period, m));
                    m
                }
            };
            for (i, slot) in values.iter_mut().enumerate() {
                *slot = row.try_get(i + 2)?;
            }
            each(EnterpriseId(row.try_get(1)?), current, &values);
            count += 1;
        }
        Ok(count)
    }

    /// The report status of every firm-month of `months` that has a report.
    pub async fn report_statuses(
        &self,
        data_set: DataSetId,
        months: MonthRange,
    ) -> Result<Vec<(EnterpriseId, Month, ReportStatus)>, StoreError> {
        let rows = sqlx::query(
            "SELECT enterprise_id, period, status FROM reports WHERE data_set_id = $1 AND period BETWEEN $2 AND $3",
        )
        .bind(data_set.0)
        .bind(months.first.yyyymm())
        .bind(months.last.yyyymm())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(status_row).collect()
    }

    /// The report statuses of some firm-months (those the change log names).
    pub async fn report_statuses_of(
        &self,
        data_set: DataSetId,
        pairs: &[(EnterpriseId, Month)],
    ) -> Result<Vec<(EnterpriseId, Month, ReportStatus)>, StoreError> {
        let mut found = Vec::new();
        for chunk in pairs.chunks(400) {
            let mut sql =
                Sql::new(self.backend, "SELECT enterprise_id, period, status FROM reports WHERE data_set_id = ");
            sql.bind(data_set.0)?.push(" AND (");
            for (i, (enterprise, month)) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { " OR (" });
                sql.push("enterprise_id = ").bind(enterprise.0)?.push(" AND period = ").bind(month.yyyymm())?.push(")");
            }
            sql.push(")");
            for row in sql.query().fetch_all(&self.pool).await? {
                found.push(status_row(&row)?);
            }
        }
        Ok(found)
    }

    /// The targets of `year` (all units; the caller filters by scope).
    pub async fn targets(&self, year: i32) -> Result<Vec<Target>, StoreError> {
        let rows = sqlx::query(
            "SELECT target_id, year, scope_kind, scope_id, metric, kind, value, yellow_pp, red_pp, green_needs_average, \
             note, updated_at, updated_by FROM targets WHERE year = $1 ORDER BY scope_kind, scope_id, metric, kind",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(target_row).collect()
    }

    /// Sets a target (replacing the one of the same year, unit, metric and kind), audited with
    /// the old and new values. City scope only.
    pub async fn save_target(&self, scope: &Scope, target: &NewTarget, actor: &AuditActor) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        if !target.value.is_finite() || !target.lights.is_valid() {
            return Err(StoreError::Invalid("a target needs a finite value and ordered light thresholds".into()));
        }
        let (unit_kind, unit_id) = target.unit.columns();
        let mut tx = self.begin_write().await?;
        let old = sqlx::query(
            "SELECT target_id, value FROM targets WHERE year = $1 AND scope_kind = $2 AND scope_id = $3 AND metric = $4 AND kind = $5",
        )
        .bind(i64::from(target.year))
        .bind(unit_kind)
        .bind(unit_id)
        .bind(&target.metric)
        .bind(target.kind.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let old_value: Option<f64> = old.as_ref().map(|r| r.try_get(1)).transpose()?;
        let now = now_unix();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO targets (year, scope_kind, scope_id, metric, kind, value, yellow_pp, red_pp, green_needs_average, \
             note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (year, scope_kind, scope_id, metric, kind) DO UPDATE SET value = excluded.value, \
             yellow_pp = excluded.yellow_pp, red_pp = excluded.red_pp, green_needs_average = excluded.green_needs_average, \
             note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by RETURNING target_id",
        )
        .bind(i64::from(target.year))
        .bind(unit_kind)
        .bind(unit_id)
        .bind(&target.metric)
        .bind(target.kind.as_str())
        .bind(target.value)
        .bind(target.lights.yellow_pp)
        .bind(target.lights.red_pp)
        .bind(i64::from(target.lights.green_needs_average))
        .bind(target.note.clone())
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: if old.is_some() { "target.update" } else { "target.create" },
            object_type: Some("target"),
            object_id: Some(id.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({
                "year": target.year, "unit": target.unit, "metric": target.metric, "kind": target.kind,
                "value": {"old": old_value, "new": target.value},
            })),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a target, audited. City scope only.
    pub async fn delete_target(&self, scope: &Scope, target_id: i64, actor: &AuditActor) -> Result<(), StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let value: Option<f64> = sqlx::query_scalar("SELECT value FROM targets WHERE target_id = $1")
            .bind(target_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(value) = value else { return Err(StoreError::NotFound) };
        sqlx::query("DELETE FROM targets WHERE target_id = $1").bind(target_id).execute(&mut *tx).await?;
        let entry = AuditEntry {
            actor,
            action: "target.delete",
            object_type: Some("target"),
            object_id: Some(target_id.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({"value": {"old": value, "new": null}})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

fn status_row(row: &sqlx::any::AnyRow) -> Result<(EnterpriseId, Month, ReportStatus), StoreError> {
    let (period, status): (i64, String) = (row.try_get(1)?, row.try_get(2)?);
    Ok((
        EnterpriseId(row.try_get(0)?),
        Month::from_yyyymm(period).map_err(|_| corrupt("month", period))?,
        ReportStatus::parse(&status).ok_or_else(|| corrupt("report status", &status))?,
    ))
}

fn target_row(row: &sqlx::any::AnyRow) -> Result<Target, StoreError> {
    let (unit_kind, unit_id): (String, i64) = (row.try_get(2)?, row.try_get(3)?);
    let kind: String = row.try_get(5)?;
    let year: i64 = row.try_get(1)?;
    Ok(Target {
        target_id: row.try_get(0)?,
        year: i32::try_from(year).map_err(|_| corrupt("year", year))?,
        unit: TargetUnit::from_columns(&unit_kind, unit_id).ok_or_else(|| corrupt("target unit", &unit_kind))?,
        metric: row.try_get(4)?,
        kind: TargetKind::parse(&kind).ok_or_else(|| corrupt("target kind", &kind))?,
        value: row.try_get(6)?,
        lights: LightRule {
            yellow_pp: row.try_get(7)?,
            red_pp: row.try_get(8)?,
            green_needs_average: row.try_get::<i64, _>(9)? != 0,
        },
        note: row.try_get(10)?,
        updated_at: row.try_get(11)?,
        updated_by: row.try_get(12)?,
    })
}
