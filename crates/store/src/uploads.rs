//! Uploaded files kept between an import's preview and its commit.

use sqlx::Row;
use xinzhi_domain::Month;

use crate::model::UserId;
use crate::{Store, StoreError, now_unix};

/// How long an upload waits for its uploader.
pub const UPLOAD_LIFETIME_SECONDS: i64 = 24 * 3600;

/// A file as uploaded, with the month its rows default to.
#[derive(Debug, Clone)]
pub struct Upload {
    pub upload_id: String,
    pub user_id: UserId,
    pub file_name: String,
    pub period: Option<Month>,
    pub content: Vec<u8>,
    pub created_at: i64,
}

impl Store {
    /// Keeps an uploaded file under `upload_id` (a random token chosen by the caller).
    pub async fn save_upload(
        &self,
        upload_id: &str,
        user: UserId,
        file_name: &str,
        period: Option<Month>,
        content: &[u8],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO uploads (upload_id, user_id, file_name, period, content, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(upload_id)
        .bind(user.0)
        .bind(file_name)
        .bind(period.map(|p| p.yyyymm()))
        .bind(content.to_vec())
        .bind(now_unix())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The user's own upload, if it is still kept; another user's is `NotFound` too.
    pub async fn upload(&self, upload_id: &str, user: UserId) -> Result<Upload, StoreError> {
        let row = sqlx::query(
            "SELECT upload_id, user_id, file_name, period, content, created_at FROM uploads \
             WHERE upload_id = $1 AND user_id = $2 AND created_at > $3",
        )
        .bind(upload_id)
        .bind(user.0)
        .bind(now_unix() - UPLOAD_LIFETIME_SECONDS)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let period: Option<i64> = row.try_get(3)?;
        Ok(Upload {
            upload_id: row.try_get(0)?,
            user_id: UserId(row.try_get(1)?),
            file_name: row.try_get(2)?,
            period: period.and_then(|p| Month::from_yyyymm(p).ok()),
            content: row.try_get(4)?,
            created_at: row.try_get(5)?,
        })
    }

    /// Deletes uploads older than their lifetime; returns how many.
    pub async fn purge_uploads(&self, now: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM uploads WHERE created_at <= $1")
            .bind(now - UPLOAD_LIFETIME_SECONDS)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
