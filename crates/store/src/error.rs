//! The storage layer's error: callers never see sqlx types.

/// What went wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names a database Xinzhi does not support.
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://USER@HOST:PORT/DATABASE")]
    UnsupportedScheme(String),
    /// The database could not be opened or reached.
    #[error("cannot open the database {url}: {reason}")]
    Connect { url: String, reason: String },
    /// A migration could not be applied, or an applied one was edited.
    #[error("database migration failed: {0}")]
    Migration(String),
    /// The requested row does not exist.
    #[error("not found")]
    NotFound,
    /// The write would break a uniqueness or consistency rule.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The input breaks a rule the storage layer checks (e.g. overlapping memberships).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Four eyes: the report was entered by the one who would approve it.
    #[error("whoever entered a report on the firm's behalf cannot approve it")]
    FourEyes,
    /// The store is closing (or its writing task stopped).
    #[error("the database is closing")]
    Closed,
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_owned()),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() || db.is_check_violation() => {
                StoreError::Invalid(db.message().to_owned())
            }
            _ => StoreError::Database(error),
        }
    }
}
