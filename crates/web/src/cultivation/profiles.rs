//! The annual enterprise profile (企业年度画像) that the ladder criteria and the 亩均 evaluation
//! read: the form on a firm's page (`/enterprises/{code}/profile`), the JSON API
//! (`/api/v1/profiles/{code}/{year}`), the Excel template and the import, which goes through the
//! same upload, preview, commit and error report as the monthly reports (`upload.rs`).

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::profile::{self, FieldKind, ProfileError};
use xinzhi_domain::text::parse_number;
use xinzhi_domain::{CreditCode, Lang, Localize, Permission};
use xinzhi_ingest::{Limits, ProfileColumn, ProfileTemplateSpec, TemplateFirm, profile_template};
use xinzhi_store::{Enterprise, EnterpriseFilter, Page, StoreError};

use crate::AppState;
use crate::kit::auth::{Caller, MAX_UPLOAD_BYTES};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::parse_profile_year;
use xinzhi_app::clock::current_month;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/enterprises/{code}/profile", get(view_profile_get).post(view_profile_post))
        .route("/cultivation/profiles/template.xlsx", get(view_template_get))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/profiles/{code}/{year}", get(api_profile).put(api_save_profile))
        .route("/profiles/import", post(api_import))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// A typed value of a field: a number (with thousands separators, full-width digits), 是/否
/// for flags; empty clears it.
fn parse_value(field: &profile::ProfileField, text: &str) -> Result<Option<f64>, ProfileError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value = match (field.kind, text) {
        (FieldKind::Flag, "是" | "yes" | "Yes") => 1.0,
        (FieldKind::Flag, "否" | "no" | "No") => 0.0,
        _ => parse_number(text).ok_or(ProfileError::NotANumber(field.code))?,
    };
    field.check(value)?;
    Ok(Some(value))
}

#[derive(Deserialize)]
pub struct ApiImportQuery {
    year: Option<String>,
    mode: Option<String>,
    dry_run: Option<bool>,
}

/// `POST /api/v1/profiles/import?year=&mode=&dry_run=` with the file as the body: as the monthly
/// import, 200 with every row's outcome and problem (check `clean`), 422 when the file cannot
/// be read.
async fn api_import(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ApiImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !caller.user.role.may(Permission::ManageCultivation) {
        return Err(ApiError::NotFound(lang));
    }
    let year = parse_profile_year(lang, query.year.as_deref()).map_err(ApiError::Invalid)?;
    let mode = crate::kit::files::parse_mode(lang, query.mode.as_deref()).map_err(ApiError::Invalid)?;
    let request = xinzhi_app::profile_imports::ProfileImportRequest {
        bytes: &body,
        year: year.0,
        mode,
        dry_run: query.dry_run.unwrap_or(false),
        lang,
    };
    let report = xinzhi_app::profile_imports::run_profile_import(&state.store, &caller.acting(), request)
        .await
        .map_err(|e| ApiError::from_app(lang, e))?;
    crate::kit::files::import_answer(report)
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    year: Option<String>,
}

/// `GET /cultivation/profiles/template.xlsx?year=2024`: the profile fields with units, flags
/// and levels as dropdowns, and the caller's firms prefilled (above-scale ones for officers).
async fn view_template_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, ApiError> {
    if !caller.user.role.may(Permission::EditProfiles) {
        return Err(ApiError::NotFound(lang));
    }
    let year = parse_profile_year(lang, query.year.as_deref()).map_err(ApiError::Invalid)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let filter = EnterpriseFilter {
        above_scale: (caller.user.role != xinzhi_domain::Role::EnterpriseReporter).then_some(true),
        ..EnterpriseFilter::default()
    };
    let mut firms = Vec::new();
    loop {
        let page = state
            .store
            .search_enterprises(caller.scope(), &filter, Page::new(Page::MAX_LIMIT, firms.len() as i64))
            .await
            .map_err(store_error)?;
        let done = page.items.len() < Page::MAX_LIMIT as usize;
        firms.extend(
            page.items.into_iter().map(|e| TemplateFirm { credit_code: e.credit_code.to_string(), name: e.name }),
        );
        if done || firms.len() >= Limits::default().max_rows {
            break;
        }
    }
    let columns = profile::FIELDS
        .iter()
        .map(|f| ProfileColumn {
            name_zh: f.name_zh.into(),
            unit_zh: f.unit_zh.into(),
            choices: match f.kind {
                FieldKind::Flag => vec![(0, "否".into()), (1, "是".into())],
                FieldKind::Level => f.levels.iter().enumerate().map(|(i, (zh, _))| (i as u32, (*zh).into())).collect(),
                _ => Vec::new(),
            },
            signed: f.code == "net_profit",
        })
        .collect();
    let spec =
        ProfileTemplateSpec { title: format!("{} 企业年度画像", state.city.0), year: year.0, columns, firms };
    let bytes = profile_template(&spec).map_err(|e| ApiError::Internal(lang, StoreError::Invalid(e.to_string())))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("企业年度画像-{}.xlsx", year.0)))
}

// -------------------------------------------------------------------------- one firm's year

/// One field of the form.
pub struct FieldLine {
    pub code: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub value: String,
    /// For flags and levels: (value, label, selected).
    pub choices: Vec<(String, String, bool)>,
    pub error: Option<String>,
}

/// The firm against a tier of the ladder.
pub struct TierLine {
    pub tier: String,
    pub holds: bool,
    pub qualifies: bool,
    pub score: String,
    pub direct_pass: String,
    pub gaps: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/profile.html")]
pub struct ProfilePage {
    tr: Tr,
    layout: Layout,
    name: String,
    credit_code: String,
    year: i32,
    years: Vec<i32>,
    fields: Vec<FieldLine>,
    editable: bool,
    saved: Option<String>,
    problems: Vec<String>,
    tiers: Vec<TierLine>,
    rules_version: String,
}

#[derive(Deserialize)]
pub struct ProfileQuery {
    year: Option<String>,
    saved: Option<String>,
}

async fn profile_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    enterprise: &Enterprise,
    year: i32,
    typed: Option<&FormFields>,
) -> Result<ProfilePage, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let stored =
        state.store.profile_of(caller.scope(), enterprise.enterprise_id, year - 4, year).await.map_err(store_error)?;
    let mut problems = Vec::new();
    let fields = profile::FIELDS
        .iter()
        .map(|f| {
            let stored_value = stored.get(year, f.code);
            let (value, error) = match typed.map(|t| t.get(&format!("f.{}", f.code)).unwrap_or("")) {
                Some(text) => match parse_value(f, text) {
                    Ok(_) => (text.trim().to_owned(), None),
                    Err(e) => {
                        problems.push(e.message(lang));
                        (text.trim().to_owned(), Some(e.message(lang)))
                    }
                },
                None => (stored_value.map_or_else(String::new, trim_number), None),
            };
            let choices = match f.kind {
                FieldKind::Flag => [("0", tr.t("profile.no")), ("1", tr.t("profile.yes"))]
                    .iter()
                    .map(|(v, label)| ((*v).to_owned(), (*label).to_owned(), value == *v))
                    .collect(),
                FieldKind::Level => f
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, (zh, en))| (i.to_string(), lang.pick(zh, en).to_owned(), value == i.to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            FieldLine { code: f.code, name: f.name(lang), unit: f.unit(lang), value, choices, error }
        })
        .collect();
    let engine = state.engine.get(&state.store).await.map_err(|e| crate::kit::engine::page_error(lang, e))?;
    let rules = state
        .store
        .ladder_rules(None, xinzhi_domain::period::china_date(crate::kit::auth::now()))
        .await
        .map_err(store_error)?;
    let assessments = {
        let cube = engine.read().await.map_err(|e| crate::kit::engine::page_error(lang, e))?;
        xinzhi_analytics::pools::assess_firm(&cube, &rules, Some(&stored), enterprise.enterprise_id, year)
    };
    let tiers = assessments
        .into_iter()
        .map(|(tier, holds, a)| TierLine {
            tier: tier.label(lang).to_owned(),
            holds,
            qualifies: a.qualifies,
            score: a.score.map_or_else(String::new, |s| tr.number(s, 0)),
            direct_pass: a.direct_pass.map_or_else(String::new, |(zh, en)| lang.pick(&zh, &en).to_owned()),
            gaps: a.gaps.iter().map(|g| g.message(lang)).collect(),
        })
        .collect();
    let this_year = current_month().year();
    Ok(ProfilePage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "enterprises", caller),
        name: enterprise.name.clone(),
        credit_code: enterprise.credit_code.to_string(),
        year,
        years: (this_year - 5..this_year).rev().collect(),
        fields,
        editable: caller.user.role.may(Permission::EditProfiles),
        saved: None,
        problems,
        tiers,
        rules_version: rules.version,
    })
}

/// `12.50` → `12.5`, `3.0` → `3`.
fn trim_number(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

async fn enterprise_of(state: &AppState, caller: &Caller, lang: Lang, code: &str) -> Result<Enterprise, PageError> {
    let code = CreditCode::parse(code)
        .map_err(|e| PageError::invalid(lang, FieldError::from_domain("credit_code", &e, lang)))?;
    crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| PageError::from_store(lang, e))
}

/// `GET /enterprises/{code}/profile?year=`: the year's profile, and the firm against each tier.
async fn view_profile_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(code): Path<String>,
    Query(query): Query<ProfileQuery>,
) -> Result<ProfilePage, PageError> {
    let enterprise = enterprise_of(&state, &caller, lang, &code).await?;
    let year = parse_profile_year(lang, query.year.as_deref()).map_err(|e| PageError::invalid(lang, e))?;
    let mut page = profile_page(&state, &caller, lang, &uri, &enterprise, year.0, None).await?;
    page.saved = query.saved.map(|n| Tr::new(lang).f("profile.saved", &[("n", &n)]));
    Ok(page)
}

/// `POST /enterprises/{code}/profile` (`year`, `reason`, `f.<field>` each): every value checked
/// first; any problem shows the form again with nothing saved.
async fn view_profile_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(code): Path<String>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let enterprise = enterprise_of(&state, &caller, lang, &code).await?;
    if !caller.user.role.may(Permission::EditProfiles) {
        return Err(PageError::not_found(lang));
    }
    let year = parse_profile_year(lang, fields.get("year")).map_err(|e| PageError::invalid(lang, e))?;
    let mut values = Vec::new();
    let mut refused = false;
    for f in &profile::FIELDS {
        match parse_value(f, fields.get(&format!("f.{}", f.code)).unwrap_or("")) {
            Ok(v) => values.push((f.code.to_owned(), v)),
            Err(_) => refused = true,
        }
    }
    if refused {
        let page = profile_page(&state, &caller, lang, &uri, &enterprise, year.0, Some(&fields)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let reason = fields.get("reason").map(str::trim).filter(|r| !r.is_empty()).unwrap_or("edit");
    let saved = state
        .store
        .save_profile(caller.scope(), enterprise.enterprise_id, year.0, &values, reason, &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    let n = saved.added + saved.changed + saved.cleared;
    Ok(Redirect::to(&format!("/enterprises/{}/profile?year={}&saved={n}", enterprise.credit_code, year.0))
        .into_response())
}

/// A profile as the API gives it.
#[derive(Serialize)]
struct ProfileBody {
    credit_code: String,
    year: i32,
    values: serde_json::Map<String, serde_json::Value>,
}

async fn api_enterprise(state: &AppState, caller: &Caller, lang: Lang, code: &str) -> Result<Enterprise, ApiError> {
    let code =
        CreditCode::parse(code).map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))
}

async fn profile_body(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    enterprise: &Enterprise,
    year: i32,
) -> Result<ProfileBody, ApiError> {
    let profile = state
        .store
        .profile_of(caller.scope(), enterprise.enterprise_id, year, year)
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    let values = profile.year(year).into_iter().map(|(code, v)| (code.to_owned(), serde_json::json!(v))).collect();
    Ok(ProfileBody { credit_code: enterprise.credit_code.to_string(), year, values })
}

/// `GET /api/v1/profiles/{code}/{year}`.
async fn api_profile(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, year)): Path<(String, String)>,
) -> Result<Json<ProfileBody>, ApiError> {
    let enterprise = api_enterprise(&state, &caller, lang, &code).await?;
    let year = parse_profile_year(lang, Some(&year)).map_err(ApiError::Invalid)?;
    Ok(Json(profile_body(&state, &caller, lang, &enterprise, year.0).await?))
}

#[derive(Deserialize)]
pub struct ProfileInput {
    /// Field code → number, or null to clear it. Fields left out are kept.
    values: serde_json::Map<String, serde_json::Value>,
    reason: Option<String>,
}

/// `PUT /api/v1/profiles/{code}/{year}` with `{"values": {"rd_expense": 320, "own_brand": null}}`:
/// every field checked; any problem answers 422 with each one named and nothing saved.
async fn api_save_profile(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, year)): Path<(String, String)>,
    JsonBody(input): JsonBody<ProfileInput>,
) -> Result<Json<ProfileBody>, ApiError> {
    let enterprise = api_enterprise(&state, &caller, lang, &code).await?;
    if !caller.user.role.may(Permission::EditProfiles) {
        return Err(ApiError::NotFound(lang));
    }
    let year = parse_profile_year(lang, Some(&year)).map_err(ApiError::Invalid)?;
    let mut values = Vec::new();
    let mut details = Vec::new();
    for (code, value) in &input.values {
        let at = format!("values.{code}");
        let Some(field) = profile::field(code) else {
            details.push(FieldError::from_domain(at, &ProfileError::Unknown(code.clone()), lang));
            continue;
        };
        let value = match value {
            serde_json::Value::Null => None,
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::String(s) => match parse_value(field, s) {
                Ok(v) => v,
                Err(e) => {
                    details.push(FieldError::from_domain(at, &e, lang));
                    continue;
                }
            },
            _ => {
                details.push(FieldError::from_domain(at, &ProfileError::NotANumber(field.code), lang));
                continue;
            }
        };
        if let Some(v) = value
            && let Err(e) = field.check(v)
        {
            details.push(FieldError::from_domain(at, &e, lang));
            continue;
        }
        values.push((code.clone(), value));
    }
    if !details.is_empty() {
        return Err(ApiError::Problems {
            code: "profile.invalid",
            message: Tr::new(lang).t("profile.invalid").to_owned(),
            details,
        });
    }
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("api");
    state
        .store
        .save_profile(caller.scope(), enterprise.enterprise_id, year.0, &values, reason, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    Ok(Json(profile_body(&state, &caller, lang, &enterprise, year.0).await?))
}
