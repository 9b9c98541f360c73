//! Briefing templates and drafts (domain::briefing). A draft belongs to the scope it was drafted
//! for (`city`, `district:ID`, `park:ID`); the caller decides who sees which scope.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::Month;
use xinzhi_domain::briefing::DEFAULT_MONTHLY;

use crate::access::{AuditActor, audit_object};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BriefingTemplate {
    pub template_id: i64,
    pub name: String,
    pub body: String,
    pub updated_at: i64,
    pub updated_by: String,
}

/// A draft to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBriefing {
    pub title: String,
    pub period: Month,
    pub scope: String,
    pub template_id: Option<i64>,
    pub body: String,
    /// The provenance of each figure, by id.
    pub figures: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    pub briefing_id: i64,
    pub title: String,
    pub period: Month,
    pub scope: String,
    pub template_id: Option<i64>,
    pub body: String,
    pub figures: serde_json::Value,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub updated_by: String,
}

/// The name the shipped template is stored under.
pub const DEFAULT_TEMPLATE_NAME: &str = "月度工业经济运行简报";

const BRIEFING_COLUMNS: &str =
    "briefing_id, title, period, scope, template_id, body, figures, created_at, created_by, updated_at, updated_by";

fn briefing_of(row: &sqlx::any::AnyRow) -> Result<Briefing, StoreError> {
    let period: i64 = row.try_get(2)?;
    let figures: String = row.try_get(6)?;
    Ok(Briefing {
        briefing_id: row.try_get(0)?,
        title: row.try_get(1)?,
        period: Month::from_yyyymm(period).map_err(|_| crate::org::corrupt("briefing period", period))?,
        scope: row.try_get(3)?,
        template_id: row.try_get(4)?,
        body: row.try_get(5)?,
        figures: serde_json::from_str(&figures).unwrap_or_default(),
        created_at: row.try_get(7)?,
        created_by: row.try_get(8)?,
        updated_at: row.try_get(9)?,
        updated_by: row.try_get(10)?,
    })
}

impl Store {
    /// The templates, the shipped one stored on first use.
    pub async fn briefing_templates(&self) -> Result<Vec<BriefingTemplate>, StoreError> {
        let read = || async {
            let rows = sqlx::query(
                "SELECT template_id, name, body, updated_at, updated_by FROM briefing_templates ORDER BY template_id",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(BriefingTemplate {
                        template_id: r.try_get(0)?,
                        name: r.try_get(1)?,
                        body: r.try_get(2)?,
                        updated_at: r.try_get(3)?,
                        updated_by: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        };
        let found = read().await?;
        if !found.is_empty() {
            return Ok(found);
        }
        sqlx::query(
            "INSERT INTO briefing_templates (name, body, updated_at, updated_by) VALUES ($1, $2, $3, 'xinzhi') \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(DEFAULT_TEMPLATE_NAME)
        .bind(DEFAULT_MONTHLY)
        .bind(now_unix())
        .execute(&self.pool)
        .await?;
        read().await
    }

    /// Adds a template or changes the one of that name (checked by the caller); its id. Audited.
    pub async fn save_briefing_template(&self, name: &str, body: &str, actor: &AuditActor) -> Result<i64, StoreError> {
        self.briefing_templates().await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO briefing_templates (name, body, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by RETURNING template_id",
        )
        .bind(name)
        .bind(body)
        .bind(now_unix())
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        audit_object(
            &mut tx,
            actor,
            "briefing_template.save",
            "briefing_template",
            id,
            serde_json::json!({"name": name, "body": body}),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Keeps a new draft; its id. Audited.
    pub async fn create_briefing(&self, new: &NewBriefing, actor: &AuditActor) -> Result<i64, StoreError> {
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO briefings (title, period, scope, template_id, body, figures, created_at, created_by, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING briefing_id",
        )
        .bind(&new.title)
        .bind(new.period.yyyymm())
        .bind(&new.scope)
        .bind(new.template_id)
        .bind(&new.body)
        .bind(new.figures.to_string())
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let detail = serde_json::json!({"title": new.title, "period": new.period.yyyymm(), "scope": new.scope});
        audit_object(&mut tx, actor, "briefing.create", "briefing", id, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The drafts of the given scopes (every scope when `None`), newest first.
    pub async fn briefings(&self, scopes: Option<&[String]>) -> Result<Vec<Briefing>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {BRIEFING_COLUMNS} FROM briefings WHERE 1 = 1"));
        if let Some(scopes) = scopes {
            sql.push(" AND scope IN (");
            for (i, scope) in scopes.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(scope.clone())?;
            }
            if scopes.is_empty() {
                sql.push("NULL");
            }
            sql.push(")");
        }
        sql.push(" ORDER BY briefing_id DESC");
        sql.query().fetch_all(&self.pool).await?.iter().map(briefing_of).collect()
    }

    pub async fn briefing(&self, id: i64) -> Result<Briefing, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {BRIEFING_COLUMNS} FROM briefings WHERE briefing_id = "));
        sql.bind(id)?;
        briefing_of(&sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?)
    }

    /// Saves an edited draft's title and text. Audited with the text before and after.
    pub async fn update_briefing(
        &self,
        id: i64,
        title: &str,
        body: &str,
        actor: &AuditActor,
    ) -> Result<Briefing, StoreError> {
        let before = self.briefing(id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE briefings SET title = $1, body = $2, updated_at = $3, updated_by = $4 WHERE briefing_id = $5",
        )
        .bind(title)
        .bind(body)
        .bind(now_unix())
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"title": {"old": before.title, "new": title}, "body": {"old": before.body, "new": body}});
        audit_object(&mut tx, actor, "briefing.edit", "briefing", id, detail).await?;
        tx.commit().await?;
        self.briefing(id).await
    }
}
