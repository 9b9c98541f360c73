//! Enterprise requests (domain::request) with their stage clocks and history, the request
//! categories with their limits, and the working-day calendar's stored years.
//!
//! Who sees a request: the city everything, districts and parks their firms', a department
//! what is routed to it, a firm its own.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::calendar::{YearArrangement, official_arrangements};
use xinzhi_domain::request::{Category, Channel, Limits, ServiceRecord, Stage, Step, default_categories};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, audit_object, push_scope, write_audit};
use crate::attachments::{NewFile, Owner, insert_attachment};
use crate::model::{DepartmentId, EnterpriseId};
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A request to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub enterprise_id: EnterpriseId,
    pub category: String,
    pub channel: Channel,
    pub title: String,
    pub body: String,
    pub department_id: Option<DepartmentId>,
    /// The clock of the raised stage (computed on the calendar by the caller).
    pub due_at: Option<i64>,
    pub remind_at: Option<i64>,
    /// Files raised with it (checked names).
    pub files: Vec<NewFile>,
}

/// A stored request with its firm and department.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub request_id: i64,
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub firm: String,
    pub category: String,
    pub channel: Channel,
    pub title: String,
    pub body: String,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    pub stage: Stage,
    pub stage_started_at: i64,
    pub due_at: Option<i64>,
    pub remind_at: Option<i64>,
    pub reply: Option<String>,
    pub replied_at: Option<i64>,
    pub replied_on_time: Option<bool>,
    pub rating: Option<i64>,
    pub rating_note: Option<String>,
    pub reopened: i64,
    pub created_at: i64,
    pub created_by: String,
}

/// A step of a request's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestEvent {
    pub step: String,
    pub from: Option<Stage>,
    pub to: Stage,
    pub note: Option<String>,
    pub at: i64,
    pub by: String,
}

/// A move to record: the step, what it carries, and the clock of the stage it starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestMove {
    pub note: Option<String>,
    /// Reply: the answer. Rate: the rating note.
    pub text: Option<String>,
    pub rating: Option<i64>,
    /// Reroute: the department it goes to.
    pub department_id: Option<DepartmentId>,
    pub due_at: Option<i64>,
    pub remind_at: Option<i64>,
}

/// A department's requests: answered, on time, rated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentRecord {
    pub department_id: Option<DepartmentId>,
    pub department: String,
    pub open: usize,
    pub overdue: usize,
    #[serde(flatten)]
    pub record: ServiceRecord,
}

fn stage(text: &str) -> Result<Stage, StoreError> {
    Stage::parse(text).ok_or_else(|| corrupt("request stage", text))
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Accept => "accept",
        Step::Reroute => "reroute",
        Step::Reply => "reply",
        Step::Rate => "rate",
        Step::Reopen => "reopen",
        Step::Close => "close",
    }
}

const COLUMNS: &str = "r.request_id, r.enterprise_id, e.credit_code, e.name, r.category, r.channel, r.title, r.body, \
     r.department_id, d.name_zh, r.stage, r.stage_started_at, r.due_at, r.remind_at, r.reply, r.replied_at, \
     r.replied_on_time, r.rating, r.rating_note, r.reopened, r.created_at, r.created_by \
     FROM requests r JOIN enterprises e ON e.enterprise_id = r.enterprise_id \
     LEFT JOIN departments d ON d.department_id = r.department_id";

fn request_of(row: &sqlx::any::AnyRow) -> Result<Request, StoreError> {
    let channel: String = row.try_get(5)?;
    let stage_text: String = row.try_get(10)?;
    let department: Option<i64> = row.try_get(8)?;
    let on_time: Option<i64> = row.try_get(16)?;
    Ok(Request {
        request_id: row.try_get(0)?,
        enterprise_id: EnterpriseId(row.try_get(1)?),
        credit_code: row.try_get(2)?,
        firm: row.try_get(3)?,
        category: row.try_get(4)?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("request channel", &channel))?,
        title: row.try_get(6)?,
        body: row.try_get(7)?,
        department_id: department.map(DepartmentId),
        department: row.try_get(9)?,
        stage: stage(&stage_text)?,
        stage_started_at: row.try_get(11)?,
        due_at: row.try_get(12)?,
        remind_at: row.try_get(13)?,
        reply: row.try_get(14)?,
        replied_at: row.try_get(15)?,
        replied_on_time: on_time.map(|v| v != 0),
        rating: row.try_get(17)?,
        rating_note: row.try_get(18)?,
        reopened: row.try_get(19)?,
        created_at: row.try_get(20)?,
        created_by: row.try_get(21)?,
    })
}

/// Narrows a query on `requests r` to what `scope` sees.
fn push_request_scope(sql: &mut Sql, scope: &Scope) -> Result<(), StoreError> {
    match scope {
        Scope::Department(d) => {
            sql.push(" AND r.department_id = ").bind(d.0)?;
            Ok(())
        }
        other => push_scope(sql, other, "r.enterprise_id"),
    }
}

impl Store {
    /// The calendar's years: the stored ones, and the shipped ones where none is stored.
    pub async fn calendar_years(&self) -> Result<Vec<YearArrangement>, StoreError> {
        let rows = sqlx::query("SELECT year, body FROM work_calendar ORDER BY year").fetch_all(&self.pool).await?;
        let mut years: std::collections::BTreeMap<i32, YearArrangement> =
            official_arrangements().into_iter().map(|a| (a.year, a)).collect();
        for r in rows {
            let body: String = r.try_get(1)?;
            let arrangement: YearArrangement =
                serde_json::from_str(&body).map_err(|_| corrupt("calendar year", &body))?;
            years.insert(arrangement.year, arrangement);
        }
        Ok(years.into_values().collect())
    }

    /// Stores a year of the calendar (checked by the caller), replacing a stored one. City scope.
    pub async fn save_calendar_year(
        &self,
        scope: &Scope,
        year: &YearArrangement,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let body = serde_json::to_string(year).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO work_calendar (year, body, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (year) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(i64::from(year.year))
        .bind(&body)
        .bind(now_unix())
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"holidays": year.holidays.len(), "working_weekends": year.working_weekends});
        audit_object(&mut tx, actor, "calendar.save", "work_calendar", i64::from(year.year), detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The request categories with their limits; the shipped ones are stored on first use.
    pub async fn request_categories(&self) -> Result<Vec<(Category, Option<DepartmentId>)>, StoreError> {
        let read = || async {
            let rows = sqlx::query(
                "SELECT code, name_zh, name_en, accept_days, reply_days, remind_days_before, department_id \
                 FROM request_categories ORDER BY code",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let days = |i: usize| -> Result<u32, StoreError> {
                        let v: i64 = r.try_get(i)?;
                        u32::try_from(v).map_err(|_| corrupt("limit", v))
                    };
                    let department: Option<i64> = r.try_get(6)?;
                    Ok((
                        Category {
                            code: r.try_get(0)?,
                            name_zh: r.try_get(1)?,
                            name_en: r.try_get(2)?,
                            limits: Limits {
                                accept_days: days(3)?,
                                reply_days: days(4)?,
                                remind_days_before: days(5)?,
                            },
                        },
                        department.map(DepartmentId),
                    ))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        };
        let found = read().await?;
        if !found.is_empty() {
            return Ok(found);
        }
        let mut tx = self.begin_write().await?;
        for c in default_categories() {
            sqlx::query(
                "INSERT INTO request_categories (code, name_zh, name_en, accept_days, reply_days, remind_days_before) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING",
            )
            .bind(&c.code)
            .bind(&c.name_zh)
            .bind(&c.name_en)
            .bind(i64::from(c.limits.accept_days))
            .bind(i64::from(c.limits.reply_days))
            .bind(i64::from(c.limits.remind_days_before))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        read().await
    }

    /// Adds a category or changes one (by code): names, limits and the department requests go
    /// to by default. The shipped ones are stored first, so that editing one keeps the rest.
    /// Audited.
    pub async fn save_request_category(
        &self,
        category: &Category,
        department: Option<DepartmentId>,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let before = self.request_categories().await?.into_iter().find(|(c, _)| c.code == category.code);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO request_categories (code, name_zh, name_en, accept_days, reply_days, remind_days_before, department_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, \
             name_en = excluded.name_en, accept_days = excluded.accept_days, reply_days = excluded.reply_days, \
             remind_days_before = excluded.remind_days_before, department_id = excluded.department_id",
        )
        .bind(&category.code)
        .bind(&category.name_zh)
        .bind(&category.name_en)
        .bind(i64::from(category.limits.accept_days))
        .bind(i64::from(category.limits.reply_days))
        .bind(i64::from(category.limits.remind_days_before))
        .bind(department.map(|d| d.0))
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "code": category.code,
            "before": before.map(|(c, d)| serde_json::json!({"category": c, "department_id": d.map(|d| d.0)})),
            "after": {"category": category, "department_id": department.map(|d| d.0)},
        });
        let entry = AuditEntry {
            actor,
            action: "request.category",
            object_type: Some("request_category"),
            object_id: Some(category.code.clone()),
            outcome: Outcome::Success,
            detail: Some(detail),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a request of a firm visible to `scope`, audited.
    pub async fn create_request(&self, scope: &Scope, new: &NewRequest, actor: &AuditActor) -> Result<i64, StoreError> {
        self.ensure_visible(scope, new.enterprise_id).await?;
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO requests (enterprise_id, category, channel, title, body, department_id, stage, stage_started_at, \
             due_at, remind_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, 'raised', $7, $8, $9, $7, $10) \
             RETURNING request_id",
        )
        .bind(new.enterprise_id.0)
        .bind(&new.category)
        .bind(new.channel.as_str())
        .bind(&new.title)
        .bind(&new.body)
        .bind(new.department_id.map(|d| d.0))
        .bind(now)
        .bind(new.due_at)
        .bind(new.remind_at)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        event(&mut tx, id, "raise", None, Stage::Raised, None, now, actor).await?;
        for file in &new.files {
            insert_attachment(&mut tx, Owner::Request(id), file, actor).await?;
        }
        let detail = serde_json::json!({"enterprise_id": new.enterprise_id.0, "category": new.category});
        audit_object(&mut tx, actor, "request.create", "request", id, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The requests `scope` sees, newest first; only those in `stage` when given.
    pub async fn requests(&self, scope: &Scope, stage: Option<Stage>) -> Result<Vec<Request>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE 1 = 1"));
        if let Some(stage) = stage {
            sql.push(" AND r.stage = ").bind(stage.as_str().to_owned())?;
        }
        push_request_scope(&mut sql, scope)?;
        sql.push(" ORDER BY r.created_at DESC, r.request_id DESC");
        sql.query().fetch_all(&self.pool).await?.iter().map(request_of).collect()
    }

    /// One request `scope` sees, with its history.
    pub async fn request(&self, scope: &Scope, id: i64) -> Result<(Request, Vec<RequestEvent>), StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE r.request_id = "));
        sql.bind(id)?;
        push_request_scope(&mut sql, scope)?;
        let request = request_of(&sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?)?;
        let rows = sqlx::query(
            "SELECT step, from_stage, to_stage, note, at, by_user FROM request_events WHERE request_id = $1 \
             ORDER BY request_event_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let events = rows
            .iter()
            .map(|r| {
                let from: Option<String> = r.try_get(1)?;
                let to: String = r.try_get(2)?;
                Ok(RequestEvent {
                    step: r.try_get(0)?,
                    from: from.as_deref().map(stage).transpose()?,
                    to: stage(&to)?,
                    note: r.try_get(3)?,
                    at: r.try_get(4)?,
                    by: r.try_get(5)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((request, events))
    }

    /// Moves a request `scope` sees by `step` from the stage it is in (`Conflict` when the step
    /// does not apply there, or the request moved meanwhile), audited.
    pub async fn move_request(
        &self,
        scope: &Scope,
        id: i64,
        step: Step,
        change: &RequestMove,
        actor: &AuditActor,
    ) -> Result<Request, StoreError> {
        let (current, _) = self.request(scope, id).await?;
        let Some(to) = step.from(current.stage) else {
            return Err(StoreError::Conflict(format!(
                "{} cannot {} a request",
                current.stage.as_str(),
                step_name(step)
            )));
        };
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut sql = Sql::new(self.backend, "UPDATE requests SET stage = ");
        sql.bind(to.as_str().to_owned())?.push(", stage_started_at = ").bind(now)?;
        sql.push(", due_at = ").bind(change.due_at)?.push(", remind_at = ").bind(change.remind_at)?;
        match step {
            Step::Reply => {
                let on_time = current.due_at.is_none_or(|due| now < due);
                sql.push(", reply = ").bind(change.text.clone())?.push(", replied_at = ").bind(now)?;
                sql.push(", replied_on_time = ").bind(i64::from(u8::from(on_time)))?;
            }
            Step::Rate => {
                sql.push(", rating = ").bind(change.rating)?.push(", rating_note = ").bind(change.text.clone())?;
            }
            Step::Reroute => {
                sql.push(", department_id = ").bind(change.department_id.map(|d| d.0))?;
            }
            Step::Reopen => {
                sql.push(", reopened = reopened + 1, rating = NULL, rating_note = NULL");
            }
            Step::Accept | Step::Close => {}
        }
        sql.push(" WHERE request_id = ").bind(id)?.push(" AND stage = ").bind(current.stage.as_str().to_owned())?;
        let moved = sql.query().execute(&mut *tx).await?.rows_affected();
        if moved != 1 {
            return Err(StoreError::Conflict("the request moved meanwhile".into()));
        }
        event(&mut tx, id, step_name(step), Some(current.stage), to, change.note.as_deref(), now, actor).await?;
        let detail = serde_json::json!({"step": step_name(step), "from": current.stage.as_str(), "to": to.as_str(), "note": change.note});
        audit_object(&mut tx, actor, "request.move", "request", id, detail).await?;
        tx.commit().await?;
        Ok(self.request(&Scope::City, id).await?.0)
    }

    /// Per department: open requests, those past their limit at `now`, replies (on time) and
    /// ratings. Requests routed nowhere are under `None`.
    pub async fn department_records(&self, scope: &Scope, now: i64) -> Result<Vec<DepartmentRecord>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT r.department_id, COALESCE(d.name_zh, ''), \
             CAST(SUM(CASE WHEN r.stage IN ('raised', 'accepted') THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN r.stage IN ('raised', 'accepted') AND r.due_at <= ",
        );
        sql.bind(now)?;
        sql.push(
            " THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN r.replied_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN r.replied_on_time = 1 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN r.rating IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(COALESCE(SUM(r.rating), 0) AS BIGINT) \
             FROM requests r LEFT JOIN departments d ON d.department_id = r.department_id WHERE 1 = 1",
        );
        push_request_scope(&mut sql, scope)?;
        sql.push(" GROUP BY r.department_id, d.name_zh ORDER BY r.department_id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let count = |i: usize| -> Result<usize, StoreError> {
                    let v: i64 = r.try_get(i)?;
                    usize::try_from(v).map_err(|_| corrupt("count", v))
                };
                let department: Option<i64> = r.try_get(0)?;
                let rating_sum: i64 = r.try_get(7)?;
                Ok(DepartmentRecord {
                    department_id: department.map(DepartmentId),
                    department: r.try_get(1)?,
                    open: count(2)?,
                    overdue: count(3)?,
                    record: ServiceRecord {
                        replied: count(4)?,
                        on_time: count(5)?,
                        rated: count(6)?,
                        rating_sum: u32::try_from(rating_sum).map_err(|_| corrupt("ratings", rating_sum))?,
                    },
                })
            })
            .collect()
    }
}

#[allow(clippy::too_many_arguments)]
async fn event(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    step: &str,
    from: Option<Stage>,
    to: Stage,
    note: Option<&str>,
    at: i64,
    actor: &AuditActor,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO request_events (request_id, step, from_stage, to_stage, note, at, by_user) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(step)
    .bind(from.map(Stage::as_str))
    .bind(to.as_str())
    .bind(note)
    .bind(at)
    .bind(&actor.name)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
