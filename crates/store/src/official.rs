//! Figures published by the statistics bureau (domain.md §2.1), kept beside the platform's own
//! estimates: authoritative, but late and without firm detail.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;
use xinzhi_domain::reporting::OfficialMeasure;

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_audits};
use crate::enterprises::require_city;
use crate::model::{IndicatorId, RegionId};
use crate::org::corrupt;
use crate::sql::Batch;
use crate::{Store, StoreError, now_unix};

/// One published figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OfficialFigure {
    pub region_id: RegionId,
    pub indicator_id: IndicatorId,
    pub period: Month,
    pub measure: OfficialMeasure,
    pub value: f64,
}

impl Store {
    /// Stores figures, replacing earlier ones for the same region, indicator, month and
    /// measure, in one transaction with one audit entry. City work.
    pub async fn save_official_figures(
        &self,
        scope: &Scope,
        figures: &[OfficialFigure],
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        require_city(scope)?;
        if figures.is_empty() {
            return Ok(());
        }
        let now = now_unix();
        let mut batch = Batch::new(self.backend);
        for chunk in figures.chunks(2_000) {
            let sql = batch.statement(
                "INSERT INTO official_figures (region_id, indicator_id, period, measure, value, imported_by, imported_at) VALUES ",
            );
            for (i, f) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(f.region_id.0)?.push(", ").bind(f.indicator_id.0)?.push(", ").bind(f.period.yyyymm())?;
                sql.push(", ").bind(f.measure.as_str().to_owned())?.push(", ").bind(f.value)?.push(", ");
                sql.bind(actor.name.clone())?.push(", ").bind(now)?.push(")");
            }
            sql.push(
                " ON CONFLICT (region_id, indicator_id, period, measure) DO UPDATE SET value = excluded.value, \
                 imported_by = excluded.imported_by, imported_at = excluded.imported_at",
            );
        }
        let entry = AuditEntry {
            actor,
            action: "official_figures.import",
            object_type: Some("official_figures"),
            object_id: None,
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({"figures": figures.len()})),
        };
        push_audits(batch.statement(""), std::slice::from_ref(&entry))?;
        let mut tx = self.begin_write().await?;
        batch.execute(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The figures of a month for one indicator, every region and measure.
    pub async fn official_figures(
        &self,
        indicator: IndicatorId,
        period: Month,
    ) -> Result<Vec<OfficialFigure>, StoreError> {
        let rows = sqlx::query(
            "SELECT region_id, measure, value FROM official_figures WHERE indicator_id = $1 AND period = $2",
        )
        .bind(indicator.0)
        .bind(period.yyyymm())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let measure: String = r.try_get(1)?;
                Ok(OfficialFigure {
                    region_id: RegionId(r.try_get(0)?),
                    indicator_id: indicator,
                    period,
                    measure: OfficialMeasure::parse(&measure).ok_or_else(|| corrupt("measure", &measure))?,
                    value: r.try_get(2)?,
                })
            })
            .collect()
    }
}
