//! 小升规: the pool of below-scale industrial firms near the 20 M CNY threshold (trailing 12
//! months, the year-end projection, newly producing firms), each firm's case through pool →
//! 准规上 → applied → admitted / rejected, and the above-scale set's entries and exits by year.
//! Page `/cultivation/promotion`, JSON under `/api/v1/promotion`.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::promotion::{self, PromotionCandidate, YearFlows};
use xinzhi_domain::promotion::{PromotionRules, PromotionState};
use xinzhi_domain::{CreditCode, Lang, Month, Permission};
use xinzhi_store::StoreError;
use xinzhi_store::programmes::{PromotionCase, PromotionEvent};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/cultivation/promotion", get(view_get).post(view_post))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/promotion", get(api_pool)).route("/promotion/cases", post(api_move))
}

/// Candidates a page lists (the API gives all).
const PAGE_CANDIDATES: usize = 300;

#[derive(Debug, Default, Deserialize)]
pub struct PoolQuery {
    /// The month of the pool (default: the latest with data).
    pub month: Option<String>,
}

/// A candidate with its case of the year, if any.
#[derive(Serialize)]
pub struct PoolLine {
    #[serde(flatten)]
    pub candidate: PromotionCandidate,
    pub case: Option<PromotionCase>,
}

#[derive(Serialize)]
pub struct PoolAnswer {
    pub month: Month,
    pub rules: PromotionRules,
    pub candidates: Vec<PoolLine>,
    /// Cases of the year by state, the pool's firms and any others (admitted firms have left it).
    pub cases_by_state: Vec<(PromotionState, usize)>,
    pub flows: Vec<YearFlows>,
}

async fn pool(state: &AppState, caller: &Caller, lang: Lang, query: &PoolQuery) -> Result<PoolAnswer, ApiError> {
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let latest = crate::kit::engine::latest_data_month(state).await.map_err(|e| ApiError::from_store(lang, e))?;
    let month = crate::kit::query::parse_optional_month(lang, query.month.as_deref())
        .map_err(ApiError::Invalid)?
        .unwrap_or(latest);
    let rules = PromotionRules::default();
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    let names = engine.names().await;
    let cube = engine.read().await.map_err(engine_error)?;
    let found = promotion::pool(&cube, &names, caller.scope(), month, &rules, lang);
    let flows = promotion::flows_by_year(&cube, caller.scope(), latest.max(month));
    drop(cube);
    let mut cases =
        state.store.promotion_cases(caller.scope(), month.year()).await.map_err(|e| ApiError::from_store(lang, e))?;
    let mut by_state: HashMap<PromotionState, usize> = HashMap::new();
    for case in cases.values() {
        *by_state.entry(case.state).or_default() += 1;
    }
    let candidates = found
        .into_iter()
        .map(|candidate| PoolLine { case: cases.remove(&candidate.enterprise_id), candidate })
        .collect();
    Ok(PoolAnswer {
        month,
        rules,
        candidates,
        cases_by_state: PromotionState::ALL.iter().map(|s| (*s, by_state.get(s).copied().unwrap_or(0))).collect(),
        flows,
    })
}

/// `GET /api/v1/promotion?month=`: the pool of the caller's scope with each firm's case, the
/// cases by state and the above-scale set's entries and exits by year.
async fn api_pool(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<PoolQuery>,
) -> Result<Json<PoolAnswer>, ApiError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        audit_denial(&state, &caller, "promotion", "pool").await;
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(pool(&state, &caller, lang, &query).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseMove {
    pub credit_code: String,
    /// `pool`, `prospective`, `applied`, `admitted` or `rejected`.
    pub state: String,
    /// The case's year (default: this year).
    pub year: Option<i32>,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct MoveAnswer {
    pub case: PromotionCase,
    pub history: Vec<PromotionEvent>,
}

async fn move_case(state: &AppState, caller: &Caller, lang: Lang, input: &CaseMove) -> Result<MoveAnswer, ApiError> {
    if !caller.user.role.may(Permission::ManageCultivation) {
        audit_denial(state, caller, "promotion", "case.move").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let code = CreditCode::parse(&input.credit_code)
        .map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    let to = PromotionState::parse(input.state.trim()).ok_or_else(|| {
        ApiError::Invalid(FieldError::new(
            "state",
            "case.state",
            tr.f("promotion.unknown_state", &[("state", input.state.trim())]),
        ))
    })?;
    let year = input.year.unwrap_or_else(|| xinzhi_app::clock::current_month().year());
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::Invalid(FieldError::new(
            "year",
            "case.year",
            tr.f("promotion.bad_year", &[("year", &year.to_string())]),
        )));
    }
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let enterprise =
        crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let case = state
        .store
        .move_promotion_case(caller.scope(), enterprise.enterprise_id, year, to, note, &caller.actor())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => {
                ApiError::Conflict { message: tr.f("promotion.cannot_move", &[("state", to.label(lang))]) }
            }
            other => ApiError::from_store(lang, other),
        })?;
    let history = state
        .store
        .promotion_history(caller.scope(), enterprise.enterprise_id, year)
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    Ok(MoveAnswer { case, history })
}

/// `POST /api/v1/promotion/cases` with `{"credit_code", "state", "year"?, "note"?}`: moves a
/// firm's case if the pipeline allows it from where it stands (409 otherwise).
async fn api_move(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<CaseMove>,
) -> Result<Json<MoveAnswer>, ApiError> {
    Ok(Json(move_case(&state, &caller, lang, &input).await?))
}

// ------------------------------------------------------------------------------- the page

pub struct CandidateRow {
    pub credit_code: String,
    pub name: String,
    pub href: String,
    pub district: String,
    pub trailing: String,
    pub year_to_date: String,
    pub projected: String,
    pub signals: Vec<&'static str>,
    pub state: &'static str,
    /// The states the case may move to from where it is.
    pub moves: Vec<(&'static str, &'static str)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/promotion.html")]
pub struct PromotionPage {
    tr: Tr,
    layout: Layout,
    month: String,
    threshold: String,
    total: usize,
    rows: Vec<CandidateRow>,
    more: usize,
    cases: Vec<(&'static str, usize)>,
    flows: Vec<YearFlows>,
    editable: bool,
    problem: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: &PoolQuery,
    problem: Option<String>,
) -> Result<PromotionPage, PageError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        audit_denial(state, caller, "promotion", "pool").await;
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let answer = pool(state, caller, lang, query).await.map_err(|e| PageError::from_api(lang, e))?;
    let wan = |v: f64| tr.number(v, 0);
    let rows = answer
        .candidates
        .iter()
        .take(PAGE_CANDIDATES)
        .map(|line| {
            let c = &line.candidate;
            let from = line.case.as_ref().map(|k| k.state);
            CandidateRow {
                credit_code: c.credit_code.clone(),
                name: c.name.clone(),
                href: format!("/enterprises/{}", c.credit_code),
                district: c.district.clone(),
                trailing: wan(c.revenue.trailing_12m),
                year_to_date: wan(c.revenue.year_to_date),
                projected: wan(c.projected_year_end),
                signals: c.signals.iter().map(|s| s.label(lang)).collect(),
                state: from.map_or("—", |s| s.label(lang)),
                moves: PromotionState::ALL
                    .iter()
                    .filter(|to| PromotionState::can_move(from, **to))
                    .map(|to| (to.as_str(), to.label(lang)))
                    .collect(),
            }
        })
        .collect();
    Ok(PromotionPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "cultivation", caller),
        month: answer.month.to_string(),
        threshold: wan(answer.rules.threshold_wan),
        total: answer.candidates.len(),
        more: answer.candidates.len().saturating_sub(PAGE_CANDIDATES),
        rows,
        cases: answer.cases_by_state.iter().map(|(s, n)| (s.label(lang), *n)).collect(),
        flows: answer.flows,
        editable: caller.user.role.may(Permission::ManageCultivation),
        problem,
    })
}

async fn view_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<PoolQuery>,
) -> Result<PromotionPage, PageError> {
    page(&state, &caller, lang, &uri, &query, None).await
}

/// The page's move form: back to the pool on success, the page with the problem otherwise.
async fn view_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let month = fields.get("month").map(str::to_owned);
    let year = month.as_deref().and_then(|m| Month::parse(m).ok()).map(|m| m.year());
    let input = CaseMove {
        credit_code: fields.get("credit_code").unwrap_or_default().to_owned(),
        state: fields.get("state").unwrap_or_default().to_owned(),
        year,
        note: fields.get("note").map(str::to_owned),
    };
    match move_case(&state, &caller, lang, &input).await {
        Ok(_) => {
            let back = month
                .map_or_else(|| "/cultivation/promotion".to_owned(), |m| format!("/cultivation/promotion?month={m}"));
            Ok(Redirect::to(&back).into_response())
        }
        Err(ApiError::Invalid(FieldError { message, .. }) | ApiError::Conflict { message }) => {
            let query = PoolQuery { month };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            Ok((status, page(&state, &caller, lang, &uri, &query, Some(message)).await?).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}
