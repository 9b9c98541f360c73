//! 亩均 evaluation runs (domain::mu): the rule sets, runs with their results by revision, the
//! publication with its objection window (公示), objections and their resolution.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::mu::{Group, ItemResult, MuRules};

use crate::access::{AuditActor, Scope, audit_object, push_scope};
use crate::model::EnterpriseId;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Draft,
    Published,
    Final,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Draft => "draft",
            RunStatus::Published => "published",
            RunStatus::Final => "final",
        }
    }

    fn parse(text: &str) -> Result<RunStatus, StoreError> {
        match text {
            "draft" => Ok(RunStatus::Draft),
            "published" => Ok(RunStatus::Published),
            "final" => Ok(RunStatus::Final),
            other => Err(corrupt("run status", other)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MuRun {
    pub mu_run_id: i64,
    pub year: i32,
    pub group: Group,
    pub rule_version: String,
    pub status: RunStatus,
    pub revision: i64,
    /// yyyymmdd: the last day objections are accepted.
    pub objection_until: Option<i64>,
    pub created_at: i64,
    pub created_by: String,
}

/// A result to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMuResult {
    pub enterprise_id: EnterpriseId,
    pub total: f64,
    pub rank: Option<usize>,
    pub class: Option<String>,
    pub exempt: bool,
    pub items: Vec<ItemResult>,
}

/// A stored result with its firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MuResultLine {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub land_mu: Option<f64>,
    pub revision: i64,
    pub rule_version: String,
    pub total: f64,
    pub rank: Option<i64>,
    pub class: Option<String>,
    pub exempt: bool,
    pub items: Vec<ItemResult>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Open,
    Upheld,
    Rejected,
}

impl ObjectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Upheld => "upheld",
            ObjectionStatus::Rejected => "rejected",
        }
    }

    fn parse(text: &str) -> Result<ObjectionStatus, StoreError> {
        match text {
            "open" => Ok(ObjectionStatus::Open),
            "upheld" => Ok(ObjectionStatus::Upheld),
            "rejected" => Ok(ObjectionStatus::Rejected),
            other => Err(corrupt("objection status", other)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MuObjection {
    pub mu_objection_id: i64,
    pub mu_run_id: i64,
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub reason: String,
    pub status: ObjectionStatus,
    pub response: Option<String>,
    pub filed_at: i64,
    pub filed_by: String,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
}

/// Why an objection cannot be filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionRefusal {
    /// The run is not published, or its window has closed.
    WindowClosed,
    /// The firm has an open objection on this run already.
    AlreadyOpen,
}

/// Results rows per statement (9 parameters a row).
const RESULTS_PER_STATEMENT: usize = 1_000;

const RUN_COLUMNS: &str =
    "mu_run_id, year, eval_group, rule_version, status, revision, objection_until, created_at, created_by";

fn run_of(row: &sqlx::any::AnyRow) -> Result<MuRun, StoreError> {
    let year: i64 = row.try_get(1)?;
    let group: String = row.try_get(2)?;
    let status: String = row.try_get(4)?;
    Ok(MuRun {
        mu_run_id: row.try_get(0)?,
        year: i32::try_from(year).map_err(|_| corrupt("year", year))?,
        group: Group::parse(&group).ok_or_else(|| corrupt("evaluation group", &group))?,
        rule_version: row.try_get(3)?,
        status: RunStatus::parse(&status)?,
        revision: row.try_get(5)?,
        objection_until: row.try_get(6)?,
        created_at: row.try_get(7)?,
        created_by: row.try_get(8)?,
    })
}

impl Store {
    /// The 亩均 rules (see `rules`); the shipped default is Huangyan 2022.
    pub async fn mu_rules(&self, version: Option<&str>, date: i64) -> Result<MuRules, StoreError> {
        self.rules(version, date).await
    }

    pub async fn save_mu_rules(&self, scope: &Scope, rules: &MuRules, actor: &AuditActor) -> Result<i64, StoreError> {
        self.save_rules(scope, rules, actor).await
    }

    pub async fn seed_mu_rules(&self) -> Result<(), StoreError> {
        self.seed_rules::<MuRules>().await
    }

    /// Creates a draft run with its first results. City scope.
    pub async fn create_mu_run(
        &self,
        scope: &Scope,
        year: i32,
        group: Group,
        rule_version: &str,
        results: &[NewMuResult],
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mu_runs (year, eval_group, rule_version, status, revision, created_at, created_by, updated_at) \
             VALUES ($1, $2, $3, 'draft', 1, $4, $5, $4) RETURNING mu_run_id",
        )
        .bind(i64::from(year))
        .bind(group.as_str())
        .bind(rule_version)
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        self.insert_results(&mut tx, id, 1, rule_version, results).await?;
        let detail = serde_json::json!({"year": year, "group": group.as_str(), "rule_version": rule_version, "firms": results.len()});
        audit_object(&mut tx, actor, "mu_run.create", "mu_run", id, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn insert_results(
        &self,
        conn: &mut sqlx::AnyConnection,
        run: i64,
        revision: i64,
        rule_version: &str,
        results: &[NewMuResult],
    ) -> Result<(), StoreError> {
        for chunk in results.chunks(RESULTS_PER_STATEMENT) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO mu_results (mu_run_id, revision, enterprise_id, rule_version, total, rank, class, exempt, items) VALUES ",
            );
            for (i, r) in chunk.iter().enumerate() {
                let items = serde_json::to_string(&r.items).map_err(|e| StoreError::Invalid(e.to_string()))?;
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(run)?.push(", ").bind(revision)?.push(", ").bind(r.enterprise_id.0)?.push(", ");
                sql.bind(rule_version.to_owned())?.push(", ").bind(r.total)?.push(", ");
                sql.bind(r.rank.map(|k| k as i64))?.push(", ").bind(r.class.clone())?.push(", ");
                sql.bind(i64::from(u8::from(r.exempt)))?.push(", ").bind(items)?.push(")");
            }
            sql.query().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Scores a run again (after an upheld objection or under another rule version): every
    /// result gets a new revision, the earlier ones stay. Refused (`Conflict`) once final.
    pub async fn rescore_mu_run(
        &self,
        scope: &Scope,
        run: i64,
        rule_version: &str,
        results: &[NewMuResult],
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let (status, revision): (String, i64) =
            sqlx::query_as("SELECT status, revision FROM mu_runs WHERE mu_run_id = $1")
                .bind(run)
                .fetch_one(&mut *tx)
                .await?;
        if RunStatus::parse(&status)? == RunStatus::Final {
            return Err(StoreError::Conflict("the run is final".into()));
        }
        let next = revision + 1;
        sqlx::query("UPDATE mu_runs SET revision = $1, rule_version = $2, updated_at = $3 WHERE mu_run_id = $4")
            .bind(next)
            .bind(rule_version)
            .bind(now_unix())
            .bind(run)
            .execute(&mut *tx)
            .await?;
        self.insert_results(&mut tx, run, next, rule_version, results).await?;
        let detail = serde_json::json!({"revision": next, "rule_version": rule_version});
        audit_object(&mut tx, actor, "mu_run.rescore", "mu_run", run, detail).await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Publishes a run (公示) with objections accepted through `objection_until` (yyyymmdd); a
    /// published run may be published again to move the date. Refused once final.
    pub async fn publish_mu_run(
        &self,
        scope: &Scope,
        run: i64,
        objection_until: i64,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        self.move_run(scope, run, RunStatus::Published, Some(objection_until), actor).await
    }

    /// Makes a published run final; refused while objections are open.
    pub async fn finalize_mu_run(&self, scope: &Scope, run: i64, actor: &AuditActor) -> Result<(), StoreError> {
        self.move_run(scope, run, RunStatus::Final, None, actor).await
    }

    async fn move_run(
        &self,
        scope: &Scope,
        run: i64,
        to: RunStatus,
        objection_until: Option<i64>,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let status: String =
            sqlx::query_scalar("SELECT status FROM mu_runs WHERE mu_run_id = $1").bind(run).fetch_one(&mut *tx).await?;
        let from = RunStatus::parse(&status)?;
        match (from, to) {
            (RunStatus::Final, _) => return Err(StoreError::Conflict("the run is final".into())),
            (RunStatus::Draft, RunStatus::Final) => {
                return Err(StoreError::Conflict("a draft must be published before it is final".into()));
            }
            (_, RunStatus::Final) => {
                let open: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM mu_objections WHERE mu_run_id = $1 AND status = 'open'")
                        .bind(run)
                        .fetch_one(&mut *tx)
                        .await?;
                if open > 0 {
                    return Err(StoreError::Conflict(format!("{open} objections are open")));
                }
            }
            _ => {}
        }
        sqlx::query(
            "UPDATE mu_runs SET status = $1, objection_until = COALESCE($2, objection_until), updated_at = $3 \
             WHERE mu_run_id = $4",
        )
        .bind(to.as_str())
        .bind(objection_until)
        .bind(now_unix())
        .bind(run)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"from": from.as_str(), "to": to.as_str(), "objection_until": objection_until});
        audit_object(&mut tx, actor, "mu_run.status", "mu_run", run, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs, newest first; of one year when given.
    pub async fn mu_runs(&self, year: Option<i32>) -> Result<Vec<MuRun>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {RUN_COLUMNS} FROM mu_runs WHERE 1 = 1"));
        if let Some(year) = year {
            sql.push(" AND year = ").bind(i64::from(year))?;
        }
        sql.push(" ORDER BY year DESC, mu_run_id DESC");
        sql.query().fetch_all(&self.pool).await?.iter().map(run_of).collect()
    }

    pub async fn mu_run(&self, run: i64) -> Result<MuRun, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {RUN_COLUMNS} FROM mu_runs WHERE mu_run_id = "));
        sql.bind(run)?;
        run_of(&sql.query().fetch_one(&self.pool).await?)
    }

    /// The results of a run at a revision (default: the run's current one) for the firms
    /// visible to `scope`, best first (exempt firms last).
    pub async fn mu_results(
        &self,
        scope: &Scope,
        run: i64,
        revision: Option<i64>,
    ) -> Result<Vec<MuResultLine>, StoreError> {
        let revision = match revision {
            Some(r) => r,
            None => self.mu_run(run).await?.revision,
        };
        let mut sql = Sql::new(
            self.backend,
            "SELECT r.enterprise_id, e.credit_code, e.name, e.land_area_mu, r.revision, r.rule_version, r.total, r.rank, \
             r.class, r.exempt, r.items FROM mu_results r JOIN enterprises e ON e.enterprise_id = r.enterprise_id \
             WHERE r.mu_run_id = ",
        );
        sql.bind(run)?.push(" AND r.revision = ").bind(revision)?;
        push_scope(&mut sql, scope, "r.enterprise_id")?;
        sql.push(" ORDER BY r.exempt, r.total DESC, e.credit_code");
        sql.query().fetch_all(&self.pool).await?.iter().map(result_line).collect()
    }

    /// One firm's result in every revision of a run, oldest first (its re-scoring history).
    pub async fn mu_result_history(
        &self,
        scope: &Scope,
        run: i64,
        enterprise: EnterpriseId,
    ) -> Result<Vec<MuResultLine>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let rows = sqlx::query(
            "SELECT r.enterprise_id, e.credit_code, e.name, e.land_area_mu, r.revision, r.rule_version, r.total, r.rank, \
             r.class, r.exempt, r.items FROM mu_results r JOIN enterprises e ON e.enterprise_id = r.enterprise_id \
             WHERE r.mu_run_id = $1 AND r.enterprise_id = $2 ORDER BY r.revision",
        )
        .bind(run)
        .bind(enterprise.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(result_line).collect()
    }

    /// Files an objection (异议) for a firm of `scope` to a published run, on `today`
    /// (yyyymmdd), within the window. `Ok(Err(..))` says why it was refused.
    pub async fn file_mu_objection(
        &self,
        scope: &Scope,
        run: i64,
        enterprise: EnterpriseId,
        reason: &str,
        today: i64,
        actor: &AuditActor,
    ) -> Result<Result<i64, ObjectionRefusal>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let record = self.mu_run(run).await?;
        let open = record.status == RunStatus::Published && record.objection_until.is_some_and(|until| today <= until);
        if !open {
            return Ok(Err(ObjectionRefusal::WindowClosed));
        }
        let has_result: Option<i64> = sqlx::query_scalar(
            "SELECT revision FROM mu_results WHERE mu_run_id = $1 AND revision = $2 AND enterprise_id = $3",
        )
        .bind(run)
        .bind(record.revision)
        .bind(enterprise.0)
        .fetch_optional(&self.pool)
        .await?;
        if has_result.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let already: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM mu_objections WHERE mu_run_id = $1 AND enterprise_id = $2 AND status = 'open'",
        )
        .bind(run)
        .bind(enterprise.0)
        .fetch_one(&mut *tx)
        .await?;
        if already > 0 {
            return Ok(Err(ObjectionRefusal::AlreadyOpen));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mu_objections (mu_run_id, enterprise_id, reason, status, filed_at, filed_by) \
             VALUES ($1, $2, $3, 'open', $4, $5) RETURNING mu_objection_id",
        )
        .bind(run)
        .bind(enterprise.0)
        .bind(reason)
        .bind(now_unix())
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let detail = serde_json::json!({"objection": id, "enterprise_id": enterprise.0, "reason": reason});
        audit_object(&mut tx, actor, "mu_objection.file", "mu_run", run, detail).await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// Upholds or rejects an open objection with a response. City scope.
    pub async fn resolve_mu_objection(
        &self,
        scope: &Scope,
        objection: i64,
        upheld: bool,
        response: &str,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let (run, status): (i64, String) =
            sqlx::query_as("SELECT mu_run_id, status FROM mu_objections WHERE mu_objection_id = $1")
                .bind(objection)
                .fetch_one(&mut *tx)
                .await?;
        if ObjectionStatus::parse(&status)? != ObjectionStatus::Open {
            return Err(StoreError::Conflict("the objection is resolved already".into()));
        }
        let to = if upheld { ObjectionStatus::Upheld } else { ObjectionStatus::Rejected };
        sqlx::query(
            "UPDATE mu_objections SET status = $1, response = $2, resolved_at = $3, resolved_by = $4 \
             WHERE mu_objection_id = $5",
        )
        .bind(to.as_str())
        .bind(response)
        .bind(now_unix())
        .bind(&actor.name)
        .bind(objection)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"objection": objection, "status": to.as_str(), "response": response});
        audit_object(&mut tx, actor, "mu_objection.resolve", "mu_run", run, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The objections to a run from firms visible to `scope`, oldest first.
    pub async fn mu_objections(&self, scope: &Scope, run: i64) -> Result<Vec<MuObjection>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT o.mu_objection_id, o.mu_run_id, o.enterprise_id, e.credit_code, e.name, o.reason, o.status, \
             o.response, o.filed_at, o.filed_by, o.resolved_at, o.resolved_by FROM mu_objections o \
             JOIN enterprises e ON e.enterprise_id = o.enterprise_id WHERE o.mu_run_id = ",
        );
        sql.bind(run)?;
        push_scope(&mut sql, scope, "o.enterprise_id")?;
        sql.push(" ORDER BY o.mu_objection_id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get(6)?;
                Ok(MuObjection {
                    mu_objection_id: r.try_get(0)?,
                    mu_run_id: r.try_get(1)?,
                    enterprise_id: EnterpriseId(r.try_get(2)?),
                    credit_code: r.try_get(3)?,
                    name: r.try_get(4)?,
                    reason: r.try_get(5)?,
                    status: ObjectionStatus::parse(&status)?,
                    response: r.try_get(7)?,
                    filed_at: r.try_get(8)?,
                    filed_by: r.try_get(9)?,
                    resolved_at: r.try_get(10)?,
                    resolved_by: r.try_get(11)?,
                })
            })
            .collect()
    }
}

fn result_line(row: &sqlx::any::AnyRow) -> Result<MuResultLine, StoreError> {
    let items: String = row.try_get(10)?;
    let exempt: i64 = row.try_get(9)?;
    Ok(MuResultLine {
        enterprise_id: EnterpriseId(row.try_get(0)?),
        credit_code: row.try_get(1)?,
        name: row.try_get(2)?,
        land_mu: row.try_get(3)?,
        revision: row.try_get(4)?,
        rule_version: row.try_get(5)?,
        total: row.try_get(6)?,
        rank: row.try_get(7)?,
        class: row.try_get(8)?,
        exempt: exempt != 0,
        items: serde_json::from_str(&items).map_err(|_| corrupt("result items", &items))?,
    })
}
