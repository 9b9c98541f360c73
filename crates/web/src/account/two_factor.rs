//! Two-factor sign-in (TOTP, RFC 6238, through `totp-rs`): enrolment from the account page with
//! recovery codes, the second step of signing in, and the roles that must have it (a setting).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use totp_rs::{Algorithm, Secret, Totp};
use xinzhi_domain::Lang;
use xinzhi_store::{AuditActor, AuditEntry, Outcome, StoreError, User};

use crate::AppState;
use crate::kit::auth::{self, Caller};
use crate::kit::error::PageError;
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/two-factor", get(view_challenge_get).post(view_challenge_post))
        .route("/account/two-factor", get(view_enrol_get).post(view_enrol_post))
}

use crate::account::CHALLENGE_COOKIE;
/// Codes tried against one challenge before the password must be given again.
const MAX_ATTEMPTS: i64 = 5;
/// Recovery codes given at enrolment.
const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be misread for one another.
const RECOVERY_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// The TOTP of a base32 secret: SHA-1, six digits, 30-second steps, one step either side.
fn totp(secret: &str, account: &str) -> Option<Totp> {
    let bytes = Secret::try_from_base32(secret).ok()?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(bytes)
        .with_issuer(Some("Xinzhi"))
        .with_account_name(account)
        .build()
        .ok()
}

/// The time step a six-digit code matches now, if any.
fn code_step(secret: &str, account: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(char::is_ascii_digit).collect();
    let totp = totp(secret, account)?;
    let now = u64::try_from(auth::now()).ok()?;
    totp.check(&code, now).and_then(|step| i64::try_from(step).ok())
}

/// A recovery code as typed, in the form it was hashed: upper case, no spaces or dashes.
fn normalise_recovery(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: String = auth::random_bytes(10)
                .iter()
                .map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()]))
                .collect();
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect()
}

/// Whether `code` is the user's current TOTP code (not used before) or an unused recovery code.
async fn second_factor_ok(state: &AppState, user: &User, code: &str) -> Result<bool, StoreError> {
    let Some(totp_state) = state.store.totp_of(user.user_id).await?.filter(|t| t.enabled) else {
        return Ok(false);
    };
    let digits = code.chars().filter(char::is_ascii_digit).count();
    if digits == 6 && code.chars().all(|c| c.is_ascii_digit() || c.is_whitespace()) {
        let Some(step) = code_step(&totp_state.secret, user.username.as_str(), code) else { return Ok(false) };
        return state.store.take_totp_step(user.user_id, step).await;
    }
    let recovery = normalise_recovery(code);
    if recovery.len() != 10 {
        return Ok(false);
    }
    state.store.use_recovery_code(user.user_id, &auth::token_hash(&recovery)).await
}

#[derive(Template, WebTemplate)]
#[template(path = "account/two_factor_challenge.html")]
pub struct ChallengePage {
    tr: Tr,
    layout: Layout,
    csrf: String,
    error: Option<String>,
}

fn challenge_page(state: &AppState, lang: Lang, error: Option<String>) -> Response {
    let tr = Tr::new(lang);
    let csrf = auth::random_token(24);
    let cookie = format!("{}={csrf}; Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict", auth::LOGIN_CSRF_COOKIE);
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let mut response = (status, ChallengePage { tr, layout: Layout::public(state, tr), csrf, error }).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn view_challenge_get(State(state): State<AppState>, Language(lang): Language, headers: HeaderMap) -> Response {
    if auth::cookie_value(&headers, CHALLENGE_COOKIE).is_none() {
        return Redirect::to("/login").into_response();
    }
    challenge_page(&state, lang, None)
}

async fn view_challenge_post(
    State(state): State<AppState>,
    Language(lang): Language,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    fields: FormFields,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let again = |message: &str| {
        let mut page = crate::account::login_page(&state, lang, "/".into(), String::new(), Some(message.to_owned()));
        page.headers_mut().append(header::SET_COOKIE, auth::expired_cookie(CHALLENGE_COOKIE));
        page
    };
    let Some(token) = auth::cookie_value(&headers, CHALLENGE_COOKIE) else {
        return Ok(again(tr.t("two_factor.expired")));
    };
    let hash = auth::token_hash(token);
    let Some(challenge) = state.store.attempt_login_challenge(&hash, auth::now()).await.map_err(store_error)? else {
        return Ok(again(tr.t("two_factor.expired")));
    };
    let user = state.store.user_by_id(challenge.user_id).await.map_err(store_error)?;
    let code = fields.get("code").unwrap_or("").trim().chars().take(32).collect::<String>();
    let ok = !user.disabled && second_factor_ok(&state, &user, &code).await.map_err(store_error)?;
    let actor = AuditActor { user_id: Some(user.user_id), name: user.username.to_string(), ip: ip.clone() };
    let entry = AuditEntry {
        actor: &actor,
        action: "auth.two_factor",
        object_type: Some("user"),
        object_id: Some(user.username.to_string()),
        outcome: if ok { Outcome::Success } else { Outcome::Failure },
        detail: Some(serde_json::json!({"attempt": challenge.attempts})),
    };
    state.store.append_audit(&entry).await.map_err(store_error)?;
    if ok {
        state.store.delete_login_challenge(&hash).await.map_err(store_error)?;
        let address = ip.clone().unwrap_or_else(|| "unknown".to_owned());
        state.store.sign_in_succeeded(user.user_id, &address).await.map_err(store_error)?;
        let user_agent =
            headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|u| u.chars().take(200).collect());
        return crate::account::start_session(&state, &user, ip, user_agent, challenge.next).await.map_err(store_error);
    }
    if challenge.attempts >= MAX_ATTEMPTS {
        state.store.delete_login_challenge(&hash).await.map_err(store_error)?;
        return Ok(again(tr.t("two_factor.too_many")));
    }
    Ok(challenge_page(&state, lang, Some(tr.t("two_factor.wrong").to_owned())))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/two_factor_enrol.html")]
pub struct EnrolPage {
    tr: Tr,
    layout: Layout,
    enabled: bool,
    required: bool,
    /// Base32, in groups of four for reading aloud or typing.
    secret: String,
    otpauth: String,
    recovery_left: i64,
    new_codes: Vec<String>,
    error: Option<String>,
}

async fn enrol_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    new_codes: Vec<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let user = &caller.user;
    let mut current = state.store.totp_of(user.user_id).await.map_err(store_error)?;
    if current.is_none() {
        let secret = Secret::from(auth::random_bytes(20)).to_base32();
        state.store.begin_totp(user.user_id, &secret).await.map_err(store_error)?;
        current = state.store.totp_of(user.user_id).await.map_err(store_error)?;
    }
    let Some(current) = current else { return Err(PageError::not_found(lang)) };
    let otpauth = totp(&current.secret, user.username.as_str()).and_then(|t| t.to_url().ok()).unwrap_or_default();
    let secret = current
        .secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let page = EnrolPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "account", caller),
        enabled: current.enabled,
        required: crate::kit::auth::security_policy(state).await.map_err(store_error)?.requires_two_factor(user.role),
        secret: if current.enabled { String::new() } else { secret },
        otpauth: if current.enabled { String::new() } else { otpauth },
        recovery_left: state.store.recovery_codes_left(user.user_id).await.map_err(store_error)?,
        new_codes,
        error: error.clone(),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, page).into_response())
}

async fn view_enrol_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<Response, PageError> {
    enrol_page(&state, &caller, lang, &uri, Vec::new(), None).await
}

/// Confirms the pending secret with a first code; the recovery codes are shown once.
async fn view_enrol_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let user = &caller.user;
    let pending = state.store.totp_of(user.user_id).await.map_err(store_error)?.filter(|t| !t.enabled);
    let code = fields.get("code").unwrap_or("");
    let step = pending.and_then(|p| code_step(&p.secret, user.username.as_str(), code));
    let Some(step) = step else {
        return enrol_page(&state, &caller, lang, &uri, Vec::new(), Some(tr.t("two_factor.wrong").to_owned())).await;
    };
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| auth::token_hash(&normalise_recovery(c))).collect();
    state.store.enable_totp(user.user_id, step, &hashes, &caller.actor()).await.map_err(store_error)?;
    enrol_page(&state, &caller, lang, &uri, codes, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_recovery_codes_read_back_as_hashed() {
        let secret = Secret::from(vec![7u8; 20]).to_base32();
        let totp = totp(&secret, "analyst").expect("totp");
        // RFC 6238's step arithmetic: the code of time t matches step t / 30.
        let code = totp.generate(59).to_string();
        assert_eq!(totp.check(&code, 59), Some(1));
        assert_eq!(totp.check(&code, 59 + 30 * 5), None);
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        assert_eq!(normalise_recovery(" abcde-fghjk "), "ABCDEFGHJK");
    }
}
