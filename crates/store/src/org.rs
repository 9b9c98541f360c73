//! Regions (the city and its districts/counties) and parks.

use sqlx::Row;
use sqlx::any::AnyRow;
use xinzhi_domain::RegionCode;

use crate::model::{NewPark, NewRegion, Park, ParkId, ParkKind, Region, RegionId};
use crate::{Store, StoreError};

pub(crate) fn corrupt(what: &str, value: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(format!("stored {what} '{value}' is not valid"))
}

fn region_from_row(row: &AnyRow) -> Result<Region, StoreError> {
    let code: String = row.try_get("code")?;
    let code = RegionCode::parse(&code).map_err(|_| corrupt("region code", &code))?;
    Ok(Region {
        region_id: RegionId(row.try_get("region_id")?),
        level: code.level(),
        code,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        parent_id: row.try_get::<Option<i64>, _>("parent_id")?.map(RegionId),
    })
}

fn park_from_row(row: &AnyRow) -> Result<Park, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(Park {
        park_id: ParkId(row.try_get("park_id")?),
        code: row.try_get("code")?,
        name_zh: row.try_get("name_zh")?,
        name_en: row.try_get("name_en")?,
        region_id: RegionId(row.try_get("region_id")?),
        kind: ParkKind::parse(&kind).ok_or_else(|| corrupt("park kind", &kind))?,
        area_mu: row.try_get("area_mu")?,
    })
}

impl Store {
    /// Adds a region under its parent; the materialised path is derived from the parent's.
    pub async fn insert_region(&self, region: &NewRegion) -> Result<RegionId, StoreError> {
        let mut tx = self.begin_write().await?;
        let parent_path: String = match region.parent_id {
            Some(parent) => {
                sqlx::query_scalar("SELECT path FROM regions WHERE region_id = $1")
                    .bind(parent.0)
                    .fetch_one(&mut *tx)
                    .await?
            }
            None => "/".to_owned(),
        };
        let level = match region.code.level() {
            xinzhi_domain::RegionLevel::Province => "province",
            xinzhi_domain::RegionLevel::Prefecture => "prefecture",
            xinzhi_domain::RegionLevel::County => "county",
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO regions (code, name_zh, name_en, parent_id, level, path) \
             VALUES ($1, $2, $3, $4, $5, '') RETURNING region_id",
        )
        .bind(region.code.to_string())
        .bind(&region.name_zh)
        .bind(&region.name_en)
        .bind(region.parent_id.map(|p| p.0))
        .bind(level)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE regions SET path = $1 WHERE region_id = $2")
            .bind(format!("{parent_path}{id}/"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(RegionId(id))
    }

    /// All regions, the city first, then its districts and counties by code.
    pub async fn list_regions(&self) -> Result<Vec<Region>, StoreError> {
        sqlx::query("SELECT region_id, code, name_zh, name_en, parent_id FROM regions ORDER BY path, code")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(region_from_row)
            .collect()
    }

    pub async fn region_by_code(&self, code: RegionCode) -> Result<Region, StoreError> {
        let row = sqlx::query("SELECT region_id, code, name_zh, name_en, parent_id FROM regions WHERE code = $1")
            .bind(code.to_string())
            .fetch_one(&self.pool)
            .await?;
        region_from_row(&row)
    }

    pub async fn insert_park(&self, park: &NewPark) -> Result<ParkId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO parks (code, name_zh, name_en, region_id, kind, area_mu) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING park_id",
        )
        .bind(&park.code)
        .bind(&park.name_zh)
        .bind(&park.name_en)
        .bind(park.region_id.0)
        .bind(park.kind.as_str())
        .bind(park.area_mu)
        .fetch_one(&self.pool)
        .await?;
        Ok(ParkId(id))
    }

    pub async fn list_parks(&self) -> Result<Vec<Park>, StoreError> {
        sqlx::query("SELECT park_id, code, name_zh, name_en, region_id, kind, area_mu FROM parks ORDER BY code")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(park_from_row)
            .collect()
    }
}
