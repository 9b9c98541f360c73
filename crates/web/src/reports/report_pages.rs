//! The monthly report in the browser: the firm's form (with last year beside each field), the
//! reviewers' queue with bulk approval, and approve/return on the form.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, Lang, Month, Permission, Role};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{EnterpriseFilter, Page, ReportRow, ReportStatus, Review, Scope, StoreError};

use crate::AppState;
use crate::kit::auth::{Caller, visible_enterprise};
use crate::kit::error::{FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use xinzhi_app::clock::current_month;
use xinzhi_app::reports::{RawValue, ReportInput, SaveFailure, save};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(view_reports_get))
        .route("/reports/review", get(view_review_get).post(view_review_post))
        .route("/reports/{credit_code}/{period}", get(view_report_get).post(view_report_post))
        .route("/reports/{credit_code}/{period}/review", post(view_report_review_post))
}

fn status_key(status: Option<ReportStatus>) -> &'static str {
    match status {
        None => "report.status.none",
        Some(ReportStatus::Draft) => "report.status.draft",
        Some(ReportStatus::Submitted) => "report.status.submitted",
        Some(ReportStatus::Returned) => "report.status.returned",
        Some(ReportStatus::Approved) => "report.status.approved",
    }
}

/// The month firms report now: the one before this month.
fn reporting_month() -> Month {
    current_month().prev()
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
    status: Option<String>,
}

/// `/reports`: a reporter goes to this month's form, reviewers to their queue.
async fn view_reports_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Response, PageError> {
    if caller.user.role == Role::EnterpriseReporter {
        let found = state
            .store
            .search_enterprises(caller.scope(), &EnterpriseFilter::default(), Page::new(1, 0))
            .await
            .map_err(|e| PageError::from_store(lang, e))?;
        let firm = found.items.into_iter().next().ok_or_else(|| PageError::not_found(lang))?;
        return Ok(Redirect::to(&format!("/reports/{}/{}", firm.credit_code, reporting_month())).into_response());
    }
    if matches!(caller.scope(), Scope::Department(_)) {
        return Err(PageError::not_found(lang));
    }
    Ok(Redirect::to("/reports/review").into_response())
}

pub struct FieldRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub required: bool,
    pub last_year: String,
    pub value: String,
    pub error: Option<String>,
}

/// One change of a value of the month: old → new, when, why, by whom.
pub struct ChangeRow {
    pub indicator: String,
    pub old: String,
    pub new: String,
    pub at: String,
    pub reason: String,
    pub by: String,
}

pub struct HistoryRow {
    pub period: String,
    pub link: String,
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/report.html")]
pub struct ReportPage {
    tr: Tr,
    layout: Layout,
    firm: String,
    code: String,
    period: String,
    period_label: String,
    status: &'static str,
    editable: bool,
    can_write: bool,
    can_review: bool,
    submitted: bool,
    /// Approved, and the caller reviews: the values can be corrected (更正) with a reason.
    correctable: bool,
    /// Whether the value inputs take typing (a draft the caller writes, or a correction).
    inputs_open: bool,
    deadline: String,
    return_reason: Option<String>,
    explanation: String,
    rows: Vec<FieldRow>,
    problems: Vec<String>,
    notice: Option<String>,
    prev_link: String,
    next_link: Option<String>,
    history: Vec<HistoryRow>,
    changes: Vec<ChangeRow>,
}

fn parse_target(lang: Lang, code: &str, period: &str) -> Result<(CreditCode, Month), PageError> {
    crate::reports::parse_target(lang, code, period).map_err(|e| PageError::invalid(lang, e))
}

/// What the form shows besides the stored report: values as typed and problems after a failed save.
#[derive(Default)]
struct Entered {
    typed: BTreeMap<String, String>,
    explanation: Option<String>,
    problems: Vec<FieldError>,
    notice: Option<String>,
}

async fn report_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    code: &CreditCode,
    period: Month,
    entered: Entered,
) -> Result<ReportPage, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let enterprise = visible_enterprise(state, caller, code).await.map_err(store_error)?;
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let report = state
        .store
        .report(caller.scope(), set.data_set_id, enterprise.enterprise_id, period)
        .await
        .map_err(store_error)?;
    let value_of = |list: &[(xinzhi_store::IndicatorId, f64)], id| list.iter().find(|(i, _)| *i == id).map(|(_, v)| *v);
    let rows = set
        .indicators
        .iter()
        .map(|i| {
            let def = &i.indicator.def;
            let key = def.code.to_string();
            let stored = value_of(&report.values, i.indicator.indicator_id).map(|v| v.to_string()).unwrap_or_default();
            FieldRow {
                name: def.name(lang).to_owned(),
                unit: def.unit(lang).to_owned(),
                required: i.required,
                last_year: value_of(&report.last_year, i.indicator.indicator_id)
                    .map(|v| tr.number(v, def.decimals))
                    .unwrap_or_default(),
                value: entered.typed.get(&key).cloned().unwrap_or(stored),
                error: entered.problems.iter().find(|p| p.field == format!("values.{key}")).map(|p| p.message.clone()),
                code: key,
            }
        })
        .collect();
    let problems =
        entered.problems.iter().filter(|p| !p.field.starts_with("values.")).map(|p| p.message.clone()).collect();
    let history = state
        .store
        .report_history(
            caller.scope(),
            set.data_set_id,
            enterprise.enterprise_id,
            MonthRange::new(period.plus(-11), period.plus(11)),
        )
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|(month, status)| HistoryRow {
            link: format!("/reports/{code}/{month}"),
            period: month.label(lang),
            status: tr.t(status_key(Some(status))),
        })
        .collect();
    // Every replaced version, newest first; the new value is the next version or the current one.
    let revisions =
        state.store.revisions_of_month(caller.scope(), enterprise.enterprise_id, period).await.map_err(store_error)?;
    let mut changes = Vec::new();
    for (n, (indicator, revision)) in revisions.iter().enumerate() {
        let Some(member) = set.indicators.iter().find(|i| i.indicator.indicator_id == *indicator) else { continue };
        let def = &member.indicator.def;
        let next = revisions.get(n + 1).filter(|(i, _)| i == indicator).map(|(_, r)| r.value);
        let new = match revision.reason.as_deref() {
            Some("cleared") => None,
            _ => next.or_else(|| value_of(&report.values, *indicator)),
        };
        changes.push((
            revision.replaced_at,
            ChangeRow {
                indicator: def.name(lang).to_owned(),
                old: tr.number(revision.value, def.decimals),
                new: new.map_or_else(|| "—".to_owned(), |v| tr.number(v, def.decimals)),
                at: tr.timestamp(revision.replaced_at),
                reason: match revision.reason.as_deref() {
                    Some("submit") => tr.t("change.submit").to_owned(),
                    Some("draft") => tr.t("change.draft").to_owned(),
                    Some("import") => tr.t("change.import").to_owned(),
                    Some("returned") => tr.t("change.returned").to_owned(),
                    Some("cleared") => tr.t("change.cleared").to_owned(),
                    // A reviewer's correction keeps its reason in the reviewer's words.
                    Some(why) if !why.is_empty() && why != "edit" => format!("{}：{why}", tr.t("change.correction")),
                    _ => tr.t("change.edit").to_owned(),
                },
                by: revision.changed_by.clone().unwrap_or_default(),
            },
        ));
    }
    changes.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let changes = changes.into_iter().map(|(_, row)| row).collect();
    let deadline_month = period.next();
    let deadline = tr.date(deadline_month.yyyymm() * 100 + set.deadline_day);
    let status = report.status;
    Ok(ReportPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "reports", caller),
        firm: enterprise.name,
        code: code.to_string(),
        period: period.to_string(),
        period_label: period.label(lang),
        status: tr.t(status_key(status)),
        editable: status.is_none_or(ReportStatus::editable),
        can_write: caller.user.role.may(Permission::WriteReports),
        can_review: caller.user.role.may(Permission::ReviewReports),
        submitted: status == Some(ReportStatus::Submitted),
        correctable: status == Some(ReportStatus::Approved) && caller.user.role.may(Permission::ReviewReports),
        inputs_open: (status.is_none_or(ReportStatus::editable) && caller.user.role.may(Permission::WriteReports))
            || (status == Some(ReportStatus::Approved) && caller.user.role.may(Permission::ReviewReports)),
        deadline,
        return_reason: report.return_reason,
        explanation: entered.explanation.or(report.explanation).unwrap_or_default(),
        rows,
        problems,
        notice: entered.notice,
        prev_link: format!("/reports/{code}/{}", period.prev()),
        next_link: (period < reporting_month()).then(|| format!("/reports/{code}/{}", period.next())),
        history,
        changes,
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn view_report_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    Query(query): Query<DoneQuery>,
) -> Result<ReportPage, PageError> {
    let (code, period) = parse_target(lang, &code, &period)?;
    let tr = Tr::new(lang);
    let notice = query.done.as_deref().and_then(|d| match d {
        "draft" => Some(tr.t("report.saved").to_owned()),
        "submitted" => Some(tr.t("report.submitted").to_owned()),
        "reviewed" => Some(tr.t("report.reviewed").to_owned()),
        "corrected" => Some(tr.t("report.corrected").to_owned()),
        _ => None,
    });
    report_page(&state, &caller, lang, &uri, &code, period, Entered { notice, ..Entered::default() }).await
}

/// Form fields `v.<indicator code>`, `explanation`, and `action` (`save` or `submit`).
async fn view_report_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let (code, period) = parse_target(lang, &code, &period)?;
    let submit = fields.get("action") == Some("submit");
    let explanation = fields.get("explanation").map(str::to_owned);
    let mut typed = BTreeMap::new();
    let mut input = Vec::new();
    for (key, value) in fields.pairs() {
        let Some(indicator) = key.strip_prefix("v.") else { continue };
        typed.insert(indicator.to_owned(), value.clone());
        let raw = if value.trim().is_empty() {
            RawValue::Empty
        } else {
            xinzhi_domain::text::parse_number(value).map_or_else(|| RawValue::Invalid(value.clone()), RawValue::Number)
        };
        input.push((indicator.to_owned(), raw));
    }
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(|e| PageError::from_store(lang, e))?;
    let outcome = if fields.get("action") == Some("correct") {
        xinzhi_app::reports::correct(
            &state.store,
            &caller.acting(),
            lang,
            &enterprise,
            period,
            input,
            fields.get("reason"),
        )
        .await
        .map(|_| "corrected")
    } else {
        let report = ReportInput { values: input, year_to_date: Vec::new(), submit, explanation: explanation.clone() };
        save(&state.store, &caller.acting(), lang, &enterprise, period, report).await.map(|(status, _)| {
            crate::kit::metrics::METRICS.reports_saved.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if status == ReportStatus::Submitted { "submitted" } else { "draft" }
        })
    };
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/reports/{code}/{period}?done={done}")).into_response()),
        Err(SaveFailure::Forbidden) => Err(PageError::not_found(lang)),
        Err(SaveFailure::Store(e)) => Err(PageError::from_store(lang, e)),
        Err(failure) => {
            let problems = match failure {
                SaveFailure::Invalid { message, mut details, .. } => {
                    details.insert(0, FieldError::new("form", "summary", message));
                    details
                }
                SaveFailure::Conflict(message) => vec![FieldError::new("form", "conflict", message)],
                SaveFailure::Field(e) => vec![e],
                SaveFailure::Forbidden | SaveFailure::Store(_) => Vec::new(),
            };
            let page = report_page(
                &state,
                &caller,
                lang,
                &uri,
                &code,
                period,
                Entered { typed, explanation, problems, notice: None },
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// Form fields `decision` (`approve` or `return`) and `reason`.
async fn view_report_review_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path((code, period)): Path<(String, String)>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let (code, period) = parse_target(lang, &code, &period)?;
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(|e| PageError::from_store(lang, e))?;
    if !caller.user.role.may(Permission::ReviewReports) {
        crate::kit::auth::audit_denial(&state, &caller, "report", code.as_str()).await;
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let review = match crate::reports::parse_review(lang, fields.get("decision").unwrap_or(""), fields.get("reason")) {
        Ok(review) => review,
        Err(problem) => {
            let page = report_page(
                &state,
                &caller,
                lang,
                &uri,
                &code,
                period,
                Entered { problems: vec![problem], ..Entered::default() },
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let set = state.store.data_set(MONTHLY).await.map_err(|e| PageError::from_store(lang, e))?;
    match state
        .store
        .review_report(caller.scope(), set.data_set_id, enterprise.enterprise_id, period, &review, &caller.actor())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{code}/{period}?done=reviewed")).into_response()),
        Err(StoreError::Conflict(_)) => {
            let problems = vec![FieldError::new("form", "conflict", tr.t("report.not_submitted").to_owned())];
            let page =
                report_page(&state, &caller, lang, &uri, &code, period, Entered { problems, ..Entered::default() })
                    .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(PageError::from_store(lang, e)),
    }
}

pub struct QueueRow {
    pub row: ReportRow,
    pub status: &'static str,
    pub submitted: String,
    pub link: String,
}

pub struct StatusOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/review.html")]
pub struct ReviewPage {
    tr: Tr,
    layout: Layout,
    period: String,
    period_label: String,
    prev_link: String,
    next_link: Option<String>,
    statuses: Vec<StatusOption>,
    rows: Vec<QueueRow>,
    total: i64,
    can_review: bool,
    can_configure: bool,
    can_compare: bool,
}

fn queue_period(lang: Lang, text: Option<&str>) -> Result<Month, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Month::parse(t).map_err(|e| PageError::invalid(lang, FieldError::from_domain("period", &e, lang))),
        None => Ok(reporting_month()),
    }
}

async fn view_review_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<PeriodQuery>,
) -> Result<ReviewPage, PageError> {
    if matches!(caller.scope(), Scope::Department(_) | Scope::Enterprise(_)) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let period = queue_period(lang, query.period.as_deref())?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => Some(ReportStatus::Submitted),
        Some("all") => None,
        Some(text) => Some(ReportStatus::parse(text).ok_or_else(|| {
            PageError::invalid(
                lang,
                FieldError::new(
                    "status",
                    "unknown_value",
                    tr.f("error.unknown_value", &[("field", "status"), ("value", text)]),
                ),
            )
        })?),
    };
    let set = state.store.data_set(MONTHLY).await.map_err(|e| PageError::from_store(lang, e))?;
    let queue = state
        .store
        .review_queue(caller.scope(), set.data_set_id, period, status, Page::new(500, 0))
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    let options = [
        ("submitted", Some(ReportStatus::Submitted)),
        ("returned", Some(ReportStatus::Returned)),
        ("approved", Some(ReportStatus::Approved)),
        ("draft", Some(ReportStatus::Draft)),
        ("all", None),
    ];
    Ok(ReviewPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "reports", &caller),
        period: period.to_string(),
        period_label: period.label(lang),
        prev_link: format!("/reports/review?period={}", period.prev()),
        next_link: (period < reporting_month()).then(|| format!("/reports/review?period={}", period.next())),
        statuses: options
            .iter()
            .map(|(value, s)| StatusOption {
                value,
                label: tr.t(if *value == "all" { "filter.any" } else { status_key(*s) }),
                selected: *s == status,
            })
            .collect(),
        rows: queue
            .items
            .into_iter()
            .map(|row| QueueRow {
                status: tr.t(status_key(Some(row.status))),
                submitted: row.submitted_at.map(|t| tr.timestamp(t)).unwrap_or_default(),
                link: format!("/reports/{}/{period}", row.credit_code),
                row,
            })
            .collect(),
        total: queue.total,
        can_review: caller.user.role.may(Permission::ReviewReports),
        can_configure: caller.user.role.may(Permission::ConfigureReporting) && *caller.scope() == Scope::City,
        can_compare: matches!(caller.scope(), Scope::City | Scope::District(_)),
    })
}

/// Bulk approval: form fields `period` and one `code` per selected report.
async fn view_review_post(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !caller.user.role.may(Permission::ReviewReports) {
        return Err(PageError::not_found(lang));
    }
    let period = queue_period(lang, fields.get("period"))?;
    let set = state.store.data_set(MONTHLY).await.map_err(|e| PageError::from_store(lang, e))?;
    for code in fields.all("code") {
        let Ok(code) = CreditCode::parse(code) else { continue };
        let Ok(enterprise) = visible_enterprise(&state, &caller, &code).await else { continue };
        // A report no longer submitted (approved meanwhile by a colleague) is skipped.
        match state
            .store
            .review_report(
                caller.scope(),
                set.data_set_id,
                enterprise.enterprise_id,
                period,
                &Review::Approve,
                &caller.actor(),
            )
            .await
        {
            // Not submitted, or four eyes: it stays in the queue for someone else.
            Ok(_) | Err(StoreError::Conflict(_) | StoreError::FourEyes) => {}
            Err(e) => return Err(PageError::from_store(lang, e)),
        }
    }
    Ok(Redirect::to(&format!("/reports/review?period={period}")).into_response())
}
