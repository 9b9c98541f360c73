//! Files attached to tasks (with a progress report) and to requests, kept in the database so
//! that a backup holds them. Who may attach or read is the caller's to decide; the owner's
//! visibility is checked here through `task` and `request`.

use serde::Serialize;
use sqlx::Row;

use crate::access::{AuditActor, Scope, audit_object};
use crate::sql::Sql;
use crate::{Store, StoreError, now_unix};

/// What a file is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Owner {
    Task(i64),
    Request(i64),
}

impl Owner {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Owner::Task(id) => ("task", id),
            Owner::Request(id) => ("request", id),
        }
    }
}

/// A file to keep: its checked name (domain::attachment::check) and bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFile {
    pub name: String,
    pub content: Vec<u8>,
}

/// A kept file, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub attachment_id: i64,
    pub owner: Owner,
    pub file_name: String,
    pub size: i64,
    pub created_at: i64,
    pub created_by: String,
}

/// Keeps `file` for `owner` within a write transaction, audited; what was kept.
pub(crate) async fn insert_attachment(
    conn: &mut sqlx::AnyConnection,
    owner: Owner,
    file: &NewFile,
    actor: &AuditActor,
) -> Result<Attachment, StoreError> {
    let (kind, owner_id) = owner.parts();
    let now = now_unix();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO attachments (owner_type, owner_id, file_name, size, content, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING attachment_id",
    )
    .bind(kind)
    .bind(owner_id)
    .bind(&file.name)
    .bind(file.content.len() as i64)
    .bind(file.content.clone())
    .bind(now)
    .bind(&actor.name)
    .fetch_one(&mut *conn)
    .await?;
    let detail =
        serde_json::json!({"owner": kind, "owner_id": owner_id, "file_name": file.name, "size": file.content.len()});
    audit_object(conn, actor, "attachment.add", "attachment", id, detail).await?;
    Ok(Attachment {
        attachment_id: id,
        owner,
        file_name: file.name.clone(),
        size: file.content.len() as i64,
        created_at: now,
        created_by: actor.name.clone(),
    })
}

const COLUMNS: &str = "attachment_id, owner_type, owner_id, file_name, size, created_at, created_by";

fn attachment_of(row: &sqlx::any::AnyRow) -> Result<Attachment, StoreError> {
    let kind: String = row.try_get(1)?;
    let owner_id: i64 = row.try_get(2)?;
    let owner = match kind.as_str() {
        "task" => Owner::Task(owner_id),
        "request" => Owner::Request(owner_id),
        other => return Err(crate::org::corrupt("attachment owner", other)),
    };
    Ok(Attachment {
        attachment_id: row.try_get(0)?,
        owner,
        file_name: row.try_get(3)?,
        size: row.try_get(4)?,
        created_at: row.try_get(5)?,
        created_by: row.try_get(6)?,
    })
}

impl Store {
    /// Whether `scope` sees `owner` (`NotFound` when not).
    async fn ensure_owner_visible(&self, scope: &Scope, owner: Owner) -> Result<(), StoreError> {
        match owner {
            Owner::Task(id) => self.task(scope, id).await.map(|_| ()),
            Owner::Request(id) => self.request(scope, id).await.map(|_| ()),
        }
    }

    /// Attaches a file to what `scope` sees; what was kept.
    pub async fn attach(
        &self,
        scope: &Scope,
        owner: Owner,
        file: &NewFile,
        actor: &AuditActor,
    ) -> Result<Attachment, StoreError> {
        self.ensure_owner_visible(scope, owner).await?;
        let mut tx = self.begin_write().await?;
        let kept = insert_attachment(&mut tx, owner, file, actor).await?;
        tx.commit().await?;
        Ok(kept)
    }

    /// The files of what `scope` sees, oldest first.
    pub async fn attachments(&self, scope: &Scope, owner: Owner) -> Result<Vec<Attachment>, StoreError> {
        self.ensure_owner_visible(scope, owner).await?;
        let (kind, owner_id) = owner.parts();
        let mut sql = Sql::new(self.backend, &format!("SELECT {COLUMNS} FROM attachments WHERE owner_type = "));
        sql.bind(kind.to_owned())?.push(" AND owner_id = ").bind(owner_id)?.push(" ORDER BY attachment_id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(attachment_of).collect()
    }

    /// A file with its bytes, when `scope` sees what it is attached to.
    pub async fn attachment(&self, scope: &Scope, id: i64) -> Result<(Attachment, Vec<u8>), StoreError> {
        let mut sql =
            Sql::new(self.backend, &format!("SELECT {COLUMNS}, content FROM attachments WHERE attachment_id = "));
        sql.bind(id)?;
        let row = sql.query().fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?;
        let attachment = attachment_of(&row)?;
        self.ensure_owner_visible(scope, attachment.owner).await?;
        Ok((attachment, row.try_get(7)?))
    }
}
