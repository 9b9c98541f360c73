//! Annual enterprise profiles, versioned rule sets, and the designations the cultivation pages
//! list. Profile values follow `domain::profile`; rule sets are JSON bodies the domain parses.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use serde::Serialize;
use sqlx::Row;

use xinzhi_domain::criteria::LadderRules;
use xinzhi_domain::profile;

use crate::access::{AuditActor, AuditEntry, Outcome, Scope, push_scope, write_audit};
use crate::imports::RowOutcome;
use crate::model::EnterpriseId;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// A firm's profile values, year × field (the fields of `domain::profile::FIELDS`, by
/// position): dense, since a pool or an evaluation reads every firm of the city.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirmProfile {
    first_year: i32,
    /// `years × FIELDS.len()`, NaN where there is no value.
    values: Vec<f64>,
}

impl FirmProfile {
    const WIDTH: usize = profile::FIELDS.len();

    pub fn get(&self, year: i32, field: &str) -> Option<f64> {
        self.get_at(year, profile::field_index(field)?)
    }

    /// The value of the field at `index` of `FIELDS`.
    pub fn get_at(&self, year: i32, index: usize) -> Option<f64> {
        let row = usize::try_from(year - self.first_year).ok()?;
        self.values.get(row * Self::WIDTH + index).copied().filter(|v| !v.is_nan())
    }

    /// Sets a value; an unknown field is ignored.
    pub fn set(&mut self, year: i32, field: &str, value: f64) {
        let Some(index) = profile::field_index(field) else { return };
        if self.values.is_empty() {
            self.first_year = year;
        }
        if year < self.first_year {
            let shift = usize::try_from(self.first_year - year).unwrap_or(0) * Self::WIDTH;
            self.values.splice(0..0, std::iter::repeat_n(f64::NAN, shift));
            self.first_year = year;
        }
        let at = usize::try_from(year - self.first_year).unwrap_or(0) * Self::WIDTH + index;
        if self.values.len() <= at {
            let rows = at / Self::WIDTH + 1;
            self.values.resize(rows * Self::WIDTH, f64::NAN);
        }
        self.values[at] = value;
    }

    /// The fields with a value in `year`, in catalogue order.
    pub fn year(&self, year: i32) -> Vec<(&'static str, f64)> {
        profile::FIELDS.iter().enumerate().filter_map(|(i, f)| Some((f.code, self.get_at(year, i)?))).collect()
    }

    /// Whether any value of `year` is held.
    pub fn has_year(&self, year: i32) -> bool {
        (0..Self::WIDTH).any(|i| self.get_at(year, i).is_some())
    }
}

/// One profile value to write.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileValue {
    pub enterprise_id: EnterpriseId,
    pub year: i32,
    pub field: String,
    pub value: f64,
}

/// A stored rule set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSet {
    pub rule_set_id: i64,
    pub kind: String,
    pub version: String,
    /// yyyymmdd.
    pub effective_from: i64,
    /// JSON, as the domain reads it.
    pub body: String,
    pub created_at: i64,
    pub created_by: String,
}

/// A designation with its firm, for lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignationLine {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub tier: String,
    pub level: String,
    pub granted_on: i64,
    pub expires_on: Option<i64>,
    pub status: String,
    pub batch: Option<String>,
}

/// What a profile save did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProfileSaved {
    pub added: usize,
    pub changed: usize,
    pub cleared: usize,
}

/// A firm's year of profile values to import: (firm, year, (field, value)…).
pub type FirmYear = (EnterpriseId, i32, Vec<(String, f64)>);

/// What an import of profiles did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileImport {
    /// One per row, in the order given.
    pub outcomes: Vec<RowOutcome>,
    pub values_written: usize,
    pub committed: bool,
}

/// Rows per multi-row statement (7 parameters a row).
const ROWS_PER_STATEMENT: usize = 1_000;

/// A kind of versioned, effective-dated rule set kept in `rule_sets`.
pub trait VersionedRules: serde::Serialize + serde::de::DeserializeOwned {
    /// The `rule_sets.kind` it is stored under.
    const KIND: &'static str;
    /// The default when none is stored (a data file compiled in, `xinzhi_domain::shipped`).
    fn shipped() -> Result<Self, xinzhi_domain::shipped::ShippedRulesError>;
    fn version(&self) -> &str;
    fn effective_from(&self) -> i64;
}

macro_rules! versioned_rules {
    ($type:ty, $kind:literal, $shipped:path) => {
        impl VersionedRules for $type {
            const KIND: &'static str = $kind;
            fn shipped() -> Result<Self, xinzhi_domain::shipped::ShippedRulesError> {
                $shipped()
            }
            fn version(&self) -> &str {
                &self.version
            }
            fn effective_from(&self) -> i64 {
                self.effective_from
            }
        }
    };
}

versioned_rules!(LadderRules, "ladder", xinzhi_domain::criteria::miit_2022);
versioned_rules!(xinzhi_domain::mu::MuRules, "mu", xinzhi_domain::mu::huangyan_2022);
versioned_rules!(
    xinzhi_domain::commendation::CommendationRules,
    "commendation",
    xinzhi_domain::commendation::star_enterprises_example
);

impl Store {
    /// The profiles of `first..=last` of every firm visible to `scope`, by firm.
    pub async fn profiles(
        &self,
        scope: &Scope,
        first: i32,
        last: i32,
    ) -> Result<HashMap<EnterpriseId, FirmProfile>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT enterprise_id, year, field, value FROM enterprise_profiles WHERE year BETWEEN ",
        );
        sql.bind(i64::from(first))?.push(" AND ").bind(i64::from(last))?;
        push_scope(&mut sql, scope, "enterprise_profiles.enterprise_id")?;
        let mut found: HashMap<EnterpriseId, FirmProfile> = HashMap::new();
        let mut rows = sql.query().fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let year: i64 = row.try_get(1)?;
            let year = i32::try_from(year).map_err(|_| corrupt("year", year))?;
            let field: String = row.try_get(2)?;
            found.entry(EnterpriseId(row.try_get(0)?)).or_default().set(year, &field, row.try_get(3)?);
        }
        Ok(found)
    }

    /// One firm's profile over `first..=last`.
    pub async fn profile_of(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
        first: i32,
        last: i32,
    ) -> Result<FirmProfile, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let rows = sqlx::query(
            "SELECT year, field, value FROM enterprise_profiles WHERE enterprise_id = $1 AND year BETWEEN $2 AND $3",
        )
        .bind(enterprise.0)
        .bind(i64::from(first))
        .bind(i64::from(last))
        .fetch_all(&self.pool)
        .await?;
        let mut profile = FirmProfile::default();
        for row in rows {
            let year: i64 = row.try_get(0)?;
            let field: String = row.try_get(1)?;
            profile.set(i32::try_from(year).map_err(|_| corrupt("year", year))?, &field, row.try_get(2)?);
        }
        Ok(profile)
    }

    /// Writes a firm's year: each field set (`Some`) or cleared (`None`); a replaced or cleared
    /// value goes to the revisions with `reason`, and one audit row holds old → new.
    pub async fn save_profile(
        &self,
        scope: &Scope,
        enterprise: EnterpriseId,
        year: i32,
        values: &[(String, Option<f64>)],
        reason: &str,
        actor: &AuditActor,
    ) -> Result<ProfileSaved, StoreError> {
        self.ensure_visible(scope, enterprise).await?;
        let mut tx = self.begin_write().await?;
        let stored = stored_year(&mut tx, enterprise, year).await?;
        let now = now_unix();
        let mut saved = ProfileSaved::default();
        let mut changes = serde_json::Map::new();
        for (field, value) in values {
            let old = stored.get(field).copied();
            if old == *value {
                continue;
            }
            let at = ProfileCell { year, enterprise, field, now, reason, by: &actor.name };
            if let Some(old) = old {
                at.keep_revision(&mut tx, old).await?;
            }
            match value {
                Some(v) => {
                    at.upsert(&mut tx, *v).await?;
                    if old.is_some() {
                        saved.changed += 1;
                    } else {
                        saved.added += 1;
                    }
                }
                None => {
                    sqlx::query(
                        "DELETE FROM enterprise_profiles WHERE year = $1 AND enterprise_id = $2 AND field = $3",
                    )
                    .bind(i64::from(year))
                    .bind(enterprise.0)
                    .bind(field)
                    .execute(&mut *tx)
                    .await?;
                    saved.cleared += 1;
                }
            }
            changes.insert(field.clone(), serde_json::json!({"old": old, "new": value}));
        }
        if !changes.is_empty() {
            let entry = AuditEntry {
                actor,
                action: "profile.save",
                object_type: Some("profile"),
                object_id: Some(format!("{}/{year}", enterprise.0)),
                outcome: Outcome::Success,
                detail: Some(serde_json::json!({"reason": reason, "values": changes})),
            };
            write_audit(&mut tx, &entry).await?;
            bump_profile_revision(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(saved)
    }

    /// Writes many firm-years in one transaction (an Excel import): each row's values replace
    /// the stored ones of the same fields, with revisions (fields a row leaves out are kept);
    /// one audit row for the import. In a dry run nothing is kept. One outcome per row.
    pub async fn import_profiles(
        &self,
        scope: &Scope,
        rows: &[FirmYear],
        actor: &AuditActor,
        dry_run: bool,
    ) -> Result<ProfileImport, StoreError> {
        self.ensure_all_visible(scope, rows.iter().map(|r| r.0)).await?;
        let mut tx = self.begin_write().await?;
        let now = now_unix();
        let mut done = ProfileImport { outcomes: Vec::with_capacity(rows.len()), values_written: 0, committed: false };
        for (enterprise, year, values) in rows {
            let stored = stored_year(&mut tx, *enterprise, *year).await?;
            let (mut added, mut changed) = (0, 0);
            for (field, value) in values.iter().filter(|(f, v)| stored.get(f) != Some(v)) {
                let at =
                    ProfileCell { year: *year, enterprise: *enterprise, field, now, reason: "import", by: &actor.name };
                if let Some(old) = stored.get(field) {
                    at.keep_revision(&mut tx, *old).await?;
                    changed += 1;
                } else {
                    added += 1;
                }
                at.upsert(&mut tx, *value).await?;
            }
            done.values_written += added + changed;
            done.outcomes.push(if added + changed == 0 {
                RowOutcome::Unchanged
            } else {
                RowOutcome::Written { added, changed }
            });
        }
        if dry_run {
            tx.rollback().await?;
            return Ok(done);
        }
        if done.values_written > 0 {
            let entry = AuditEntry {
                actor,
                action: "profile.import",
                object_type: Some("profile"),
                object_id: None,
                outcome: Outcome::Success,
                detail: Some(serde_json::json!({"rows": rows.len(), "values_written": done.values_written})),
            };
            write_audit(&mut tx, &entry).await?;
            bump_profile_revision(&mut tx).await?;
        }
        tx.commit().await?;
        done.committed = true;
        Ok(done)
    }

    /// Bulk load of new profile values (the demo city): no revisions, no audit. City scope.
    pub async fn insert_profiles(
        &self,
        scope: &Scope,
        values: &[ProfileValue],
        source: &str,
    ) -> Result<(), StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let now = now_unix();
        let mut tx = self.begin_write().await?;
        for chunk in values.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new(
                self.backend,
                "INSERT INTO enterprise_profiles (year, enterprise_id, field, value, source, updated_at, updated_by) VALUES ",
            );
            for (i, v) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(i64::from(v.year))?.push(", ").bind(v.enterprise_id.0)?.push(", ");
                sql.bind(v.field.clone())?.push(", ").bind(v.value)?.push(", ").bind(source.to_owned())?;
                sql.push(", ").bind(now)?.push(", 'system')");
            }
            sql.query().execute(&mut *tx).await?;
        }
        bump_profile_revision(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The latest years with profile values, newest first.
    pub async fn profile_years(&self) -> Result<Vec<i32>, StoreError> {
        let years: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT year FROM enterprise_profiles ORDER BY year DESC")
            .fetch_all(&self.pool)
            .await?;
        Ok(years.into_iter().filter_map(|y| i32::try_from(y).ok()).collect())
    }

    /// Every version of a kind of rule set, newest effective date first.
    pub async fn rule_sets(&self, kind: &str) -> Result<Vec<RuleSet>, StoreError> {
        let rows = sqlx::query(
            "SELECT rule_set_id, kind, version, effective_from, body, created_at, created_by FROM rule_sets \
             WHERE kind = $1 ORDER BY effective_from DESC, rule_set_id DESC",
        )
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RuleSet {
                    rule_set_id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    version: r.try_get(2)?,
                    effective_from: r.try_get(3)?,
                    body: r.try_get(4)?,
                    created_at: r.try_get(5)?,
                    created_by: r.try_get(6)?,
                })
            })
            .collect()
    }

    /// The rule set of a kind in force on `date` (yyyymmdd): the latest effective by then.
    pub async fn rule_set_on(&self, kind: &str, date: i64) -> Result<Option<RuleSet>, StoreError> {
        Ok(self.rule_sets(kind).await?.into_iter().find(|r| r.effective_from <= date))
    }

    /// Stores a new version (checked by the caller); an existing version is a `Conflict`.
    /// Audited. City scope only.
    pub async fn save_rule_set(
        &self,
        scope: &Scope,
        kind: &str,
        version: &str,
        effective_from: i64,
        body: &str,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        if *scope != Scope::City {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT rule_set_id FROM rule_sets WHERE kind = $1 AND version = $2")
                .bind(kind)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("the {kind} rule set {version} exists already")));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rule_sets (kind, version, effective_from, body, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING rule_set_id",
        )
        .bind(kind)
        .bind(version)
        .bind(effective_from)
        .bind(body)
        .bind(now_unix())
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: "rule_set.create",
            object_type: Some("rule_set"),
            object_id: Some(id.to_string()),
            outcome: Outcome::Success,
            detail: Some(serde_json::json!({"kind": kind, "version": version, "effective_from": effective_from})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A kind of rule set: the version named, else the one in force on `date` (yyyymmdd), else
    /// (none stored yet) the shipped default. An unknown version is `NotFound`.
    pub async fn rules<R: VersionedRules>(&self, version: Option<&str>, date: i64) -> Result<R, StoreError> {
        let sets = self.rule_sets(R::KIND).await?;
        let chosen = match version {
            Some(v) => Some(sets.iter().find(|r| r.version == v).ok_or(StoreError::NotFound)?),
            None => sets.iter().find(|r| r.effective_from <= date).or(sets.last()),
        };
        match chosen {
            Some(set) => serde_json::from_str(&set.body).map_err(|_| corrupt("rule set", &set.version)),
            None => R::shipped().map_err(|e| StoreError::Invalid(e.to_string())),
        }
    }

    /// Stores rules (checked by the caller) as a new version under their own version and
    /// effective date.
    pub async fn save_rules<R: VersionedRules>(
        &self,
        scope: &Scope,
        rules: &R,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        let body = serde_json::to_string(rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.save_rule_set(scope, R::KIND, rules.version(), rules.effective_from(), &body, actor).await
    }

    /// Stores the shipped rules of a kind when none of that kind exist yet.
    pub async fn seed_rules<R: VersionedRules>(&self) -> Result<(), StoreError> {
        if self.rule_sets(R::KIND).await?.is_empty() {
            let shipped = R::shipped().map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.save_rules(&Scope::City, &shipped, &AuditActor::system("setup")).await?;
        }
        Ok(())
    }

    /// The ladder criteria (see `rules`); the shipped default is MIIT 2022.
    pub async fn ladder_rules(&self, version: Option<&str>, date: i64) -> Result<LadderRules, StoreError> {
        self.rules(version, date).await
    }

    pub async fn save_ladder_rules(
        &self,
        scope: &Scope,
        rules: &LadderRules,
        actor: &AuditActor,
    ) -> Result<i64, StoreError> {
        self.save_rules(scope, rules, actor).await
    }

    pub async fn seed_ladder_rules(&self) -> Result<(), StoreError> {
        self.seed_rules::<LadderRules>().await
    }

    /// The designations of the firms visible to `scope`, with their firms.
    pub async fn designation_lines(&self, scope: &Scope) -> Result<Vec<DesignationLine>, StoreError> {
        let mut sql = Sql::new(
            self.backend,
            "SELECT d.enterprise_id, e.credit_code, e.name, d.tier, d.level, d.granted_on, d.expires_on, d.status, d.batch \
             FROM designations d JOIN enterprises e ON e.enterprise_id = d.enterprise_id WHERE 1 = 1",
        );
        push_scope(&mut sql, scope, "d.enterprise_id")?;
        sql.push(" ORDER BY d.granted_on DESC, e.name");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(DesignationLine {
                    enterprise_id: EnterpriseId(r.try_get(0)?),
                    credit_code: r.try_get(1)?,
                    name: r.try_get(2)?,
                    tier: r.try_get(3)?,
                    level: r.try_get(4)?,
                    granted_on: r.try_get(5)?,
                    expires_on: r.try_get(6)?,
                    status: r.try_get(7)?,
                    batch: r.try_get(8)?,
                })
            })
            .collect()
    }
}

/// A firm's stored values of one year, by field.
async fn stored_year(
    conn: &mut sqlx::AnyConnection,
    enterprise: EnterpriseId,
    year: i32,
) -> Result<HashMap<String, f64>, StoreError> {
    Ok(sqlx::query_as::<_, (String, f64)>(
        "SELECT field, value FROM enterprise_profiles WHERE year = $1 AND enterprise_id = $2",
    )
    .bind(i64::from(year))
    .bind(enterprise.0)
    .fetch_all(conn)
    .await?
    .into_iter()
    .collect())
}

/// One profile value being written, with who writes it and why.
struct ProfileCell<'a> {
    year: i32,
    enterprise: EnterpriseId,
    field: &'a str,
    now: i64,
    reason: &'a str,
    by: &'a str,
}

impl ProfileCell<'_> {
    /// Keeps the value being replaced or cleared.
    async fn keep_revision(&self, conn: &mut sqlx::AnyConnection, old: f64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO profile_revisions (year, enterprise_id, field, value, replaced_at, reason, changed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(i64::from(self.year))
        .bind(self.enterprise.0)
        .bind(self.field)
        .bind(old)
        .bind(self.now)
        .bind(self.reason)
        .bind(self.by)
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn upsert(&self, conn: &mut sqlx::AnyConnection, value: f64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO enterprise_profiles (year, enterprise_id, field, value, source, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (year, enterprise_id, field) DO UPDATE SET \
             value = excluded.value, source = excluded.source, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(i64::from(self.year))
        .bind(self.enterprise.0)
        .bind(self.field)
        .bind(value)
        .bind(self.reason)
        .bind(self.now)
        .bind(self.by)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Tells every server's cache that the profiles changed (read by `Store::change_marks`).
async fn bump_profile_revision(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE change_counters SET revision = revision + 1 WHERE name = 'profiles'").execute(conn).await?;
    Ok(())
}
