//! The layout around every page: the city's name, the menu the caller's role opens, the signed-in
//! user's badge.

use axum::extract::OriginalUri;
use xinzhi_domain::{Permission, Role};

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::i18n::Tr;

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub role: &'static str,
    /// The administration page of the caller's duty (三员分立), if it holds one.
    pub admin: Option<&'static str>,
    /// Works with enterprise data (every role but the security and audit administrators).
    pub business: bool,
    /// The session's CSRF token for the sign-out form.
    pub csrf: String,
}

/// What the layout around every page needs.
#[derive(Debug, Clone)]
pub struct Layout {
    pub city: String,
    /// Path and query of this page, to come back to after switching language.
    pub here: String,
    pub active: &'static str,
    pub user: Option<UserBadge>,
}

impl Layout {
    pub fn for_caller(state: &AppState, tr: Tr, uri: &OriginalUri, active: &'static str, caller: &Caller) -> Layout {
        let here = uri.0.path_and_query().map_or("/".to_owned(), |p| p.as_str().to_owned());
        let user = UserBadge {
            name: caller.user.display_name.clone(),
            role: caller.user.role.label(tr.lang),
            admin: if caller.user.role.may(Permission::ManageAccounts) {
                Some("/admin/users")
            } else {
                administration_home(caller.user.role)
            },
            business: caller.user.role.scope_kind() != xinzhi_domain::ScopeKind::NoData,
            csrf: caller.csrf.clone(),
        };
        Layout { city: tr.pick(&state.city.0, &state.city.1).to_owned(), here, active, user: Some(user) }
    }

    /// For pages seen before signing in.
    pub fn public(state: &AppState, tr: Tr) -> Layout {
        Layout { city: tr.pick(&state.city.0, &state.city.1).to_owned(), here: "/login".into(), active: "", user: None }
    }

    /// For pages drawn without the application state (errors).
    pub fn plain(tr: Tr) -> Layout {
        Layout { city: tr.t("app.name").to_owned(), here: "/".into(), active: "", user: None }
    }
}

/// Where an administrator without enterprise data starts (the overview has nothing for them).
pub fn administration_home(role: Role) -> Option<&'static str> {
    if role.may(Permission::GrantRoles) {
        Some("/admin/users")
    } else if role.may(Permission::ReadAuditLog) {
        Some("/admin/audit")
    } else {
        None
    }
}
