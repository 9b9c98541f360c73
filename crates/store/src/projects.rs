//! Key projects (domain::project): registration, stage moves with their dates, the year's plan,
//! monthly completed investment, and the lists a scope sees (a district its projects, a park
//! those in it, the city all).

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;
use xinzhi_domain::project::ProjectStage;

use crate::access::{AuditActor, Scope, audit_object};
use crate::model::{ChainId, ParkId, RegionId};
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A project to register (checked by the caller).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewProject {
    pub name: String,
    pub investor: String,
    pub region_id: RegionId,
    pub park_id: Option<ParkId>,
    pub chain_id: Option<ChainId>,
    /// New this year (新建) rather than continuing (续建).
    pub is_new: bool,
    /// One of the city's 十大产业项目.
    pub ten_major: bool,
    /// 万元.
    pub total_investment: f64,
    /// yyyymmdd.
    pub planned_start: Option<i64>,
    pub planned_producing: Option<i64>,
    pub signed_on: Option<i64>,
}

/// A stored project with its place, chain, the year's plan and its completed investment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub project_id: i64,
    pub name: String,
    pub investor: String,
    pub region_id: RegionId,
    pub region: String,
    pub park_id: Option<ParkId>,
    pub park: Option<String>,
    pub chain_id: Option<ChainId>,
    pub chain: Option<String>,
    pub is_new: bool,
    pub ten_major: bool,
    pub total_investment: f64,
    pub planned_start: Option<i64>,
    pub planned_producing: Option<i64>,
    pub stage: ProjectStage,
    /// The date of each stage reached (signed, started, building, completed, producing).
    pub stage_dates: [Option<i64>; 5],
}

const COLUMNS: &str = "p.project_id, p.name, p.investor, p.region_id, r.name_zh, p.park_id, k.name_zh, p.chain_id, \
     c.name_zh, p.is_new, p.ten_major, p.total_investment, p.planned_start, p.planned_producing, p.stage, \
     p.signed_on, p.started_on, p.building_on, p.completed_on, p.producing_on \
     FROM projects p JOIN regions r ON r.region_id = p.region_id LEFT JOIN parks k ON k.park_id = p.park_id \
     LEFT JOIN chains c ON c.chain_id = p.chain_id";

fn project_of(row: &sqlx::any::AnyRow) -> Result<Project, StoreError> {
    let park: Option<i64> = row.try_get(5)?;
    let chain: Option<i64> = row.try_get(7)?;
    let is_new: i64 = row.try_get(9)?;
    let ten: i64 = row.try_get(10)?;
    let stage: String = row.try_get(14)?;
    Ok(Project {
        project_id: row.try_get(0)?,
        name: row.try_get(1)?,
        investor: row.try_get(2)?,
        region_id: RegionId(row.try_get(3)?),
        region: row.try_get(4)?,
        park_id: park.map(ParkId),
        park: row.try_get(6)?,
        chain_id: chain.map(ChainId),
        chain: row.try_get(8)?,
        is_new: is_new != 0,
        ten_major: ten != 0,
        total_investment: row.try_get(11)?,
        planned_start: row.try_get(12)?,
        planned_producing: row.try_get(13)?,
        stage: ProjectStage::parse(&stage).ok_or_else(|| corrupt("project stage", &stage))?,
        stage_dates: [row.try_get(15)?, row.try_get(16)?, row.try_get(17)?, row.try_get(18)?, row.try_get(19)?],
    })
}

/// Narrows a query on `projects p` to what `scope` sees: a district its projects (and those of
/// its parks, which lie in it), a park its own, the city all, others none.
fn push_project_scope(sql: &mut Sql, scope: &Scope) -> Result<(), StoreError> {
    match scope {
        Scope::City => {}
        Scope::District(region) => {
            sql.push(" AND p.region_id = ").bind(region.0)?;
        }
        Scope::Park(park) => {
            sql.push(" AND p.park_id = ").bind(park.0)?;
        }
        Scope::NoData | Scope::Department(_) | Scope::Enterprise(_) => {
            sql.push(" AND 1 = 0");
        }
    }
    Ok(())
}

impl NewProject {
    /// Whether `scope` may register it: the city any, a district its own, a park its own.
    pub fn within(&self, scope: &Scope) -> bool {
        match scope {
            Scope::City => true,
            Scope::District(r) => *r == self.region_id,
            Scope::Park(p) => self.park_id == Some(*p),
            Scope::NoData | Scope::Department(_) | Scope::Enterprise(_) => false,
        }
    }
}

/// Sets a project's plan for a year, replacing an earlier one.
async fn insert_plan(conn: &mut sqlx::AnyConnection, id: i64, year: i32, planned: f64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO project_plans (project_id, year, planned) VALUES ($1, $2, $3) \
         ON CONFLICT (project_id, year) DO UPDATE SET planned = excluded.planned",
    )
    .bind(id)
    .bind(i64::from(year))
    .bind(planned)
    .execute(conn)
    .await?;
    Ok(())
}

fn stage_column(stage: ProjectStage) -> &'static str {
    match stage {
        ProjectStage::Signed => "signed_on",
        ProjectStage::Started => "started_on",
        ProjectStage::Building => "building_on",
        ProjectStage::Completed => "completed_on",
        ProjectStage::Producing => "producing_on",
    }
}

impl Store {
    /// The id of a chain by its code (`rare_earth`).
    pub async fn chain_id_by_code(&self, code: &str) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT chain_id FROM chains WHERE code = $1")
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Registers a project within `scope` (a district officer in the district, a park officer
    /// in the park), audited.
    pub async fn create_project(&self, scope: &Scope, new: &NewProject, actor: &AuditActor) -> Result<i64, StoreError> {
        let ids = self.create_projects(scope, &[(new.clone(), None)], actor).await?;
        ids.first().copied().ok_or(StoreError::NotFound)
    }

    /// Registers projects, each with an optional plan for a year (year, 万元), in one
    /// transaction: all are stored or none (`NotFound` when one lies outside `scope`). Audited
    /// one by one. The ids in order.
    pub async fn create_projects(
        &self,
        scope: &Scope,
        projects: &[(NewProject, Option<(i32, f64)>)],
        actor: &AuditActor,
    ) -> Result<Vec<i64>, StoreError> {
        if !projects.iter().all(|(new, _)| new.within(scope)) {
            return Err(StoreError::NotFound);
        }
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(projects.len());
        for (new, plan) in projects {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO projects (name, investor, region_id, park_id, chain_id, is_new, ten_major, total_investment, \
                 planned_start, planned_producing, stage, signed_on, created_at, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'signed', $11, $12, $13, $12) RETURNING project_id",
            )
            .bind(&new.name)
            .bind(&new.investor)
            .bind(new.region_id.0)
            .bind(new.park_id.map(|p| p.0))
            .bind(new.chain_id.map(|c| c.0))
            .bind(i64::from(u8::from(new.is_new)))
            .bind(i64::from(u8::from(new.ten_major)))
            .bind(new.total_investment)
            .bind(new.planned_start)
            .bind(new.planned_producing)
            .bind(new.signed_on)
            .bind(now)
            .bind(&actor.name)
            .fetch_one(&mut *tx)
            .await?;
            let mut detail = serde_json::to_value(new).unwrap_or_default();
            if let Some((year, planned)) = plan {
                insert_plan(&mut tx, id, *year, *planned).await?;
                detail["plan"] = serde_json::json!({"year": year, "planned": planned});
            }
            audit_object(&mut tx, actor, "project.create", "project", id, detail).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The projects `scope` sees, by name.
    pub async fn projects(&self, scope: &Scope) -> Result<Vec<Project>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE 1 = 1"));
        push_project_scope(&mut sql, scope)?;
        sql.push(" ORDER BY p.name, p.project_id");
        sql.query().fetch_all(&self.pool).await?.iter().map(project_of).collect()
    }

    pub async fn project(&self, scope: &Scope, id: i64) -> Result<Project, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE p.project_id = "));
        sql.bind(id)?;
        push_project_scope(&mut sql, scope)?;
        project_of(&sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?)
    }

    /// Moves a project forward to `to` on `date` (yyyymmdd); `Conflict` when it is there or
    /// beyond already. Audited.
    pub async fn move_project(
        &self,
        scope: &Scope,
        id: i64,
        to: ProjectStage,
        date: i64,
        actor: &AuditActor,
    ) -> Result<Project, StoreError> {
        let current = self.project(scope, id).await?;
        if !current.stage.can_move(to) {
            return Err(StoreError::Conflict(format!("the project is {} already", current.stage.as_str())));
        }
        let mut tx = self.begin_write().await?;
        let mut sql = Sql::new(self.backend, "UPDATE projects SET stage = ");
        sql.bind(to.as_str().to_owned())?.push(", ").push(stage_column(to)).push(" = ").bind(date)?;
        sql.push(", updated_at = ").bind(now_unix())?;
        sql.push(" WHERE project_id = ").bind(id)?.push(" AND stage = ").bind(current.stage.as_str().to_owned())?;
        if sql.query().execute(&mut *tx).await?.rows_affected() != 1 {
            return Err(StoreError::Conflict("the project moved meanwhile".into()));
        }
        let detail = serde_json::json!({"from": current.stage.as_str(), "to": to.as_str(), "date": date});
        audit_object(&mut tx, actor, "project.stage", "project", id, detail).await?;
        tx.commit().await?;
        self.project(scope, id).await
    }

    /// Sets a project's planned investment for a year (万元), audited.
    pub async fn plan_project(
        &self,
        scope: &Scope,
        id: i64,
        year: i32,
        planned: f64,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        self.project(scope, id).await?;
        let mut tx = self.begin_write().await?;
        insert_plan(&mut tx, id, year, planned).await?;
        audit_object(
            &mut tx,
            actor,
            "project.plan",
            "project",
            id,
            serde_json::json!({"year": year, "planned": planned}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reports a month's completed investment (万元), replacing an earlier report of that month.
    pub async fn report_project_investment(
        &self,
        scope: &Scope,
        id: i64,
        month: Month,
        amount: f64,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        self.project(scope, id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO project_investments (project_id, period, amount, reported_at, reported_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (project_id, period) DO UPDATE SET amount = excluded.amount, reported_at = excluded.reported_at, \
             reported_by = excluded.reported_by",
        )
        .bind(id)
        .bind(month.yyyymm())
        .bind(amount)
        .bind(now_unix())
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        audit_object(
            &mut tx,
            actor,
            "project.investment",
            "project",
            id,
            serde_json::json!({"month": month.yyyymm(), "amount": amount}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Per project of `scope`: the year's plan and the investment completed January through
    /// `month` (万元).
    pub async fn project_investments(
        &self,
        scope: &Scope,
        month: Month,
    ) -> Result<std::collections::HashMap<i64, (Option<f64>, f64)>, StoreError> {
        let year = i64::from(month.year());
        let mut sql = Sql::new(
            self.backend,
            "SELECT p.project_id, pl.planned, CAST(COALESCE((SELECT SUM(i.amount) FROM project_investments i \
             WHERE i.project_id = p.project_id AND i.period BETWEEN ",
        );
        sql.bind(year * 100 + 1)?.push(" AND ").bind(month.yyyymm())?;
        sql.push("), 0) AS DOUBLE PRECISION) FROM projects p LEFT JOIN project_plans pl ON pl.project_id = p.project_id AND pl.year = ");
        sql.bind(year)?.push(" WHERE 1 = 1");
        push_project_scope(&mut sql, scope)?;
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?)))).collect()
    }
}
