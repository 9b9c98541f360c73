//! Tough actions and their tasks with milestones and progress (domain::task); their
//! reminders go to the inbox (`inbox`). A task's lead unit is a department or a district;
//! the city sees every task, a department or district those it leads.

use serde::Serialize;
use sqlx::Row;

use crate::access::push_unit_scope;
use crate::access::{AuditActor, Scope, audit_object};
use crate::attachments::{NewFile, Owner, insert_attachment};
use crate::inbox::Recipient;
use crate::model::{DepartmentId, RegionId};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// Who leads a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum LeadUnit {
    Department(DepartmentId),
    District(RegionId),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTask {
    pub action_id: i64,
    pub title: String,
    pub lead: LeadUnit,
    pub cooperating: Vec<String>,
    /// yyyymmdd.
    pub deadline: i64,
    /// (title, due yyyymmdd).
    pub milestones: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    pub task_id: i64,
    pub action_id: i64,
    pub action: String,
    pub title: String,
    pub lead: LeadUnit,
    pub lead_name: String,
    pub cooperating: Vec<String>,
    pub deadline: i64,
    pub percent: i64,
    /// yyyymmdd.
    pub last_progress: i64,
    pub done_on: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskProgress {
    pub text: String,
    pub percent: i64,
    pub attachment: Option<String>,
    pub at: i64,
    pub by: String,
}

const COLUMNS: &str = "t.task_id, t.action_id, a.name, t.title, t.lead_department_id, t.lead_region_id, \
     COALESCE(d.name_zh, r.name_zh, ''), t.cooperating, t.deadline, t.percent, t.last_progress, t.done_on \
     FROM tasks t JOIN actions a ON a.action_id = t.action_id \
     LEFT JOIN departments d ON d.department_id = t.lead_department_id \
     LEFT JOIN regions r ON r.region_id = t.lead_region_id";

fn task_of(row: &sqlx::any::AnyRow) -> Result<Task, StoreError> {
    let department: Option<i64> = row.try_get(4)?;
    let region: Option<i64> = row.try_get(5)?;
    let cooperating: String = row.try_get(7)?;
    let lead = match (department, region) {
        (Some(d), _) => LeadUnit::Department(DepartmentId(d)),
        (None, Some(r)) => LeadUnit::District(RegionId(r)),
        (None, None) => return Err(crate::org::corrupt("task lead", "none")),
    };
    Ok(Task {
        task_id: row.try_get(0)?,
        action_id: row.try_get(1)?,
        action: row.try_get(2)?,
        title: row.try_get(3)?,
        lead,
        lead_name: row.try_get(6)?,
        cooperating: serde_json::from_str(&cooperating).unwrap_or_default(),
        deadline: row.try_get(8)?,
        percent: row.try_get(9)?,
        last_progress: row.try_get(10)?,
        done_on: row.try_get(11)?,
    })
}

impl Task {
    /// The inbox of the task's lead unit.
    pub fn recipient(&self) -> Recipient {
        match self.lead {
            LeadUnit::Department(d) => Recipient::Department(d),
            LeadUnit::District(r) => Recipient::District(r),
        }
    }

    /// Whether `scope` is the task's lead unit (the city leads every task).
    pub fn led_by(&self, scope: &Scope) -> bool {
        match (scope, self.lead) {
            (Scope::City, _) => true,
            (Scope::Department(d), LeadUnit::Department(lead)) => *d == lead,
            (Scope::District(r), LeadUnit::District(lead)) => *r == lead,
            _ => false,
        }
    }
}

impl Store {
    /// Creates a tough action. City scope.
    pub async fn create_action(
        &self,
        scope: &Scope,
        name: &str,
        year: i32,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO actions (name, year, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING action_id",
        )
        .bind(name)
        .bind(i64::from(year))
        .bind(now_unix())
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        audit_object(&mut tx, actor, "action.create", "task", id, serde_json::json!({"name": name, "year": year}))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every action: (id, name, year), newest year first.
    pub async fn actions(&self) -> Result<Vec<(i64, String, i32)>, StoreError> {
        let rows = sqlx::query("SELECT action_id, name, year FROM actions ORDER BY year DESC, action_id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let year: i64 = r.try_get(2)?;
                Ok((r.try_get(0)?, r.try_get(1)?, i32::try_from(year).unwrap_or(0)))
            })
            .collect()
    }

    /// Creates a task with its milestones under an action, on `today` (yyyymmdd). City scope.
    pub async fn create_task(
        &self,
        scope: &Scope,
        task: &NewTask,
        today: i64,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let (department, region) = match task.lead {
            LeadUnit::Department(d) => (Some(d.0), None),
            LeadUnit::District(r) => (None, Some(r.0)),
        };
        let cooperating = serde_json::to_string(&task.cooperating).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tasks (action_id, title, lead_department_id, lead_region_id, cooperating, deadline, last_progress, \
             created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING task_id",
        )
        .bind(task.action_id)
        .bind(&task.title)
        .bind(department)
        .bind(region)
        .bind(&cooperating)
        .bind(task.deadline)
        .bind(today)
        .bind(now_unix())
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        for (i, (title, due)) in task.milestones.iter().enumerate() {
            sqlx::query("INSERT INTO task_milestones (task_id, position, title, due_on) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(i as i64)
                .bind(title)
                .bind(*due)
                .execute(&mut *tx)
                .await?;
        }
        audit_object(&mut tx, actor, "task.create", "task", id, serde_json::to_value(task).unwrap_or_default()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The tasks `scope` leads (every task for the city), by action and deadline.
    pub async fn tasks(&self, scope: &Scope) -> Result<Vec<Task>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE 1 = 1"));
        push_unit_scope(&mut sql, scope, "t.lead_department_id", "t.lead_region_id")?;
        sql.push(" ORDER BY t.action_id, t.deadline, t.task_id");
        sql.query().fetch_all(&self.pool).await?.iter().map(task_of).collect()
    }

    /// One task `scope` sees, with its milestones (title, due) and progress, oldest first.
    pub async fn task(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<(Task, Vec<(String, i64)>, Vec<TaskProgress>), StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} WHERE t.task_id = "));
        sql.bind(id)?;
        push_unit_scope(&mut sql, scope, "t.lead_department_id", "t.lead_region_id")?;
        let task = task_of(&sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?)?;
        let milestones = sqlx::query("SELECT title, due_on FROM task_milestones WHERE task_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let progress = sqlx::query(
            "SELECT text, percent, attachment, at, by_user FROM task_progress WHERE task_id = $1 ORDER BY task_progress_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(TaskProgress { text: r.try_get(0)?, percent: r.try_get(1)?, attachment: r.try_get(2)?, at: r.try_get(3)?, by: r.try_get(4)? })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((task, milestones, progress))
    }

    /// Posts progress on a task the unit `scope` leads (or the city), on `today`; at 100% the
    /// task is done. Audited.
    #[allow(clippy::too_many_arguments)]
    pub async fn post_task_progress(
        &self,
        scope: &Scope,
        id: i64,
        text: &str,
        percent: i64,
        attachment: Option<&NewFile>,
        today: i64,
        actor: &AuditActor,
    ) -> Result<Task, StoreError> {
        let (task, _, _) = self.task(scope, id).await?;
        if task.done_on.is_some() {
            return Err(StoreError::Conflict("the task is done".into()));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO task_progress (task_id, text, percent, attachment, at, by_user) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(text)
            .bind(percent)
            .bind(attachment.map(|f| f.name.as_str()))
            .bind(now_unix())
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
        if let Some(file) = attachment {
            insert_attachment(&mut tx, Owner::Task(id), file, actor).await?;
        }
        let done = (percent >= 100).then_some(today);
        sqlx::query("UPDATE tasks SET percent = $1, last_progress = $2, done_on = $3 WHERE task_id = $4")
            .bind(percent)
            .bind(today)
            .bind(done)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit_object(
            &mut tx,
            actor,
            "task.progress",
            "task",
            id,
            serde_json::json!({"percent": percent, "text": text}),
        )
        .await?;
        tx.commit().await?;
        Ok(self.task(scope, id).await?.0)
    }
}
