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
