//! Authentication: password hashing, sessions, personal access tokens, CSRF, and the [`Caller`]
//! extractor that every protected handler takes.
//!
//! - Passwords: argon2id (RustCrypto defaults: 19 MiB, 2 passes), hashed and verified on the
//!   blocking pool so the async threads keep serving.
//! - Sessions: a random 256-bit token in an HttpOnly, SameSite=Lax cookie (Secure behind https);
//!   the database keeps only its SHA-256, with idle and absolute expiry.
//! - API tokens: `Authorization: Bearer xz_…`, stored hashed, revocable, carrying the user's
//!   role and scope.
//! - CSRF: every unsafe request made with a session cookie must carry the session's token in a
//!   `csrf` form field or an `X-CSRF-Token` header, and must not come from another site
//!   (`Sec-Fetch-Site`, `Origin`). The guard is a middleware, so no form can forget it.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use xinzhi_domain::{Lang, Permission, SecurityPolicy};
use xinzhi_store::{Scope, User};

use crate::AppState;
pub use crate::kit::caller::Caller;
use crate::kit::error::ApiError;
use crate::kit::language::Language;

/// Session cookie name.
pub const SESSION_COOKIE: &str = "xz_session";
/// Cookie holding the CSRF token of the sign-in form (before there is a session).
pub const LOGIN_CSRF_COOKIE: &str = "xz_login_csrf";
pub use xinzhi_app::clock::now;
pub use xinzhi_app::credentials::{
    HashError, TOKEN_PREFIX, hash_password, issue_api_token, random_bytes, random_token, temporary_password,
    token_hash, verify_password,
};

/// Why a request has no caller.
pub enum AuthRejection {
    /// Pages: go and sign in, then come back.
    SignIn { next: String },
    /// Pages: the password must be changed first.
    ChangePassword,
    /// API: 401.
    Unauthorized(Lang),
    /// API: 403 until the user has changed the temporary password (on the account page).
    PasswordChangeRequired(Lang),
    /// Pages: the role must use a second factor; enrol first.
    EnrolTwoFactor,
    /// API: 403 until the user has enrolled a second factor that the role requires.
    TwoFactorRequired(Lang),
    /// Outside the caller's duty (the security and audit administrators' business pages): 404
    /// as for a page that does not exist.
    Hidden { lang: Lang, api: bool },
    /// Database trouble.
    Failed(ApiError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn { next } => {
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                Redirect::to(&format!("/login?{query}")).into_response()
            }
            AuthRejection::ChangePassword => Redirect::to("/account/password").into_response(),
            AuthRejection::Unauthorized(lang) => {
                let body = serde_json::json!({"error": {"code": "unauthorized", "message": lang.pick("请先登录或提供有效的访问令牌", "Sign in or send a valid access token")}});
                (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], axum::Json(body)).into_response()
            }
            AuthRejection::PasswordChangeRequired(lang) => {
                let message = lang.pick(
                    "请先登录网页修改临时密码，然后才能使用接口",
                    "Change the temporary password on the account page before using the API",
                );
                let body = serde_json::json!({"error": {"code": "password_change_required", "message": message}});
                (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
            }
            AuthRejection::EnrolTwoFactor => Redirect::to("/account/two-factor").into_response(),
            AuthRejection::TwoFactorRequired(lang) => {
                let message = lang.pick(
                    "您的角色须先在网页上启用两步验证，然后才能使用接口",
                    "Your role must turn on two-step verification on the account page before using the API",
                );
                let body = serde_json::json!({"error": {"code": "two_factor_required", "message": message}});
                (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
            }
            AuthRejection::Hidden { lang, api: true } => ApiError::NotFound(lang).into_response(),
            AuthRejection::Hidden { lang, api: false } => crate::kit::error::PageError::not_found(lang).into_response(),
            AuthRejection::Failed(e) => e.into_response(),
        }
    }
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// The client address: the TCP peer, or, when the peer is a configured reverse proxy, the
/// nearest address in `X-Forwarded-For` that is not one of the proxies (entries further left
/// are the client's own claims, which anyone can write).
pub fn client_ip(parts: &Parts, trusted_proxies: &[IpAddr]) -> Option<String> {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer.to_string());
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let client =
        forwarded.iter().rev().map_while(|entry| entry.parse::<IpAddr>().ok()).find(|ip| !trusted_proxies.contains(ip));
    Some(client.unwrap_or(peer).to_string())
}

/// The client's address, for the audit log and sign-in throttling.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts, &state.config.trusted_proxies)))
    }
}

/// Where the `Caller` extractor leaves the user it identified, for the layers around the
/// handler (the audit of reads) to know who asked without looking the session up again.
#[derive(Clone, Default)]
struct Identified(Arc<std::sync::OnceLock<User>>);

impl Caller {
    /// A caller, its user also left in the request's `Identified` slot when there is one.
    fn identified(parts: &Parts, user: User, session_hash: Option<String>, csrf: String, ip: Option<String>) -> Caller {
        if let Some(slot) = parts.extensions.get::<Identified>() {
            let _ = slot.0.set(user.clone());
        }
        Caller { user, session_hash, csrf, ip }
    }
}

/// Records the reads 等保 wants on file, after the answer is made: every download (an answer
/// served as `Content-Disposition: attachment`: exports, templates filled with firms, error
/// reports, attachments, Word files, the audit log itself) and every read of one firm's record
/// by anyone but the firm's own reporter. Being a layer, no new export can forget it.
pub async fn audit_reads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let ip = client_ip(&parts, &state.config.trusted_proxies);
    let identified = Identified::default();
    parts.extensions.insert(identified.clone());
    let request = Request::from_parts(parts, body);
    let get = request.method() == Method::GET;
    let response = next.run(request).await;
    if !get || !response.status().is_success() {
        return response;
    }
    let download = response
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("attachment"));
    let firm = firm_of_path(&path);
    if !download && firm.is_none() {
        return response;
    }
    // The handler's `Caller` identified the user; an answer without one was nobody's read.
    let Some(user) = identified.0.get() else { return response };
    if !download && user.role == xinzhi_domain::Role::EnterpriseReporter {
        return response;
    }
    let target = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let actor = xinzhi_store::AuditActor { user_id: Some(user.user_id), name: user.username.to_string(), ip };
    let entry = xinzhi_store::AuditEntry {
        actor: &actor,
        action: if download { "data.download" } else { "firm_record.read" },
        object_type: Some(if download { "download" } else { "enterprise" }),
        object_id: Some(target.chars().take(500).collect()),
        outcome: xinzhi_store::Outcome::Success,
        detail: Some(serde_json::json!({
            "firm": firm,
            "bytes": response.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()),
            "content_type": response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
        })),
    };
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(error.message = %e, "cannot write the audit log");
    }
    response
}

/// The credit code of a one-firm record path: the firm's page and API record (and what hangs
/// under them: values, profile, policies) and its monthly reports.
fn firm_of_path(path: &str) -> Option<String> {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let mut parts = path.trim_start_matches('/').split('/');
    match (parts.next(), parts.next()) {
        (Some("enterprises" | "reports"), Some(code)) if xinzhi_domain::CreditCode::parse(code).is_ok() => {
            Some(code.to_owned())
        }
        _ => None,
    }
}

/// The security policy in force, kept a few seconds: servers sharing a database see the
/// security administrator's change within [`PolicySlot::FRESH`].
#[derive(Default)]
pub struct PolicySlot {
    cached: std::sync::Mutex<Option<(std::time::Instant, SecurityPolicy)>>,
}

impl PolicySlot {
    const FRESH: std::time::Duration = std::time::Duration::from_secs(5);

    /// Forgets the cached policy (after this server stored a new one).
    pub fn forget(&self) {
        if let Ok(mut cached) = self.cached.lock() {
            *cached = None;
        }
    }
}

/// The security policy in force: the one the security administrator set, else the
/// configuration's.
pub(crate) async fn security_policy(state: &AppState) -> Result<SecurityPolicy, xinzhi_store::StoreError> {
    if let Ok(cached) = state.policy.cached.lock()
        && let Some((at, policy)) = cached.as_ref()
        && at.elapsed() < PolicySlot::FRESH
    {
        return Ok(policy.clone());
    }
    let policy = state.store.security_policy().await?.unwrap_or_else(|| state.config.security_policy.clone());
    if let Ok(mut cached) = state.policy.cached.lock() {
        *cached = Some((std::time::Instant::now(), policy.clone()));
    }
    Ok(policy)
}

/// Whether the user must set a new password first: a temporary one, or one older than the
/// security policy allows.
pub(crate) async fn must_change_password(state: &AppState, user: &User) -> Result<bool, xinzhi_store::StoreError> {
    Ok(user.must_change_password || security_policy(state).await?.password_expired(user.password_changed_at, now()))
}

/// Whether the user's role must sign in with a second factor that the user has not set up.
async fn needs_enrolment(state: &AppState, user: &User) -> Result<bool, xinzhi_store::StoreError> {
    Ok(!user.two_factor && security_policy(state).await?.requires_two_factor(user.role))
}

/// Whether the caller holds `permission`; when it does not, the denial is audited under
/// `area` (the caller answers 404).
pub(crate) async fn permitted(
    state: &AppState,
    caller: &Caller,
    permission: Permission,
    area: &str,
    what: &str,
) -> bool {
    if caller.user.role.may(permission) {
        return true;
    }
    audit_denial(state, caller, area, what).await;
    false
}

/// Today's date (yyyymmdd) in China Standard Time.
pub fn today() -> i64 {
    xinzhi_domain::period::china_date(now())
}

/// Looks up a cookie session; refreshes `last_seen_at` at most once a minute.
pub async fn session_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(User, String, String)>, xinzhi_store::StoreError> {
    let Some(token) = cookie_value(headers, SESSION_COOKIE) else { return Ok(None) };
    let hash = token_hash(token);
    let now = now();
    let Some((session, user)) =
        state.store.live_session(&hash, now, state.config.session_idle.as_secs() as i64).await?
    else {
        return Ok(None);
    };
    if now - session.last_seen_at >= 60 {
        state.store.touch_session(&hash, now).await?;
    }
    Ok(Some((user, hash, session.csrf_token)))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let path = parts.extensions.get::<OriginalUri>().map_or_else(|| parts.uri.clone(), |u| u.0.clone());
        let api = path.path().starts_with("/api/");
        let Language(lang) = match Language::from_request_parts(parts, state).await {
            Ok(l) => l,
            Err(never) => match never {},
        };
        let ip = client_ip(parts, &state.config.trusted_proxies);
        if let Some(token) = bearer(&parts.headers) {
            let user = state
                .store
                .token_user(&token_hash(token), now())
                .await
                .map_err(|e| AuthRejection::Failed(ApiError::from_store(lang, e)))?;
            let failed = |e| AuthRejection::Failed(ApiError::from_store(lang, e));
            let Some(user) = user else {
                return Err(AuthRejection::Unauthorized(lang));
            };
            if must_change_password(state, &user).await.map_err(failed)? {
                return Err(AuthRejection::PasswordChangeRequired(lang));
            }
            if needs_enrolment(state, &user).await.map_err(failed)? {
                return Err(AuthRejection::TwoFactorRequired(lang));
            }
            return within_duty(state, Caller::identified(parts, user, None, String::new(), ip), &path, lang).await;
        }
        match session_caller(state, &parts.headers)
            .await
            .map_err(|e| AuthRejection::Failed(ApiError::from_store(lang, e)))?
        {
            Some((user, hash, csrf)) => {
                let failed = |e| AuthRejection::Failed(ApiError::from_store(lang, e));
                let exempt = matches!(path.path(), "/account/password" | "/logout");
                if !exempt && must_change_password(state, &user).await.map_err(failed)? {
                    return Err(if api {
                        AuthRejection::PasswordChangeRequired(lang)
                    } else {
                        AuthRejection::ChangePassword
                    });
                }
                let enrolling = matches!(path.path(), "/account/two-factor" | "/logout" | "/account/password");
                if !enrolling && needs_enrolment(state, &user).await.map_err(failed)? {
                    return Err(if api {
                        AuthRejection::TwoFactorRequired(lang)
                    } else {
                        AuthRejection::EnrolTwoFactor
                    });
                }
                within_duty(state, Caller::identified(parts, user, Some(hash), csrf, ip), &path, lang).await
            }
            None if api => Err(AuthRejection::Unauthorized(lang)),
            None => {
                Err(AuthRejection::SignIn { next: path.path_and_query().map_or("/".into(), |p| p.as_str().to_owned()) })
            }
        }
    }
}

/// The security and audit administrators do no business (三员分立): of what needs a sign-in
/// they reach their own account and their administration pages, and nothing else — whatever
/// a business page's own checks would let an empty scope see. A refusal is audited.
async fn within_duty(
    state: &AppState,
    caller: Caller,
    uri: &axum::http::Uri,
    lang: Lang,
) -> Result<Caller, AuthRejection> {
    let path = uri.path();
    let under = |prefix: &str| path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'));
    if caller.user.role.scope_kind() != xinzhi_domain::ScopeKind::NoData
        || path == "/"
        || under("/account")
        || under("/admin")
        || under("/logout")
    {
        return Ok(caller);
    }
    audit_denial(state, &caller, "page", path).await;
    Err(AuthRejection::Hidden { lang, api: path.starts_with("/api/") })
}

/// The enterprise with this code if the caller may see it. A firm that exists outside the
/// caller's scope is `NotFound` like a missing one, and the attempt is audited as a denial (the
/// extra lookup happens only on that rare path).
pub async fn visible_enterprise(
    state: &AppState,
    caller: &Caller,
    code: &xinzhi_domain::CreditCode,
) -> Result<xinzhi_store::Enterprise, xinzhi_store::StoreError> {
    let found = state.store.enterprise_by_code(caller.scope(), code).await;
    if matches!(found, Err(xinzhi_store::StoreError::NotFound)) && *caller.scope() != Scope::City {
        audit_if_hidden(state, caller, code).await;
    }
    found
}

async fn audit_if_hidden(state: &AppState, caller: &Caller, code: &xinzhi_domain::CreditCode) {
    if state.store.enterprise_by_code(&Scope::City, code).await.is_ok() {
        audit_denial(state, caller, "enterprise", &code.to_string()).await;
    }
}

/// Writes an `access.denied` audit line for something the caller was refused (they get 404).
/// A failure to write it is logged, not shown: the refusal stands either way.
/// Refuses (404, audited as `area`/`what`) unless `allowed`.
pub(crate) async fn refuse_unless(
    state: &AppState,
    caller: &Caller,
    lang: xinzhi_domain::Lang,
    allowed: bool,
    (area, what): (&str, &str),
) -> Result<(), crate::kit::error::ApiError> {
    if allowed {
        return Ok(());
    }
    audit_denial(state, caller, area, what).await;
    Err(crate::kit::error::ApiError::NotFound(lang))
}

pub async fn audit_denial(state: &AppState, caller: &Caller, object_type: &str, object_id: &str) {
    caller.acting().audit_denial(&state.store, object_type, object_id).await;
}

/// The `Set-Cookie` value of a session cookie.
pub fn session_cookie(token: &str, secure: bool, max_age: i64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

fn forbidden(reason: &'static str) -> Response {
    tracing::warn!(reason, "request refused by the CSRF guard");
    (StatusCode::FORBIDDEN, "forbidden: missing or invalid CSRF token, or a cross-site request").into_response()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Largest form body the guard reads to find the token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The largest upload form: a spreadsheet of `xinzhi_ingest::Limits::default().max_bytes` and
/// the form's other fields.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024 + 64 * 1024;

/// Refuses unsafe requests that come from another site or lack the right CSRF token.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if bearer(headers).is_some() && cookie_value(headers, SESSION_COOKIE).is_none() {
        // Token clients send the token explicitly; a browser cannot be tricked into it.
        return next.run(request).await;
    }
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site") {
        return forbidden("cross-site request");
    }
    if let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin != "null" && origin_host != host {
            return forbidden("origin does not match host");
        }
    }
    let expected = if matches!(request.uri().path(), "/login" | "/login/two-factor") {
        cookie_value(headers, LOGIN_CSRF_COOKIE).map(str::to_owned)
    } else {
        match session_caller(&state, headers).await {
            Ok(Some((_, _, csrf))) => Some(csrf),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error.message = %e, "session lookup failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    };
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return forbidden("no session or sign-in token");
    };
    let matches = |sent: Option<&str>| sent.is_some_and(|s| constant_time_eq(s.as_bytes(), expected.as_bytes()));
    if let Some(sent) = headers.get("x-csrf-token") {
        // The token is in a header: the body (perhaps a large upload) streams on untouched.
        if !matches(sent.to_str().ok()) {
            return forbidden("wrong CSRF token");
        }
        return next.run(request).await;
    }
    let boundary = multipart_boundary(headers);
    let limit = if boundary.is_some() { MAX_UPLOAD_BYTES } else { MAX_FORM_BYTES };
    let (mut parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let Ok(Language(lang)) = Language::from_request_parts(&mut parts, &()).await;
            let mib = limit / (1024 * 1024);
            let message = match lang {
                Lang::ZhCn => format!("提交的内容超过{mib} MB的上限，未被接收；请拆分文件后再上传"),
                Lang::En => {
                    format!("The request is larger than the {mib} MB limit and was not accepted; split the file")
                }
            };
            return (StatusCode::PAYLOAD_TOO_LARGE, message).into_response();
        }
    };
    let sent = match &boundary {
        Some(boundary) => multipart_text_field(&bytes, boundary, "csrf"),
        None => form_field(&bytes, "csrf"),
    };
    if !matches(sent.as_deref()) {
        return forbidden("wrong CSRF token");
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The boundary of a `multipart/form-data` body (a file upload form).
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (kind, parameters) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parameters.split(';').find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim().eq_ignore_ascii_case("boundary").then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// A small text field of a multipart body (the CSRF token of an upload form), without parsing
/// the file parts: each part is `--boundary`, headers, a blank line, the value.
fn multipart_text_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let wanted = format!("name=\"{name}\"");
    let mut rest = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        let header_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..header_end]).ok()?;
        let value_start = header_end + 4;
        let value_end = find(&rest[value_start..], delimiter.as_bytes())? + value_start;
        let is_wanted =
            headers.lines().any(|l| l.to_ascii_lowercase().starts_with("content-disposition:") && l.contains(&wanted));
        if is_wanted && !headers.to_ascii_lowercase().contains("filename=") {
            let value = rest[value_start..value_end].strip_suffix(b"\r\n").unwrap_or(&rest[value_start..value_end]);
            return String::from_utf8(value.to_vec()).ok();
        }
        rest = &rest[value_end..];
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `Set-Cookie` header value for a cookie the browser should forget.
pub fn expired_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"))
        .unwrap_or(HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_comparison_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd") && !constant_time_eq(b"abc", b"ab"));
        assert_eq!(form_field(b"a=1&csrf=t%2Bx", "csrf").as_deref(), Some("t+x"));
    }
}
