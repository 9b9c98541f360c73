//! Policies (domain::policy) and the staff's decisions on their eligibility lists.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::Row;

use crate::access::{AuditActor, Scope, audit_object, push_scope};
use crate::model::EnterpriseId;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A policy as written (its condition checked by the caller).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDraft {
    pub title: String,
    pub issuer: String,
    pub document_no: Option<String>,
    /// yyyymmdd.
    pub issued_on: i64,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub summary: String,
    pub benefit: String,
    pub condition: String,
    /// 免申即享: eligible firms are found, not asked to apply.
    pub automatic: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub policy_id: i64,
    #[serde(flatten)]
    pub draft: PolicyDraft,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Policy {
    /// Whether the policy applies on `date` (yyyymmdd).
    pub fn in_force(&self, date: i64) -> bool {
        self.draft.valid_from <= date && self.draft.valid_to.is_none_or(|to| date <= to)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Confirmed,
    Excluded,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Confirmed => "confirmed",
            Decision::Excluded => "excluded",
        }
    }

    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "confirmed" => Some(Decision::Confirmed),
            "excluded" => Some(Decision::Excluded),
            _ => None,
        }
    }
}

/// A staff decision on one firm of a policy's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDecision {
    pub decision: Decision,
    pub note: Option<String>,
    pub decided_at: i64,
    pub decided_by: String,
}

const COLUMNS: &str = "policy_id, title, issuer, document_no, issued_on, valid_from, valid_to, summary, benefit, \
                       condition, automatic, updated_at, updated_by";

fn policy_of(row: &sqlx::any::AnyRow) -> Result<Policy, StoreError> {
    let automatic: i64 = row.try_get(10)?;
    Ok(Policy {
        policy_id: row.try_get(0)?,
        draft: PolicyDraft {
            title: row.try_get(1)?,
            issuer: row.try_get(2)?,
            document_no: row.try_get(3)?,
            issued_on: row.try_get(4)?,
            valid_from: row.try_get(5)?,
            valid_to: row.try_get(6)?,
            summary: row.try_get(7)?,
            benefit: row.try_get(8)?,
            condition: row.try_get(9)?,
            automatic: automatic != 0,
        },
        updated_at: row.try_get(11)?,
        updated_by: row.try_get(12)?,
    })
}

impl Store {
    /// Stores a new policy (`id` none) or a new text of one; city scope; audited old → new.
    pub async fn save_policy(
        &self,
        scope: &Scope,
        id: Option<i64>,
        draft: &PolicyDraft,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let before = match id {
            Some(id) => Some(self.policy(id).await?),
            None => None,
        };
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id = match id {
            None => sqlx::query_scalar(
                "INSERT INTO policies (title, issuer, document_no, issued_on, valid_from, valid_to, summary, benefit, \
                     condition, automatic, created_at, created_by, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12) RETURNING policy_id",
            )
            .bind(&draft.title)
            .bind(&draft.issuer)
            .bind(draft.document_no.clone())
            .bind(draft.issued_on)
            .bind(draft.valid_from)
            .bind(draft.valid_to)
            .bind(&draft.summary)
            .bind(&draft.benefit)
            .bind(&draft.condition)
            .bind(i64::from(u8::from(draft.automatic)))
            .bind(now)
            .bind(&actor.name)
            .fetch_one(&mut *tx)
            .await?,
            Some(id) => {
                sqlx::query(
                    "UPDATE policies SET title = $1, issuer = $2, document_no = $3, issued_on = $4, valid_from = $5, \
                     valid_to = $6, summary = $7, benefit = $8, condition = $9, automatic = $10, updated_at = $11, \
                     updated_by = $12 WHERE policy_id = $13",
                )
                .bind(&draft.title)
                .bind(&draft.issuer)
                .bind(draft.document_no.clone())
                .bind(draft.issued_on)
                .bind(draft.valid_from)
                .bind(draft.valid_to)
                .bind(&draft.summary)
                .bind(&draft.benefit)
                .bind(&draft.condition)
                .bind(i64::from(u8::from(draft.automatic)))
                .bind(now)
                .bind(&actor.name)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        let action = if before.is_some() { "policy.update" } else { "policy.create" };
        let detail = serde_json::json!({"old": before.map(|b| b.draft), "new": draft});
        audit_object(&mut tx, actor, action, "policy", id, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every policy, newest issue first.
    pub async fn policies(&self) -> Result<Vec<Policy>, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} FROM policies"));
        sql.push(" ORDER BY issued_on DESC, policy_id DESC");
        sql.query().fetch_all(&self.pool).await?.iter().map(policy_of).collect()
    }

    pub async fn policy(&self, id: i64) -> Result<Policy, StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} FROM policies WHERE policy_id = "));
        sql.bind(id)?;
        policy_of(&sql.query().fetch_one(&self.pool).await?)
    }

    /// Confirms or excludes a firm of `scope` on a policy's list (a later decision replaces an
    /// earlier one), audited.
    pub async fn decide_policy_firm(
        &self,
        scope: &Scope,
        policy: i64,
        enterprise: EnterpriseId,
        decision: Decision,
        note: Option<&str>,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        self.policy(policy).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO policy_decisions (policy_id, enterprise_id, decision, note, decided_at, decided_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (policy_id, enterprise_id) DO UPDATE SET \
             decision = excluded.decision, note = excluded.note, decided_at = excluded.decided_at, \
             decided_by = excluded.decided_by",
        )
        .bind(policy)
        .bind(enterprise.0)
        .bind(decision.as_str())
        .bind(note)
        .bind(now_unix())
        .bind(&actor.name)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"enterprise_id": enterprise.0, "decision": decision.as_str(), "note": note});
        audit_object(&mut tx, actor, "policy.decide", "policy", policy, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The decisions on a policy's list for the firms visible to `scope`.
    pub async fn policy_decisions(
        &self,
        scope: &Scope,
        policy: i64,
    ) -> Result<HashMap<EnterpriseId, PolicyDecision>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT enterprise_id, decision, note, decided_at, decided_by FROM policy_decisions WHERE policy_id = ",
        );
        sql.bind(policy)?;
        push_scope(&mut sql, scope, "policy_decisions.enterprise_id")?;
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let decision: String = r.try_get(1)?;
                Ok((
                    EnterpriseId(r.try_get(0)?),
                    PolicyDecision {
                        decision: Decision::parse(&decision).ok_or_else(|| corrupt("policy decision", &decision))?,
                        note: r.try_get(2)?,
                        decided_at: r.try_get(3)?,
                        decided_by: r.try_get(4)?,
                    },
                ))
            })
            .collect()
    }

    /// The 亩均 class of each firm in the latest final run of each group (none before one).
    pub async fn final_mu_classes(&self) -> Result<HashMap<EnterpriseId, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.enterprise_id, r.class FROM mu_results r JOIN mu_runs m ON m.mu_run_id = r.mu_run_id \
             AND m.revision = r.revision WHERE m.status = 'final' AND r.class IS NOT NULL \
             ORDER BY m.year, m.mu_run_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut classes = HashMap::new();
        for r in rows {
            // Later runs come last and replace earlier ones.
            classes.insert(EnterpriseId(r.try_get(0)?), r.try_get(1)?);
        }
        Ok(classes)
    }
}
