//! Counts for the city overview.

use sqlx::Row;
use xinzhi_domain::{DesignationLevel, Tier};

use crate::access::{Scope, push_scope};
use crate::model::{GroupCount, Overview, TierCount};
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError};

impl Store {
    /// Enterprises visible to `scope`, in total and above scale, by current district, park and
    /// active tier.
    pub async fn overview(&self, scope: &Scope) -> Result<Overview, StoreError> {
        let mut total = Sql::new(self.backend, "SELECT COUNT(*) FROM enterprises e WHERE 1 = 1");
        push_scope(&mut total, scope, "e.enterprise_id")?;
        let enterprises: i64 = total.query_scalar().fetch_one(&self.pool).await?;
        let mut above = Sql::new(
            self.backend,
            "SELECT COUNT(DISTINCT m.enterprise_id) FROM memberships m WHERE m.kind = 'above_scale' AND m.valid_to IS NULL",
        );
        push_scope(&mut above, scope, "m.enterprise_id")?;
        let above_scale: i64 = above.query_scalar().fetch_one(&self.pool).await?;

        // Counts per group over the current memberships of visible firms.
        let group = |head: &'static str, tail: &'static str| -> Result<Sql, StoreError> {
            let mut sql = Sql::new(self.backend, head);
            push_scope(&mut sql, scope, "m.enterprise_id")?;
            sql.push(tail);
            Ok(sql)
        };
        let read_groups = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<GroupCount>, StoreError> {
            rows.iter()
                .map(|row| {
                    Ok(GroupCount {
                        code: row.try_get(0)?,
                        name_zh: row.try_get(1)?,
                        name_en: row.try_get(2)?,
                        enterprises: row.try_get(3)?,
                        above_scale: row.try_get(4)?,
                    })
                })
                .collect()
        };
        let by_district = group(
            "SELECT r.code, r.name_zh, r.name_en, COUNT(m.enterprise_id), COUNT(a.enterprise_id) \
             FROM regions r \
             LEFT JOIN memberships m ON m.region_id = r.region_id AND m.kind = 'district' AND m.valid_to IS NULL",
            " LEFT JOIN memberships a ON a.enterprise_id = m.enterprise_id AND a.kind = 'above_scale' AND a.valid_to IS NULL \
             WHERE r.level = 'county' GROUP BY r.code, r.name_zh, r.name_en ORDER BY r.code",
        )?;
        let by_district = read_groups(by_district.query().fetch_all(&self.pool).await?)?;
        let by_park = group(
            "SELECT p.code, p.name_zh, p.name_en, COUNT(m.enterprise_id), COUNT(a.enterprise_id) \
             FROM parks p \
             LEFT JOIN memberships m ON m.park_id = p.park_id AND m.kind = 'park' AND m.valid_to IS NULL",
            " LEFT JOIN memberships a ON a.enterprise_id = m.enterprise_id AND a.kind = 'above_scale' AND a.valid_to IS NULL \
             GROUP BY p.code, p.name_zh, p.name_en ORDER BY p.code",
        )?;
        let by_park = read_groups(by_park.query().fetch_all(&self.pool).await?)?;
        // A scope that sees nothing of a group still lists it, with zeros, except that firms
        // outside the scope are not counted (the predicate sits in the LEFT JOIN's ON clause).
        let mut tiers = Sql::new(
            self.backend,
            "SELECT m.tier, m.level, COUNT(DISTINCT m.enterprise_id) FROM designations m WHERE m.status = 'active'",
        );
        push_scope(&mut tiers, scope, "m.enterprise_id")?;
        tiers.push(" GROUP BY m.tier, m.level");
        let mut by_tier = tiers
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                let tier: String = row.try_get(0)?;
                let level: String = row.try_get(1)?;
                Ok(TierCount {
                    tier: Tier::parse(&tier).ok_or_else(|| corrupt("tier", &tier))?,
                    level: DesignationLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?,
                    enterprises: row.try_get(2)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        by_tier.sort_by_key(|t| (t.tier, t.level as u8));
        let months = self.value_months().await?;
        Ok(Overview {
            enterprises,
            above_scale,
            by_district,
            by_park,
            by_tier,
            first_month: months.map(|m| m.first),
            last_month: months.map(|m| m.last),
        })
    }
}

impl Store {
    /// Bytes the database occupies: SQLite pages in use, or PostgreSQL's database size.
    pub async fn database_size(&self) -> Result<i64, StoreError> {
        let size: i64 = match self.backend {
            crate::Backend::Sqlite => {
                sqlx::query_scalar("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
                    .fetch_one(&self.pool)
                    .await?
            }
            crate::Backend::Postgres => {
                sqlx::query_scalar("SELECT pg_database_size(current_database())").fetch_one(&self.pool).await?
            }
        };
        Ok(size)
    }

    /// Refreshes the query planner's statistics, worth doing after a bulk load.
    ///
    /// On PostgreSQL only the tables holding rows are analyzed. A table analyzed while empty
    /// is planned as empty, and prepared statements keep such plans: at the month-end rush
    /// after a fresh load, every save then scanned the whole of the growing `reports` table
    /// (measured: 121 saves a second instead of 1,000). A table never analyzed is estimated
    /// from its actual size, and autovacuum analyzes it once rows arrive.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        match self.backend {
            crate::Backend::Sqlite => {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            }
            crate::Backend::Postgres => {
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT tablename::TEXT FROM pg_tables WHERE schemaname = current_schema()")
                        .fetch_all(&self.pool)
                        .await?;
                for table in tables {
                    // A name from the catalogue, quoted as an identifier.
                    let quoted = format!("\"{}\"", table.replace('"', "\"\""));
                    let probe =
                        format!("SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM {quoted} LIMIT 1) AS any_row");
                    let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(probe)).fetch_one(&self.pool).await?;
                    if rows > 0 {
                        sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE {quoted}"))).execute(&self.pool).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// True when no enterprise has been recorded yet.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let any: Option<i64> =
            sqlx::query_scalar("SELECT enterprise_id FROM enterprises LIMIT 1").fetch_optional(&self.pool).await?;
        Ok(any.is_none())
    }
}
