//! Key projects (重点项目): registration within the caller's scope, stages with their dates,
//! the year's plan and monthly completed investment, progress against time with a light, the
//! 开工率 and 投产率, and counts and sums by district, stage and chain ("新引进投资5000万元以上
//! 项目N个"). Pages under `/projects`, JSON under `/api/v1/projects`.

pub(crate) mod project_import;

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::project::{InvestmentProgress, LARGE_PROJECT_WAN, ProjectStage, Rate, investment_progress};
use xinzhi_domain::targets::Light;
use xinzhi_domain::{Lang, Month, Permission};
use xinzhi_store::projects::{NewProject, Project};
use xinzhi_store::{ChainId, ParkId, RegionId, StoreError};

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
        .route("/projects", get(view_list_get).post(view_list_post))
        .route("/projects/{id}", get(view_project_get).post(view_project_post))
        .route("/projects.xlsx", get(view_projects_xlsx))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/projects", get(api_list).post(api_create))
        .route("/projects/{id}", get(api_project))
        .route("/projects/{id}/stage", post(api_stage))
        .route("/projects/{id}/plan", post(api_plan))
        .route("/projects/{id}/investments", post(api_investment))
}

pub(crate) fn parse_amount(lang: Lang, field: &str, text: &str, positive: bool) -> Result<f64, FieldError> {
    xinzhi_domain::text::parse_number(text)
        .filter(|v| v.is_finite() && if positive { *v > 0.0 } else { *v >= 0.0 } && *v < 1e9)
        .ok_or_else(|| {
            FieldError::new(field, "number.invalid", Tr::new(lang).f("projects.bad_amount", &[("value", text.trim())]))
        })
}

/// Who registers and reports projects: officers of the city, districts and parks.
pub(crate) fn writes_projects(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ManageCultivation)
}

/// A project as entered.
#[derive(Debug, Default, Deserialize)]
pub struct ProjectInput {
    pub name: Option<String>,
    pub investor: Option<String>,
    /// The district's code (436002).
    pub district: Option<String>,
    /// The park's code (XZETDZ).
    pub park: Option<String>,
    /// The chain's code (rare_earth).
    pub chain: Option<String>,
    /// 万元.
    pub total_investment: Option<String>,
    #[serde(default)]
    pub is_new: bool,
    #[serde(default)]
    pub ten_major: bool,
    pub signed_on: Option<String>,
    pub planned_start: Option<String>,
    pub planned_producing: Option<String>,
}

/// The districts, parks and chains a project may name, by code and by Chinese name, read once
/// for a form or a whole imported list.
pub(crate) struct Places {
    districts: Vec<(String, String, RegionId)>,
    parks: Vec<(String, String, ParkId)>,
    chains: Vec<(String, String, ChainId)>,
}

impl Places {
    pub(crate) async fn load(state: &AppState) -> Result<Places, StoreError> {
        let districts = state
            .store
            .list_regions()
            .await?
            .into_iter()
            .map(|r| (r.code.to_string(), r.name_zh, r.region_id))
            .collect();
        let parks = state.store.list_parks().await?.into_iter().map(|p| (p.code, p.name_zh, p.park_id)).collect();
        let chains = state
            .store
            .list_clusters()
            .await?
            .into_iter()
            .flat_map(|(_, chains)| chains.into_iter().map(|c| (c.code, c.name_zh, c.chain_id)))
            .collect();
        Ok(Places { districts, parks, chains })
    }

    /// The code of whatever `text` names by code or by name; the text itself when nothing is
    /// (so that the check names what was written).
    pub(crate) fn code_of<'a, Id>(text: &'a str, known: &'a [(String, String, Id)]) -> &'a str {
        known.iter().find(|(code, name, _)| code == text || name == text).map_or(text, |(code, _, _)| code.as_str())
    }

    pub(crate) fn district_code<'a>(&'a self, text: &'a str) -> &'a str {
        Places::code_of(text, &self.districts)
    }

    pub(crate) fn park_code<'a>(&'a self, text: &'a str) -> &'a str {
        Places::code_of(text, &self.parks)
    }

    pub(crate) fn chain_code<'a>(&'a self, text: &'a str) -> &'a str {
        Places::code_of(text, &self.chains)
    }
}

fn id_of<Id: Copy>(code: &str, known: &[(String, String, Id)]) -> Option<Id> {
    known.iter().find(|(c, _, _)| c == code).map(|(_, _, id)| *id)
}

/// Checks a project as entered, every field at once; the problems of each wrong field.
pub(crate) fn check_input(places: &Places, lang: Lang, input: &ProjectInput) -> Result<NewProject, Vec<FieldError>> {
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let (name, investor) = (text(&input.name), text(&input.investor));
    for (field, value) in [("name", &name), ("investor", &investor)] {
        if value.is_empty() || value.chars().count() > 200 {
            problems.push(FieldError::new(field, "required", tr.t("projects.bad_text").to_owned()));
        }
    }
    let region = id_of(&text(&input.district), &places.districts);
    if region.is_none() {
        problems.push(FieldError::new(
            "district",
            "projects.district",
            tr.f("projects.bad_district", &[("district", &text(&input.district))]),
        ));
    }
    let park = match text(&input.park).as_str() {
        "" => None,
        code => {
            let found = id_of(code, &places.parks);
            if found.is_none() {
                problems.push(FieldError::new("park", "projects.park", tr.f("projects.bad_park", &[("park", code)])));
            }
            found
        }
    };
    let chain = match text(&input.chain).as_str() {
        "" => None,
        code => {
            let found = id_of(code, &places.chains);
            if found.is_none() {
                problems.push(FieldError::new(
                    "chain",
                    "projects.chain",
                    tr.f("projects.bad_chain", &[("chain", code)]),
                ));
            }
            found
        }
    };
    let total = parse_amount(lang, "total_investment", &text(&input.total_investment), true);
    if let Err(e) = &total {
        problems.push(e.clone());
    }
    let mut date = |field: &'static str, value: &Option<String>| match crate::kit::query::parse_date(
        lang,
        field,
        value.as_deref(),
    ) {
        Ok(d) => d,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let signed_on = date("signed_on", &input.signed_on);
    let planned_start = date("planned_start", &input.planned_start);
    let planned_producing = date("planned_producing", &input.planned_producing);
    match (problems.len(), region, total) {
        (0, Some(region_id), Ok(total_investment)) => Ok(NewProject {
            name,
            investor,
            region_id,
            park_id: park,
            chain_id: chain,
            is_new: input.is_new,
            ten_major: input.ten_major,
            total_investment,
            planned_start,
            planned_producing,
            signed_on,
        }),
        _ => Err(problems),
    }
}

async fn create(state: &AppState, caller: &Caller, lang: Lang, input: &ProjectInput) -> Result<Project, ApiError> {
    if !writes_projects(caller) {
        audit_denial(state, caller, "projects", "create").await;
        return Err(ApiError::NotFound(lang));
    }
    let places = Places::load(state).await.map_err(|e| ApiError::from_store(lang, e))?;
    let new = check_input(&places, lang, input).map_err(|p| ApiError::refused(lang, "projects.problems", p))?;
    let store_error = |e| ApiError::from_store(lang, e);
    let id = state.store.create_project(caller.scope(), &new, &caller.actor()).await.map_err(store_error)?;
    state.store.project(caller.scope(), id).await.map_err(store_error)
}

/// A project with the year's progress.
#[derive(Serialize)]
pub struct ProjectLine {
    #[serde(flatten)]
    pub project: Project,
    pub large: bool,
    pub investment: InvestmentProgress,
}

/// Counts and sums of a group of projects.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub projects: usize,
    pub total_investment: f64,
    pub planned: f64,
    pub completed: f64,
}

#[derive(Serialize)]
pub struct Summary {
    pub month: Month,
    pub all: Tally,
    /// 亿元以上项目.
    pub large: Tally,
    /// 十大产业项目.
    pub ten_major: Tally,
    pub investment: InvestmentProgress,
    /// 开工率: new projects planned to start this year that have started by the month.
    pub start_rate: Rate,
    /// 投产率: projects planned to produce this year that produce by the month.
    pub producing_rate: Rate,
    pub by_district: BTreeMap<String, Tally>,
    pub by_stage: BTreeMap<ProjectStage, Tally>,
    pub by_chain: BTreeMap<String, Tally>,
    pub projects: Vec<ProjectLine>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SummaryQuery {
    pub month: Option<String>,
}

fn add(tally: &mut Tally, line: &ProjectLine) {
    tally.projects += 1;
    tally.total_investment += line.project.total_investment;
    tally.planned += line.investment.planned_wan;
    tally.completed += line.investment.completed_wan;
}

async fn summary(state: &AppState, caller: &Caller, lang: Lang, query: &SummaryQuery) -> Result<Summary, ApiError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        audit_denial(state, caller, "projects", "list").await;
        return Err(ApiError::NotFound(lang));
    }
    let store_error = |e| ApiError::from_store(lang, e);
    let month = crate::kit::query::parse_optional_month(lang, query.month.as_deref())
        .map_err(ApiError::Invalid)?
        .unwrap_or_else(xinzhi_app::clock::current_month);
    let projects = state.store.projects(caller.scope()).await.map_err(store_error)?;
    let investments = state.store.project_investments(caller.scope(), month).await.map_err(store_error)?;
    let month_end = month.yyyymm() * 100 + 31;
    let in_year = |date: Option<i64>| date.is_some_and(|d| d / 10_000 == i64::from(month.year()));
    let reached = |date: Option<i64>| date.is_some_and(|d| d <= month_end);
    let (mut starts, mut started, mut producings, mut produced) = (0, 0, 0, 0);
    let mut out = Summary {
        month,
        all: Tally::default(),
        large: Tally::default(),
        ten_major: Tally::default(),
        investment: investment_progress(0.0, 0.0, month),
        start_rate: Rate::new(0, 0),
        producing_rate: Rate::new(0, 0),
        by_district: BTreeMap::new(),
        by_stage: BTreeMap::new(),
        by_chain: BTreeMap::new(),
        projects: Vec::new(),
    };
    for project in projects {
        let (planned, completed) = investments.get(&project.project_id).copied().unwrap_or((None, 0.0));
        let line = ProjectLine {
            large: project.total_investment >= LARGE_PROJECT_WAN,
            investment: investment_progress(planned.unwrap_or(0.0), completed, month),
            project,
        };
        if line.project.is_new && in_year(line.project.planned_start) {
            starts += 1;
            started += usize::from(reached(line.project.stage_dates[1]) || reached(line.project.stage_dates[2]));
        }
        if in_year(line.project.planned_producing) {
            producings += 1;
            produced += usize::from(reached(line.project.stage_dates[4]));
        }
        add(&mut out.all, &line);
        if line.large {
            add(&mut out.large, &line);
        }
        if line.project.ten_major {
            add(&mut out.ten_major, &line);
        }
        add(out.by_district.entry(line.project.region.clone()).or_default(), &line);
        add(out.by_stage.entry(line.project.stage).or_default(), &line);
        let chain = line.project.chain.clone().unwrap_or_else(|| Tr::new(lang).t("projects.no_chain").to_owned());
        add(out.by_chain.entry(chain).or_default(), &line);
        out.projects.push(line);
    }
    out.investment = investment_progress(out.all.planned, out.all.completed, month);
    out.start_rate = Rate::new(started, starts);
    out.producing_rate = Rate::new(produced, producings);
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
pub struct StageInput {
    pub stage: String,
    /// yyyy-mm-dd.
    pub date: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PlanInput {
    pub year: i32,
    pub planned: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct InvestmentInput {
    /// yyyy-mm.
    pub month: String,
    pub amount: String,
}

/// What a project's page can change.
enum Change {
    Stage(StageInput),
    Plan(PlanInput),
    Investment(InvestmentInput),
}

async fn change(state: &AppState, caller: &Caller, lang: Lang, id: i64, change: Change) -> Result<Project, ApiError> {
    if !writes_projects(caller) {
        audit_denial(state, caller, "projects", "change").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let actor = caller.actor();
    let store = &state.store;
    let store_error = |e| match e {
        StoreError::Conflict(_) => ApiError::Conflict { message: tr.t("projects.stage_back").to_owned() },
        other => ApiError::from_store(lang, other),
    };
    match change {
        Change::Stage(input) => {
            let stage = ProjectStage::parse(input.stage.trim()).ok_or_else(|| {
                ApiError::invalid("stage", "projects.stage", tr.f("projects.stage", &[("stage", input.stage.trim())]))
            })?;
            let date = crate::kit::query::parse_date(lang, "date", Some(&input.date))
                .map_err(ApiError::Invalid)?
                .ok_or_else(|| ApiError::invalid("date", "required", tr.t("policies.required").to_owned()))?;
            store.move_project(caller.scope(), id, stage, date, &actor).await.map_err(store_error)?;
        }
        Change::Plan(input) => {
            if !(2000..=2100).contains(&input.year) {
                return Err(ApiError::invalid(
                    "year",
                    "projects.year",
                    tr.f("projects.year", &[("year", &input.year.to_string())]),
                ));
            }
            let planned = parse_amount(lang, "planned", &input.planned, false).map_err(ApiError::Invalid)?;
            store.plan_project(caller.scope(), id, input.year, planned, &actor).await.map_err(store_error)?;
        }
        Change::Investment(input) => {
            let month = Month::parse(input.month.trim())
                .map_err(|e| ApiError::Invalid(FieldError::from_domain("month", &e, lang)))?;
            let amount = parse_amount(lang, "amount", &input.amount, false).map_err(ApiError::Invalid)?;
            store.report_project_investment(caller.scope(), id, month, amount, &actor).await.map_err(store_error)?;
        }
    }
    store.project(caller.scope(), id).await.map_err(|e| ApiError::from_store(lang, e))
}

// -------------------------------------------------------------------------------- the API

/// `GET /api/v1/projects?month=`: every project of the scope with the year's progress, the
/// rates, and counts and sums by district, stage and chain.
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<SummaryQuery>,
) -> Result<Json<Summary>, ApiError> {
    Ok(Json(summary(&state, &caller, lang, &query).await?))
}

/// `POST /api/v1/projects` with `{name, investor, district, park?, chain?, total_investment,
/// is_new, ten_major, signed_on?, planned_start?, planned_producing?}`.
async fn api_create(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<ProjectInput>,
) -> Result<(StatusCode, Json<Project>), ApiError> {
    Ok((StatusCode::CREATED, Json(create(&state, &caller, lang, &input).await?)))
}

/// `GET /api/v1/projects/{id}`: one key project with its stages, the year's plan and monthly investment.
async fn api_project(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Project>, ApiError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(state.store.project(caller.scope(), id).await.map_err(|e| ApiError::from_store(lang, e))?))
}

/// `POST /api/v1/projects/{id}/stage` with `{stage, date}`: forward only.
async fn api_stage(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<StageInput>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(change(&state, &caller, lang, id, Change::Stage(input)).await?))
}

/// `POST /api/v1/projects/{id}/plan` with `{year, planned}` (万元).
async fn api_plan(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(change(&state, &caller, lang, id, Change::Plan(input)).await?))
}

/// `POST /api/v1/projects/{id}/investments` with `{month, amount}` (万元 completed that month).
async fn api_investment(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<InvestmentInput>,
) -> Result<Json<Project>, ApiError> {
    Ok(Json(change(&state, &caller, lang, id, Change::Investment(input)).await?))
}

// ------------------------------------------------------------------------------ the pages

fn light_class(light: Option<Light>) -> &'static str {
    match light {
        Some(Light::Green) => "green",
        Some(Light::Yellow) => "yellow",
        Some(Light::Red) => "red",
        None => "",
    }
}

/// A row of a breakdown: the group, its projects, total and completed investment (as shown).
pub type GroupRow = (String, usize, String, String);

pub struct ProjectRow {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub stage: &'static str,
    pub total: String,
    pub planned: String,
    pub completed: String,
    pub light: &'static str,
    pub flags: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/projects.html")]
pub struct ProjectsPage {
    tr: Tr,
    layout: Layout,
    month: String,
    cards: Vec<(String, String, String)>,
    light: &'static str,
    groups: Vec<(String, Vec<GroupRow>)>,
    rows: Vec<ProjectRow>,
    editable: bool,
    problems: Vec<(String, String)>,
}

fn yi(tr: Tr, wan: f64) -> String {
    tr.f("projects.yi", &[("value", &tr.number(wan / 10_000.0, 2))])
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: &SummaryQuery,
    problems: Vec<(String, String)>,
) -> Result<ProjectsPage, PageError> {
    let tr = Tr::new(lang);
    let s = summary(state, caller, lang, query).await.map_err(|e| PageError::from_api(lang, e))?;
    let rate = |r: &Rate| {
        r.pct.map_or_else(|| "—".to_owned(), |p| format!("{}%（{}/{}）", tr.number(p, 1), r.done, r.planned))
    };
    let completion =
        s.investment.progress.map_or_else(|| "—".to_owned(), |p| format!("{}%", tr.number(p.actual * 100.0, 1)));
    let cards = vec![
        (
            "projects-total".to_owned(),
            tr.t("projects.count").to_owned(),
            format!("{} · {}", s.all.projects, yi(tr, s.all.total_investment)),
        ),
        (
            "projects-large".to_owned(),
            tr.t("projects.large").to_owned(),
            format!("{} · {}", s.large.projects, yi(tr, s.large.total_investment)),
        ),
        (
            "projects-ten".to_owned(),
            tr.t("projects.ten_major").to_owned(),
            format!("{} · {}", s.ten_major.projects, yi(tr, s.ten_major.total_investment)),
        ),
        (
            "projects-completion".to_owned(),
            tr.t("projects.completion").to_owned(),
            format!("{completion} · {}", yi(tr, s.all.completed)),
        ),
        ("projects-start-rate".to_owned(), tr.t("projects.start_rate").to_owned(), rate(&s.start_rate)),
        ("projects-producing-rate".to_owned(), tr.t("projects.producing_rate").to_owned(), rate(&s.producing_rate)),
    ];
    let group = |map: Vec<(String, &Tally)>| -> Vec<GroupRow> {
        map.into_iter().map(|(k, t)| (k, t.projects, yi(tr, t.total_investment), yi(tr, t.completed))).collect()
    };
    let groups = vec![
        (tr.t("col.district").to_owned(), group(s.by_district.iter().map(|(k, v)| (k.clone(), v)).collect())),
        (
            tr.t("projects.col_stage").to_owned(),
            group(s.by_stage.iter().map(|(k, v)| (k.label(lang).to_owned(), v)).collect()),
        ),
        (tr.t("projects.col_chain").to_owned(), group(s.by_chain.iter().map(|(k, v)| (k.clone(), v)).collect())),
    ];
    let rows = s
        .projects
        .iter()
        .map(|l| ProjectRow {
            id: l.project.project_id,
            name: l.project.name.clone(),
            district: l.project.region.clone(),
            stage: l.project.stage.label(lang),
            total: tr.number(l.project.total_investment, 0),
            planned: tr.number(l.investment.planned_wan, 0),
            completed: tr.number(l.investment.completed_wan, 0),
            light: light_class(l.investment.light),
            flags: [(l.large, tr.t("projects.large")), (l.project.ten_major, tr.t("projects.ten_major"))]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, t)| *t)
                .collect::<Vec<_>>()
                .join(" · "),
        })
        .collect();
    Ok(ProjectsPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "projects", caller),
        month: s.month.to_string(),
        cards,
        light: light_class(s.investment.light),
        groups,
        rows,
        editable: writes_projects(caller),
        problems,
    })
}

async fn view_list_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<SummaryQuery>,
) -> Result<ProjectsPage, PageError> {
    list_page(&state, &caller, lang, &uri, &query, Vec::new()).await
}

async fn view_list_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let text = |name: &str| fields.get(name).map(str::to_owned);
    let input = ProjectInput {
        name: text("name"),
        investor: text("investor"),
        district: text("district"),
        park: text("park"),
        chain: text("chain"),
        total_investment: text("total_investment"),
        is_new: fields.get("is_new").is_some(),
        ten_major: fields.get("ten_major").is_some(),
        signed_on: text("signed_on"),
        planned_start: text("planned_start"),
        planned_producing: text("planned_producing"),
    };
    crate::kit::error::form_answer(
        lang,
        create(&state, &caller, lang, &input).await,
        |p| format!("/projects/{}", p.project_id),
        async |problems| list_page(&state, &caller, lang, &uri, &SummaryQuery::default(), problems).await,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "projects/project.html")]
pub struct ProjectPage {
    tr: Tr,
    layout: Layout,
    p: Project,
    stage: &'static str,
    dates: Vec<(&'static str, String)>,
    next: Vec<(&'static str, &'static str)>,
    editable: bool,
    problems: Vec<(String, String)>,
    year: i32,
}

async fn project_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    problems: Vec<(String, String)>,
) -> Result<ProjectPage, PageError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let p = state.store.project(caller.scope(), id).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(ProjectPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "projects", caller),
        stage: p.stage.label(lang),
        dates: ProjectStage::ALL
            .iter()
            .zip(p.stage_dates)
            .map(|(s, d)| (s.label(lang), d.map_or_else(String::new, |d| tr.date(d))))
            .collect(),
        next: ProjectStage::ALL.iter().filter(|s| p.stage.can_move(**s)).map(|s| (s.as_str(), s.label(lang))).collect(),
        editable: writes_projects(caller),
        problems,
        year: xinzhi_app::clock::current_month().year(),
        p,
    })
}

async fn view_project_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ProjectPage, PageError> {
    project_page(&state, &caller, lang, &uri, id, Vec::new()).await
}

/// The page's forms: `action=stage` (`stage`, `date`), `plan` (`year`, `planned`) or
/// `investment` (`month`, `amount`).
async fn view_project_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let text = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    let asked = match fields.get("action") {
        Some("plan") => {
            Change::Plan(PlanInput { year: text("year").trim().parse().unwrap_or(0), planned: text("planned") })
        }
        Some("investment") => Change::Investment(InvestmentInput { month: text("month"), amount: text("amount") }),
        _ => Change::Stage(StageInput { stage: text("stage"), date: text("date") }),
    };
    crate::kit::error::form_answer(
        lang,
        change(&state, &caller, lang, id, asked).await,
        |_| format!("/projects/{id}"),
        async |problems| project_page(&state, &caller, lang, &uri, id, problems).await,
    )
    .await
}

/// `GET /projects.xlsx?month=`: every project of the scope with its stage, investment and light.
async fn view_projects_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<SummaryQuery>,
) -> Result<Response, PageError> {
    use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
    let tr = Tr::new(lang);
    let s = summary(&state, &caller, lang, &query).await.map_err(|e| PageError::from_api(lang, e))?;
    let headers = [
        "projects.col_name",
        "projects.investor",
        "col.district",
        "projects.col_chain",
        "projects.col_stage",
        "projects.col_total",
        "projects.col_planned",
        "projects.col_completed",
        "projects.completion",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let rows = s
        .projects
        .iter()
        .map(|l| {
            vec![
                TableCell::Text(l.project.name.clone()),
                TableCell::Text(l.project.investor.clone()),
                TableCell::Text(l.project.region.clone()),
                TableCell::Text(l.project.chain.clone().unwrap_or_default()),
                TableCell::Text(l.project.stage.label(lang).to_owned()),
                TableCell::Number(l.project.total_investment),
                TableCell::Number(l.investment.planned_wan),
                TableCell::Number(l.investment.completed_wan),
                l.investment
                    .progress
                    .map_or(TableCell::Empty, |p| TableCell::Number((p.actual * 1000.0).round() / 10.0)),
            ]
        })
        .collect();
    let sheet = TableSheet {
        name: tr.t("projects.title").to_owned(),
        title: format!("{} {}", tr.t("projects.title"), s.month),
        headers,
        rows,
    };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}-{}.xlsx", tr.t("projects.title"), s.month)))
}
