//! The indicator catalogue in the database.

use sqlx::Row;
use sqlx::any::AnyRow;
use xinzhi_domain::{Aggregation, IndicatorCode, IndicatorDef, TemporalKind};

use crate::model::{Indicator, IndicatorId};
use crate::org::corrupt;
use crate::{Store, StoreError};

fn indicator_from_row(row: &AnyRow) -> Result<Indicator, StoreError> {
    let code: String = row.try_get("code")?;
    let temporal: String = row.try_get("temporal")?;
    let aggregation: String = row.try_get("aggregation")?;
    let decimals: i64 = row.try_get("decimals")?;
    Ok(Indicator {
        indicator_id: IndicatorId(row.try_get("indicator_id")?),
        def: IndicatorDef {
            code: IndicatorCode::parse(&code).map_err(|_| corrupt("indicator code", &code))?,
            name_zh: row.try_get("name_zh")?,
            name_en: row.try_get("name_en")?,
            unit_zh: row.try_get("unit_zh")?,
            unit_en: row.try_get("unit_en")?,
            temporal: TemporalKind::parse(&temporal).ok_or_else(|| corrupt("temporal kind", &temporal))?,
            aggregation: Aggregation::parse(&aggregation).ok_or_else(|| corrupt("aggregation", &aggregation))?,
            decimals: u8::try_from(decimals).map_err(|_| corrupt("decimals", decimals))?,
        },
        position: row.try_get("position")?,
        active: row.try_get::<i64, _>("active")? != 0,
    })
}

const INDICATOR_COLUMNS: &str =
    "indicator_id, code, name_zh, name_en, unit_zh, unit_en, temporal, aggregation, decimals, position, active";

impl Store {
    /// Creates the indicator or updates its names, unit, kind and decimals, keyed by code.
    pub async fn upsert_indicator(&self, def: &IndicatorDef, position: i64) -> Result<IndicatorId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO indicators (code, name_zh, name_en, unit_zh, unit_en, temporal, aggregation, decimals, position) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             unit_zh = excluded.unit_zh, unit_en = excluded.unit_en, temporal = excluded.temporal, \
             aggregation = excluded.aggregation, decimals = excluded.decimals, position = excluded.position \
             RETURNING indicator_id",
        )
        .bind(def.code.as_str())
        .bind(&def.name_zh)
        .bind(&def.name_en)
        .bind(&def.unit_zh)
        .bind(&def.unit_en)
        .bind(def.temporal.as_str())
        .bind(def.aggregation.as_str())
        .bind(i64::from(def.decimals))
        .bind(position)
        .fetch_one(&self.pool)
        .await?;
        self.forget_config();
        Ok(IndicatorId(id))
    }

    /// Installs the standard monthly report's indicators where they are missing; existing
    /// entries (possibly edited by the bureau) are left as they are.
    pub async fn seed_standard_indicators(&self) -> Result<usize, StoreError> {
        let mut added = 0;
        for (position, def) in xinzhi_domain::indicator::standard_catalogue().iter().enumerate() {
            let exists: Option<i64> = sqlx::query_scalar("SELECT indicator_id FROM indicators WHERE code = $1")
                .bind(def.code.as_str())
                .fetch_optional(&self.pool)
                .await?;
            if exists.is_none() {
                self.upsert_indicator(def, position as i64 + 1).await?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// The catalogue in form order.
    pub async fn list_indicators(&self) -> Result<Vec<Indicator>, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators ORDER BY position, code");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?.iter().map(indicator_from_row).collect()
    }

    pub async fn indicator_by_code(&self, code: &str) -> Result<Indicator, StoreError> {
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_one(&self.pool).await?;
        indicator_from_row(&row)
    }
}
