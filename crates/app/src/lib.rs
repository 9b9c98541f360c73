//! Xinzhi's operations, as a signed-in user or the command line performs them: each takes the
//! store, the [`Actor`] and a typed input, checks the actor's permission first, applies the
//! domain's rules and answers `Result<T, AppError>`. No HTTP: the web and the command line call
//! the same functions, so a form, an upload and `xinzhi import` cannot drift apart.

pub mod actor;
pub mod clock;
pub mod credentials;
pub mod error;
pub mod imports;
pub mod profile_imports;
pub mod reporting;
pub mod reports;

pub use actor::Actor;
pub use error::{AppError, FieldError};
