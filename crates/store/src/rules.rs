//! The analyst's side of a data set: its validation rules as written (active or not) and the
//! firms added to its reporting population.

use serde::Serialize;
use sqlx::Row;
use xinzhi_domain::validation::{Expression, Importance, MissingValues, Operator};

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, write_audit};
use crate::enterprises::require_city;
use crate::reports::DataSetId;
use crate::{Store, StoreError};

/// A validation rule as the analyst writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRecord {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub left: String,
    pub operator: String,
    pub right: String,
    pub importance: String,
    pub missing: String,
    pub active: bool,
}

impl RuleRecord {
    /// The parts that must parse before a rule is stored (the caller explains failures).
    fn check(&self) -> Result<(), StoreError> {
        let valid = !self.code.trim().is_empty()
            && Expression::parse(&self.left).is_ok()
            && Expression::parse(&self.right).is_ok()
            && Operator::parse(&self.operator).is_some()
            && Importance::parse(&self.importance).is_some()
            && MissingValues::parse(&self.missing).is_some();
        if valid { Ok(()) } else { Err(StoreError::Invalid(format!("rule {} does not parse", self.code))) }
    }

    fn as_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

impl Store {
    /// Every rule of the data set, active or not, in the order they were created.
    pub async fn rule_records(&self, data_set: DataSetId) -> Result<Vec<RuleRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT code, name_zh, name_en, left_expression, operator, right_expression, importance, missing_values, active \
             FROM validation_rules WHERE data_set_id = $1 ORDER BY validation_rule_id",
        )
        .bind(data_set.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RuleRecord {
                    code: r.try_get(0)?,
                    name_zh: r.try_get(1)?,
                    name_en: r.try_get(2)?,
                    left: r.try_get(3)?,
                    operator: r.try_get(4)?,
                    right: r.try_get(5)?,
                    importance: r.try_get(6)?,
                    missing: r.try_get(7)?,
                    active: r.try_get::<i64, _>(8)? != 0,
                })
            })
            .collect()
    }

    /// Creates or replaces the rule with this code (audited, old → new). Rules are city work.
    pub async fn save_rule(
        &self,
        scope: &Scope,
        data_set: DataSetId,
        rule: &RuleRecord,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        require_city(scope)?;
        rule.check()?;
        let old = self.rule_records(data_set).await?.into_iter().find(|r| r.code == rule.code);
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO validation_rules (data_set_id, code, name_zh, name_en, left_expression, operator, \
             right_expression, importance, missing_values, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (data_set_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
             left_expression = excluded.left_expression, operator = excluded.operator, \
             right_expression = excluded.right_expression, importance = excluded.importance, \
             missing_values = excluded.missing_values, active = excluded.active",
        )
        .bind(data_set.0)
        .bind(&rule.code)
        .bind(&rule.name_zh)
        .bind(&rule.name_en)
        .bind(&rule.left)
        .bind(&rule.operator)
        .bind(&rule.right)
        .bind(&rule.importance)
        .bind(&rule.missing)
        .bind(i64::from(rule.active))
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: if old.is_some() { "validation_rule.update" } else { "validation_rule.create" },
            object_type: Some("validation_rule"),
            object_id: Some(rule.code.clone()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({"old": old.as_ref().map(RuleRecord::as_json), "new": rule.as_json()})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        self.forget_config();
        Ok(())
    }

    /// The firms added to the data set's population, by name: (credit code, name).
    pub async fn data_set_firms(&self, data_set: DataSetId) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.credit_code, e.name FROM data_set_firms f JOIN enterprises e ON e.enterprise_id = f.enterprise_id \
             WHERE f.data_set_id = $1 ORDER BY e.name",
        )
        .bind(data_set.0)
        .fetch_all(&self.pool)
        .await?)
    }
}
