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

    /// A firm's own reporter (what it writes is the firm's report, not values entered for it).
    pub fn is_firm(&self) -> bool {
        self.role == Some(Role::EnterpriseReporter)
    }

    /// Records a refused attempt at `object` in the audit log, as the web records its own.
    pub async fn audit_denial(&self, store: &xinzhi_store::Store, object_type: &str, object_id: &str) {
        let entry = xinzhi_store::AuditEntry {
            actor: &self.audit,
            action: "access.denied",
            object_type: Some(object_type),
            object_id: Some(object_id.to_owned()),
            outcome: xinzhi_store::Outcome::Denied,
            detail: None,
        };
        if let Err(e) = store.append_audit(&entry).await {
            tracing::error!(error.message = %e, "cannot write the audit log");
        }
    }

    /// `AppError::Denied` unless the actor holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.may(permission) { Ok(()) } else { Err(AppError::Denied(permission)) }
    }
}
