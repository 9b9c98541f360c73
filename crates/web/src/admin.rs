//! Administration, split by separation of duties (三员分立): the system administrator keeps
//! accounts (creates them, renames, disables, resets passwords), the security administrator
//! grants roles and scopes, unlocks accounts and resets second factors, and the audit
//! administrator alone reads the audit log (filter, export). A page or action of a duty the
//! caller does not hold is 404, and the attempt is audited as a denial.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use xinzhi_domain::{Lang, Permission, Role, Username};
use xinzhi_store::{AuditFilter, AuditRecord, NewUser, Outcome, Page, Scope, StoreError, User, UserChange, UserId};

use crate::AppState;
use crate::kit::auth::{self, Caller};
use crate::kit::error::{FieldError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::parse_integer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(view_users_get).post(view_users_post))
        .route("/admin/users/new", get(view_user_new_get))
        .route("/admin/users/{id}", get(view_user_get).post(view_user_post))
        .route("/admin/users/{id}/reset-password", post(view_user_reset_post))
        .route("/admin/users/{id}/unlock", post(view_user_unlock_post))
        .route("/admin/users/{id}/reset-two-factor", post(view_user_two_factor_post))
        .route("/admin/security", get(view_security_get).post(view_security_post))
        .route("/admin/audit", get(view_audit_get))
        .route("/admin/audit.csv", get(view_audit_csv_get))
}

/// The first of `duties` the caller holds; 404 for anyone holding none, with the denial in
/// the audit log.
async fn require(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    duties: &[Permission],
    what: &str,
) -> Result<Permission, PageError> {
    if let Some(duty) = duties.iter().copied().find(|d| caller.user.role.may(*d)) {
        return Ok(duty);
    }
    auth::audit_denial(state, caller, "page", what).await;
    Err(PageError::not_found(lang))
}

/// Whether the system administrator may manage this account: not the security or the audit
/// administrator's, which only the server's operator manages (`xinzhi user`), so that the
/// system administrator cannot lock out those who watch it.
fn account_managed_here(target: Role) -> bool {
    !target.is_administrator() || target == Role::Admin
}

pub struct UserRow {
    pub user: User,
    pub role: &'static str,
    pub scope: String,
    pub locked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/admin_users.html")]
pub struct UsersPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<UserRow>,
    /// The system administrator's view (may create accounts).
    accounts: bool,
}

async fn scope_text(state: &AppState, tr: Tr, scope: &Scope) -> Result<String, StoreError> {
    let (code, zh, en) = state.store.describe_scope(scope).await?;
    Ok(if code.is_empty() { tr.pick(&zh, &en).to_owned() } else { format!("{} ({code})", tr.pick(&zh, &en)) })
}

async fn view_users_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<UsersPage, PageError> {
    let duty =
        require(&state, &caller, lang, &[Permission::ManageAccounts, Permission::GrantRoles], "/admin/users").await?;
    let tr = Tr::new(lang);
    let now = auth::now();
    let mut rows = Vec::new();
    for user in state.store.list_users().await.map_err(|e| PageError::from_store(lang, e))? {
        let scope = scope_text(&state, tr, &user.scope).await.map_err(|e| PageError::from_store(lang, e))?;
        rows.push(UserRow { role: user.role.label(lang), scope, locked: user.locked_until > now, user });
    }
    Ok(UsersPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "admin", &caller),
        rows,
        accounts: duty == Permission::ManageAccounts,
    })
}

pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/admin_user.html")]
pub struct UserPage {
    tr: Tr,
    layout: Layout,
    /// `None` for a new user.
    user_id: Option<i64>,
    username: String,
    display_name: String,
    roles: Vec<RoleOption>,
    /// The label of the selected role, for a reader who may not change it.
    role_label: &'static str,
    scope_code: String,
    disabled: bool,
    /// What the caller may change: the account (system administrator) or its role and scope
    /// (security administrator).
    duty_accounts: bool,
    duty_roles: bool,
    /// The account waits for its role to be granted.
    pending: bool,
    locked: bool,
    two_factor: bool,
    error: Option<FieldError>,
    /// A password to hand over, shown once.
    password: Option<String>,
}

fn role_options(selected: Option<Role>, lang: Lang) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|r| RoleOption { value: r.as_str(), label: r.label(lang), selected: Some(r) == selected })
        .collect()
}

async fn view_user_new_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<UserPage, PageError> {
    require(&state, &caller, lang, &[Permission::ManageAccounts], "/admin/users/new").await?;
    let form = UserForm::default();
    Ok(form_page(&state, lang, &uri, &caller, FormView::new(Permission::ManageAccounts, None, &form)))
}

/// The user form. Each administrator posts only the fields of its duty; the others are
/// ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    username: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
    scope: Option<String>,
    disabled: Option<String>,
}

impl UserForm {
    /// The form as the stored user fills it.
    async fn of(state: &AppState, user: &User) -> Result<UserForm, StoreError> {
        let (code, _, _) = state.store.describe_scope(&user.scope).await?;
        Ok(UserForm {
            username: Some(user.username.to_string()),
            display_name: Some(user.display_name.clone()),
            role: Some(user.role.as_str().to_owned()),
            scope: Some(code),
            disabled: user.disabled.then(|| "on".to_owned()),
        })
    }

    /// The stored user's form with the fields of `duty` taken from `posted`.
    fn overlaid(self, duty: Permission, posted: UserForm) -> UserForm {
        match duty {
            Permission::ManageAccounts => {
                UserForm { display_name: posted.display_name, disabled: posted.disabled, ..self }
            }
            Permission::GrantRoles => UserForm { role: posted.role, scope: posted.scope, ..self },
            _ => self,
        }
    }
}

/// Longest display name accepted.
const MAX_DISPLAY_NAME: usize = 60;

fn check_display_name(lang: Lang, form: &UserForm) -> Result<String, FieldError> {
    let tr = Tr::new(lang);
    let display_name = form.display_name.as_deref().unwrap_or("").trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME {
        let max = MAX_DISPLAY_NAME.to_string();
        return Err(FieldError::new(
            "display_name",
            "length",
            tr.f("error.length", &[("field", tr.t("admin.display_name")), ("max", &max)]),
        ));
    }
    Ok(display_name)
}

async fn check_role_and_scope(state: &AppState, lang: Lang, form: &UserForm) -> Result<(Role, Scope), FieldError> {
    let tr = Tr::new(lang);
    let text = form.role.as_deref().unwrap_or("");
    let role = Role::parse(text).ok_or_else(|| {
        FieldError::new("role", "unknown_value", tr.f("error.unknown_value", &[("field", "role"), ("value", text)]))
    })?;
    let scope = state.store.resolve_scope(role, form.scope.as_deref()).await.map_err(|e| match e {
        StoreError::Invalid(_) => FieldError::new(
            "scope",
            "scope",
            tr.f("admin.scope_invalid", &[("role", role.label(lang)), ("value", form.scope.as_deref().unwrap_or(""))]),
        ),
        other => {
            tracing::error!(error.message = %other, "scope lookup failed");
            FieldError::new("scope", "internal", tr.t("error.internal.message").to_owned())
        }
    })?;
    Ok((role, scope))
}

/// What the user form shows besides the layout.
struct FormView<'a> {
    duty: Permission,
    /// The stored user; `None` for a new one.
    user: Option<&'a User>,
    form: &'a UserForm,
    error: Option<FieldError>,
    password: Option<String>,
}

impl<'a> FormView<'a> {
    fn new(duty: Permission, user: Option<&'a User>, form: &'a UserForm) -> FormView<'a> {
        FormView { duty, user, form, error: None, password: None }
    }
}

fn form_page(state: &AppState, lang: Lang, uri: &OriginalUri, caller: &Caller, view: FormView<'_>) -> UserPage {
    let tr = Tr::new(lang);
    let FormView { duty, user, form, error, password } = view;
    let role = form.role.as_deref().and_then(Role::parse);
    let now = auth::now();
    UserPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "admin", caller),
        user_id: user.map(|u| u.user_id.0),
        username: form.username.clone().unwrap_or_default(),
        display_name: form.display_name.clone().unwrap_or_default(),
        roles: role_options(role, lang),
        role_label: role.map_or("", |r| r.label(lang)),
        scope_code: form.scope.clone().unwrap_or_default(),
        disabled: form.disabled.is_some(),
        // A new account's role is asked for by the system administrator and granted later.
        duty_accounts: duty == Permission::ManageAccounts && user.is_none_or(|u| account_managed_here(u.role)),
        duty_roles: duty == Permission::GrantRoles || user.is_none(),
        pending: user.is_some_and(|u| u.role_pending),
        locked: user.is_some_and(|u| u.locked_until > now),
        two_factor: user.is_some_and(|u| u.two_factor),
        error,
        password,
    }
}

fn unprocessable(page: UserPage) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// `POST /admin/users`: the system administrator creates an account with a temporary
/// password to hand over (changed at first sign-in) and the role asked for, which the
/// security administrator must grant before the account can sign in.
async fn view_users_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Form(form): Form<UserForm>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::ManageAccounts], "/admin/users").await?;
    let invalid = |error: FieldError| {
        let view = FormView { error: Some(error), ..FormView::new(Permission::ManageAccounts, None, &form) };
        Ok::<_, PageError>(unprocessable(form_page(&state, lang, &uri, &caller, view)))
    };
    let username = match Username::parse(form.username.as_deref().unwrap_or("")) {
        Ok(u) => u,
        Err(e) => return invalid(FieldError::from_domain("username", &e, lang)),
    };
    let display_name = match check_display_name(lang, &form) {
        Ok(d) => d,
        Err(e) => return invalid(e),
    };
    let (role, scope) = match check_role_and_scope(&state, lang, &form).await {
        Ok(c) => c,
        Err(e) => return invalid(e),
    };
    let password = auth::temporary_password();
    let hash = auth::hash_password(password.clone()).await.map_err(|e| PageError::internal(lang, &e))?;
    let new_user = NewUser {
        username: username.clone(),
        display_name,
        password_hash: hash,
        role,
        scope,
        must_change_password: true,
        role_pending: true,
    };
    match state.store.create_user(&new_user, &caller.actor()).await {
        Ok(id) => {
            let user = state.store.user_by_id(id).await.map_err(|e| PageError::from_store(lang, e))?;
            let view =
                FormView { password: Some(password), ..FormView::new(Permission::ManageAccounts, Some(&user), &form) };
            Ok((StatusCode::CREATED, form_page(&state, lang, &uri, &caller, view)).into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let tr = Tr::new(lang);
            invalid(FieldError::new(
                "username",
                "taken",
                tr.f("admin.username_taken", &[("username", username.as_str())]),
            ))
        }
        Err(e) => Err(PageError::from_store(lang, e)),
    }
}

async fn view_user_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<UserPage, PageError> {
    let duty =
        require(&state, &caller, lang, &[Permission::ManageAccounts, Permission::GrantRoles], "/admin/users/{id}")
            .await?;
    let user = state.store.user_by_id(UserId(id)).await.map_err(|e| PageError::from_store(lang, e))?;
    let form = UserForm::of(&state, &user).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(form_page(&state, lang, &uri, &caller, FormView::new(duty, Some(&user), &form)))
}

/// Why an administrator may not make this change, if it may not.
fn refusal(duty: Permission, caller: &User, target: &User, form: &UserForm) -> Option<(&'static str, &'static str)> {
    let yourself = caller.user_id == target.user_id;
    match duty {
        Permission::ManageAccounts if !account_managed_here(target.role) => Some(("role", "admin.managed_by_operator")),
        Permission::ManageAccounts if yourself && form.disabled.is_some() => Some(("disabled", "admin.not_yourself")),
        Permission::GrantRoles if yourself => Some(("role", "admin.not_yourself")),
        _ => None,
    }
}

async fn view_user_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    Form(posted): Form<UserForm>,
) -> Result<Response, PageError> {
    let duty =
        require(&state, &caller, lang, &[Permission::ManageAccounts, Permission::GrantRoles], "/admin/users/{id}")
            .await?;
    let existing = state.store.user_by_id(UserId(id)).await.map_err(|e| PageError::from_store(lang, e))?;
    let stored = UserForm::of(&state, &existing).await.map_err(|e| PageError::from_store(lang, e))?;
    let form = stored.overlaid(duty, posted);
    let invalid = |error: FieldError| {
        let view = FormView { error: Some(error), ..FormView::new(duty, Some(&existing), &form) };
        Ok::<_, PageError>(unprocessable(form_page(&state, lang, &uri, &caller, view)))
    };
    if let Some((field, key)) = refusal(duty, &caller.user, &existing, &form) {
        let tr = Tr::new(lang);
        return invalid(FieldError::new(field, "duty", tr.t(key).to_owned()));
    }
    let change = match duty {
        Permission::ManageAccounts => match check_display_name(lang, &form) {
            Ok(name) => UserChange {
                display_name: Some(name),
                disabled: Some(form.disabled.is_some()),
                ..UserChange::default()
            },
            Err(e) => return invalid(e),
        },
        Permission::GrantRoles => match check_role_and_scope(&state, lang, &form).await {
            Ok(role_and_scope) => UserChange { role_and_scope: Some(role_and_scope), ..UserChange::default() },
            Err(e) => return invalid(e),
        },
        _ => return Err(PageError::not_found(lang)),
    };
    state.store.update_user(UserId(id), &change, &caller.actor()).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to("/admin/users").into_response())
}

async fn view_user_reset_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::ManageAccounts], "/admin/users/{id}/reset-password").await?;
    let user = state.store.user_by_id(UserId(id)).await.map_err(|e| PageError::from_store(lang, e))?;
    let form = UserForm::of(&state, &user).await.map_err(|e| PageError::from_store(lang, e))?;
    if let Some((field, key)) = refusal(Permission::ManageAccounts, &caller.user, &user, &form) {
        let tr = Tr::new(lang);
        let error = FieldError::new(field, "duty", tr.t(key).to_owned());
        let view = FormView { error: Some(error), ..FormView::new(Permission::ManageAccounts, Some(&user), &form) };
        return Ok(unprocessable(form_page(&state, lang, &uri, &caller, view)));
    }
    let password = auth::temporary_password();
    let hash = auth::hash_password(password.clone()).await.map_err(|e| PageError::internal(lang, &e))?;
    state
        .store
        .set_password(user.user_id, &hash, true, None, "user.password_reset", &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    let view = FormView { password: Some(password), ..FormView::new(Permission::ManageAccounts, Some(&user), &form) };
    Ok(form_page(&state, lang, &uri, &caller, view).into_response())
}

/// `POST /admin/users/{id}/unlock`: the security administrator lifts a sign-in lock.
async fn view_user_unlock_post(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::GrantRoles], "/admin/users/{id}/unlock").await?;
    state.store.unlock_user(UserId(id), &caller.actor()).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// `POST /admin/users/{id}/reset-two-factor`: the security administrator removes a lost
/// second factor; the user enrols again.
async fn view_user_two_factor_post(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::GrantRoles], "/admin/users/{id}/reset-two-factor").await?;
    let user = state.store.user_by_id(UserId(id)).await.map_err(|e| PageError::from_store(lang, e))?;
    state.store.reset_totp(user.user_id, &caller.actor()).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

// ---------------------------------------------------------------- security policy

pub struct PolicyRole {
    pub value: &'static str,
    pub label: &'static str,
    pub required: bool,
}

/// The rules of the platform that are not settings, for the security administrator to see.
pub struct FixedRule {
    pub name: &'static str,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/admin_security.html")]
pub struct SecurityPage {
    tr: Tr,
    layout: Layout,
    /// Set on this page (else the deployment's configuration rules).
    stored: bool,
    password_max_age_days: String,
    roles: Vec<PolicyRole>,
    fixed: Vec<FixedRule>,
    saved: bool,
    error: Option<FieldError>,
}

fn fixed_rules(state: &AppState, tr: Tr) -> Vec<FixedRule> {
    let password = xinzhi_domain::PasswordPolicy::DEFAULT;
    let throttle = xinzhi_domain::SignInThrottle::DEFAULT;
    let minutes = |d: std::time::Duration| (d.as_secs() / 60).to_string();
    let rule = |name: &'static str, key: &str, args: &[(&str, &str)]| FixedRule { name, value: tr.f(key, args) };
    vec![
        rule(
            tr.t("security.rule.password"),
            "security.rule.password_value",
            &[("min", &password.min_length.to_string()), ("classes", &password.min_classes.to_string())],
        ),
        rule(
            tr.t("security.rule.address"),
            "security.rule.address_value",
            &[
                ("free", &throttle.address_free.to_string()),
                ("step", &throttle.address_step.to_string()),
                ("max", &(throttle.address_max_wait / 60).to_string()),
            ],
        ),
        rule(
            tr.t("security.rule.account"),
            "security.rule.account_value",
            &[
                ("free", &throttle.account_free.to_string()),
                ("minutes", &(throttle.account_lock_seconds / 60).to_string()),
            ],
        ),
        rule(
            tr.t("security.rule.session"),
            "security.rule.session_value",
            &[
                ("idle", &minutes(state.config.session_idle)),
                ("hours", &(state.config.session_absolute.as_secs() / 3600).to_string()),
            ],
        ),
        rule(
            tr.t("security.rule.token"),
            "security.rule.token_value",
            &[("days", &xinzhi_domain::TokenLifetime::DEFAULT_DAYS.to_string())],
        ),
    ]
}

struct PolicyView {
    stored: bool,
    password_max_age_days: String,
    required: Vec<Role>,
    saved: bool,
    error: Option<FieldError>,
}

fn security_page(state: &AppState, lang: Lang, uri: &OriginalUri, caller: &Caller, view: PolicyView) -> SecurityPage {
    let tr = Tr::new(lang);
    SecurityPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "admin", caller),
        stored: view.stored,
        password_max_age_days: view.password_max_age_days,
        roles: Role::ALL
            .into_iter()
            .map(|r| PolicyRole { value: r.as_str(), label: r.label(lang), required: view.required.contains(&r) })
            .collect(),
        fixed: fixed_rules(state, tr),
        saved: view.saved,
        error: view.error,
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /admin/security`: the security policy in force, for the security administrator.
async fn view_security_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<SavedQuery>,
) -> Result<SecurityPage, PageError> {
    require(&state, &caller, lang, &[Permission::GrantRoles], "/admin/security").await?;
    let stored = state.store.security_policy().await.map_err(|e| PageError::from_store(lang, e))?;
    let policy = stored.clone().unwrap_or_else(|| state.config.security_policy.clone());
    let view = PolicyView {
        stored: stored.is_some(),
        password_max_age_days: policy.password_max_age_days.to_string(),
        required: policy.two_factor_roles,
        saved: query.saved.is_some(),
        error: None,
    };
    Ok(security_page(&state, lang, &uri, &caller, view))
}

/// `POST /admin/security`: sets the password age and the roles that must use a second factor
/// (fields `password_max_age_days` and one `two_factor` per role), audited old → new.
async fn view_security_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::GrantRoles], "/admin/security").await?;
    let tr = Tr::new(lang);
    let field = |name: &'static str| fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim());
    let age_text = field("password_max_age_days").next().unwrap_or("").to_owned();
    let mut required = Vec::new();
    let mut error = None;
    for value in field("two_factor") {
        match Role::parse(value) {
            Some(role) => required.push(role),
            None => {
                let args = [("field", "two_factor"), ("value", value)];
                error = Some(FieldError::new("two_factor", "unknown_value", tr.f("error.unknown_value", &args)));
            }
        }
    }
    let checked = match (error, parse_integer(lang, "password_max_age_days", &age_text, 0, i64::from(u32::MAX))) {
        (Some(e), _) | (None, Err(e)) => Err(e),
        (None, Ok(days)) => xinzhi_domain::SecurityPolicy::new(u32::try_from(days).unwrap_or(u32::MAX), &required)
            .map_err(|e| FieldError::from_domain("password_max_age_days", &e, lang)),
    };
    let policy = match checked {
        Ok(policy) => policy,
        Err(e) => {
            let stored = state.store.security_policy().await.map_err(|e| PageError::from_store(lang, e))?;
            let view = PolicyView {
                stored: stored.is_some(),
                password_max_age_days: age_text,
                required,
                saved: false,
                error: Some(e),
            };
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, security_page(&state, lang, &uri, &caller, view)).into_response()
            );
        }
    };
    let before = auth::security_policy(&state).await.map_err(|e| PageError::from_store(lang, e))?;
    state
        .store
        .set_security_policy(&before, &policy, &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    state.policy.forget();
    Ok(Redirect::to("/admin/security?saved=1").into_response())
}

// ---------------------------------------------------------------- audit log

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
    /// yyyy-mm-dd, Beijing time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    page: Option<String>,
}

/// A `yyyy-mm-dd` date at 00:00 (or 24:00 for `end`) Beijing time, as unix seconds.
fn parse_day(text: &str, end: bool) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let (y, m, d): (i64, i64, i64) =
        (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.parse().ok()?);
    if !(1970..=2200).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = xinzhi_domain::period::days_from_civil(y, m as u32, d as u32);
    Some(days * 86_400 - xinzhi_domain::period::CST_OFFSET_SECONDS + if end { 86_399 } else { 0 })
}

impl AuditQuery {
    fn filter(&self, lang: Lang) -> Result<AuditFilter, FieldError> {
        let tr = Tr::new(lang);
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let day = |field: &'static str, v: &Option<String>, end: bool| -> Result<Option<i64>, FieldError> {
            match text(v) {
                None => Ok(None),
                Some(t) => parse_day(&t, end).map(Some).ok_or_else(|| {
                    FieldError::new(field, "date", tr.f("error.date", &[("field", field), ("value", &t)]))
                }),
            }
        };
        let outcome = match text(&self.outcome).as_deref() {
            None => None,
            Some("success") => Some(Outcome::Success),
            Some("failure") => Some(Outcome::Failure),
            Some("denied") => Some(Outcome::Denied),
            Some(other) => {
                return Err(FieldError::new(
                    "outcome",
                    "unknown_value",
                    tr.f("error.unknown_value", &[("field", "outcome"), ("value", other)]),
                ));
            }
        };
        Ok(AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            outcome,
            from: day("from", &self.from, false)?,
            to: day("to", &self.to, true)?,
        })
    }
}

pub struct AuditRow {
    pub record: AuditRecord,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    tr: Tr,
    layout: Layout,
    query: AuditQuery,
    rows: Vec<AuditRow>,
    total: i64,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    export_link: String,
    error: Option<FieldError>,
}

impl AuditPage {
    fn field(&self, name: &str) -> &str {
        match name {
            "actor" => self.query.actor.as_deref(),
            "action" => self.query.action.as_deref(),
            "outcome" => self.query.outcome.as_deref(),
            "from" => self.query.from.as_deref(),
            "to" => self.query.to.as_deref(),
            _ => None,
        }
        .unwrap_or("")
    }
}

const AUDIT_PAGE: i64 = 50;

async fn view_audit_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<(StatusCode, AuditPage), PageError> {
    require(&state, &caller, lang, &[Permission::ReadAuditLog], "/admin/audit").await?;
    let tr = Tr::new(lang);
    let parsed = query.filter(lang).and_then(|f| {
        let page = query
            .page
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(|p| parse_integer(lang, "page", p, 1, 1_000_000))
            .transpose()?;
        Ok((f, page.unwrap_or(1)))
    });
    let (status, filter, page, error) = match parsed {
        Ok((f, p)) => (StatusCode::OK, Some(f), p, None),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, None, 1, Some(e)),
    };
    let result = match &filter {
        Some(f) => state
            .store
            .list_audit(f, Page::new(AUDIT_PAGE, (page - 1) * AUDIT_PAGE))
            .await
            .map_err(|e| PageError::from_store(lang, e))?,
        None => xinzhi_store::PageOf { total: 0, items: Vec::new() },
    };
    let pages = ((result.total + AUDIT_PAGE - 1) / AUDIT_PAGE).max(1);
    let link = |p: i64| {
        let q = AuditQuery { page: Some(p.to_string()), ..query.clone() };
        format!("/admin/audit?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    let export = AuditQuery { page: None, ..query.clone() };
    Ok((
        status,
        AuditPage {
            tr,
            layout: Layout::for_caller(&state, tr, &uri, "admin", &caller),
            rows: result.items.into_iter().map(|record| AuditRow { at: tr.timestamp(record.at), record }).collect(),
            total: result.total,
            prev_link: (page > 1).then(|| link(page - 1)),
            next_link: (page < pages).then(|| link(page + 1)),
            export_link: format!("/admin/audit.csv?{}", serde_urlencoded::to_string(&export).unwrap_or_default()),
            query,
            page,
            pages,
            error,
        },
    ))
}

/// One CSV field, quoted, with formula-starting characters defused for spreadsheet programs.
fn csv_field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

/// Rows in one export at most.
const MAX_EXPORT: i64 = 100_000;

async fn view_audit_csv_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    require(&state, &caller, lang, &[Permission::ReadAuditLog], "/admin/audit.csv").await?;
    let filter = query.filter(lang).map_err(|e| PageError::invalid(lang, e))?;
    let result = state
        .store
        .list_audit(&filter, Page { limit: MAX_EXPORT, offset: 0 })
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    let tr = Tr::new(lang);
    // A byte-order mark so that Excel opens the UTF-8 file with Chinese text intact.
    let mut csv = String::from("\u{feff}id,time,actor,ip,action,object_type,object_id,outcome,detail\r\n");
    for r in &result.items {
        let fields = [
            r.audit_id.0.to_string(),
            tr.timestamp(r.at),
            r.actor.clone(),
            r.ip.clone().unwrap_or_default(),
            r.action.clone(),
            r.object_type.clone().unwrap_or_default(),
            r.object_id.clone().unwrap_or_default(),
            r.outcome.clone(),
            r.detail.clone().unwrap_or_default(),
        ];
        csv.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.csv\""),
        ],
        csv,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_in_beijing_time() {
        // 2024-01-01 00:00 CST is 2023-12-31 16:00 UTC = 1704038400.
        assert_eq!(parse_day("2024-01-01", false), Some(1_704_038_400));
        assert_eq!(parse_day("2024-01-01", true), Some(1_704_038_400 + 86_399));
        assert_eq!(parse_day("2024-13-01", false), None);
        assert_eq!(parse_day("x", false), None);
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_field("潇州"), "\"潇州\"");
    }
}
