//! Who performs an operation.

use xinzhi_domain::{Permission, Role};
use xinzhi_store::{AuditActor, Scope};

use crate::AppError;

/// Who performs an operation: a signed-in user, holding its role's permissions over its scope,
/// or the system itself (the command line, the demo), which holds every permission over the
/// whole city.
#[derive(Debug, Clone)]
pub struct Actor {
    /// How the audit log names it.
    pub audit: AuditActor,
    /// Whose firms it reads and writes.
    pub scope: Scope,
    /// `None` for the system.
    role: Option<Role>,
}

impl Actor {
    pub fn user(role: Role, scope: Scope, audit: AuditActor) -> Actor {
        Actor { audit, scope, role: Some(role) }
    }

    /// The system, named `name` in the audit log.
    pub fn system(name: &str) -> Actor {
        Actor { audit: AuditActor::system(name), scope: Scope::City, role: None }
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.role.is_none_or(|role| role.may(permission))
    }

    /// `AppError::Denied` unless the actor holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.may(permission) { Ok(()) } else { Err(AppError::Denied(permission)) }
    }
}
