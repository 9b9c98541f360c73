//! Two-factor sign-in: each user's TOTP secret (pending until a first code confirms it), the
//! time step last accepted (so a code works once), one-time recovery codes (hashed), and the
//! sign-ins that passed the password and wait for their second factor.

use serde_json::json;

use crate::access::write_audit;
use crate::access::{AuditActor, AuditEntry, Outcome};
use crate::{Store, StoreError, UserId, now_unix};

/// A user's TOTP secret and whether it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpState {
    /// Base32, as authenticator apps take it.
    pub secret: String,
    pub enabled: bool,
    pub last_step: i64,
}

/// A sign-in waiting for its second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginChallenge {
    pub user_id: UserId,
    /// Where to go once signed in (already checked to be a local path).
    pub next: String,
    pub attempts: i64,
}

impl Store {
    /// The user's TOTP secret, confirmed or pending.
    pub async fn totp_of(&self, user: UserId) -> Result<Option<TotpState>, StoreError> {
        let row: Option<(Option<String>, Option<i64>, i64)> =
            sqlx::query_as("SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(secret, enabled, last_step)| {
            secret.map(|secret| TotpState { secret, enabled: enabled.is_some(), last_step })
        }))
    }

    /// Keeps a new secret as pending, unless one is already confirmed.
    pub async fn begin_totp(&self, user: UserId, secret: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE user_id = $2 AND totp_enabled_at IS NULL",
        )
        .bind(secret)
        .bind(user.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Confirms the pending secret with the step of the code that proved it, and stores the
    /// recovery codes (hashed), in one transaction, audited.
    pub async fn enable_totp(
        &self,
        user: UserId,
        step: i64,
        recovery_hashes: &[String],
        actor: &AuditActor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_enabled_at = $1, totp_last_step = $2 \
             WHERE user_id = $3 AND totp_secret IS NOT NULL AND totp_enabled_at IS NULL",
        )
        .bind(now_unix())
        .bind(step)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("no pending second factor to confirm".into()));
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
        for hash in recovery_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user.0)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        let entry = AuditEntry {
            actor,
            action: "two_factor.enable",
            object_type: Some("user"),
            object_id: Some(user.0.to_string()),
            outcome: Outcome::Success,
            detail: Some(json!({"recovery_codes": recovery_hashes.len()})),
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a TOTP time step for the user: true only the first time, and only for a step later
    /// than the last one taken (a code seen once cannot be replayed).
    pub async fn take_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE user_id = $2 AND totp_last_step < $1")
            .bind(step)
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Uses a recovery code (by its hash): true once per code.
    pub async fn use_recovery_code(&self, user: UserId, hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_unix())
        .bind(user.0)
        .bind(hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Recovery codes the user has not used.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user.0)
            .fetch_one(&self.pool)
            .await?)
    }

    /// Removes the user's second factor (a lost phone), audited; the user enrols again.
    pub async fn reset_totp(&self, user: UserId, actor: &AuditActor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE user_id = $1",
        )
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
        let entry = AuditEntry {
            actor,
            action: "two_factor.reset",
            object_type: Some("user"),
            object_id: Some(user.0.to_string()),
            outcome: Outcome::Success,
            detail: None,
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a sign-in that passed its password and waits for the second factor.
    pub async fn create_login_challenge(
        &self,
        challenge_hash: &str,
        user: UserId,
        next: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1").bind(now_unix()).execute(&self.pool).await?;
        sqlx::query(
            "INSERT INTO login_challenges (challenge_hash, user_id, next_path, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(challenge_hash)
        .bind(user.0)
        .bind(next)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts an attempt at a live challenge and returns it (with the attempts so far,
    /// this one included), or `None` when there is no such challenge or it has expired.
    pub async fn attempt_login_challenge(
        &self,
        challenge_hash: &str,
        now: i64,
    ) -> Result<Option<LoginChallenge>, StoreError> {
        let row: Option<(i64, String, i64)> = sqlx::query_as(
            "UPDATE login_challenges SET attempts = attempts + 1 WHERE challenge_hash = $1 AND expires_at > $2 \
             RETURNING user_id, next_path, attempts",
        )
        .bind(challenge_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(user, next, attempts)| LoginChallenge { user_id: UserId(user), next, attempts }))
    }

    pub async fn delete_login_challenge(&self, challenge_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_challenges WHERE challenge_hash = $1")
            .bind(challenge_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
