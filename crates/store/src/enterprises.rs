//! Enterprises, their time-valid memberships and their ladder designations.

use sqlx::Row;
use sqlx::any::AnyRow;
use xinzhi_domain::{CreditCode, DesignationLevel, DesignationStatus, IndustryCode, MembershipKind, Month, Tier};

use crate::access::{Scope, push_scope};
use crate::model::*;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

fn enterprise_from_row(row: &AnyRow) -> Result<Enterprise, StoreError> {
    let code: String = row.try_get("credit_code")?;
    let industry: String = row.try_get("industry_code")?;
    Ok(Enterprise {
        enterprise_id: EnterpriseId(row.try_get("enterprise_id")?),
        credit_code: CreditCode::parse(&code).map_err(|_| corrupt("credit code", &code))?,
        name: row.try_get("name")?,
        industry_code: IndustryCode::parse(&industry).map_err(|_| corrupt("industry code", &industry))?,
        established_on: row.try_get("established_on")?,
        closed_on: row.try_get("closed_on")?,
        land_area_mu: row.try_get("land_area_mu")?,
        employees: row.try_get("employees")?,
        address: row.try_get("address")?,
    })
}

pub(crate) fn summary_from_row(row: &AnyRow) -> Result<EnterpriseSummary, StoreError> {
    let code: String = row.try_get("credit_code")?;
    let industry: String = row.try_get("industry_code")?;
    Ok(EnterpriseSummary {
        enterprise_id: EnterpriseId(row.try_get("enterprise_id")?),
        credit_code: CreditCode::parse(&code).map_err(|_| corrupt("credit code", &code))?,
        name: row.try_get("name")?,
        industry_code: IndustryCode::parse(&industry).map_err(|_| corrupt("industry code", &industry))?,
        district_code: row.try_get("district_code")?,
        district_zh: row.try_get("district_zh")?,
        district_en: row.try_get("district_en")?,
        park_code: row.try_get("park_code")?,
        park_zh: row.try_get("park_zh")?,
        park_en: row.try_get("park_en")?,
        above_scale: row.try_get::<i64, _>("above_scale")? != 0,
    })
}

fn month_column(row: &AnyRow, column: &str) -> Result<Option<Month>, StoreError> {
    row.try_get::<Option<i64>, _>(column)?.map(|v| Month::from_yyyymm(v).map_err(|_| corrupt("month", v))).transpose()
}

/// The current (open-ended) attributions joined onto `enterprises e`.
/// The columns `summary_from_row` reads, over `enterprises e` and the attribution joins.
pub(crate) const SUMMARY_COLUMNS: &str = "SELECT e.enterprise_id, e.credit_code, e.name, e.industry_code, \
     r.code AS district_code, r.name_zh AS district_zh, r.name_en AS district_en, \
     p.code AS park_code, p.name_zh AS park_zh, p.name_en AS park_en, \
     CASE WHEN ma.membership_id IS NULL THEN 0 ELSE 1 END AS above_scale";

pub(crate) const CURRENT_ATTRIBUTION_JOINS: &str = "\
    LEFT JOIN memberships md ON md.enterprise_id = e.enterprise_id AND md.kind = 'district' AND md.valid_to IS NULL \
    LEFT JOIN regions r ON r.region_id = md.region_id \
    LEFT JOIN memberships mp ON mp.enterprise_id = e.enterprise_id AND mp.kind = 'park' AND mp.valid_to IS NULL \
    LEFT JOIN parks p ON p.park_id = mp.park_id \
    LEFT JOIN memberships ma ON ma.enterprise_id = e.enterprise_id AND ma.kind = 'above_scale' AND ma.valid_to IS NULL ";

/// Registry writes (new firms, memberships, designations) are city-level work.
pub(crate) fn require_city(scope: &Scope) -> Result<(), StoreError> {
    if *scope == Scope::City { Ok(()) } else { Err(StoreError::Invalid("this change needs the city scope".into())) }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    text.chars().fold(String::with_capacity(text.len()), |mut out, c| {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

fn push_filter(sql: &mut Sql, scope: &Scope, filter: &EnterpriseFilter) -> Result<(), StoreError> {
    sql.push(" WHERE 1 = 1");
    push_scope(sql, scope, "e.enterprise_id")?;
    if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = like_escape(text);
        sql.push(" AND (e.name LIKE ").bind(format!("%{pattern}%"))?;
        sql.push(" ESCAPE '\\' OR e.credit_code LIKE ").bind(format!("{}%", pattern.to_uppercase()))?;
        sql.push(" ESCAPE '\\')");
    }
    if let Some(district) = filter.district {
        sql.push(" AND r.code = ").bind(district.to_string())?;
    }
    if let Some(park) = &filter.park {
        sql.push(" AND p.code = ").bind(park.clone())?;
    }
    if let Some(industry) = &filter.industry {
        sql.push(" AND e.industry_code LIKE ").bind(format!("{}%", industry.as_str()))?;
    }
    match filter.above_scale {
        Some(true) => {
            sql.push(" AND ma.membership_id IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND ma.membership_id IS NULL");
        }
        None => {}
    }
    if let Some(tier) = filter.tier {
        sql.push(" AND EXISTS (SELECT 1 FROM designations d WHERE d.enterprise_id = e.enterprise_id AND d.status = 'active' AND d.tier = ")
            .bind(tier.as_str().to_owned())?;
        sql.push(")");
    }
    Ok(())
}

impl Store {
    /// Inserts enterprises in one transaction and returns their ids in input order. A duplicate
    /// credit code rolls the whole batch back with [`StoreError::Conflict`]. Registering firms
    /// is city-level work: other scopes are refused.
    pub async fn insert_enterprises(
        &self,
        scope: &Scope,
        enterprises: &[NewEnterprise],
    ) -> Result<Vec<EnterpriseId>, StoreError> {
        require_city(scope)?;
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(enterprises.len());
        for e in enterprises {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO enterprises (credit_code, name, industry_code, established_on, closed_on, \
                 land_area_mu, employees, address, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING enterprise_id",
            )
            .bind(e.credit_code.as_str())
            .bind(&e.name)
            .bind(e.industry_code.as_str())
            .bind(e.established_on)
            .bind(e.closed_on)
            .bind(e.land_area_mu)
            .bind(e.employees)
            .bind(e.address.as_deref())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|err| match StoreError::from(err) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("credit code {} already exists", e.credit_code))
                }
                other => other,
            })?;
            ids.push(EnterpriseId(id));
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The enterprise with this credit code, if `scope` may see it.
    pub async fn enterprise_by_code(&self, scope: &Scope, code: &CreditCode) -> Result<Enterprise, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT enterprise_id, credit_code, name, industry_code, established_on, closed_on, \
             land_area_mu, employees, address FROM enterprises e WHERE credit_code = ",
        );
        sql.bind(code.as_str().to_owned())?;
        push_scope(&mut sql, scope, "e.enterprise_id")?;
        enterprise_from_row(&sql.query().fetch_one(&self.pool).await?)
    }

    /// One page of enterprises matching the filter, by name, with the total match count.
    pub async fn search_enterprises(
        &self,
        scope: &Scope,
        filter: &EnterpriseFilter,
        page: Page,
    ) -> Result<PageOf<EnterpriseSummary>, StoreError> {
        let mut count = Sql::new(self.backend, "SELECT COUNT(*) FROM enterprises e ");
        count.push(CURRENT_ATTRIBUTION_JOINS);
        push_filter(&mut count, scope, filter)?;
        let total: i64 = count.query_scalar().fetch_one(&self.pool).await?;

        let mut select = Sql::new(self.backend, SUMMARY_COLUMNS);
        select.push(" FROM enterprises e ");
        select.push(CURRENT_ATTRIBUTION_JOINS);
        push_filter(&mut select, scope, filter)?;
        select.push(" ORDER BY e.name, e.enterprise_id LIMIT ").bind(page.limit)?;
        select.push(" OFFSET ").bind(page.offset)?;
        let items =
            select.query().fetch_all(&self.pool).await?.iter().map(summary_from_row).collect::<Result<_, _>>()?;
        Ok(PageOf { total, items })
    }

    /// Adds memberships in one transaction. For the exclusive kinds (district, park, above-scale)
    /// a membership that overlaps another of the same kind for the same firm is rejected, and
    /// the whole batch with it.
    pub async fn add_memberships(&self, scope: &Scope, memberships: &[NewMembership]) -> Result<(), StoreError> {
        require_city(scope)?;
        let mut tx = self.begin_write().await?;
        for m in memberships {
            let kind = m.target.kind().as_str();
            let from = m.validity.from.yyyymm();
            let to = m.validity.to.map(Month::yyyymm);
            if m.target.is_exclusive() {
                // Overlap of [from, to] with [valid_from, valid_to], open ends meaning +∞.
                let clash: Option<i64> = sqlx::query_scalar(
                    "SELECT membership_id FROM memberships WHERE enterprise_id = $1 AND kind = $2 \
                     AND ($3 IS NULL OR valid_from <= $3) AND (valid_to IS NULL OR valid_to >= $4) LIMIT 1",
                )
                .bind(m.enterprise_id.0)
                .bind(kind)
                .bind(to)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await?;
                if clash.is_some() {
                    return Err(StoreError::Invalid(format!(
                        "enterprise {} already has a {kind} membership overlapping {}",
                        m.enterprise_id.0, m.validity.from
                    )));
                }
            }
            let (region, park, cluster, segment) = match m.target {
                MembershipTarget::District(r) => (Some(r.0), None, None, None),
                MembershipTarget::Park(p) => (None, Some(p.0), None, None),
                MembershipTarget::Cluster(c) => (None, None, Some(c.0), None),
                MembershipTarget::ChainSegment(s) => (None, None, None, Some(s.0)),
                MembershipTarget::AboveScale => (None, None, None, None),
            };
            sqlx::query(
                "INSERT INTO memberships (enterprise_id, kind, region_id, park_id, cluster_id, segment_id, \
                 valid_from, valid_to, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(m.enterprise_id.0)
            .bind(kind)
            .bind(region)
            .bind(park)
            .bind(cluster)
            .bind(segment)
            .bind(from)
            .bind(to)
            .bind(m.reason.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every membership of a firm, with the names of what it points at, grouped by kind in the
    /// order of [`MembershipKind::ALL`], oldest first within a kind.
    pub async fn memberships_of(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
    ) -> Result<Vec<MembershipView>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let rows = sqlx::query(
            "SELECT m.membership_id, m.kind, m.valid_from, m.valid_to, m.reason, \
             COALESCE(r.code, p.code, c.code, ch.code) AS target_code, \
             COALESCE(r.name_zh, p.name_zh, c.name_zh, ch.name_zh || ' · ' || s.name_zh) AS target_zh, \
             COALESCE(r.name_en, p.name_en, c.name_en, ch.name_en || ' · ' || s.name_en) AS target_en \
             FROM memberships m \
             LEFT JOIN regions r ON r.region_id = m.region_id \
             LEFT JOIN parks p ON p.park_id = m.park_id \
             LEFT JOIN clusters c ON c.cluster_id = m.cluster_id \
             LEFT JOIN chain_segments s ON s.segment_id = m.segment_id \
             LEFT JOIN chains ch ON ch.chain_id = s.chain_id \
             WHERE m.enterprise_id = $1 ORDER BY m.valid_from, m.membership_id",
        )
        .bind(enterprise.0)
        .fetch_all(&self.pool)
        .await?;
        let mut memberships = rows
            .iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                Ok(MembershipView {
                    membership_id: MembershipId(row.try_get("membership_id")?),
                    kind: MembershipKind::parse(&kind).ok_or_else(|| corrupt("membership kind", &kind))?,
                    target_code: row.try_get("target_code")?,
                    target_zh: row.try_get("target_zh")?,
                    target_en: row.try_get("target_en")?,
                    valid_from: month_column(row, "valid_from")?.ok_or_else(|| corrupt("month", "NULL"))?,
                    valid_to: month_column(row, "valid_to")?,
                    reason: row.try_get("reason")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // District, park, above-scale, cluster, chain segment; oldest first within a kind.
        memberships.sort_by_key(|m| (MembershipKind::ALL.iter().position(|k| *k == m.kind), m.valid_from));
        Ok(memberships)
    }

    /// Enterprises visible to `scope` that entered the above-scale set in a month of `year`,
    /// not counting a membership that merely continues one ending the month before
    /// (domain.md §1.2).
    pub async fn above_scale_entries(&self, scope: &Scope, year: xinzhi_domain::Year) -> Result<i64, StoreError> {
        let months = year.months();
        let mut sql = Sql::new(
            self.backend,
            "SELECT COUNT(DISTINCT m.enterprise_id) FROM memberships m WHERE m.kind = 'above_scale' AND m.valid_from BETWEEN ",
        );
        sql.bind(months.first.yyyymm())?.push(" AND ").bind(months.last.yyyymm())?;
        sql.push(
            " AND NOT EXISTS (SELECT 1 FROM memberships q WHERE q.enterprise_id = m.enterprise_id \
             AND q.kind = 'above_scale' AND q.valid_from < m.valid_from \
             AND (q.valid_to IS NULL OR q.valid_to >= \
                  CASE WHEN m.valid_from % 100 = 1 THEN m.valid_from - 89 ELSE m.valid_from - 1 END))",
        );
        push_scope(&mut sql, scope, "m.enterprise_id")?;
        Ok(sql.query_scalar().fetch_one(&self.pool).await?)
    }

    /// Number of enterprises visible to `scope` in the above-scale set in `month`.
    pub async fn above_scale_count(&self, scope: &Scope, month: Month) -> Result<i64, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT COUNT(DISTINCT m.enterprise_id) FROM memberships m WHERE m.kind = 'above_scale' AND m.valid_from <= ",
        );
        sql.bind(month.yyyymm())?.push(" AND (m.valid_to IS NULL OR m.valid_to >= ").bind(month.yyyymm())?.push(")");
        push_scope(&mut sql, scope, "m.enterprise_id")?;
        Ok(sql.query_scalar().fetch_one(&self.pool).await?)
    }

    pub async fn add_designations(&self, scope: &Scope, designations: &[NewDesignation]) -> Result<(), StoreError> {
        require_city(scope)?;
        let mut tx = self.begin_write().await?;
        for d in designations {
            sqlx::query(
                "INSERT INTO designations (enterprise_id, tier, level, granted_on, expires_on, status, batch) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(d.enterprise_id.0)
            .bind(d.tier.as_str())
            .bind(d.level.as_str())
            .bind(d.granted_on)
            .bind(d.expires_on)
            .bind(d.status.as_str())
            .bind(d.batch.as_deref())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn designations_of(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
    ) -> Result<Vec<Designation>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let rows = sqlx::query(
            "SELECT designation_id, tier, level, granted_on, expires_on, status, batch FROM designations \
             WHERE enterprise_id = $1 ORDER BY granted_on",
        )
        .bind(enterprise.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let tier: String = row.try_get("tier")?;
                let level: String = row.try_get("level")?;
                let status: String = row.try_get("status")?;
                Ok(Designation {
                    designation_id: DesignationId(row.try_get("designation_id")?),
                    tier: Tier::parse(&tier).ok_or_else(|| corrupt("tier", &tier))?,
                    level: DesignationLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?,
                    granted_on: row.try_get("granted_on")?,
                    expires_on: row.try_get("expires_on")?,
                    status: DesignationStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                    batch: row.try_get("batch")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
