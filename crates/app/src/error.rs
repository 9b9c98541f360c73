//! Why an operation failed.

use xinzhi_domain::Permission;
use xinzhi_store::StoreError;

/// Why an operation failed. Problems with the input itself are not errors: an operation answers
/// them in its report, each placed and worded in the user's language.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The actor does not hold the permission (pages and the API answer 404, as for what does
    /// not exist).
    #[error("not permitted: {}", .0.as_str())]
    Denied(Permission),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A rejected input, named by field, with a stable code and a message in the user's language.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldError {
    /// The parameter or form field, e.g. `limit` or `values.gross_output`.
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: String) -> FieldError {
        FieldError { field: field.into(), code, message }
    }

    /// From a domain error that knows how to explain itself.
    pub fn from_domain(
        field: impl Into<String>,
        error: &impl xinzhi_domain::Localize,
        lang: xinzhi_domain::Lang,
    ) -> FieldError {
        FieldError { field: field.into(), code: error.code(), message: error.message(lang) }
    }
}
