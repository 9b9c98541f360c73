//! Users, sessions, API tokens, the audit log, and the data scope that narrows every query of
//! enterprise data.
//!
//! A [`Scope`] is an argument of every storage method that reads or writes enterprise data, so
//! a handler cannot forget it: outside its scope an enterprise does not exist (`NotFound`).

use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use xinzhi_domain::{Lang, Role, ScopeKind, SecurityPolicy, Username};

use crate::model::*;
use crate::org::corrupt;
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// Whose data a caller may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// No enterprise data at all: the security and audit administrators.
    NoData,
    /// The whole city.
    City,
    /// Enterprises currently attributed to this district or county.
    District(RegionId),
    /// Enterprises currently in this park.
    Park(ParkId),
    /// No enterprise data of its own (requests are routed to it instead).
    Department(DepartmentId),
    /// This one enterprise.
    Enterprise(EnterpriseId),
}

impl Scope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::NoData => ScopeKind::NoData,
            Scope::City => ScopeKind::City,
            Scope::District(_) => ScopeKind::District,
            Scope::Park(_) => ScopeKind::Park,
            Scope::Department(_) => ScopeKind::Department,
            Scope::Enterprise(_) => ScopeKind::Enterprise,
        }
    }

    /// (region, park, department, enterprise) columns of the users table.
    fn columns(&self) -> [Option<i64>; 4] {
        match *self {
            Scope::NoData | Scope::City => [None, None, None, None],
            Scope::District(r) => [Some(r.0), None, None, None],
            Scope::Park(p) => [None, Some(p.0), None, None],
            Scope::Department(d) => [None, None, Some(d.0), None],
            Scope::Enterprise(e) => [None, None, None, Some(e.0)],
        }
    }

    fn from_columns(role: Role, columns: [Option<i64>; 4]) -> Result<Scope, StoreError> {
        let [region, park, department, enterprise] = columns;
        let missing = || corrupt("user scope", role.as_str());
        Ok(match role.scope_kind() {
            ScopeKind::NoData => Scope::NoData,
            ScopeKind::City => Scope::City,
            ScopeKind::District => Scope::District(RegionId(region.ok_or_else(missing)?)),
            ScopeKind::Park => Scope::Park(ParkId(park.ok_or_else(missing)?)),
            ScopeKind::Department => Scope::Department(DepartmentId(department.ok_or_else(missing)?)),
            ScopeKind::Enterprise => Scope::Enterprise(EnterpriseId(enterprise.ok_or_else(missing)?)),
        })
    }
}

/// Appends ` AND <the enterprise in `column` is visible to `scope`>`. `column` is always a fixed
/// column name written in this crate, never input.
pub(crate) fn push_scope(sql: &mut Sql, scope: &Scope, column: &'static str) -> Result<(), StoreError> {
    match *scope {
        Scope::City => {}
        Scope::District(region) => {
            sql.push(" AND EXISTS (SELECT 1 FROM memberships sc WHERE sc.enterprise_id = ").push(column);
            sql.push(" AND sc.kind = 'district' AND sc.valid_to IS NULL AND sc.region_id = ").bind(region.0)?;
            sql.push(")");
        }
        Scope::Park(park) => {
            sql.push(" AND EXISTS (SELECT 1 FROM memberships sc WHERE sc.enterprise_id = ").push(column);
            sql.push(" AND sc.kind = 'park' AND sc.valid_to IS NULL AND sc.park_id = ").bind(park.0)?;
            sql.push(")");
        }
        Scope::NoData | Scope::Department(_) => {
            sql.push(" AND 1 = 0");
        }
        Scope::Enterprise(enterprise) => {
            sql.push(" AND ").push(column).push(" = ").bind(enterprise.0)?;
        }
    }
    Ok(())
}

/// Narrows a query on `tasks t` (or the inbox) to the units `scope` is.
pub(crate) fn push_unit_scope(sql: &mut Sql, scope: &Scope, department: &str, region: &str) -> Result<(), StoreError> {
    match scope {
        Scope::City => {}
        Scope::Department(d) => {
            sql.push(" AND ").push(department).push(" = ").bind(d.0)?;
        }
        Scope::District(r) => {
            sql.push(" AND ").push(region).push(" = ").bind(r.0)?;
        }
        Scope::NoData | Scope::Park(_) | Scope::Enterprise(_) => {
            sql.push(" AND 1 = 0");
        }
    }
    Ok(())
}

/// Who is acting, for the audit log.
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub user_id: Option<UserId>,
    pub name: String,
    pub ip: Option<String>,
}

impl AuditActor {
    /// The system itself (start-up, the CLI, the demo generator).
    pub fn system(name: &str) -> AuditActor {
        AuditActor { user_id: None, name: name.to_owned(), ip: None }
    }
}

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// One line of the audit log to write.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: &'a AuditActor,
    pub action: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<String>,
    pub outcome: Outcome,
    /// What changed, as `{"field": {"old": …, "new": …}}`, or other context.
    pub detail: Option<serde_json::Value>,
}

/// One line of the audit log as read back.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub audit_id: AuditId,
    pub at: i64,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

/// Filters of the audit log page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Actor name, exactly.
    pub actor: Option<String>,
    /// Action, or its prefix when it ends with `.` (`user.` for every user action).
    pub action: Option<String>,
    pub outcome: Option<Outcome>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Department {
    pub department_id: DepartmentId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A user as the application sees it (no password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub user_id: UserId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub lang: Option<Lang>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub failed_logins: i64,
    pub locked_until: i64,
    pub sessions_valid_after: i64,
    pub created_at: i64,
    /// The address of the last successful sign-in.
    pub last_login_ip: Option<String>,
    /// Signs in with a second factor (a confirmed TOTP secret).
    pub two_factor: bool,
    /// When the password was last set (unix seconds).
    pub password_changed_at: i64,
    /// Created by the demo with its published password.
    pub demo: bool,
    /// Created by the system administrator and waiting for the security administrator to
    /// grant its role: cannot sign in.
    pub role_pending: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub must_change_password: bool,
    /// Waits for the security administrator to grant the role (see [`User::role_pending`]).
    pub role_pending: bool,
}

/// Changes an administrator can make; `None` leaves a field as it is. Setting the role and
/// scope grants them: a pending account may sign in from then on.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role_and_scope: Option<(Role, Scope)>,
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub api_token_id: ApiTokenId,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: i64,
}

/// A personal access token about to be stored: only its hash and display prefix are kept.
#[derive(Debug, Clone, Copy)]
pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub prefix: &'a str,
    /// Unix seconds after which the token no longer works.
    pub expires_at: i64,
}

/// Revokes every live token of a user: whatever ends the user's sessions ends them too (a
/// revoked token never comes back, not even when a disabled account is enabled again).
async fn revoke_tokens_of(conn: &mut sqlx::AnyConnection, user: UserId) -> Result<u64, StoreError> {
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now_unix())
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

const USER_COLUMNS: &str = "u.user_id, u.username, u.display_name, u.role, u.region_id, u.park_id, u.department_id, \
     u.enterprise_id, u.lang, u.must_change_password, u.disabled, u.failed_logins, u.locked_until, \
     u.sessions_valid_after, u.created_at, u.last_login_ip, \
     CAST(CASE WHEN u.totp_enabled_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS two_factor, \
     u.password_changed_at, u.demo, u.role_pending";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role_text: String = row.try_get("role")?;
    let role = Role::parse(&role_text).ok_or_else(|| corrupt("role", &role_text))?;
    let username: String = row.try_get("username")?;
    let columns = [
        row.try_get("region_id")?,
        row.try_get("park_id")?,
        row.try_get("department_id")?,
        row.try_get("enterprise_id")?,
    ];
    Ok(User {
        user_id: UserId(row.try_get("user_id")?),
        username: Username::parse(&username).map_err(|_| corrupt("username", &username))?,
        display_name: row.try_get("display_name")?,
        scope: Scope::from_columns(role, columns)?,
        role,
        lang: row.try_get::<Option<String>, _>("lang")?.as_deref().and_then(Lang::from_tag),
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        failed_logins: row.try_get("failed_logins")?,
        locked_until: row.try_get("locked_until")?,
        sessions_valid_after: row.try_get("sessions_valid_after")?,
        created_at: row.try_get("created_at")?,
        last_login_ip: row.try_get("last_login_ip")?,
        two_factor: row.try_get::<i64, _>("two_factor")? != 0,
        password_changed_at: row.try_get("password_changed_at")?,
        demo: row.try_get::<i64, _>("demo")? != 0,
        role_pending: row.try_get::<i64, _>("role_pending")? != 0,
    })
}

fn check_scope(role: Role, scope: &Scope) -> Result<(), StoreError> {
    if role.scope_kind() == scope.kind() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("role {} needs a {} scope", role.as_str(), role.scope_kind().as_str())))
    }
}

/// Writes one audit row on the given connection (inside the caller's transaction).
pub(crate) async fn write_audit(conn: &mut sqlx::AnyConnection, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
    // `$N` placeholders work on both backends; this one-row statement does not need `Sql`.
    let mut sql = Sql::new(crate::Backend::Postgres, "");
    push_audits(&mut sql, std::slice::from_ref(entry))?;
    sql.query().execute(conn).await?;
    Ok(())
}

/// Appends one INSERT of audit rows to `sql` (for a [`crate::sql::Batch`]).
pub(crate) fn push_audits(sql: &mut Sql, entries: &[AuditEntry<'_>]) -> Result<(), StoreError> {
    sql.push(
        "INSERT INTO audit_log (at, actor_user_id, actor, ip, action, object_type, object_id, outcome, detail) VALUES ",
    );
    let now = now_unix();
    for (i, entry) in entries.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(now)?.push(", ").bind(entry.actor.user_id.map(|u| u.0))?.push(", ");
        sql.bind(entry.actor.name.clone())?.push(", ").bind(entry.actor.ip.clone())?.push(", ");
        sql.bind(entry.action.to_owned())?.push(", ").bind(entry.object_type.map(str::to_owned))?.push(", ");
        sql.bind(entry.object_id.clone())?.push(", ").bind(entry.outcome.as_str().to_owned())?.push(", ");
        sql.bind(entry.detail.as_ref().map(|d| d.to_string()))?.push(")");
    }
    Ok(())
}

fn scope_json(scope: &Scope) -> serde_json::Value {
    serde_json::to_value(scope).unwrap_or(serde_json::Value::Null)
}

/// The `settings` key of the security policy the security administrator set.
const SECURITY_POLICY: &str = "security_policy";

impl Store {
    /// The security policy the security administrator set; `None` until it is first set (the
    /// deployment's configuration rules until then).
    pub async fn security_policy(&self) -> Result<Option<SecurityPolicy>, StoreError> {
        let Some(text) = self.setting(SECURITY_POLICY).await? else {
            return Ok(None);
        };
        serde_json::from_str(&text).map(Some).map_err(|_| corrupt("security policy", &text))
    }

    /// Stores the security policy and audits `before` (the one in force) → `policy`, in one
    /// transaction.
    pub async fn set_security_policy(
        &self,
        before: &SecurityPolicy,
        policy: &SecurityPolicy,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(policy).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(SECURITY_POLICY)
        .bind(&text)
        .execute(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: "security_policy.update",
            object_type: Some("security_policy"),
            object_id: None,
            outcome: Outcome::Success,
            detail: Some(json!({"policy": {"old": before, "new": policy}})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The scope a user of `role` gets from a code: a district's admin code, a park's code, a
    /// department's code or an enterprise's credit code; city roles take none. `Invalid` names
    /// what is missing or unknown.
    pub async fn resolve_scope(&self, role: Role, code: Option<&str>) -> Result<Scope, StoreError> {
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let kind = role.scope_kind();
        let needed = || StoreError::Invalid(format!("role {} needs a {} code", role.as_str(), kind.as_str()));
        let unknown = |c: &str| StoreError::Invalid(format!("no {} with code '{c}'", kind.as_str()));
        match kind {
            ScopeKind::NoData => Ok(Scope::NoData),
            ScopeKind::City => Ok(Scope::City),
            ScopeKind::District => {
                let code = code.ok_or_else(needed)?;
                let region = xinzhi_domain::RegionCode::parse(code).map_err(|_| unknown(code))?;
                match self.region_by_code(region).await {
                    Ok(r) if r.parent_id.is_some() => Ok(Scope::District(r.region_id)),
                    Ok(_) | Err(StoreError::NotFound) => Err(unknown(code)),
                    Err(e) => Err(e),
                }
            }
            ScopeKind::Park => {
                let code = code.ok_or_else(needed)?;
                self.list_parks()
                    .await?
                    .into_iter()
                    .find(|p| p.code == code)
                    .map(|p| Scope::Park(p.park_id))
                    .ok_or_else(|| unknown(code))
            }
            ScopeKind::Department => {
                let code = code.ok_or_else(needed)?;
                self.list_departments()
                    .await?
                    .into_iter()
                    .find(|d| d.code == code)
                    .map(|d| Scope::Department(d.department_id))
                    .ok_or_else(|| unknown(code))
            }
            ScopeKind::Enterprise => {
                let code = code.ok_or_else(needed)?;
                let credit = xinzhi_domain::CreditCode::parse(code).map_err(|_| unknown(code))?;
                match self.enterprise_by_code(&Scope::City, &credit).await {
                    Ok(e) => Ok(Scope::Enterprise(e.enterprise_id)),
                    Err(StoreError::NotFound) => Err(unknown(code)),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// The code and Chinese and English names of what a scope points at (for display).
    pub async fn describe_scope(&self, scope: &Scope) -> Result<(String, String, String), StoreError> {
        Ok(match *scope {
            Scope::NoData => (String::new(), "无业务数据".into(), "No enterprise data".into()),
            Scope::City => (String::new(), "全市".into(), "Whole city".into()),
            Scope::District(id) => {
                let r =
                    self.list_regions().await?.into_iter().find(|r| r.region_id == id).ok_or(StoreError::NotFound)?;
                (r.code.to_string(), r.name_zh, r.name_en)
            }
            Scope::Park(id) => {
                let p = self.list_parks().await?.into_iter().find(|p| p.park_id == id).ok_or(StoreError::NotFound)?;
                (p.code, p.name_zh, p.name_en)
            }
            Scope::Department(id) => {
                let d = self
                    .list_departments()
                    .await?
                    .into_iter()
                    .find(|d| d.department_id == id)
                    .ok_or(StoreError::NotFound)?;
                (d.code, d.name_zh, d.name_en)
            }
            Scope::Enterprise(id) => {
                let (code, name): (String, String) =
                    sqlx::query_as("SELECT credit_code, name FROM enterprises WHERE enterprise_id = $1")
                        .bind(id.0)
                        .fetch_one(&self.pool)
                        .await?;
                (code, name.clone(), name)
            }
        })
    }

    /// `NotFound` unless the enterprise exists and is visible to `scope`.
    pub async fn ensure_visible(&self, scope: &Scope, enterprise: EnterpriseId) -> Result<(), StoreError> {
        let mut sql = Sql::new(self.backend, "SELECT e.enterprise_id FROM enterprises e WHERE e.enterprise_id = ");
        sql.bind(enterprise.0)?;
        push_scope(&mut sql, scope, "e.enterprise_id")?;
        let found: Option<i64> = sql.query_scalar().fetch_optional(&self.pool).await?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

    /// Writes one audit line on its own (sign-ins, denials).
    pub async fn append_audit(&self, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        write_audit(&mut conn, entry).await
    }

    /// The audit log, newest first.
    pub async fn list_audit(&self, filter: &AuditFilter, page: Page) -> Result<PageOf<AuditRecord>, StoreError> {
        let build = |select: &str| -> Result<Sql, StoreError> {
            let mut sql = Sql::new(self.backend, select);
            sql.push(" WHERE 1 = 1");
            if let Some(actor) = &filter.actor {
                sql.push(" AND actor = ").bind(actor.clone())?;
            }
            match filter.action.as_deref() {
                Some(prefix) if prefix.ends_with('.') => {
                    sql.push(" AND action LIKE ").bind(format!("{prefix}%"))?;
                }
                Some(action) => {
                    sql.push(" AND action = ").bind(action.to_owned())?;
                }
                None => {}
            }
            if let Some(outcome) = filter.outcome {
                sql.push(" AND outcome = ").bind(outcome.as_str().to_owned())?;
            }
            if let Some(from) = filter.from {
                sql.push(" AND at >= ").bind(from)?;
            }
            if let Some(to) = filter.to {
                sql.push(" AND at <= ").bind(to)?;
            }
            Ok(sql)
        };
        let total: i64 = build("SELECT COUNT(*) FROM audit_log")?.query_scalar().fetch_one(&self.pool).await?;
        let mut select = build(
            "SELECT audit_id, at, actor_user_id, actor, ip, action, object_type, object_id, outcome, detail FROM audit_log",
        )?;
        select.push(" ORDER BY audit_id DESC LIMIT ").bind(page.limit)?;
        select.push(" OFFSET ").bind(page.offset)?;
        let items = select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(AuditRecord {
                    audit_id: AuditId(row.try_get("audit_id")?),
                    at: row.try_get("at")?,
                    actor_user_id: row.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
                    actor: row.try_get("actor")?,
                    ip: row.try_get("ip")?,
                    action: row.try_get("action")?,
                    object_type: row.try_get("object_type")?,
                    object_id: row.try_get("object_id")?,
                    outcome: row.try_get("outcome")?,
                    detail: row.try_get("detail")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(PageOf { total, items })
    }

    pub async fn insert_department(
        &self,
        code: &str,
        name_zh: &str,
        name_en: &str,
    ) -> Result<DepartmentId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO departments (code, name_zh, name_en) VALUES ($1, $2, $3) RETURNING department_id",
        )
        .bind(code)
        .bind(name_zh)
        .bind(name_en)
        .fetch_one(&self.pool)
        .await?;
        Ok(DepartmentId(id))
    }

    pub async fn list_departments(&self) -> Result<Vec<Department>, StoreError> {
        sqlx::query("SELECT department_id, code, name_zh, name_en FROM departments ORDER BY code")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| {
                Ok(Department {
                    department_id: DepartmentId(row.try_get(0)?),
                    code: row.try_get(1)?,
                    name_zh: row.try_get(2)?,
                    name_en: row.try_get(3)?,
                })
            })
            .collect()
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
    }

    /// Creates a user and audits it, in one transaction.
    pub async fn create_user(&self, user: &NewUser, actor: &AuditActor) -> Result<UserId, StoreError> {
        check_scope(user.role, &user.scope)?;
        let now = now_unix();
        let [region, park, department, enterprise] = user.scope.columns();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, region_id, park_id, department_id, \
             enterprise_id, must_change_password, created_at, updated_at, password_changed_at, role_pending) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $11) RETURNING user_id",
        )
        .bind(user.username.as_str())
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(region)
        .bind(park)
        .bind(department)
        .bind(enterprise)
        .bind(i64::from(user.must_change_password))
        .bind(now)
        .bind(i64::from(user.role_pending))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("username {} is taken", user.username)),
            other => other,
        })?;
        let entry = AuditEntry {
            actor,
            action: "user.create",
            object_type: Some("user"),
            object_id: Some(user.username.to_string()),
            outcome: Outcome::Success,
            detail: Some(json!({
                "display_name": {"new": user.display_name},
                "role": {"new": user.role.as_str()},
                "scope": {"new": scope_json(&user.scope)},
                "role_pending": {"new": user.role_pending},
            })),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    pub async fn list_users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.username");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?.iter().map(user_from_row).collect()
    }

    pub async fn user_by_id(&self, id: UserId) -> Result<User, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.user_id = $1");
        user_from_row(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_one(&self.pool).await?)
    }

    /// A user and their password hash, for signing in.
    pub async fn user_for_login(&self, username: &Username) -> Result<Option<(User, String)>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username.as_str()).fetch_optional(&self.pool).await?;
        row.map(|row| Ok((user_from_row(&row)?, row.try_get("password_hash")?))).transpose()
    }

    /// Applies an administrator's changes, audits old → new, and ends the user's sessions when
    /// the account is disabled or its role or scope changes.
    pub async fn update_user(&self, id: UserId, change: &UserChange, actor: &AuditActor) -> Result<User, StoreError> {
        let old = self.user_by_id(id).await?;
        let (role, scope) = change.role_and_scope.unwrap_or((old.role, old.scope));
        check_scope(role, &scope)?;
        let display_name = change.display_name.clone().unwrap_or_else(|| old.display_name.clone());
        let disabled = change.disabled.unwrap_or(old.disabled);
        let role_pending = old.role_pending && change.role_and_scope.is_none();
        let [region, park, department, enterprise] = scope.columns();
        let mut detail = serde_json::Map::new();
        if display_name != old.display_name {
            detail.insert("display_name".into(), json!({"old": old.display_name, "new": display_name}));
        }
        if role != old.role {
            detail.insert("role".into(), json!({"old": old.role.as_str(), "new": role.as_str()}));
        }
        if scope != old.scope {
            detail.insert("scope".into(), json!({"old": scope_json(&old.scope), "new": scope_json(&scope)}));
        }
        if disabled != old.disabled {
            detail.insert("disabled".into(), json!({"old": old.disabled, "new": disabled}));
        }
        if role_pending != old.role_pending {
            detail.insert("role_pending".into(), json!({"old": old.role_pending, "new": role_pending}));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, region_id = $3, park_id = $4, department_id = $5, \
             enterprise_id = $6, disabled = $7, updated_at = $8, role_pending = $9 WHERE user_id = $10",
        )
        .bind(&display_name)
        .bind(role.as_str())
        .bind(region)
        .bind(park)
        .bind(department)
        .bind(enterprise)
        .bind(i64::from(disabled))
        .bind(now_unix())
        .bind(i64::from(role_pending))
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if disabled || role != old.role || scope != old.scope {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
            let revoked = revoke_tokens_of(&mut tx, id).await?;
            detail.insert("tokens_revoked".into(), json!(revoked));
        }
        if !detail.is_empty() {
            let entry = AuditEntry {
                actor,
                action: "user.update",
                object_type: Some("user"),
                object_id: Some(old.username.to_string()),
                outcome: Outcome::Success,
                detail: Some(serde_json::Value::Object(detail)),
            };
            write_audit(&mut tx, &entry).await?;
        }
        tx.commit().await?;
        self.user_by_id(id).await
    }

    /// Sets a new password hash. Other sessions of the user end (all of them unless
    /// `keep_session` names the one to keep); the change is audited as `action`.
    pub async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
        action: &str,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let user = self.user_by_id(id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = 0, \
             updated_at = $3, password_changed_at = $3, demo = 0 WHERE user_id = $4",
        )
        .bind(password_hash)
        .bind(i64::from(must_change))
        .bind(now_unix())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND session_hash <> $2")
            .bind(id.0)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?;
        let revoked = revoke_tokens_of(&mut tx, id).await?;
        let entry = AuditEntry {
            actor,
            action,
            object_type: Some("user"),
            object_id: Some(user.username.to_string()),
            outcome: Outcome::Success,
            detail: Some(json!({
                "must_change_password": {"old": user.must_change_password, "new": must_change},
                "tokens_revoked": revoked,
            })),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers a user's language.
    pub async fn set_user_lang(&self, id: UserId, lang: Lang) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET lang = $1, updated_at = $2 WHERE user_id = $3")
            .bind(lang.tag())
            .bind(now_unix())
            .bind(id.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks accounts as the demo's, made with its published password.
    pub async fn mark_demo_accounts(&self, usernames: &[&str]) -> Result<(), StoreError> {
        for name in usernames {
            sqlx::query("UPDATE users SET demo = 1 WHERE username = $1").bind(*name).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Outside a demo, the demo's accounts (still on the published password) must change it at
    /// their first sign-in; returns how many were marked now, audited.
    pub async fn retire_demo_passwords(&self, actor: &AuditActor) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET must_change_password = 1 WHERE demo = 1 AND must_change_password = 0")
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() > 0 {
            let entry = AuditEntry {
                actor,
                action: "user.demo_password_retired",
                object_type: Some("user"),
                object_id: None,
                outcome: Outcome::Success,
                detail: Some(json!({"accounts": done.rows_affected()})),
            };
            write_audit(&mut tx, &entry).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Ends every session of the user, here and on every other server.
    pub async fn end_all_sessions(&self, id: UserId, actor: &AuditActor) -> Result<(), StoreError> {
        let user = self.user_by_id(id).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET sessions_valid_after = $1 WHERE user_id = $2")
            .bind(now_unix())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
        let revoked = revoke_tokens_of(&mut tx, id).await?;
        let entry = AuditEntry {
            actor,
            action: "session.end_all",
            object_type: Some("user"),
            object_id: Some(user.username.to_string()),
            outcome: Outcome::Success,
            detail: Some(json!({"tokens_revoked": revoked})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (session_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7)",
        )
        .bind(&session.session_hash)
        .bind(session.user_id.0)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(session.ip.as_deref())
        .bind(session.user_agent.as_deref())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this hash and its user: not expired, not idle longer than
    /// `idle_seconds`, not older than the user's last "log out everywhere", user not disabled.
    pub async fn live_session(
        &self,
        session_hash: &str,
        now: i64,
        idle_seconds: i64,
    ) -> Result<Option<(Session, User)>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN users u ON u.user_id = s.user_id \
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 \
             AND s.created_at >= u.sessions_valid_after AND u.disabled = 0 AND u.role_pending = 0"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_hash)
            .bind(now)
            .bind(now - idle_seconds)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            let user = user_from_row(&row)?;
            let session = Session {
                user_id: user.user_id,
                csrf_token: row.try_get("csrf_token")?,
                created_at: row.try_get("session_created_at")?,
                last_seen_at: row.try_get("last_seen_at")?,
                expires_at: row.try_get("expires_at")?,
            };
            Ok((session, user))
        })
        .transpose()
    }

    pub async fn touch_session(&self, session_hash: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE session_hash = $2")
            .bind(now)
            .bind(session_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, session_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE session_hash = $1").bind(session_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// Removes sessions past their absolute expiry or idle longer than `idle_seconds`.
    pub async fn purge_sessions(&self, now: i64, idle_seconds: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now)
            .bind(now - idle_seconds)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Stores a new personal access token (its hash) and audits it.
    pub async fn create_api_token(
        &self,
        user: UserId,
        token: &NewApiToken<'_>,
        actor: &AuditActor,
    ) -> Result<ApiTokenId, StoreError> {
        let NewApiToken { name, token_hash, prefix, expires_at } = *token;
        let owner = self.user_by_id(user).await?;
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING api_token_id",
        )
        .bind(user.0)
        .bind(name)
        .bind(token_hash)
        .bind(prefix)
        .bind(now_unix())
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let entry = AuditEntry {
            actor,
            action: "token.create",
            object_type: Some("api_token"),
            object_id: Some(id.to_string()),
            outcome: Outcome::Success,
            detail: Some(
                json!({"user": owner.username.as_str(), "name": {"new": name}, "prefix": prefix, "expires_at": expires_at}),
            ),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(ApiTokenId(id))
    }

    /// The user of a live (not revoked) token of an enabled user; notes its use to the minute
    /// (a write on every request would serialise a busy client's requests on SQLite's lock).
    pub async fn token_user(&self, token_hash: &str, now: i64) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, t.api_token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.user_id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 AND u.disabled = 0 AND u.role_pending = 0 \
             AND t.created_at >= u.sessions_valid_after"
        );
        let Some(row) =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let token: i64 = row.try_get("api_token_id")?;
        let last_used: Option<i64> = row.try_get("last_used_at")?;
        if last_used.is_none_or(|at| now - at >= 60) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE api_token_id = $2")
                .bind(now)
                .bind(token)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(user_from_row(&row)?))
    }

    pub async fn list_api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        sqlx::query(
            "SELECT api_token_id, name, prefix, created_at, last_used_at, revoked_at, expires_at FROM api_tokens \
             WHERE user_id = $1 ORDER BY api_token_id",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|row| {
            Ok(ApiToken {
                api_token_id: ApiTokenId(row.try_get(0)?),
                name: row.try_get(1)?,
                prefix: row.try_get(2)?,
                created_at: row.try_get(3)?,
                last_used_at: row.try_get(4)?,
                revoked_at: row.try_get(5)?,
                expires_at: row.try_get(6)?,
            })
        })
        .collect()
    }

    /// Revokes a token (of `owner`, when given); `NotFound` if there is no such live token.
    pub async fn revoke_api_token(
        &self,
        id: ApiTokenId,
        owner: Option<UserId>,
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE api_token_id = $2 AND revoked_at IS NULL \
             AND ($3 IS NULL OR user_id = $3)",
        )
        .bind(now_unix())
        .bind(id.0)
        .bind(owner.map(|o| o.0))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let entry = AuditEntry {
            actor,
            action: "token.revoke",
            object_type: Some("api_token"),
            object_id: Some(id.0.to_string()),
            outcome: Outcome::Success,
            detail: None,
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Writes a successful change of one object (`object_type` #`id`) to the audit log, in the
/// caller's transaction.
pub(crate) async fn audit_object(
    conn: &mut sqlx::AnyConnection,
    actor: &AuditActor,
    action: &'static str,
    object_type: &'static str,
    id: i64,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    let entry = AuditEntry {
        actor,
        action,
        object_type: Some(object_type),
        object_id: Some(id.to_string()),
        outcome: Outcome::Success,
        detail: Some(detail),
    };
    write_audit(conn, &entry).await
}
