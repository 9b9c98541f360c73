//! The monthly report over the API: `GET` and `PUT /api/v1/reports/{credit_code}/{period}`.
//! A `PUT` saves a draft or, with `"submit": true`, submits after the data set's required
//! fields and validation rules pass; warnings (e.g. year-on-year jumps) need an explanation.

pub(crate) mod report_pages;

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use xinzhi_domain::validation::{RuleNeeds, RuleValues, check_report};
use xinzhi_domain::{CreditCode, IndicatorDef, Lang, Localize, Month, Permission, RangeError, Role, reporting};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{Correction, DataSet, ReportStatus, ReportWrite, Review, StoreError, ValueSource};

use crate::AppState;
use crate::kit::auth::{Caller, visible_enterprise};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::language::Language;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{credit_code}/{period}", get(get_report).put(put_report))
        .route("/reports/{credit_code}/{period}/review", post(review_report))
        .route("/reports/{credit_code}/{period}/correction", post(correct_report))
}

/// Longest explanation accepted.
const MAX_EXPLANATION: usize = 500;

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

fn by_code(set: &DataSet, values: &[(xinzhi_store::IndicatorId, f64)]) -> BTreeMap<String, f64> {
    values
        .iter()
        .filter_map(|(id, v)| {
            set.indicators
                .iter()
                .find(|i| i.indicator.indicator_id == *id)
                .map(|i| (i.indicator.def.code.to_string(), *v))
        })
        .collect()
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

/// A value as it arrived, before it is known to be a number.
#[derive(Debug, Clone)]
pub(crate) enum RawValue {
    Number(f64),
    /// Clear the field.
    Empty,
    /// Not a number; what was sent, for the message.
    Invalid(String),
}

/// Why a report was not saved.
pub(crate) enum SaveFailure {
    /// The caller may see the firm but not write its reports (answered as 404).
    Forbidden,
    /// One thing about the request itself is wrong (e.g. the period).
    Field(FieldError),
    /// Problems with fields or rules; each detail's field is `values.<indicator code>` or
    /// `explanation`.
    Invalid {
        code: &'static str,
        message: String,
        details: Vec<FieldError>,
    },
    /// Submitted or approved: a reviewer must return it first.
    Conflict(String),
    Store(StoreError),
}

impl SaveFailure {
    pub(crate) fn into_api(self, lang: Lang) -> ApiError {
        match self {
            SaveFailure::Forbidden => ApiError::NotFound(lang),
            SaveFailure::Field(e) => ApiError::Invalid(e),
            SaveFailure::Invalid { code, message, details } => ApiError::Problems { code, message, details },
            SaveFailure::Conflict(message) => ApiError::Conflict { message },
            SaveFailure::Store(e) => ApiError::from_store(lang, e),
        }
    }
}

/// What a caller sends for one report.
pub(crate) struct ReportInput {
    /// Indicator code and the value as sent.
    pub values: Vec<(String, RawValue)>,
    /// Indicator code and the cumulative value (1—N月累计) as sent.
    pub year_to_date: Vec<(String, RawValue)>,
    pub submit: bool,
    pub explanation: Option<String>,
}

/// A value as sent and understood: the indicator's code and id, and the number (`None` clears).
type SentValue = (String, xinzhi_store::IndicatorId, Option<f64>);

/// The values sent for a report, each checked to be a number of one of the data set's
/// indicators: (code, indicator, value or cleared), and a problem per field that is not.
fn read_values(lang: Lang, set: &DataSet, input: Vec<(String, RawValue)>) -> (Vec<SentValue>, Vec<FieldError>) {
    let mut details = Vec::new();
    let mut values = Vec::new();
    for (key, value) in input {
        let Some(indicator) = set.indicators.iter().find(|i| i.indicator.def.code.as_str() == key) else {
            let message = match lang {
                Lang::ZhCn => format!("“{key}”不是本报表的指标"),
                Lang::En => format!("'{key}' is not an indicator of this report"),
            };
            details.push(FieldError::new(format!("values.{key}"), "indicator.unknown", message));
            continue;
        };
        match value {
            RawValue::Empty => values.push((key, indicator.indicator.indicator_id, None)),
            RawValue::Number(n) if n.is_finite() => values.push((key, indicator.indicator.indicator_id, Some(n))),
            RawValue::Number(n) => {
                details.push(not_a_number(lang, &key, indicator.indicator.def.name(lang), &n.to_string()))
            }
            RawValue::Invalid(text) => {
                details.push(not_a_number(lang, &key, indicator.indicator.def.name(lang), &text))
            }
        }
    }
    (values, details)
}

/// A problem for each value outside its indicator's range.
fn range_problems(lang: Lang, set: &DataSet, values: &[SentValue]) -> Vec<FieldError> {
    values
        .iter()
        .filter_map(|(key, id, value)| {
            let def = &set.indicators.iter().find(|i| i.indicator.indicator_id == *id)?.indicator.def;
            let problem = def.valid_range().check((*value)?).err()?;
            Some(out_of_range(lang, key, def, &problem))
        })
        .collect()
}

/// Corrects (更正) an approved report: the reviewing district or park, or the city's analysts,
/// change values with a reason; the report stays approved and the change is audited old → new.
/// The one path for the API and the report page.
pub(crate) async fn correct(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    enterprise: &xinzhi_store::Enterprise,
    period: Month,
    input: Vec<(String, RawValue)>,
    reason: Option<&str>,
) -> Result<usize, SaveFailure> {
    if !caller.user.role.may(Permission::ReviewReports) {
        crate::kit::auth::audit_denial(state, caller, "report", enterprise.credit_code.as_str()).await;
        return Err(SaveFailure::Forbidden);
    }
    let set = state.store.data_set(MONTHLY).await.map_err(SaveFailure::Store)?;
    let (values, mut details) = read_values(lang, &set, input);
    details.extend(range_problems(lang, &set, &values));
    for (key, _, value) in &values {
        if value.is_none() {
            let message = lang.pick("更正时不能清空数值", "A correction cannot clear a value").to_owned();
            details.push(FieldError::new(format!("values.{key}"), "required", message));
        }
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match reason {
        None => details.push(FieldError::new(
            "reason",
            "required",
            lang.pick("请说明更正原因", "Give the reason for the correction").to_owned(),
        )),
        Some(r) if r.chars().count() > MAX_EXPLANATION => details.push(FieldError::new(
            "reason",
            "length",
            lang.pick("原因不能超过500个字符", "The reason must have at most 500 characters").to_owned(),
        )),
        Some(_) => {}
    }
    if !details.is_empty() {
        let message = lang.pick("更正中有无效的数据", "The correction has invalid data").to_owned();
        return Err(SaveFailure::Invalid { code: "invalid", message, details });
    }
    let changes: Vec<_> = values.iter().filter_map(|(_, id, v)| Some((*id, (*v)?))).collect();
    state
        .store
        .correct_report(
            caller.scope(),
            set.data_set_id,
            &Correction {
                enterprise: enterprise.enterprise_id,
                period,
                values: &changes,
                reason: reason.unwrap_or_default(),
            },
            &caller.actor(),
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => SaveFailure::Conflict(
                lang.pick(
                    "只有已审核的报表可以更正；未审核的报表请退回企业修改",
                    "Only an approved report can be corrected; return any other to the firm",
                )
                .to_owned(),
            ),
            other => SaveFailure::Store(other),
        })
}

/// Checks and saves (or submits) a report: the one path for the API, the form and imports.
pub(crate) async fn save(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    enterprise: &xinzhi_store::Enterprise,
    period: Month,
    input: ReportInput,
) -> Result<(ReportStatus, Vec<String>), SaveFailure> {
    let ReportInput { values: input, year_to_date, submit, explanation } = input;
    if !caller.user.role.may(Permission::WriteReports) {
        crate::kit::auth::audit_denial(state, caller, "report", enterprise.credit_code.as_str()).await;
        return Err(SaveFailure::Forbidden);
    }
    if period > current_month() {
        let message = lang.pick("不能填报未来月份", "A future month cannot be reported").to_owned();
        return Err(SaveFailure::Field(FieldError::new("period", "period.future", message)));
    }
    let set = state.store.data_set(MONTHLY).await.map_err(SaveFailure::Store)?;
    // The firm's exception is read only once the month is closed.
    let now = crate::kit::auth::now();
    if !caller.user.role.may(Permission::WriteAfterDeadline) && !month_open(&set, period, None, now) {
        let exception = state
            .store
            .report_exception(set.data_set_id, enterprise.enterprise_id, period)
            .await
            .map_err(SaveFailure::Store)?;
        if let Some(message) = lock_message(lang, &set, period, exception, now) {
            return Err(SaveFailure::Conflict(message));
        }
    }

    // Every field is named in the answer, with all problems at once.
    let (mut values, mut details) = read_values(lang, &set, input);
    if !year_to_date.is_empty() {
        let pair = (enterprise.enterprise_id, period);
        let derived = months_from_cumulative(state, caller, lang, &set, pair, year_to_date, &values)
            .await
            .map_err(SaveFailure::Store)?;
        for outcome in derived {
            match outcome {
                Ok((key, id, value)) => {
                    values.retain(|(k, _, _)| *k != key);
                    values.push((key, id, Some(value)));
                }
                Err(detail) => details.push(detail),
            }
        }
    }
    // Sent or derived from a cumulative value, every number stays within its indicator's range.
    details.extend(range_problems(lang, &set, &values));
    let explanation = explanation.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned);
    if explanation.as_ref().is_some_and(|e| e.chars().count() > MAX_EXPLANATION) {
        let message = lang.pick("说明不能超过500个字符", "The explanation must have at most 500 characters").to_owned();
        details.push(FieldError::new("explanation", "length", message));
    }
    if !details.is_empty() {
        let message = lang.pick("报表中有无效的数据", "The report has invalid data").to_owned();
        return Err(SaveFailure::Invalid { code: "invalid", message, details });
    }

    let mut warnings = Vec::new();
    if submit {
        // The values after this write: what is stored, overlaid with what was sent.
        let stored = state
            .store
            .report(caller.scope(), set.data_set_id, enterprise.enterprise_id, period)
            .await
            .map_err(SaveFailure::Store)?;
        let mut now: BTreeMap<String, f64> = by_code(&set, &stored.values);
        for (key, _, value) in &values {
            match value {
                Some(v) => now.insert(key.clone(), *v),
                None => now.remove(key),
            };
        }
        let rules = state.store.validation_rules(set.data_set_id).await.map_err(SaveFailure::Store)?;
        let mut values = RuleValues {
            this_month: now,
            last_year: by_code(&set, &stored.last_year),
            last_month: by_code(&set, &stored.last_month),
            ..RuleValues::default()
        };
        // Cumulative values only when a rule reads them: the report read has the rest.
        let needs = RuleNeeds::of_rules(&rules);
        let sums = RuleNeeds {
            earlier_this_year: needs.earlier_this_year,
            ytd_last_year: needs.ytd_last_year,
            ..RuleNeeds::default()
        };
        if sums != RuleNeeds::default() {
            let pair = (enterprise.enterprise_id, period);
            let mut loaded =
                state.store.rule_values(caller.scope(), &set, &[pair], sums).await.map_err(SaveFailure::Store)?;
            if let Some(loaded) = loaded.remove(&pair) {
                values.earlier_this_year = loaded.earlier_this_year;
                values.ytd_last_year = loaded.ytd_last_year;
            }
        }
        let required: Vec<&str> =
            set.indicators.iter().filter(|i| i.required).map(|i| i.indicator.def.code.as_str()).collect();
        let check = check_report(&required, &rules, &|code: &str, moment| values.get(code, moment));
        if !check.allows_submission(explanation.is_some()) {
            let mut details: Vec<FieldError> = check
                .missing
                .iter()
                .map(|code| {
                    let name = set
                        .indicators
                        .iter()
                        .find(|i| i.indicator.def.code.as_str() == code)
                        .map_or(code.as_str(), |i| i.indicator.def.name(lang));
                    let message = match lang {
                        Lang::ZhCn => format!("必填指标“{name}”未填写"),
                        Lang::En => format!("The required indicator '{name}' is empty"),
                    };
                    FieldError::new(format!("values.{code}"), "required", message)
                })
                .collect();
            details.extend(check.violations.iter().map(|v| {
                let code = if v.importance == xinzhi_domain::validation::Importance::Error {
                    "rule.error"
                } else {
                    "rule.warning"
                };
                FieldError::new(format!("rule.{}", v.rule), code, v.message(lang))
            }));
            let (code, message) = if check.passes_errors() {
                (
                    "explanation_required",
                    lang.pick(
                        "存在需要说明的异常，请填写说明后提交",
                        "Some values need an explanation before submitting",
                    ),
                )
            } else {
                (
                    "validation",
                    lang.pick(
                        "报表未通过审核规则，不能提交",
                        "The report fails its validation rules and cannot be submitted",
                    ),
                )
            };
            return Err(SaveFailure::Invalid { code, message: message.to_owned(), details });
        }
        warnings = check.warnings().map(|w| w.message(lang)).collect();
    }

    let source = if caller.user.role == Role::EnterpriseReporter { ValueSource::Report } else { ValueSource::Import };
    let write = ReportWrite {
        data_set_id: set.data_set_id,
        enterprise_id: enterprise.enterprise_id,
        period,
        values: values.into_iter().map(|(_, id, value)| (id, value)).collect(),
        submit,
        explanation,
        source,
    };
    let status = state.store.save_report(caller.scope(), &write, &caller.actor()).await.map_err(|e| match e {
        StoreError::Conflict(_) => SaveFailure::Conflict(
            lang.pick(
                "报表已提交或已审核，需审核人员退回后才能修改",
                "The report is submitted or approved; a reviewer must return it before it changes",
            )
            .to_owned(),
        ),
        other => SaveFailure::Store(other),
    })?;
    crate::kit::metrics::METRICS.reports_saved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok((status, warnings))
}

/// The month's values that cumulative values sent for `period` give, against the earlier
/// months stored (domain.md §2.2), or what is wrong with each; `values` are the month's values
/// sent beside them, which must agree.
async fn months_from_cumulative(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    set: &DataSet,
    (enterprise, period): (xinzhi_store::EnterpriseId, Month),
    year_to_date: Vec<(String, RawValue)>,
    values: &[(String, xinzhi_store::IndicatorId, Option<f64>)],
) -> Result<Vec<Result<(String, xinzhi_store::IndicatorId, f64), FieldError>>, StoreError> {
    let pair = (enterprise, period);
    let needs = RuleNeeds { earlier_this_year: true, ..RuleNeeds::default() };
    let earlier = state.store.rule_values(caller.scope(), set, &[pair], needs).await?.remove(&pair).unwrap_or_default();
    let mut outcomes = Vec::new();
    for (key, raw) in year_to_date {
        let field = format!("year_to_date.{key}");
        let Some(indicator) = set.indicators.iter().find(|i| i.indicator.def.code.as_str() == key) else {
            let message = match lang {
                Lang::ZhCn => format!("“{key}”不是本报表的指标"),
                Lang::En => format!("'{key}' is not an indicator of this report"),
            };
            outcomes.push(Err(FieldError::new(field, "indicator.unknown", message)));
            continue;
        };
        let def = &indicator.indicator.def;
        let cumulative = match raw {
            RawValue::Number(n) if n.is_finite() => n,
            RawValue::Empty => continue,
            RawValue::Number(n) => {
                outcomes.push(Err(not_a_number(lang, &key, def.name(lang), &n.to_string())));
                continue;
            }
            RawValue::Invalid(text) => {
                outcomes.push(Err(not_a_number(lang, &key, def.name(lang), &text)));
                continue;
            }
        };
        if def.temporal == xinzhi_domain::TemporalKind::Stock {
            let message = match lang {
                Lang::ZhCn => format!("“{}”是存量指标（期末数），没有累计值", def.name(lang)),
                Lang::En => {
                    format!("'{}' is a stock (a level at month end) and has no cumulative value", def.name(lang))
                }
            };
            outcomes.push(Err(FieldError::new(field, "cumulative.stock", message)));
            continue;
        }
        let given = values.iter().find(|(k, _, _)| *k == key).and_then(|(_, _, v)| *v);
        let before = earlier.earlier_this_year.get(&key).copied().unwrap_or(0.0);
        let tolerance = reporting::cumulative_tolerance(def.decimals, period.month());
        outcomes.push(match reporting::month_from_cumulative(cumulative, before, given, tolerance) {
            Ok(value) => Ok((key, indicator.indicator.indicator_id, value)),
            Err(problem) => {
                use xinzhi_domain::Localize;
                Err(FieldError::new(field, problem.code(), problem.message(lang)))
            }
        });
    }
    Ok(outcomes)
}

fn out_of_range(lang: Lang, key: &str, def: &IndicatorDef, problem: &RangeError) -> FieldError {
    FieldError::new(format!("values.{key}"), problem.code(), range_message(lang, def, problem))
}

fn not_a_number(lang: Lang, key: &str, name: &str, sent: &str) -> FieldError {
    let message = match lang {
        Lang::ZhCn => format!("“{name}”应为数字，实际为“{sent}”"),
        Lang::En => format!("'{name}' must be a number, got '{sent}'"),
    };
    FieldError::new(format!("values.{key}"), "number", message)
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
    let (status, warnings) =
        save(&state, &caller, lang, &enterprise, period, input).await.map_err(|f| f.into_api(lang))?;
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
    let changed = correct(&state, &caller, lang, &enterprise, period, raw_values(body.values), body.reason.as_deref())
        .await
        .map_err(|f| f.into_api(lang))?;
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

pub(crate) use xinzhi_app::clock::current_month;
pub(crate) use xinzhi_app::reporting::{lock_message, month_open, range_message};
