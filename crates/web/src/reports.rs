//! The monthly report over the API: `GET` and `PUT /api/v1/reports/{credit_code}/{period}`.
//! A `PUT` saves a draft or, with `"submit": true`, submits after the data set's required
//! fields and validation rules pass; warnings (e.g. year-on-year jumps) need an explanation.

pub(crate) mod completion;
pub(crate) mod official;
pub(crate) mod report_pages;
pub(crate) mod settings;
pub(crate) mod upload;

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use xinzhi_domain::{CreditCode, Lang, Month, Permission};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{ReportStatus, Review, StoreError};

use crate::AppState;
use crate::kit::auth::{Caller, visible_enterprise};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::language::Language;
use xinzhi_app::reports::{MAX_EXPLANATION, RawValue, ReportInput, SaveFailure, by_code, correct, save};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{credit_code}/{period}", get(get_report).put(put_report))
        .route("/reports/{credit_code}/{period}/review", post(review_report))
        .route("/reports/{credit_code}/{period}/correction", post(correct_report))
}

/// Longest explanation accepted.

#[derive(Serialize)]
pub struct ReportBody {
    credit_code: String,
    name: String,
    period: Month,
    status: Option<ReportStatus>,
    explanation: Option<String>,
    return_reason: Option<String>,
    submitted_at: Option<i64>,
    submitted_by: Option<String>,
    reviewed_at: Option<i64>,
    reviewed_by: Option<String>,
    /// This month's values by indicator code.
    values: BTreeMap<String, f64>,
    /// The same month a year earlier, by indicator code.
    last_year: BTreeMap<String, f64>,
    /// Indicator codes that must be filled to submit.
    required: Vec<String>,
}

/// The firm and month of a report path, for the API and the pages.
pub(crate) fn parse_target(lang: Lang, code: &str, period: &str) -> Result<(CreditCode, Month), FieldError> {
    let code = CreditCode::parse(code).map_err(|e| FieldError::from_domain("credit_code", &e, lang))?;
    let period = Month::parse(period).map_err(|e| FieldError::from_domain("period", &e, lang))?;
    Ok((code, period))
}

/// A reviewer's decision as sent (`approve`, or `return` with a reason), for the API and the pages.
pub(crate) fn parse_review(lang: Lang, decision: &str, reason: Option<&str>) -> Result<Review, FieldError> {
    let tr = crate::kit::i18n::Tr::new(lang);
    match (decision, reason.map(str::trim).filter(|r| !r.is_empty())) {
        ("approve", _) => Ok(Review::Approve),
        ("return", Some(reason)) if reason.chars().count() <= MAX_EXPLANATION => {
            Ok(Review::Return { reason: reason.to_owned() })
        }
        ("return", _) => Err(FieldError::new("reason", "required", tr.t("report.reason_required").to_owned())),
        (other, _) => {
            Err(FieldError::new("decision", "unknown_value", tr.f("report.decision_unknown", &[("value", other)])))
        }
    }
}

/// `GET /api/v1/reports/{credit_code}/{period}`: a firm's monthly report with last year's and last month's values beside it.
async fn get_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
) -> Result<Json<ReportBody>, ApiError> {
    let (code, period) = parse_target(lang, &code, &period).map_err(ApiError::Invalid)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(store_error)?;
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let report = state
        .store
        .report(caller.scope(), set.data_set_id, enterprise.enterprise_id, period)
        .await
        .map_err(store_error)?;
    Ok(Json(ReportBody {
        credit_code: enterprise.credit_code.to_string(),
        name: enterprise.name,
        period,
        status: report.status,
        explanation: report.explanation,
        return_reason: report.return_reason,
        submitted_at: report.submitted_at,
        submitted_by: report.submitted_by,
        reviewed_at: report.reviewed_at,
        reviewed_by: report.reviewed_by,
        values: by_code(&set, &report.values),
        last_year: by_code(&set, &report.last_year),
        required: set.indicators.iter().filter(|i| i.required).map(|i| i.indicator.def.code.to_string()).collect(),
    }))
}

#[derive(Deserialize)]
pub struct ReportPut {
    /// Indicator code → number, or null to clear the field. Values are in the indicator's unit.
    #[serde(default)]
    values: BTreeMap<String, Value>,
    /// Indicator code → the cumulative value from January through this month (1—N月累计), for
    /// flows. The month's value follows from the earlier months stored; when `values` gives it
    /// too, the two must agree.
    #[serde(default)]
    year_to_date: BTreeMap<String, Value>,
    #[serde(default)]
    submit: bool,
    #[serde(default)]
    explanation: Option<String>,
}

#[derive(Serialize)]
pub struct ReportPutAnswer {
    status: ReportStatus,
    /// Warnings accepted with the explanation.
    warnings: Vec<String>,
}

/// `PUT /api/v1/reports/{credit_code}/{period}`: save or submit a monthly report; every field and rule problem is named at once.
async fn put_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<ReportPut>,
) -> Result<Json<ReportPutAnswer>, ApiError> {
    let (code, period) = parse_target(lang, &code, &period).map_err(ApiError::Invalid)?;
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let input = ReportInput {
        values: raw_values(body.values),
        year_to_date: raw_values(body.year_to_date),
        submit: body.submit,
        explanation: body.explanation,
    };
    let (status, warnings) = save(&state.store, &caller.acting(), lang, &enterprise, period, input)
        .await
        .map_err(|f| save_failure(lang, f))?;
    crate::kit::metrics::METRICS.reports_saved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(Json(ReportPutAnswer { status, warnings }))
}

/// JSON values as sent: numbers, `null` to clear, anything else refused by name.
fn raw_values(values: BTreeMap<String, Value>) -> Vec<(String, RawValue)> {
    values
        .into_iter()
        .map(|(key, value)| {
            let raw = match value {
                Value::Null => RawValue::Empty,
                Value::Number(n) => n.as_f64().map_or_else(|| RawValue::Invalid(n.to_string()), RawValue::Number),
                other => RawValue::Invalid(other.to_string()),
            };
            (key, raw)
        })
        .collect()
}

#[derive(Deserialize)]
pub struct CorrectionBody {
    #[serde(default)]
    values: BTreeMap<String, Value>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Serialize)]
pub struct CorrectionAnswer {
    status: ReportStatus,
    /// Values that changed.
    changed: usize,
}

/// `POST /api/v1/reports/{credit_code}/{period}/correction`: a reviewer's correction (更正) of an
/// approved report, with a reason.
async fn correct_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<CorrectionBody>,
) -> Result<Json<CorrectionAnswer>, ApiError> {
    let (code, period) = parse_target(lang, &code, &period).map_err(ApiError::Invalid)?;
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let changed = correct(
        &state.store,
        &caller.acting(),
        lang,
        &enterprise,
        period,
        raw_values(body.values),
        body.reason.as_deref(),
    )
    .await
    .map_err(|f| save_failure(lang, f))?;
    Ok(Json(CorrectionAnswer { status: ReportStatus::Approved, changed }))
}

#[derive(Deserialize)]
pub struct ReviewBody {
    /// `approve` or `return`.
    decision: String,
    /// Why the report goes back to the firm (required to return).
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Serialize)]
pub struct ReviewAnswer {
    status: ReportStatus,
}

/// `POST /api/v1/reports/{credit_code}/{period}/review`: approve or return a submitted report.
async fn review_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    JsonBody(body): JsonBody<ReviewBody>,
) -> Result<Json<ReviewAnswer>, ApiError> {
    let (code, period) = parse_target(lang, &code, &period).map_err(ApiError::Invalid)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(store_error)?;
    if !caller.user.role.may(Permission::ReviewReports) {
        crate::kit::auth::audit_denial(&state, &caller, "report", code.as_str()).await;
        return Err(ApiError::NotFound(lang));
    }
    let review = parse_review(lang, &body.decision, body.reason.as_deref()).map_err(ApiError::Invalid)?;
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let status = state
        .store
        .review_report(caller.scope(), set.data_set_id, enterprise.enterprise_id, period, &review, &caller.actor())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::Conflict {
                message: lang
                    .pick(
                        "只有已提交的报表可以审核，已审核的报表可以退回更正",
                        "Only a submitted report can be approved; an approved one can be returned for correction",
                    )
                    .to_owned(),
            },
            other => ApiError::from_store(lang, other),
        })?;
    Ok(Json(ReviewAnswer { status }))
}

/// How the API answers a report that was not saved.
pub(crate) fn save_failure(lang: Lang, failure: SaveFailure) -> ApiError {
    match failure {
        SaveFailure::Forbidden => ApiError::NotFound(lang),
        SaveFailure::Field(e) => ApiError::Invalid(e),
        SaveFailure::Invalid { code, message, details } => ApiError::Problems { code, message, details },
        SaveFailure::Conflict(message) => ApiError::Conflict { message },
        SaveFailure::Store(e) => ApiError::from_store(lang, e),
    }
}
