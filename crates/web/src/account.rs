//! Signing in and out, and a user's own account: password, language, access tokens.

pub(crate) mod two_factor;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use xinzhi_domain::{Lang, Localize, PasswordError, PasswordPolicy, SignInThrottle, TokenLifetime, Username};
use xinzhi_store::{AddressAttempt, ApiToken, ApiTokenId, AuditActor, AuditEntry, NewSession, Outcome};

use crate::AppState;
use crate::kit::auth::{self, Caller};
use crate::kit::error::PageError;
use crate::kit::i18n::Tr;
use crate::kit::language::{self, Language};
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(view_login_get).post(view_login_post))
        .route("/logout", post(view_logout_post))
        .route("/logout/all", post(view_logout_all_post))
        .route("/account", get(view_account_get))
        .route("/account/password", get(view_password_get).post(view_password_post))
        .route("/account/lang", post(view_lang_post))
        .route("/account/tokens", post(view_token_create_post))
        .route("/account/tokens/{id}/revoke", post(view_token_revoke_post))
}

/// Longest username or password accepted on the sign-in form.
const MAX_CREDENTIAL: usize = 256;

#[derive(Template, WebTemplate)]
#[template(path = "account/login.html")]
pub struct LoginPage {
    tr: Tr,
    layout: Layout,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub(crate) fn login_page(
    state: &AppState,
    lang: Lang,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let tr = Tr::new(lang);
    let csrf = auth::random_token(24);
    let cookie = format!("{}={csrf}; Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict", auth::LOGIN_CSRF_COOKIE);
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let page = LoginPage { tr, layout: Layout::public(state, tr), csrf, next, username, error };
    let mut response = (status, page).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn view_login_get(
    State(state): State<AppState>,
    Language(lang): Language,
    axum::extract::Query(query): axum::extract::Query<NextQuery>,
) -> Response {
    login_page(&state, lang, language::safe_next(query.next.as_deref()), String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

async fn view_login_post(
    State(state): State<AppState>,
    Language(lang): Language,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let next = language::safe_next(form.next.as_deref());
    let attempted = form.username.chars().take(64).collect::<String>();
    // One answer for every failure, a locked account's right password included: nobody learns
    // from it whether a name exists, a password was right or a lock is on.
    let generic = || tr.t("login.failed").to_owned();
    let store = &state.store;
    let store_error = |e| PageError::from_store(lang, e);
    let policy = SignInThrottle::DEFAULT;
    let now = auth::now();
    let address = ip.clone().unwrap_or_else(|| "unknown".to_owned());
    let audit = |outcome: Outcome, detail: Option<serde_json::Value>| {
        let actor = AuditActor { user_id: None, name: attempted.clone(), ip: ip.clone() };
        async move {
            let entry = AuditEntry {
                actor: &actor,
                action: "auth.login",
                object_type: Some("user"),
                object_id: Some(actor.name.clone()),
                outcome,
                detail,
            };
            if let Err(e) = store.append_audit(&entry).await {
                tracing::error!(error.message = %e, "cannot write the audit log");
            }
        }
    };
    let address_failures = match store.begin_sign_in(&address, now, &policy).await.map_err(store_error)? {
        AddressAttempt::Counted(failures) => failures,
        AddressAttempt::Refused { until, refused } => {
            if SignInThrottle::audited(refused) {
                audit(Outcome::Failure, Some(serde_json::json!({"reason": "address_waiting", "refused": refused})))
                    .await;
            }
            let seconds = (until - now).max(1);
            let message = tr.f("login.throttled", &[("seconds", &seconds.to_string())]);
            let mut page = login_page(&state, lang, next, attempted, Some(message));
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            page.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return Ok(page);
        }
    };
    // A spray writes the 1st, 2nd, 4th, 8th… failure of an address, each with the count.
    let failed = |reason: &'static str| async move {
        if SignInThrottle::audited(address_failures) {
            audit(Outcome::Failure, Some(serde_json::json!({"reason": reason, "address_failures": address_failures})))
                .await;
        }
    };
    if form.username.len() > MAX_CREDENTIAL || form.password.len() > MAX_CREDENTIAL {
        failed("too_long").await;
        return Ok(login_page(&state, lang, next, String::new(), Some(generic())));
    }
    let found = match Username::parse(&form.username) {
        Ok(username) => store.user_for_login(&username).await.map_err(store_error)?,
        Err(_) => None,
    };
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    // The password is checked even when the answer is already known, so that timing says nothing.
    let password_ok = auth::verify_password(form.password.clone(), hash).await;
    let Some(user) = user.filter(|u| !u.disabled) else {
        failed("unknown_or_disabled").await;
        return Ok(login_page(&state, lang, next, attempted, Some(generic())));
    };
    // The owner's own address is exempt from the account's lock (it has its own throttle).
    let owners_address = user.last_login_ip.as_deref() == Some(address.as_str());
    let locked = user.locked_until > now && !owners_address;
    if !password_ok || locked {
        if !password_ok && !owners_address {
            let failures = store.account_sign_in_failed(user.user_id, now, &policy).await.map_err(store_error)?;
            if policy.account_lock(u32::try_from(failures).unwrap_or(u32::MAX)) > 0 {
                audit(Outcome::Failure, Some(serde_json::json!({"reason": "account_locked", "failures": failures})))
                    .await;
            }
        }
        failed(if locked { "locked" } else { "wrong_password" }).await;
        return Ok(login_page(&state, lang, next, attempted, Some(generic())));
    }
    if user.role_pending {
        // The password was right: saying why it is refused tells only its owner.
        audit(Outcome::Failure, Some(serde_json::json!({"reason": "role_pending"}))).await;
        return Ok(login_page(&state, lang, next, attempted, Some(tr.t("login.role_pending").to_owned())));
    }
    if user.two_factor {
        // The password was right; the session waits for the second factor, and so does the
        // sign-in's success (the address's count, the owner's address): a stolen password alone
        // must not make the thief's address the owner's.
        audit(Outcome::Success, Some(serde_json::json!({"second_factor": "pending"}))).await;
        return challenge(&state, &user, next).await.map_err(store_error);
    }
    store.sign_in_succeeded(user.user_id, &address).await.map_err(store_error)?;
    let user_agent =
        headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|u| u.chars().take(200).collect());
    audit(Outcome::Success, None).await;
    start_session(&state, &user, ip, user_agent, next).await.map_err(store_error)
}

/// The cookie that carries a sign-in waiting for its second factor.
pub const CHALLENGE_COOKIE: &str = "xz_2fa";
/// How long the second step may take.
const CHALLENGE_SECONDS: i64 = 300;

/// After a right password: a challenge (its cookie) and the second step's page
/// (`two_factor.rs`).
async fn challenge(
    state: &AppState,
    user: &xinzhi_store::User,
    next: String,
) -> Result<Response, xinzhi_store::StoreError> {
    let token = auth::random_token(32);
    let expires = auth::now() + CHALLENGE_SECONDS;
    state.store.create_login_challenge(&auth::token_hash(&token), user.user_id, &next, expires).await?;
    let mut response = Redirect::to("/login/two-factor").into_response();
    let secure = if state.config.https { "; Secure" } else { "" };
    let cookie = format!(
        "{CHALLENGE_COOKIE}={token}; Path=/login; Max-Age={CHALLENGE_SECONDS}; HttpOnly; SameSite=Strict{secure}"
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Signs `user` in: a new session, its cookie, the user's language, and on to `next` (or to
/// the password form when a temporary password must be changed first).
pub(crate) async fn start_session(
    state: &AppState,
    user: &xinzhi_store::User,
    ip: Option<String>,
    user_agent: Option<String>,
    next: String,
) -> Result<Response, xinzhi_store::StoreError> {
    let now = auth::now();
    let token = auth::random_token(32);
    let session = NewSession {
        session_hash: auth::token_hash(&token),
        user_id: user.user_id,
        csrf_token: auth::random_token(24),
        created_at: now,
        expires_at: now + state.config.session_absolute.as_secs() as i64,
        ip,
        user_agent,
    };
    state.store.create_session(&session).await?;
    let target = if auth::must_change_password(state, user).await? { "/account/password".to_owned() } else { next };
    let mut response = Redirect::to(&target).into_response();
    let cookies = response.headers_mut();
    let max_age = state.config.session_absolute.as_secs() as i64;
    // Secure when the deployment says it is served over TLS (a client's X-Forwarded-Proto is
    // no evidence).
    if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&token, state.config.https, max_age)) {
        cookies.append(header::SET_COOKIE, v);
    }
    if let Some(lang) = user.lang
        && let Ok(v) = HeaderValue::from_str(&language::cookie(lang))
    {
        cookies.append(header::SET_COOKIE, v);
    }
    cookies.append(header::SET_COOKIE, auth::expired_cookie(auth::LOGIN_CSRF_COOKIE));
    cookies.append(header::SET_COOKIE, auth::expired_cookie(CHALLENGE_COOKIE));
    Ok(response)
}

fn signed_out() -> Response {
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(header::SET_COOKIE, auth::expired_cookie(auth::SESSION_COOKIE));
    response
}

async fn view_logout_post(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if let Some(hash) = &caller.session_hash {
        state.store.delete_session(hash).await.map_err(|e| PageError::from_store(Lang::ZhCn, e))?;
    }
    let actor = caller.actor();
    let entry = AuditEntry {
        actor: &actor,
        action: "auth.logout",
        object_type: None,
        object_id: None,
        outcome: Outcome::Success,
        detail: None,
    };
    state.store.append_audit(&entry).await.map_err(|e| PageError::from_store(Lang::ZhCn, e))?;
    Ok(signed_out())
}

async fn view_logout_all_post(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    state
        .store
        .end_all_sessions(caller.user.user_id, &caller.actor())
        .await
        .map_err(|e| PageError::from_store(Lang::ZhCn, e))?;
    Ok(signed_out())
}

pub struct TokenRow {
    pub token: ApiToken,
    pub created: String,
    pub last_used: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/account.html")]
pub struct AccountPage {
    tr: Tr,
    layout: Layout,
    role: &'static str,
    scope: String,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    forced: bool,
}

async fn account_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    new_token: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<AccountPage, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let (code, zh, en) = state.store.describe_scope(caller.scope()).await.map_err(store_error)?;
    let scope = if code.is_empty() { tr.pick(&zh, &en).to_owned() } else { format!("{} ({code})", tr.pick(&zh, &en)) };
    let tokens = state
        .store
        .list_api_tokens(caller.user.user_id)
        .await
        .map_err(store_error)?
        .into_iter()
        .filter(|t| t.revoked_at.is_none())
        .map(|token| TokenRow {
            created: tr.timestamp(token.created_at),
            last_used: token.last_used_at.map(|t| tr.timestamp(t)).unwrap_or_default(),
            expires: tr.timestamp(token.expires_at),
            expired: token.expires_at <= auth::now(),
            token,
        })
        .collect();
    Ok(AccountPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "account", caller),
        role: caller.user.role.label(lang),
        scope,
        tokens,
        new_token,
        notice,
        error,
        forced: auth::must_change_password(state, &caller.user).await.map_err(|e| PageError::from_store(lang, e))?,
    })
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

async fn view_account_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    axum::extract::Query(query): axum::extract::Query<NoticeQuery>,
) -> Result<AccountPage, PageError> {
    let tr = Tr::new(lang);
    let notice = match query.done.as_deref() {
        Some("password") => Some(tr.t("account.password_changed").to_owned()),
        Some("lang") => Some(tr.t("account.lang_saved").to_owned()),
        Some("revoked") => Some(tr.t("account.token_revoked").to_owned()),
        _ => None,
    };
    account_page(&state, &caller, lang, &uri, None, notice, None).await
}

async fn view_password_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<AccountPage, PageError> {
    account_page(&state, &caller, lang, &uri, None, None, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

async fn view_password_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let store_error = |e| PageError::from_store(lang, e);
    let fail = |message: String| async {
        let page = account_page(&state, &caller, lang, &uri, None, None, Some(message)).await?;
        Ok::<_, PageError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let username = caller.user.username.clone();
    let (_, hash) =
        state.store.user_for_login(&username).await.map_err(store_error)?.ok_or_else(|| PageError::not_found(lang))?;
    if form.current.len() > MAX_CREDENTIAL || !auth::verify_password(form.current.clone(), Some(hash)).await {
        return fail(Tr::new(lang).t("account.current_wrong").to_owned()).await;
    }
    if form.new != form.confirm {
        return fail(PasswordError::Mismatch.message(lang)).await;
    }
    if let Err(e) = PasswordPolicy::DEFAULT.check(&form.new, username.as_str()) {
        return fail(e.message(lang)).await;
    }
    if form.new == form.current {
        return fail(Tr::new(lang).t("account.password_same").to_owned()).await;
    }
    let hash = auth::hash_password(form.new).await.map_err(|e| PageError::internal(lang, &e))?;
    state
        .store
        .set_password(
            caller.user.user_id,
            &hash,
            false,
            caller.session_hash.as_deref(),
            "user.password_change",
            &caller.actor(),
        )
        .await
        .map_err(store_error)?;
    Ok(Redirect::to("/account?done=password").into_response())
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
}

async fn view_lang_post(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<LangForm>,
) -> Result<Response, PageError> {
    let lang = Lang::from_tag(&form.lang).unwrap_or_default();
    state.store.set_user_lang(caller.user.user_id, lang).await.map_err(|e| PageError::from_store(lang, e))?;
    let mut response = Redirect::to("/account?done=lang").into_response();
    if let Ok(v) = HeaderValue::from_str(&language::cookie(lang)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    /// Days until the token expires (default 90).
    days: Option<String>,
}

/// Longest token name accepted.
const MAX_TOKEN_NAME: usize = 60;

async fn view_token_create_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Form(form): Form<TokenForm>,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
        let message =
            tr.f("error.length", &[("field", tr.t("account.token_name")), ("max", &MAX_TOKEN_NAME.to_string())]);
        let page = account_page(&state, &caller, lang, &uri, None, None, Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let days = form.days.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let Some(lifetime) = days.map_or(Some(None), |d| d.parse::<u32>().ok().map(Some)).and_then(TokenLifetime::asked)
    else {
        let message = tr.f("account.token_days_invalid", &[("max", &TokenLifetime::MAX_DAYS.to_string())]);
        let page = account_page(&state, &caller, lang, &uri, None, None, Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (token, _) = auth::issue_api_token(&state.store, caller.user.user_id, name, lifetime, &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    // Shown once, on this response only; never stored in clear.
    let page = account_page(&state, &caller, lang, &uri, Some(token), None, None).await?;
    Ok(page.into_response())
}

async fn view_token_revoke_post(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    state
        .store
        .revoke_api_token(ApiTokenId(id), Some(caller.user.user_id), &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to("/account?done=revoked").into_response())
}
