//! Published reports of other regions and their figures, as extracted and as users corrected
//! them; the peer table is their accepted achievements.

use serde::Serialize;
use sqlx::Row;

use crate::access::{AuditActor, audit_object};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A figure of a report to keep (what the extraction read, or a user's correction).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerFactInput {
    /// `achieved` or `target`.
    pub list: String,
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    /// `growth`, `count`, `amount`, `rank` or `share`.
    pub kind: String,
    pub year: Option<i32>,
    pub qualifier: Option<String>,
    pub span: String,
}

/// A report to keep with what was read from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewPeerReport {
    pub title: String,
    pub region: Option<String>,
    pub meeting: Option<String>,
    /// `yyyy-mm-dd`.
    pub held_on: Option<String>,
    pub report_year: Option<i32>,
    /// The officials as JSON (name, title, role).
    pub officials: serde_json::Value,
    pub noise: Vec<String>,
    /// The cleaned text.
    pub body: String,
    pub facts: Vec<PeerFactInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerReport {
    pub peer_report_id: i64,
    pub title: String,
    pub region: Option<String>,
    pub meeting: Option<String>,
    pub held_on: Option<String>,
    pub report_year: Option<i32>,
    pub officials: serde_json::Value,
    pub noise: Vec<String>,
    pub body: String,
    pub created_at: i64,
    pub created_by: String,
    /// Its figures not rejected.
    pub kept_facts: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerFact {
    pub peer_fact_id: i64,
    pub peer_report_id: i64,
    #[serde(flatten)]
    pub fact: PeerFactInput,
    /// `extracted`, `corrected` or `rejected`.
    pub status: String,
    pub updated_by: String,
}

/// A row of the peer table: an accepted achievement with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerRow {
    pub region: String,
    pub indicator: String,
    pub year: i32,
    pub value: f64,
    pub unit: String,
    pub kind: String,
    pub qualifier: Option<String>,
    pub peer_report_id: i64,
    pub peer_fact_id: i64,
}

const REPORT_COLUMNS: &str = "r.peer_report_id, r.title, r.region, r.meeting, r.held_on, r.report_year, r.officials, \
     r.noise, r.body, r.created_at, r.created_by, (SELECT COUNT(*) FROM peer_facts f \
     WHERE f.peer_report_id = r.peer_report_id AND f.status <> 'rejected') FROM peer_reports r";
const FACT_COLUMNS: &str =
    "peer_fact_id, peer_report_id, list, indicator, value, unit, kind, year, qualifier, span, status, updated_by";

fn report_of(row: &sqlx::any::AnyRow) -> Result<PeerReport, StoreError> {
    let officials: String = row.try_get(6)?;
    let noise: String = row.try_get(7)?;
    let year: Option<i64> = row.try_get(5)?;
    Ok(PeerReport {
        peer_report_id: row.try_get(0)?,
        title: row.try_get(1)?,
        region: row.try_get(2)?,
        meeting: row.try_get(3)?,
        held_on: row.try_get(4)?,
        report_year: year.and_then(|y| i32::try_from(y).ok()),
        officials: serde_json::from_str(&officials).unwrap_or_default(),
        noise: serde_json::from_str(&noise).unwrap_or_default(),
        body: row.try_get(8)?,
        created_at: row.try_get(9)?,
        created_by: row.try_get(10)?,
        kept_facts: row.try_get(11)?,
    })
}

fn fact_of(row: &sqlx::any::AnyRow) -> Result<PeerFact, StoreError> {
    let year: Option<i64> = row.try_get(7)?;
    Ok(PeerFact {
        peer_fact_id: row.try_get(0)?,
        peer_report_id: row.try_get(1)?,
        fact: PeerFactInput {
            list: row.try_get(2)?,
            indicator: row.try_get(3)?,
            value: row.try_get(4)?,
            unit: row.try_get(5)?,
            kind: row.try_get(6)?,
            year: year.and_then(|y| i32::try_from(y).ok()),
            qualifier: row.try_get(8)?,
            span: row.try_get(9)?,
        },
        status: row.try_get(10)?,
        updated_by: row.try_get(11)?,
    })
}

impl Store {
    /// Keeps a report and its figures in one transaction; its id. Audited.
    pub async fn save_peer_report(&self, new: &NewPeerReport, actor: &AuditActor) -> Result<i64, StoreError> {
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO peer_reports (title, region, meeting, held_on, report_year, officials, noise, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING peer_report_id",
        )
        .bind(&new.title)
        .bind(&new.region)
        .bind(&new.meeting)
        .bind(&new.held_on)
        .bind(new.report_year.map(i64::from))
        .bind(new.officials.to_string())
        .bind(serde_json::to_string(&new.noise).unwrap_or_default())
        .bind(&new.body)
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        for (position, fact) in new.facts.iter().enumerate() {
            sqlx::query(
                "INSERT INTO peer_facts (peer_report_id, position, list, indicator, value, unit, kind, year, qualifier, span, \
                 status, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'extracted', $11, $12)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&fact.list)
            .bind(&fact.indicator)
            .bind(fact.value)
            .bind(&fact.unit)
            .bind(&fact.kind)
            .bind(fact.year.map(i64::from))
            .bind(&fact.qualifier)
            .bind(&fact.span)
            .bind(now)
            .bind(&actor.name)
            .execute(&mut *tx)
            .await?;
        }
        let detail = serde_json::json!({"title": new.title, "region": new.region, "facts": new.facts.len()});
        audit_object(&mut tx, actor, "peer_report.create", "peer_report", id, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every kept report, newest first.
    pub async fn peer_reports(&self) -> Result<Vec<PeerReport>, StoreError> {
        let sql = Sql::new(self.backend, &format!("SELECT {REPORT_COLUMNS} ORDER BY r.peer_report_id DESC"));
        sql.query().fetch_all(&self.pool).await?.iter().map(report_of).collect()
    }

    /// A report with its figures in the order read.
    pub async fn peer_report(&self, id: i64) -> Result<(PeerReport, Vec<PeerFact>), StoreError> {
        let mut sql = Sql::new(self.backend, &format!("SELECT {REPORT_COLUMNS} WHERE r.peer_report_id = "));
        sql.bind(id)?;
        let report = report_of(&sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?)?;
        let mut sql = Sql::new(self.backend, &format!("SELECT {FACT_COLUMNS} FROM peer_facts WHERE peer_report_id = "));
        sql.bind(id)?.push(" ORDER BY position, peer_fact_id");
        let facts = sql.query().fetch_all(&self.pool).await?.iter().map(fact_of).collect::<Result<_, _>>()?;
        Ok((report, facts))
    }

    /// Sets a report's region and year as a user corrected them. Audited with before and after.
    pub async fn correct_peer_report(
        &self,
        id: i64,
        region: Option<&str>,
        report_year: Option<i32>,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let (before, _) = self.peer_report(id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE peer_reports SET region = $1, report_year = $2 WHERE peer_report_id = $3")
            .bind(region)
            .bind(report_year.map(i64::from))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({
            "region": {"old": before.region, "new": region},
            "report_year": {"old": before.report_year, "new": report_year},
        });
        audit_object(&mut tx, actor, "peer_report.correct", "peer_report", id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a figure of a report by a user's correction, or rejects it. Audited with
    /// before and after.
    pub async fn correct_peer_fact(
        &self,
        report_id: i64,
        fact_id: i64,
        fact: &PeerFactInput,
        rejected: bool,
        actor: &AuditActor,
    ) -> Result<PeerFact, StoreError> {
        let (_, facts) = self.peer_report(report_id).await?;
        let before = facts.into_iter().find(|f| f.peer_fact_id == fact_id).ok_or(StoreError::NotFound)?;
        let status = if rejected { "rejected" } else { "corrected" };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE peer_facts SET list = $1, indicator = $2, value = $3, unit = $4, kind = $5, year = $6, qualifier = $7, \
             status = $8, updated_at = $9, updated_by = $10 WHERE peer_fact_id = $11 AND peer_report_id = $12",
        )
        .bind(&fact.list)
        .bind(&fact.indicator)
        .bind(fact.value)
        .bind(&fact.unit)
        .bind(&fact.kind)
        .bind(fact.year.map(i64::from))
        .bind(&fact.qualifier)
        .bind(status)
        .bind(now_unix())
        .bind(&actor.name)
        .bind(fact_id)
        .bind(report_id)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({"report": report_id, "before": before.fact, "after": fact, "status": status});
        audit_object(&mut tx, actor, "peer_fact.correct", "peer_fact", fact_id, detail).await?;
        tx.commit().await?;
        let (_, facts) = self.peer_report(report_id).await?;
        facts.into_iter().find(|f| f.peer_fact_id == fact_id).ok_or(StoreError::NotFound)
    }

    /// The peer table: every achievement not rejected, of a report with a region, with a year.
    pub async fn peer_table(&self) -> Result<Vec<PeerRow>, StoreError> {
        let sql = Sql::new(
            self.backend,
            "SELECT r.region, f.indicator, f.year, f.value, f.unit, f.kind, f.qualifier, f.peer_report_id, f.peer_fact_id \
             FROM peer_facts f JOIN peer_reports r ON r.peer_report_id = f.peer_report_id \
             WHERE f.list = 'achieved' AND f.status <> 'rejected' AND r.region IS NOT NULL AND f.year IS NOT NULL \
             ORDER BY f.indicator, r.region, f.year",
        );
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let year: i64 = r.try_get(2)?;
                Ok(PeerRow {
                    region: r.try_get(0)?,
                    indicator: r.try_get(1)?,
                    year: i32::try_from(year).unwrap_or_default(),
                    value: r.try_get(3)?,
                    unit: r.try_get(4)?,
                    kind: r.try_get(5)?,
                    qualifier: r.try_get(6)?,
                    peer_report_id: r.try_get(7)?,
                    peer_fact_id: r.try_get(8)?,
                })
            })
            .collect()
    }
}
