//! Digital and green programmes (上云, 上平台, smart factories, workshops, lines and stations,
//! green factories, products and supply chains): each firm's recognitions, and the counts of
//! the caller's scope year by year against the targets set for them (`new_<programme>`, the
//! same counts the cockpit's targets read). Page `/cultivation/programmes`, JSON under
//! `/api/v1/programmes`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::programmes::programme_counts;
use xinzhi_domain::programme::{Programme, level_label};
use xinzhi_domain::targets::TargetKind;
use xinzhi_domain::{CreditCode, Lang, Month, Permission};
use xinzhi_store::Scope;
use xinzhi_store::monitoring::TargetUnit;
use xinzhi_store::programmes::{NewProgrammeRecord, ProgrammeRecord};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/programmes", get(view_get).post(view_post))
        .route("/cultivation/programmes/{id}/delete", post(view_delete))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/programmes", get(api_list).post(api_add)).route("/programmes/{id}/delete", post(api_delete))
}

/// Records a page lists (the API gives all).
const PAGE_RECORDS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// The year of the counts against targets (default: the latest year with data).
    pub year: Option<String>,
    /// Only this programme's records.
    pub programme: Option<String>,
}

/// A programme's counts with the year's target for the caller's unit.
#[derive(Serialize)]
pub struct CountLine {
    pub programme: Programme,
    pub label: &'static str,
    pub by_year: std::collections::BTreeMap<i32, i64>,
    pub count: i64,
    pub target: Option<f64>,
    /// count / target in percent.
    pub completion_pct: Option<f64>,
}

#[derive(Serialize)]
pub struct ListAnswer {
    pub year: i32,
    pub counts: Vec<CountLine>,
    pub records: Vec<ProgrammeRecord>,
}

fn unknown_programme(lang: Lang, field: String, text: &str) -> FieldError {
    let codes: Vec<&str> = Programme::ALL.iter().map(|p| p.as_str()).collect();
    FieldError::new(
        field,
        "recognition.unknown",
        Tr::new(lang).f("programme.unknown", &[("programme", text), ("codes", &codes.join(", "))]),
    )
}

/// The target unit that stands for a scope (a firm's scope has none).
fn unit_of_scope(scope: &Scope) -> Option<TargetUnit> {
    match scope {
        Scope::City => Some(TargetUnit::City),
        Scope::District(id) => Some(TargetUnit::District(id.0)),
        Scope::Park(id) => Some(TargetUnit::Park(id.0)),
        _ => None,
    }
}

async fn list(state: &AppState, caller: &Caller, lang: Lang, query: &ListQuery) -> Result<ListAnswer, ApiError> {
    let store_error = |e| ApiError::from_store(lang, e);
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let programme = match query.programme.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(text) => Some(
            Programme::parse(text)
                .ok_or_else(|| ApiError::Invalid(unknown_programme(lang, "programme".into(), text)))?,
        ),
        None => None,
    };
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    let cube = engine.read().await.map_err(engine_error)?;
    let latest = crate::kit::engine::latest_data_month(state).await.map_err(store_error)?;
    let year = match query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => crate::kit::query::parse_integer(lang, "year", y, 2000, 2100).map_err(ApiError::Invalid)? as i32,
        None => latest.year(),
    };
    let through = latest.max(Month::new(year, 12).unwrap_or(latest));
    let counts = programme_counts(&cube, caller.scope(), through);
    drop(cube);
    let unit = unit_of_scope(caller.scope());
    let targets = state.store.targets(year).await.map_err(store_error)?;
    let counts = counts
        .into_iter()
        .map(|c| {
            let metric = c.programme.metric();
            let target = targets
                .iter()
                .find(|t| Some(t.unit) == unit && t.metric == metric && t.kind == TargetKind::Count)
                .map(|t| t.value);
            let count = c.by_year.get(&year).copied().unwrap_or(0);
            CountLine {
                programme: c.programme,
                label: c.programme.label(lang),
                count,
                completion_pct: target.filter(|t| *t > 0.0).map(|t| count as f64 / t * 100.0),
                target,
                by_year: c.by_year,
            }
        })
        .collect();
    let records = state.store.programme_records(caller.scope(), programme).await.map_err(store_error)?;
    Ok(ListAnswer { year, counts, records })
}

fn refused(caller: &Caller) -> bool {
    !caller.user.role.may(Permission::ReadMonitoring)
}

/// `GET /api/v1/programmes?year=&programme=`: the counts of the caller's scope by year with
/// the year's targets, and the recognitions (newest first).
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<ListAnswer>, ApiError> {
    if refused(&caller) {
        audit_denial(&state, &caller, "programmes", "list").await;
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(list(&state, &caller, lang, &query).await?))
}

/// A recognition as entered.
#[derive(Debug, Default, Deserialize)]
pub struct RecordInput {
    pub credit_code: String,
    pub programme: String,
    pub level: Option<String>,
    /// yyyy-mm-dd.
    pub recognised_on: String,
    pub quantity: Option<i64>,
    pub detail: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RecordsInput {
    pub records: Vec<RecordInput>,
}

/// Checks one recognition; `at` prefixes the field names (`records[3].`).
async fn check_record(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    at: &str,
    input: &RecordInput,
) -> Result<NewProgrammeRecord, FieldError> {
    let tr = Tr::new(lang);
    let field = |name: &str| format!("{at}{name}");
    let code =
        CreditCode::parse(&input.credit_code).map_err(|e| FieldError::from_domain(field("credit_code"), &e, lang))?;
    let enterprise = crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|_| {
        FieldError::new(
            field("credit_code"),
            "recognition.firm",
            tr.f("programme.unknown_firm", &[("code", code.as_str())]),
        )
    })?;
    let programme = Programme::parse(input.programme.trim())
        .ok_or_else(|| unknown_programme(lang, field("programme"), input.programme.trim()))?;
    let level = input.level.as_deref().map(str::trim).filter(|l| !l.is_empty());
    if let Some(level) = level
        && !programme.levels().contains(&level)
    {
        let allowed: Vec<&str> = programme.levels().to_vec();
        let allowed = if allowed.is_empty() { tr.t("programme.no_levels").to_owned() } else { allowed.join(", ") };
        return Err(FieldError::new(
            field("level"),
            "recognition.level",
            tr.f("programme.bad_level", &[("level", level), ("allowed", &allowed)]),
        ));
    }
    let recognised_on = crate::kit::query::yyyymmdd_of(&input.recognised_on).ok_or_else(|| {
        FieldError::new(
            field("recognised_on"),
            "recognition.date",
            tr.f("programme.bad_date", &[("date", input.recognised_on.trim())]),
        )
    })?;
    let quantity = input.quantity.unwrap_or(1);
    if !(1..=100_000).contains(&quantity) {
        return Err(FieldError::new(
            field("quantity"),
            "recognition.quantity",
            tr.f("programme.bad_quantity", &[("quantity", &quantity.to_string())]),
        ));
    }
    Ok(NewProgrammeRecord {
        enterprise_id: enterprise.enterprise_id,
        programme,
        level: level.map(str::to_owned),
        recognised_on,
        quantity,
        detail: input.detail.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
    })
}

/// Checks every recognition and stores them all, or none when any is wrong.
async fn add(state: &AppState, caller: &Caller, lang: Lang, inputs: &[RecordInput]) -> Result<Vec<i64>, ApiError> {
    if !caller.user.role.may(Permission::ManageCultivation) {
        audit_denial(state, caller, "programmes", "add").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    if inputs.is_empty() || inputs.len() > 5_000 {
        return Err(ApiError::Invalid(FieldError::new(
            "records",
            "recognition.count",
            tr.t("programme.bad_count").to_owned(),
        )));
    }
    let (mut records, mut problems) = (Vec::new(), Vec::new());
    for (i, input) in inputs.iter().enumerate() {
        let at = if inputs.len() == 1 { String::new() } else { format!("records[{i}].") };
        match check_record(state, caller, lang, &at, input).await {
            Ok(r) => records.push(r),
            Err(e) => problems.push(e),
        }
    }
    match problems.len() {
        0 => state
            .store
            .add_programme_records(caller.scope(), &records, &caller.actor())
            .await
            .map_err(|e| ApiError::from_store(lang, e)),
        1 => Err(ApiError::Invalid(problems.remove(0))),
        n => Err(ApiError::Problems {
            code: "recognition.records",
            message: tr.f("programme.problems", &[("n", &n.to_string())]),
            details: problems,
        }),
    }
}

#[derive(Serialize)]
pub struct Added {
    pub ids: Vec<i64>,
}

/// `POST /api/v1/programmes` with `{"records": [{credit_code, programme, level?,
/// recognised_on, quantity?, detail?}]}`: all stored, or none with every problem named.
async fn api_add(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<RecordsInput>,
) -> Result<(StatusCode, Json<Added>), ApiError> {
    let ids = add(&state, &caller, lang, &input.records).await?;
    Ok((StatusCode::CREATED, Json(Added { ids })))
}

async fn delete(state: &AppState, caller: &Caller, lang: Lang, id: i64) -> Result<(), ApiError> {
    if !caller.user.role.may(Permission::ManageCultivation) {
        audit_denial(state, caller, "programmes", "delete").await;
        return Err(ApiError::NotFound(lang));
    }
    state
        .store
        .remove_programme_record(caller.scope(), id, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))
}

/// `POST /api/v1/programmes/{id}/delete`: removes a recognition entered by mistake.
async fn api_delete(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &caller, lang, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------------------ the page

pub struct CountRow {
    pub label: &'static str,
    pub code: &'static str,
    pub by_year: Vec<i64>,
    pub target: String,
    pub completion: String,
}

pub struct RecordRow {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub programme: &'static str,
    pub level: &'static str,
    pub date: String,
    pub quantity: i64,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/programmes.html")]
pub struct ProgrammesPage {
    tr: Tr,
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    counts: Vec<CountRow>,
    records: Vec<RecordRow>,
    more: usize,
    programmes: Vec<(&'static str, &'static str)>,
    editable: bool,
    problem: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: &ListQuery,
    problem: Option<String>,
) -> Result<ProgrammesPage, PageError> {
    if refused(caller) {
        audit_denial(state, caller, "programmes", "list").await;
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let answer = list(state, caller, lang, query).await.map_err(|e| PageError::from_api(lang, e))?;
    let years: Vec<i32> = (answer.year - 2..=answer.year).collect();
    let counts = answer
        .counts
        .iter()
        .map(|c| CountRow {
            label: c.label,
            code: c.programme.as_str(),
            by_year: years.iter().map(|y| c.by_year.get(y).copied().unwrap_or(0)).collect(),
            target: c.target.map_or_else(|| "—".into(), |t| tr.number(t, 0)),
            completion: c.completion_pct.map_or_else(|| "—".into(), |p| format!("{}%", tr.number(p, 1))),
        })
        .collect();
    let records = answer
        .records
        .iter()
        .take(PAGE_RECORDS)
        .map(|r| RecordRow {
            id: r.programme_record_id,
            name: r.name.clone(),
            href: format!("/enterprises/{}", r.credit_code),
            programme: r.programme.label(lang),
            level: r.level.as_deref().map_or("", |l| level_label(l, lang)),
            date: crate::kit::query::iso_date(r.recognised_on),
            quantity: r.quantity,
            detail: r.detail.clone().unwrap_or_default(),
        })
        .collect();
    Ok(ProgrammesPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "cultivation", caller),
        year: answer.year,
        years,
        counts,
        more: answer.records.len().saturating_sub(PAGE_RECORDS),
        records,
        programmes: Programme::ALL.iter().map(|p| (p.as_str(), p.label(lang))).collect(),
        editable: caller.user.role.may(Permission::ManageCultivation),
        problem,
    })
}

async fn view_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<ProgrammesPage, PageError> {
    page(&state, &caller, lang, &uri, &query, None).await
}

/// The page's form: one recognition.
async fn view_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let text = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    let quantity = fields.get("quantity").map(str::trim).filter(|q| !q.is_empty());
    let input = RecordInput {
        credit_code: text("credit_code"),
        programme: text("programme"),
        level: fields.get("level").map(str::to_owned),
        recognised_on: text("recognised_on"),
        // Not a number: 0, which the check refuses with the quantity rule.
        quantity: quantity.map(|q| q.parse().unwrap_or(0)),
        detail: fields.get("detail").map(str::to_owned),
    };
    match add(&state, &caller, lang, std::slice::from_ref(&input)).await {
        Ok(_) => Ok(Redirect::to("/cultivation/programmes").into_response()),
        Err(ApiError::Invalid(FieldError { message, .. })) => {
            let page = page(&state, &caller, lang, &uri, &ListQuery::default(), Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}

async fn view_delete(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    delete(&state, &caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    Ok(Redirect::to("/cultivation/programmes").into_response())
}
