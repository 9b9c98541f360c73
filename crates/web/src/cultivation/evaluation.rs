//! The yearly 亩均效益评价 (domain::mu): runs per year and group under a rule version, results
//! by class, district and park, publication with an objection window (公示), objections and
//! their resolution, re-scoring with a kept history, and the list of low-efficiency firms for
//! 一企一策. Pages under `/cultivation/mu`, JSON under `/api/v1/mu/…`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::evaluation::{self, UnitEfficiency};
use xinzhi_domain::mu::{Group, MuRules};
use xinzhi_domain::period::{days_of_yyyymmdd, yyyymmdd_of_days};
use xinzhi_domain::{Lang, MembershipKind, Permission};
use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
use xinzhi_store::StoreError;
use xinzhi_store::evaluation::{MuObjection, MuResultLine, MuRun, NewMuResult, ObjectionRefusal, RunStatus};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::files::xlsx;
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/mu", get(view_runs_get).post(view_runs_post))
        .route("/cultivation/mu/{id}", get(view_run_get).post(view_run_post))
        .route("/cultivation/mu/{id}/low-efficiency.xlsx", get(view_low_efficiency_get))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/mu/runs", get(api_runs).post(api_create_run))
        .route("/mu/runs/{id}", get(api_run))
        .route("/mu/runs/{id}/actions", post(api_run_action))
        .route("/mu/runs/{id}/objections", post(api_file_objection))
}

/// Days objections stay open after publication unless the analyst names a date.
const OBJECTION_DAYS: i64 = 7;

/// Results a run page lists (the API and the export give all).
const PAGE_RESULTS: usize = 200;

/// Who runs evaluations: the city's analysts.
fn runs_evaluations(caller: &Caller) -> bool {
    caller.user.role.may(Permission::RunEvaluations)
}

/// Who sees runs: every scoped role but departments (a firm sees its own result).
fn sees_runs(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReadEvaluations)
}

fn parse_group(lang: Lang, text: Option<&str>) -> Result<Group, ApiError> {
    let text = text.map(str::trim).unwrap_or("above_scale");
    Group::parse(text).ok_or_else(|| {
        ApiError::invalid("group", "evaluation.group", Tr::new(lang).f("mu.unknown_group", &[("group", text)]))
    })
}

/// Evaluates a group for a year under `rules` with the current profiles.
async fn score(
    state: &AppState,
    lang: Lang,
    rules: &MuRules,
    group: Group,
    year: i32,
) -> Result<Vec<NewMuResult>, ApiError> {
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let Some(group_rules) = rules.group(group) else {
        return Err(ApiError::invalid(
            "group",
            "evaluation.group",
            Tr::new(lang).f("mu.no_group_rules", &[("group", group.as_str())]),
        ));
    };
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    let profiles = engine.profiles().await.map_err(engine_error)?;
    let cube = engine.read().await.map_err(engine_error)?;
    Ok(evaluation::evaluate(&cube, &profiles, group_rules, year).into_iter().map(NewMuResult::from).collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewRun {
    pub year: Option<i32>,
    pub group: Option<String>,
    pub version: Option<String>,
}

async fn create_run(state: &AppState, caller: &Caller, lang: Lang, input: &NewRun) -> Result<MuRun, ApiError> {
    if !runs_evaluations(caller) {
        audit_denial(state, caller, "mu", "run.create").await;
        return Err(ApiError::NotFound(lang));
    }
    let year_text = input.year.map(|y| y.to_string());
    let year = crate::kit::query::parse_profile_year(lang, year_text.as_deref()).map_err(ApiError::Invalid)?.0;
    let group = parse_group(lang, input.group.as_deref())?;
    let rules: MuRules = crate::kit::rules::rules_of(state, lang, input.version.as_deref()).await?;
    let results = score(state, lang, &rules, group, year).await?;
    if results.is_empty() {
        return Err(ApiError::invalid(
            "year",
            "mu.no_firms",
            Tr::new(lang).f("mu.no_firms", &[("year", &year.to_string())]),
        ));
    }
    let id = state
        .store
        .create_mu_run(caller.scope(), year, group, &rules.version, &results, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    state.store.mu_run(id).await.map_err(|e| ApiError::from_store(lang, e))
}

/// An action on a run.
#[derive(Debug, Default, Deserialize)]
pub struct RunAction {
    /// `publish`, `finalize`, `rescore` or `resolve`.
    pub action: String,
    /// publish: the last day objections are accepted (yyyy-mm-dd), default a week from today.
    pub until: Option<String>,
    /// rescore: the rule version (default: the one in force today).
    pub version: Option<String>,
    /// resolve: the objection, whether it is upheld, and the answer.
    pub objection: Option<i64>,
    pub upheld: Option<bool>,
    pub response: Option<String>,
}

fn parse_until(lang: Lang, text: Option<&str>) -> Result<i64, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        let days = days_of_yyyymmdd(crate::kit::auth::today()).unwrap_or(0);
        return Ok(yyyymmdd_of_days(days + OBJECTION_DAYS));
    };
    crate::kit::query::yyyymmdd_of(text).filter(|d| *d >= crate::kit::auth::today()).ok_or_else(|| {
        ApiError::invalid("until", "evaluation.until", Tr::new(lang).f("mu.bad_until", &[("date", text)]))
    })
}

async fn act(state: &AppState, caller: &Caller, lang: Lang, run: i64, action: &RunAction) -> Result<MuRun, ApiError> {
    if !runs_evaluations(caller) {
        audit_denial(state, caller, "mu", "run.action").await;
        return Err(ApiError::NotFound(lang));
    }
    let store_error = |e: StoreError| match e {
        StoreError::Conflict(message) => ApiError::Conflict { message: conflict_message(lang, &message) },
        other => ApiError::from_store(lang, other),
    };
    let record = state.store.mu_run(run).await.map_err(|e| ApiError::from_store(lang, e))?;
    let actor = caller.actor();
    match action.action.as_str() {
        "publish" => {
            let until = parse_until(lang, action.until.as_deref())?;
            state.store.publish_mu_run(caller.scope(), run, until, &actor).await.map_err(store_error)?;
        }
        "finalize" => state.store.finalize_mu_run(caller.scope(), run, &actor).await.map_err(store_error)?,
        "rescore" => {
            let rules: MuRules = crate::kit::rules::rules_of(state, lang, action.version.as_deref()).await?;
            let results = score(state, lang, &rules, record.group, record.year).await?;
            state
                .store
                .rescore_mu_run(caller.scope(), run, &rules.version, &results, &actor)
                .await
                .map_err(store_error)?;
        }
        "resolve" => {
            let objection = action.objection.ok_or_else(|| {
                ApiError::invalid(
                    "objection",
                    "evaluation.objection",
                    Tr::new(lang).t("mu.objection_missing").to_owned(),
                )
            })?;
            let response = action.response.as_deref().map(str::trim).unwrap_or("");
            if response.is_empty() {
                return Err(ApiError::invalid(
                    "response",
                    "evaluation.response",
                    Tr::new(lang).t("mu.response_missing").to_owned(),
                ));
            }
            let upheld = action.upheld.unwrap_or(false);
            state
                .store
                .resolve_mu_objection(caller.scope(), objection, upheld, response, &actor)
                .await
                .map_err(store_error)?;
        }
        other => {
            return Err(ApiError::invalid(
                "action",
                "evaluation.action",
                Tr::new(lang).f("mu.unknown_action", &[("action", other)]),
            ));
        }
    }
    state.store.mu_run(run).await.map_err(|e| ApiError::from_store(lang, e))
}

/// The store's conflicts in the user's language.
fn conflict_message(lang: Lang, message: &str) -> String {
    let tr = Tr::new(lang);
    if message.contains("final") {
        tr.t("mu.is_final").to_owned()
    } else if message.contains("draft") {
        tr.t("mu.publish_first").to_owned()
    } else if message.contains("objections are open") {
        tr.t("mu.objections_open").to_owned()
    } else if message.contains("resolved already") {
        tr.t("mu.resolved_already").to_owned()
    } else {
        message.to_owned()
    }
}

/// Files an objection for a firm the caller sees (a firm for itself; officers for their firms).
async fn file_objection(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    run: i64,
    credit_code: &str,
    reason: &str,
) -> Result<i64, ApiError> {
    let tr = Tr::new(lang);
    let code = xinzhi_domain::CreditCode::parse(credit_code)
        .map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    let enterprise =
        crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let reason = reason.trim();
    if reason.chars().count() < 5 {
        return Err(ApiError::invalid("reason", "evaluation.reason", tr.t("mu.reason_short").to_owned()));
    }
    match state
        .store
        .file_mu_objection(
            caller.scope(),
            run,
            enterprise.enterprise_id,
            reason,
            crate::kit::auth::today(),
            &caller.actor(),
        )
        .await
        .map_err(|e| ApiError::from_store(lang, e))?
    {
        Ok(id) => Ok(id),
        Err(ObjectionRefusal::WindowClosed) => Err(ApiError::Conflict { message: tr.t("mu.window_closed").to_owned() }),
        Err(ObjectionRefusal::AlreadyOpen) => Err(ApiError::Conflict { message: tr.t("mu.already_open").to_owned() }),
    }
}

// -------------------------------------------------------------------------------- the API

/// `GET /api/v1/mu/runs`: the 亩均 evaluation runs with their state (draft, published, final).
async fn api_runs(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<MuRun>>, ApiError> {
    if !sees_runs(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(state.store.mu_runs(None).await.map_err(|e| ApiError::from_store(lang, e))?))
}

/// `POST /api/v1/mu/runs` with `{"year": 2024, "group": "above_scale", "version": null}`.
async fn api_create_run(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<NewRun>,
) -> Result<(StatusCode, Json<MuRun>), ApiError> {
    Ok((StatusCode::CREATED, Json(create_run(&state, &caller, lang, &input).await?)))
}

#[derive(Debug, Default, Deserialize)]
pub struct RunQuery {
    pub revision: Option<i64>,
}

#[derive(Serialize)]
pub struct RunAnswer {
    pub run: MuRun,
    pub revision: i64,
    pub classes: std::collections::BTreeMap<String, usize>,
    pub by_district: Vec<UnitEfficiency>,
    pub by_park: Vec<UnitEfficiency>,
    pub results: Vec<MuResultLine>,
    pub objections: Vec<MuObjection>,
}

async fn run_answer(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    run: i64,
    revision: Option<i64>,
) -> Result<RunAnswer, ApiError> {
    let store_error = |e| ApiError::from_store(lang, e);
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let record = state.store.mu_run(run).await.map_err(store_error)?;
    let results = state.store.mu_results(caller.scope(), run, revision).await.map_err(store_error)?;
    let objections = state.store.mu_objections(caller.scope(), run).await.map_err(store_error)?;
    let mut classes = std::collections::BTreeMap::new();
    for r in &results {
        *classes.entry(r.class.clone().unwrap_or_else(|| "T".into())).or_insert(0) += 1;
    }
    let (by_district, by_park) = if caller.user.role.may(Permission::ReadMonitoring) {
        let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
        let profiles = engine.profiles().await.map_err(engine_error)?;
        let names = engine.names().await;
        let cube = engine.read().await.map_err(engine_error)?;
        let lines: Vec<_> = results.iter().map(|r| (r.enterprise_id, r.class.clone())).collect();
        let unit =
            |kind| evaluation::by_unit(&cube, &names, &profiles, caller.scope(), &lines, kind, record.year, lang);
        (unit(MembershipKind::District), unit(MembershipKind::Park))
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(RunAnswer {
        revision: revision.unwrap_or(record.revision),
        run: record,
        classes,
        by_district,
        by_park,
        results,
        objections,
    })
}

/// `GET /api/v1/mu/runs/{id}?revision=`: the run, class counts, districts and parks, every
/// result visible to the caller and the objections.
async fn api_run(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<RunQuery>,
) -> Result<Json<RunAnswer>, ApiError> {
    if !sees_runs(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(run_answer(&state, &caller, lang, id, query.revision).await?))
}

/// `POST /api/v1/mu/runs/{id}/actions` with `{"action": "publish", "until": "2025-07-31"}`,
/// `{"action": "rescore", "version": …}`, `{"action": "finalize"}` or
/// `{"action": "resolve", "objection": 3, "upheld": true, "response": "…"}`.
async fn api_run_action(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(action): JsonBody<RunAction>,
) -> Result<Json<MuRun>, ApiError> {
    Ok(Json(act(&state, &caller, lang, id, &action).await?))
}

#[derive(Debug, Deserialize)]
pub struct ObjectionInput {
    pub credit_code: String,
    pub reason: String,
}

#[derive(Serialize)]
pub struct ObjectionFiled {
    pub mu_objection_id: i64,
}

/// `POST /api/v1/mu/runs/{id}/objections` with `{"credit_code": …, "reason": …}`: while the
/// run is published and its window open; 409 otherwise or when one is open already.
async fn api_file_objection(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ObjectionInput>,
) -> Result<(StatusCode, Json<ObjectionFiled>), ApiError> {
    if !sees_runs(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    let filed = file_objection(&state, &caller, lang, id, &input.credit_code, &input.reason).await?;
    Ok((StatusCode::CREATED, Json(ObjectionFiled { mu_objection_id: filed })))
}

// ------------------------------------------------------------------------------ the pages

pub struct RunRow {
    pub id: i64,
    pub year: i32,
    pub group: &'static str,
    pub version: String,
    pub status: &'static str,
    pub revision: i64,
    pub until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/mu_runs.html")]
pub struct RunsPage {
    tr: Tr,
    layout: Layout,
    runs: Vec<RunRow>,
    editable: bool,
    year: i32,
    versions: Vec<String>,
    problem: Option<String>,
}

fn status_label(tr: Tr, status: RunStatus) -> &'static str {
    match status {
        RunStatus::Draft => tr.t("mu.status.draft"),
        RunStatus::Published => tr.t("mu.status.published"),
        RunStatus::Final => tr.t("mu.status.final"),
    }
}

async fn runs_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problem: Option<String>,
) -> Result<RunsPage, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let runs = state.store.mu_runs(None).await.map_err(store_error)?;
    let mut versions: Vec<String> =
        state.store.rule_sets("mu").await.map_err(store_error)?.into_iter().map(|r| r.version).collect();
    if versions.is_empty() {
        let shipped = xinzhi_domain::mu::huangyan_2022().map_err(|e| PageError::internal(lang, &e))?;
        versions.push(shipped.version);
    }
    let last_year = xinzhi_app::clock::current_month().year() - 1;
    let year = state.store.profile_years().await.map_err(store_error)?.first().copied().unwrap_or(last_year);
    Ok(RunsPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "cultivation", caller),
        runs: runs
            .into_iter()
            .map(|r| RunRow {
                id: r.mu_run_id,
                year: r.year,
                group: r.group.label(lang),
                version: r.rule_version,
                status: status_label(tr, r.status),
                revision: r.revision,
                until: r.objection_until.map_or_else(String::new, |d| tr.date(d)),
            })
            .collect(),
        editable: runs_evaluations(caller),
        year,
        versions,
        problem,
    })
}

async fn view_runs_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<RunsPage, PageError> {
    if !sees_runs(&caller) {
        return Err(PageError::not_found(lang));
    }
    runs_page(&state, &caller, lang, &uri, None).await
}

/// `POST /cultivation/mu` (`year`, `group`, `version`): evaluates and opens the new run.
async fn view_runs_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = NewRun {
        year: fields.get("year").and_then(|y| y.trim().parse().ok()),
        group: fields.get("group").map(str::to_owned),
        version: fields.get("version").map(str::to_owned),
    };
    match create_run(&state, &caller, lang, &input).await {
        Ok(run) => Ok(Redirect::to(&format!("/cultivation/mu/{}", run.mu_run_id)).into_response()),
        Err(ApiError::Invalid(e)) => {
            let page = runs_page(&state, &caller, lang, &uri, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}

pub struct ResultRow {
    pub rank: String,
    pub name: String,
    pub href: String,
    pub class: String,
    pub total: String,
    pub items: Vec<String>,
}

pub struct UnitRow {
    pub name: String,
    pub firms: usize,
    pub classes: Vec<usize>,
    pub tax_per_mu: String,
    pub growth: String,
}

pub struct ObjectionRow {
    pub id: i64,
    pub name: String,
    pub reason: String,
    pub status: &'static str,
    pub open: bool,
    pub response: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/mu_run.html")]
pub struct RunPage {
    tr: Tr,
    layout: Layout,
    id: i64,
    title: String,
    version: String,
    status: &'static str,
    revision: i64,
    revisions: Vec<i64>,
    shown_revision: i64,
    until: String,
    window_open: bool,
    class_codes: Vec<String>,
    class_counts: Vec<usize>,
    item_names: Vec<String>,
    results: Vec<ResultRow>,
    more: usize,
    districts: Vec<UnitRow>,
    parks: Vec<UnitRow>,
    objections: Vec<ObjectionRow>,
    editable: bool,
    final_: bool,
    versions: Vec<String>,
    /// Firms the caller may object for (its own, for a firm).
    own_firms: Vec<(String, String)>,
    problem: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RunPageQuery {
    pub revision: Option<i64>,
    pub done: Option<String>,
}

/// An indicator's name with its unit, when it has one.
fn indicator_heading(tr: Tr, indicator: &xinzhi_domain::mu::Indicator) -> String {
    let name = tr.pick(&indicator.name_zh, &indicator.name_en);
    if indicator.unit.is_empty() { name.to_owned() } else { format!("{name}（{}）", indicator.unit) }
}

async fn run_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    revision: Option<i64>,
) -> Result<RunPage, PageError> {
    let tr = Tr::new(lang);
    let answer = run_answer(state, caller, lang, id, revision).await.map_err(|e| PageError::from_api(lang, e))?;
    let rules = state.store.mu_rules(Some(&answer.run.rule_version), 0).await.ok();
    let group_rules = rules.as_ref().and_then(|r| r.group(answer.run.group));
    let class_codes: Vec<String> = group_rules
        .map(|g| g.classes.iter().map(|c| c.code.clone()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(std::iter::once("T".to_owned()))
        .collect();
    let item_names: Vec<String> =
        group_rules.map(|g| g.indicators.iter().map(|i| indicator_heading(tr, i)).collect()).unwrap_or_default();
    let unit_rows = |units: &[UnitEfficiency]| -> Vec<UnitRow> {
        units
            .iter()
            .map(|u| UnitRow {
                name: u.name.clone(),
                firms: u.firms,
                classes: class_codes.iter().map(|c| u.classes.get(c).copied().unwrap_or(0)).collect(),
                tax_per_mu: u.tax_per_mu.map_or_else(|| "—".into(), |v| tr.number(v, 2)),
                growth: u.tax_per_mu_growth_pct.map_or_else(|| "—".into(), |g| tr.growth(Some(g))),
            })
            .collect()
    };
    let results = answer
        .results
        .iter()
        .take(PAGE_RESULTS)
        .map(|r| ResultRow {
            rank: r.rank.map_or_else(|| "—".into(), |k| k.to_string()),
            name: r.name.clone(),
            href: format!("/enterprises/{}", r.credit_code),
            class: r.class.clone().unwrap_or_else(|| tr.t("mu.class_t").to_owned()),
            total: tr.number(r.total, 2),
            items: r
                .items
                .iter()
                .map(|i| match i.value {
                    Some(v) => format!("{} → {}", tr.number(v, 2), tr.number(i.points, 2)),
                    None => format!("— → {}*", tr.number(i.points, 2)),
                })
                .collect(),
        })
        .collect();
    let store_error = |e| PageError::from_store(lang, e);
    let versions = state.store.rule_sets("mu").await.map_err(store_error)?.into_iter().map(|r| r.version).collect();
    let own_firms = if caller.user.role == xinzhi_domain::Role::EnterpriseReporter {
        answer.results.iter().map(|r| (r.credit_code.clone(), r.name.clone())).collect()
    } else {
        Vec::new()
    };
    let window_open = answer.run.status == RunStatus::Published
        && answer.run.objection_until.is_some_and(|u| crate::kit::auth::today() <= u);
    let (districts, parks) = (unit_rows(&answer.by_district), unit_rows(&answer.by_park));
    Ok(RunPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "cultivation", caller),
        id,
        title: format!("{}年度 {}", answer.run.year, answer.run.group.label(lang)),
        version: answer.run.rule_version.clone(),
        status: status_label(tr, answer.run.status),
        revision: answer.run.revision,
        revisions: (1..=answer.run.revision).rev().collect(),
        shown_revision: answer.revision,
        until: answer.run.objection_until.map_or_else(String::new, |d| tr.date(d)),
        window_open,
        class_counts: class_codes.iter().map(|c| answer.classes.get(c).copied().unwrap_or(0)).collect(),
        class_codes,
        item_names,
        more: answer.results.len().saturating_sub(PAGE_RESULTS),
        results,
        districts,
        parks,
        objections: answer
            .objections
            .iter()
            .map(|o| ObjectionRow {
                id: o.mu_objection_id,
                name: o.name.clone(),
                reason: o.reason.clone(),
                status: match o.status {
                    xinzhi_store::evaluation::ObjectionStatus::Open => tr.t("mu.objection.open"),
                    xinzhi_store::evaluation::ObjectionStatus::Upheld => tr.t("mu.objection.upheld"),
                    xinzhi_store::evaluation::ObjectionStatus::Rejected => tr.t("mu.objection.rejected"),
                },
                open: o.status == xinzhi_store::evaluation::ObjectionStatus::Open,
                response: o.response.clone().unwrap_or_default(),
            })
            .collect(),
        editable: runs_evaluations(caller),
        final_: answer.run.status == RunStatus::Final,
        versions,
        own_firms,
        problem: None,
        done: None,
    })
}

async fn view_run_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<RunPageQuery>,
) -> Result<RunPage, PageError> {
    if !sees_runs(&caller) {
        return Err(PageError::not_found(lang));
    }
    let mut page = run_page(&state, &caller, lang, &uri, id, query.revision).await?;
    page.done = query.done.map(|d| match d.as_str() {
        "objection" => Tr::new(lang).t("mu.objection_filed").to_owned(),
        _ => Tr::new(lang).t("mu.saved").to_owned(),
    });
    Ok(page)
}

/// `POST /cultivation/mu/{id}`: `action` = publish (`until`), finalize, rescore (`version`),
/// resolve (`objection`, `upheld`, `response`) or object (`credit_code`, `reason`).
async fn view_run_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !sees_runs(&caller) {
        return Err(PageError::not_found(lang));
    }
    let action = fields.get("action").unwrap_or("").to_owned();
    let outcome = if action == "object" {
        let code = fields.get("credit_code").unwrap_or("");
        file_objection(&state, &caller, lang, id, code, fields.get("reason").unwrap_or("")).await.map(|_| "objection")
    } else {
        let input = RunAction {
            action: action.clone(),
            until: fields.get("until").map(str::to_owned),
            version: fields.get("version").map(str::to_owned),
            objection: fields.get("objection").and_then(|o| o.parse().ok()),
            upheld: fields.get("upheld").map(|u| u == "true"),
            response: fields.get("response").map(str::to_owned),
        };
        act(&state, &caller, lang, id, &input).await.map(|_| "saved")
    };
    match outcome {
        Ok(done) => Ok(Redirect::to(&format!("/cultivation/mu/{id}?done={done}")).into_response()),
        Err(ApiError::Invalid(FieldError { message, .. })) | Err(ApiError::Conflict { message }) => {
            let mut page = run_page(&state, &caller, lang, &uri, id, None).await?;
            page.problem = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}

/// `GET /cultivation/mu/{id}/low-efficiency.xlsx`: the lowest class with land and every item,
/// the list for 一企一策.
async fn view_low_efficiency_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let run = state.store.mu_run(id).await.map_err(store_error)?;
    let rules = state.store.mu_rules(Some(&run.rule_version), 0).await.map_err(store_error)?;
    let group = rules.group(run.group);
    let lowest = group.and_then(|g| g.classes.last()).map(|c| c.code.clone()).unwrap_or_else(|| "D".into());
    let results = state.store.mu_results(caller.scope(), id, None).await.map_err(store_error)?;
    let mut headers: Vec<String> =
        [tr.t("col.credit_code"), tr.t("col.name"), tr.t("mu.col_land"), tr.t("mu.col_total"), tr.t("mu.col_rank")]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
    headers.extend(
        group.into_iter().flat_map(|g| g.indicators.iter().map(|i| tr.pick(&i.name_zh, &i.name_en).to_owned())),
    );
    let rows = results
        .iter()
        .filter(|r| r.class.as_deref() == Some(lowest.as_str()))
        .map(|r| {
            let mut row = vec![
                TableCell::Text(r.credit_code.clone()),
                TableCell::Text(r.name.clone()),
                r.land_mu.map_or(TableCell::Empty, TableCell::Number),
                TableCell::Number((r.total * 100.0).round() / 100.0),
                r.rank.map_or(TableCell::Empty, |k| TableCell::Number(k as f64)),
            ];
            row.extend(r.items.iter().map(|i| i.value.map_or(TableCell::Empty, TableCell::Number)));
            row
        })
        .collect();
    let sheet = TableSheet {
        name: tr.t("mu.low_efficiency").to_owned(),
        title: format!(
            "{}年度 {} {}（{}）",
            run.year,
            run.group.label(lang),
            tr.t("mu.low_efficiency"),
            run.rule_version
        ),
        headers,
        rows,
    };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(xlsx(bytes, &format!("{}-{}.xlsx", tr.t("mu.low_efficiency"), run.year)))
}
