//! The signed-in user of a request: what the `Caller` extractor (`auth.rs`) gives a handler.
//! Plain data, so that what needs to know the caller (the layout, the errors) does not depend
//! on how a request is authenticated.

use xinzhi_store::{Scope, User};

/// The signed-in user of a request, with how they signed in.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    /// Hash of the session token, for cookie sessions.
    pub session_hash: Option<String>,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    pub ip: Option<String>,
}

impl Caller {
    pub fn scope(&self) -> &Scope {
        &self.user.scope
    }

    /// The caller as the operations of `xinzhi_app` take it.
    pub fn acting(&self) -> xinzhi_app::Actor {
        xinzhi_app::Actor::user(self.user.role, self.user.scope, self.actor())
    }

    pub fn actor(&self) -> xinzhi_store::AuditActor {
        xinzhi_store::AuditActor {
            user_id: Some(self.user.user_id),
            name: self.user.username.to_string(),
            ip: self.ip.clone(),
        }
    }
}
