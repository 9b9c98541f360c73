//! Sign-in failures: each source address counted and slowed on its own (`login_throttle`), the
//! account's own count and lock (`users`), and the address its owner last signed in from.

use xinzhi_domain::SignInThrottle;

use crate::UserId;
use crate::access::{AuditActor, AuditEntry, Outcome, write_audit};
use crate::{Store, StoreError};

/// What an address's attempt may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressAttempt {
    /// Counted as a failure until it succeeds; the number is the address's failures so far.
    Counted(i64),
    /// The address must wait until this unix second; the number is how many attempts were
    /// refused in a row.
    Refused { until: i64, refused: i64 },
}

impl Store {
    /// Counts an attempt from `address` before its password is checked, so that parallel guesses
    /// cannot all pass while the count is low: one statement counts it and sets the wait its
    /// count earns, only when the address is not already waiting (`blocked_until <= now`).
    /// [`Store::sign_in_succeeded`] takes the count back.
    pub async fn begin_sign_in(
        &self,
        address: &str,
        now: i64,
        policy: &SignInThrottle,
    ) -> Result<AddressAttempt, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO login_throttle (address) VALUES ($1) ON CONFLICT (address) DO NOTHING")
            .bind(address)
            .execute(&mut *tx)
            .await?;
        // Quiet long enough: the address starts again.
        sqlx::query(
            "UPDATE login_throttle SET failures = 0, refused = 0 \
             WHERE address = $1 AND last_failure_at < $2 AND blocked_until <= $3",
        )
        .bind(address)
        .bind(now - policy.forget_after)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // The wait after the n-th failure is (n - free + 1) × step up to the maximum
        // (`SignInThrottle::address_wait`), written out so that counting and waiting are one step.
        let counted: Option<i64> = sqlx::query_scalar(
            "UPDATE login_throttle SET failures = failures + 1, refused = 0, last_failure_at = $2, \
             blocked_until = CASE WHEN failures + 1 < $3 THEN 0 \
                 WHEN (failures + 2 - $3) * $4 > $5 THEN $2 + $5 \
                 ELSE $2 + (failures + 2 - $3) * $4 END \
             WHERE address = $1 AND blocked_until <= $2 RETURNING failures",
        )
        .bind(address)
        .bind(now)
        .bind(i64::from(policy.address_free))
        .bind(policy.address_step)
        .bind(policy.address_max_wait)
        .fetch_optional(&mut *tx)
        .await?;
        let attempt = match counted {
            Some(failures) => AddressAttempt::Counted(failures),
            None => {
                let (until, refused): (i64, i64) = sqlx::query_as(
                    "UPDATE login_throttle SET refused = refused + 1 WHERE address = $1 \
                     RETURNING blocked_until, refused",
                )
                .bind(address)
                .fetch_one(&mut *tx)
                .await?;
                AddressAttempt::Refused { until, refused }
            }
        };
        tx.commit().await?;
        Ok(attempt)
    }

    /// A sign-in from `address` succeeded: its attempt is not a failure, the account's failures
    /// are cleared and the address becomes the one its owner signs in from.
    pub async fn sign_in_succeeded(&self, user: UserId, address: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END \
             WHERE address = $1",
        )
        .bind(address)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0, last_login_ip = $1 WHERE user_id = $2")
            .bind(address)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a failure against an account from a stranger's address, and locks it when the
    /// count reaches the policy's limit; returns the count.
    pub async fn account_sign_in_failed(
        &self,
        user: UserId,
        now: i64,
        policy: &SignInThrottle,
    ) -> Result<i64, StoreError> {
        let failures: i64 = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE user_id = $1 RETURNING failed_logins",
        )
        .bind(user.0)
        .fetch_one(&self.pool)
        .await?;
        let lock = policy.account_lock(u32::try_from(failures).unwrap_or(u32::MAX));
        if lock > 0 {
            sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE user_id = $2")
                .bind(now + lock)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
        }
        Ok(failures)
    }

    /// Lifts an account's lock and forgets its failures (the security administrator's call
    /// when the owner cannot wait), audited as `user.unlock`.
    pub async fn unlock_user(&self, user: UserId, actor: &AuditActor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let username: String = sqlx::query_scalar(
            "UPDATE users SET locked_until = 0, failed_logins = 0 WHERE user_id = $1 RETURNING username",
        )
        .bind(user.0)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let entry = AuditEntry {
            actor,
            action: "user.unlock",
            object_type: Some("user"),
            object_id: Some(username),
            outcome: Outcome::Success,
            detail: None,
        };
        write_audit(&mut tx, &entry).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets addresses that have been quiet for `older_than` seconds.
    pub async fn purge_sign_in_throttle(&self, now: i64, older_than: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1 AND blocked_until < $2")
            .bind(now - older_than)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
