//! Digital and green programme recognitions (domain::programme) and the 小升规 cases
//! (domain::promotion).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::programme::Programme;
use xinzhi_domain::promotion::PromotionState;

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_scope, write_audit};
use crate::model::EnterpriseId;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A recognition to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgrammeRecord {
    pub enterprise_id: EnterpriseId,
    pub programme: Programme,
    pub level: Option<String>,
    /// yyyymmdd.
    pub recognised_on: i64,
    pub quantity: i64,
    pub detail: Option<String>,
}

/// A stored recognition with its firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeRecord {
    pub programme_record_id: i64,
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub programme: Programme,
    pub level: Option<String>,
    pub recognised_on: i64,
    pub quantity: i64,
    pub detail: Option<String>,
}

/// A 小升规 case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromotionCase {
    pub enterprise_id: EnterpriseId,
    pub year: i32,
    pub state: PromotionState,
    pub note: Option<String>,
    pub updated_at: i64,
    pub updated_by: String,
}

/// A move of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromotionEvent {
    pub from: Option<PromotionState>,
    pub to: PromotionState,
    pub note: Option<String>,
    pub at: i64,
    pub by: String,
}

fn state(text: &str) -> Result<PromotionState, StoreError> {
    PromotionState::parse(text).ok_or_else(|| corrupt("promotion state", text))
}

impl Store {
    /// Records recognitions of firms visible to `scope` (checked by the caller: a known level,
    /// a positive quantity), audited as one change.
    pub async fn add_programme_records(
        &self,
        scope: &Scope,
        records: &[NewProgrammeRecord],
        actor: &AuditActor,
    ) -> Result<Vec<i64>, StoreError> {
        self.ensure_all_visible(scope, records.iter().map(|r| r.enterprise_id)).await?;
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let mut ids = Vec::with_capacity(records.len());
        for r in records {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO programme_records (enterprise_id, programme, level, recognised_on, quantity, detail, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING programme_record_id",
            )
            .bind(r.enterprise_id.0)
            .bind(r.programme.as_str())
            .bind(r.level.clone())
            .bind(r.recognised_on)
            .bind(r.quantity)
            .bind(r.detail.clone())
            .bind(now)
            .bind(&actor.name)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        if !records.is_empty() {
            let entry = AuditEntry {
                actor,
                action: "programme.add",
                object_type: Some("programme_record"),
                object_id: ids.first().map(ToString::to_string),
                outcome: Outcome::Success,
                detail: Some(serde_json::json!({"records": records.len()})),
            };
            write_audit(&mut tx, &entry).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Removes a recognition of a firm visible to `scope` (entered by mistake), audited.
    pub async fn remove_programme_record(&self, scope: &Scope, id: i64, actor: &AuditActor) -> Result<(), StoreError> {
        let enterprise: i64 =
            sqlx::query_scalar("SELECT enterprise_id FROM programme_records WHERE programme_record_id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        self.ensure_visible(scope, EnterpriseId(enterprise)).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM programme_records WHERE programme_record_id = $1").bind(id).execute(&mut *tx).await?;
        let entry = AuditEntry {
            actor,
            action: "programme.remove",
            object_type: Some("programme_record"),
            object_id: Some(id.to_string()),
            outcome: Outcome::Success,
            detail: None,
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Recognitions of the firms visible to `scope`, newest first; of one programme when given.
    pub async fn programme_records(
        &self,
        scope: &Scope,
        programme: Option<Programme>,
    ) -> Result<Vec<ProgrammeRecord>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT p.programme_record_id, p.enterprise_id, e.credit_code, e.name, p.programme, p.level, p.recognised_on, \
             p.quantity, p.detail FROM programme_records p JOIN enterprises e ON e.enterprise_id = p.enterprise_id \
             WHERE 1 = 1",
        );
        if let Some(p) = programme {
            sql.push(" AND p.programme = ").bind(p.as_str().to_owned())?;
        }
        push_scope(&mut sql, scope, "p.enterprise_id")?;
        sql.push(" ORDER BY p.recognised_on DESC, p.programme_record_id DESC");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let programme: String = r.try_get(4)?;
                Ok(ProgrammeRecord {
                    programme_record_id: r.try_get(0)?,
                    enterprise_id: EnterpriseId(r.try_get(1)?),
                    credit_code: r.try_get(2)?,
                    name: r.try_get(3)?,
                    programme: Programme::parse(&programme).ok_or_else(|| corrupt("programme", &programme))?,
                    level: r.try_get(5)?,
                    recognised_on: r.try_get(6)?,
                    quantity: r.try_get(7)?,
                    detail: r.try_get(8)?,
                })
            })
            .collect()
    }

    /// The 小升规 cases of a year for the firms visible to `scope`.
    pub async fn promotion_cases(
        &self,
        scope: &Scope,
        year: i32,
    ) -> Result<HashMap<EnterpriseId, PromotionCase>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT enterprise_id, year, state, note, updated_at, updated_by FROM promotion_cases WHERE year = ",
        );
        sql.bind(i64::from(year))?;
        push_scope(&mut sql, scope, "promotion_cases.enterprise_id")?;
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let text: String = r.try_get(2)?;
                let case = PromotionCase {
                    enterprise_id: EnterpriseId(r.try_get(0)?),
                    year,
                    state: state(&text)?,
                    note: r.try_get(3)?,
                    updated_at: r.try_get(4)?,
                    updated_by: r.try_get(5)?,
                };
                Ok((case.enterprise_id, case))
            })
            .collect()
    }

    /// Moves a firm's case of `year` to `to`, if the pipeline allows it from where it is
    /// (`Conflict` otherwise); the move is kept and audited.
    pub async fn move_promotion_case(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
        year: i32,
        to: PromotionState,
        note: Option<&str>,
        actor: &AuditActor,
    ) -> Result<PromotionCase, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let mut tx = self.begin_write().await?;
        let from: Option<String> =
            sqlx::query_scalar("SELECT state FROM promotion_cases WHERE enterprise_id = $1 AND year = $2")
                .bind(enterprise.0)
                .bind(i64::from(year))
                .fetch_optional(&mut *tx)
                .await?;
        let from = from.as_deref().map(state).transpose()?;
        if !PromotionState::can_move(from, to) {
            return Err(StoreError::Conflict(format!(
                "a case cannot move from {} to {}",
                from.map_or("none", PromotionState::as_str),
                to.as_str()
            )));
        }
        let now = now_unix();
        sqlx::query(
            "INSERT INTO promotion_cases (enterprise_id, year, state, note, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (enterprise_id, year) DO UPDATE SET state = excluded.state, note = excluded.note, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(enterprise.0)
        .bind(i64::from(year))
        .bind(to.as_str())
        .bind(note)
        .bind(now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO promotion_events (enterprise_id, year, from_state, to_state, note, at, by_user) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(enterprise.0)
        .bind(i64::from(year))
        .bind(from.map(PromotionState::as_str))
        .bind(to.as_str())
        .bind(note)
        .bind(now)
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: "promotion.move",
            object_type: Some("promotion_case"),
            object_id: Some(format!("{}/{year}", enterprise.0)),
            outcome: Outcome::Success,
            detail: Some(
                serde_json::json!({"from": from.map(PromotionState::as_str), "to": to.as_str(), "note": note}),
            ),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(PromotionCase {
            enterprise_id: enterprise,
            year,
            state: to,
            note: note.map(str::to_owned),
            updated_at: now,
            updated_by: actor.name.clone(),
        })
    }

    /// The moves of a firm's case of `year`, oldest first.
    pub async fn promotion_history(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
        year: i32,
    ) -> Result<Vec<PromotionEvent>, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let rows = sqlx::query(
            "SELECT from_state, to_state, note, at, by_user FROM promotion_events WHERE enterprise_id = $1 AND year = $2 \
             ORDER BY promotion_event_id",
        )
        .bind(enterprise.0)
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let from: Option<String> = r.try_get(0)?;
                let to: String = r.try_get(1)?;
                Ok(PromotionEvent {
                    from: from.as_deref().map(state).transpose()?,
                    to: state(&to)?,
                    note: r.try_get(2)?,
                    at: r.try_get(3)?,
                    by: r.try_get(4)?,
                })
            })
            .collect()
    }
}
