//! The in-app inbox: reminders and escalations about tasks and requests, each for a unit (the
//! city's supervisors, a department or a district). A notice is written once per subject,
//! kind and day, so the sweep that finds them may run as often as pages are opened.

use serde::Serialize;
use sqlx::Row;

use crate::model::{DepartmentId, RegionId};
use crate::sql::Sql;
use crate::{Scope, Store, StoreError, now_unix};

/// Whose inbox a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Recipient {
    /// The city's supervisors (督办); only city-wide users see these.
    City,
    Department(DepartmentId),
    District(RegionId),
}

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Task(i64),
    Request(i64),
}

impl Subject {
    /// The page the notice links to.
    pub fn link(self) -> String {
        match self {
            Subject::Task(id) => format!("/tasks/{id}"),
            Subject::Request(id) => format!("/requests/{id}"),
        }
    }
}

/// A notice to deliver.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub recipient: Recipient,
    pub subject: Subject,
    /// `overdue`, `stalled`, `due_soon`, `escalated`…
    pub kind: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboxItem {
    pub inbox_id: i64,
    pub task_id: Option<i64>,
    pub request_id: Option<i64>,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub created_at: i64,
}

impl Store {
    /// Writes the day's notices in one transaction, each unless one of its subject and kind
    /// was written that day; the number written.
    pub async fn deliver(&self, notices: &[Notice], day: i64) -> Result<usize, StoreError> {
        if notices.is_empty() {
            return Ok(0);
        }
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for notice in notices {
            let (department, region) = match notice.recipient {
                Recipient::City => (None, None),
                Recipient::Department(d) => (Some(d.0), None),
                Recipient::District(r) => (None, Some(r.0)),
            };
            let (task, request) = match notice.subject {
                Subject::Task(id) => (Some(id), None),
                Subject::Request(id) => (None, Some(id)),
            };
            added += sqlx::query(
                "INSERT INTO inbox (department_id, region_id, task_id, request_id, kind, day, text, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(department)
            .bind(region)
            .bind(task)
            .bind(request)
            .bind(notice.kind)
            .bind(day)
            .bind(&notice.text)
            .bind(notice.subject.link())
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The inbox of the unit `scope` is (the city sees every notice), newest first.
    pub async fn inbox(&self, scope: &Scope) -> Result<Vec<InboxItem>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT inbox_id, task_id, request_id, kind, text, link, created_at FROM inbox WHERE 1 = 1",
        );
        crate::access::push_unit_scope(&mut sql, scope, "department_id", "region_id")?;
        sql.push(" ORDER BY inbox_id DESC");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(InboxItem {
                    inbox_id: r.try_get(0)?,
                    task_id: r.try_get(1)?,
                    request_id: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    text: r.try_get(4)?,
                    link: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                })
            })
            .collect()
    }
}
