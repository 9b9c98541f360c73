//! Enterprise requests (企业诉求): a firm raises one (or staff record one from a call, the 12345
//! hotline or a visit), it goes to a department, each stage runs against a limit in working
//! days on the calendar; the supervision list shows what is due soon and overdue, departments
//! their on-time rate and satisfaction; the firm rates the reply or reopens it. The calendar's
//! years are data the analysts add. Pages under `/requests`, JSON under `/api/v1/requests`.

pub(crate) mod request_categories;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::calendar::{CalendarError, WorkCalendar, YearArrangement};
use xinzhi_domain::request::{Category, Channel, Clock, Stage, Step, Timing};
use xinzhi_domain::{CreditCode, Lang, Permission, Role};
use xinzhi_store::attachments::{NewFile, Owner};
use xinzhi_store::requests::{DepartmentRecord, NewRequest, Request, RequestEvent, RequestMove};
use xinzhi_store::{DepartmentId, Scope};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::notices::timing_of;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/requests", get(view_list_get).post(view_list_post))
        .route("/requests/departments", get(view_departments))
        .route("/requests/departments.xlsx", get(view_departments_xlsx))
        .route("/requests/calendar", get(view_calendar_get).post(view_calendar_post))
        .route("/requests/{id}", get(view_request_get).post(view_request_post))
        .layer(crate::kit::attachments::body_limit())
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/requests", get(api_list).post(api_create))
        .route("/requests/departments", get(api_departments))
        .route("/requests/calendar", get(api_calendar).post(api_save_year))
        .route("/requests/{id}", get(api_request))
        .route("/requests/{id}/steps", post(api_step))
}

fn now() -> i64 {
    crate::kit::auth::now()
}

/// The calendar of the stored and shipped years, counting a year without an arrangement by
/// weekends (its limits are provisional until the year is entered).
async fn calendar(state: &AppState, lang: Lang) -> Result<WorkCalendar, ApiError> {
    let years = state.store.calendar_years().await.map_err(|e| ApiError::from_store(lang, e))?;
    WorkCalendar::new(&years)
        .map(WorkCalendar::with_weekend_fallback)
        .map_err(|e| ApiError::Invalid(FieldError::from_domain("calendar", &e, lang)))
}

fn clock_error(lang: Lang, e: CalendarError) -> ApiError {
    ApiError::Invalid(FieldError::from_domain("calendar", &e, lang))
}

async fn category(state: &AppState, lang: Lang, code: &str) -> Result<(Category, Option<DepartmentId>), ApiError> {
    let categories = state.store.request_categories().await.map_err(|e| ApiError::from_store(lang, e))?;
    let codes: Vec<String> = categories.iter().map(|(c, _)| c.code.clone()).collect();
    categories.into_iter().find(|(c, _)| c.code == code.trim()).ok_or_else(|| {
        ApiError::invalid(
            "category",
            "request.category",
            Tr::new(lang).f("requests.bad_category", &[("category", code), ("codes", &codes.join(", "))]),
        )
    })
}

/// A request as entered.
#[derive(Debug, Default, Deserialize)]
pub struct RequestInput {
    pub credit_code: String,
    pub category: String,
    /// `online` (the firm itself), `phone`, `hotline` or `visit` (recorded by staff).
    pub channel: Option<String>,
    pub title: String,
    pub body: String,
    /// The department's code (default: the category's).
    pub department: Option<String>,
}

fn records_requests(role: Role) -> bool {
    role.may(Permission::RecordRequests)
}

pub(crate) async fn department_by_code(state: &AppState, lang: Lang, code: &str) -> Result<DepartmentId, ApiError> {
    let departments = state.store.list_departments().await.map_err(|e| ApiError::from_store(lang, e))?;
    departments.into_iter().find(|d| d.code == code.trim()).map(|d| d.department_id).ok_or_else(|| {
        ApiError::invalid(
            "department",
            "request.department",
            Tr::new(lang).f("requests.bad_department", &[("department", code)]),
        )
    })
}

async fn create(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    input: &RequestInput,
    files: Vec<NewFile>,
) -> Result<Request, ApiError> {
    if !records_requests(caller.user.role) {
        audit_denial(state, caller, "requests", "create").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let title = input.title.trim();
    let body = input.body.trim();
    if title.is_empty() || title.chars().count() > 100 {
        problems.push(FieldError::new("title", "request.title", tr.t("requests.bad_title").to_owned()));
    }
    if body.chars().count() < 10 || body.chars().count() > 5_000 {
        problems.push(FieldError::new("body", "request.body", tr.t("requests.bad_body").to_owned()));
    }
    let reporter = caller.user.role == Role::EnterpriseReporter;
    let channel = match input.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => Some(if reporter { Channel::Online } else { Channel::Phone }),
        Some(text) => Channel::parse(text),
    };
    let channel = match channel {
        Some(Channel::Online) if !reporter => None,
        Some(c) if reporter && c != Channel::Online => None,
        other => other,
    };
    if channel.is_none() {
        problems.push(FieldError::new("channel", "request.channel", tr.t("requests.bad_channel").to_owned()));
    }
    let found = category(state, lang, &input.category).await;
    let code = CreditCode::parse(&input.credit_code).map_err(|e| FieldError::from_domain("credit_code", &e, lang));
    if let Err(ApiError::Invalid(e)) = &found {
        problems.push(e.clone());
    }
    if let Err(e) = &code {
        problems.push(e.clone());
    }
    if !problems.is_empty() {
        return Err(ApiError::refused(lang, "requests.problems", problems));
    }
    let (category, default_department) = found?;
    let code = code.map_err(ApiError::Invalid)?;
    let enterprise =
        crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let department = match input.department.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(department_by_code(state, lang, d).await?),
        None => default_department,
    };
    let started = now();
    let clock = Clock::of(&calendar(state, lang).await?, &category.limits, Stage::Raised, started)
        .map_err(|e| clock_error(lang, e))?;
    let new = NewRequest {
        enterprise_id: enterprise.enterprise_id,
        category: category.code,
        channel: channel.unwrap_or(Channel::Phone),
        title: title.to_owned(),
        body: body.to_owned(),
        department_id: department,
        due_at: clock.map(|c| c.due_at),
        remind_at: clock.map(|c| c.remind_at),
        files,
    };
    let store_error = |e| ApiError::from_store(lang, e);
    let id = state.store.create_request(caller.scope(), &new, &caller.actor()).await.map_err(store_error)?;
    Ok(state.store.request(caller.scope(), id).await.map_err(store_error)?.0)
}

/// A step as asked.
#[derive(Debug, Default, Deserialize)]
pub struct StepInput {
    /// `accept`, `reroute`, `reply`, `rate`, `reopen` or `close`.
    pub step: String,
    pub note: Option<String>,
    /// reply: the answer; rate: the rating's note.
    pub text: Option<String>,
    /// rate: 1–5.
    pub rating: Option<i64>,
    /// reroute: the department's code.
    pub department: Option<String>,
}

fn parse_step(text: &str) -> Option<Step> {
    match text.trim() {
        "accept" => Some(Step::Accept),
        "reroute" => Some(Step::Reroute),
        "reply" => Some(Step::Reply),
        "rate" => Some(Step::Rate),
        "reopen" => Some(Step::Reopen),
        "close" => Some(Step::Close),
        _ => None,
    }
}

/// Whether the caller may take `step` on a request: the department it is with (or the city's
/// staff) handle it; the firm rates, reopens or closes it.
fn may_take(caller: &Caller, request: &Request, step: Step) -> bool {
    let role = caller.user.role;
    let city_staff = role.may(Permission::HandleRequests) && *caller.scope() == Scope::City;
    let handler = match caller.scope() {
        Scope::Department(d) => role.may(Permission::HandleRequests) && request.department_id == Some(*d),
        _ => false,
    };
    match step {
        Step::Accept | Step::Reroute | Step::Reply => city_staff || handler,
        Step::Rate | Step::Reopen => role.may(Permission::RateRequests),
        Step::Close => city_staff || role.may(Permission::RateRequests),
    }
}

async fn take_step(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    input: &StepInput,
) -> Result<Request, ApiError> {
    let tr = Tr::new(lang);
    let store_error = |e| ApiError::from_store(lang, e);
    let step = parse_step(&input.step).ok_or_else(|| {
        ApiError::invalid("step", "request.step", tr.f("requests.bad_step", &[("step", input.step.trim())]))
    })?;
    let (request, _) = state.store.request(caller.scope(), id).await.map_err(store_error)?;
    if !may_take(caller, &request, step) {
        audit_denial(state, caller, "requests", "step").await;
        return Err(ApiError::NotFound(lang));
    }
    let to = step.from(request.stage).ok_or_else(|| ApiError::Conflict {
        message: tr.f("requests.cannot_step", &[("stage", request.stage.label(lang))]),
    })?;
    let text = input.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let note = input.note.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let mut change =
        RequestMove { note: note.clone(), text: text.clone(), rating: input.rating, ..RequestMove::default() };
    match step {
        Step::Reply if text.as_deref().is_none_or(|t| t.chars().count() < 10) => {
            return Err(ApiError::invalid("text", "request.reply", tr.t("requests.reply_short").to_owned()));
        }
        Step::Rate if !input.rating.is_some_and(|r| (1..=5).contains(&r)) => {
            return Err(ApiError::invalid("rating", "request.rating", tr.t("requests.bad_rating").to_owned()));
        }
        Step::Reopen if note.is_none() => {
            return Err(ApiError::invalid("note", "required", tr.t("requests.reopen_reason").to_owned()));
        }
        Step::Reroute => {
            let code = input.department.as_deref().unwrap_or("");
            change.department_id = Some(department_by_code(state, lang, code).await?);
        }
        _ => {}
    }
    let (category, _) = category(state, lang, &request.category).await?;
    let clock =
        Clock::of(&calendar(state, lang).await?, &category.limits, to, now()).map_err(|e| clock_error(lang, e))?;
    change.due_at = clock.map(|c| c.due_at);
    change.remind_at = clock.map(|c| c.remind_at);
    state.store.move_request(caller.scope(), id, step, &change, &caller.actor()).await.map_err(|e| match e {
        xinzhi_store::StoreError::Conflict(_) => {
            ApiError::Conflict { message: tr.f("requests.cannot_step", &[("stage", request.stage.label(lang))]) }
        }
        other => ApiError::from_store(lang, other),
    })
}

/// A request with its clock read now.
#[derive(Serialize)]
pub struct RequestLine {
    #[serde(flatten)]
    pub request: Request,
    pub timing: Option<Timing>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `raised`, `accepted`, `replied` or `closed`.
    pub stage: Option<String>,
    /// `due_soon` or `overdue`: the supervision list.
    pub timing: Option<String>,
}

async fn list(state: &AppState, caller: &Caller, lang: Lang, query: &ListQuery) -> Result<Vec<RequestLine>, ApiError> {
    let tr = Tr::new(lang);
    let stage =
        match query.stage.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(Stage::parse(s).ok_or_else(|| {
                ApiError::invalid("stage", "request.stage", tr.f("requests.bad_stage", &[("stage", s)]))
            })?),
            None => None,
        };
    let timing = match query.timing.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some("due_soon") => Some(Timing::DueSoon),
        Some("overdue") => Some(Timing::Overdue),
        Some(other) => {
            return Err(ApiError::invalid(
                "timing",
                "request.timing",
                tr.f("requests.bad_timing", &[("timing", other)]),
            ));
        }
        None => None,
    };
    if timing.is_some() {
        // The supervision list: what it shows goes to the inboxes too.
        crate::kit::notices::sweep(state, lang).await.map_err(|e| ApiError::from_store(lang, e))?;
    }
    let at = now();
    let found = state.store.requests(caller.scope(), stage).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(found
        .into_iter()
        .map(|request| RequestLine { timing: timing_of(&request, at), request })
        .filter(|line| timing.is_none_or(|t| line.timing == Some(t)))
        .collect())
}

// -------------------------------------------------------------------------------- the API

/// `GET /api/v1/requests?stage=&timing=due_soon|overdue`: the requests of the caller's scope
/// with their clocks.
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<RequestLine>>, ApiError> {
    // Everyone signed in sees the requests of their scope (a department, those routed to it).
    Ok(Json(list(&state, &caller, lang, &query).await?))
}

/// `POST /api/v1/requests` with `{credit_code, category, channel?, title, body, department?}`.
async fn api_create(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<RequestInput>,
) -> Result<(StatusCode, Json<Request>), ApiError> {
    Ok((StatusCode::CREATED, Json(create(&state, &caller, lang, &input, Vec::new()).await?)))
}

#[derive(Serialize)]
pub struct RequestAnswer {
    #[serde(flatten)]
    pub line: RequestLine,
    pub events: Vec<RequestEvent>,
    /// Whether the current limit is counted on a year the calendar has no arrangement for.
    pub provisional: bool,
}

async fn answer(state: &AppState, caller: &Caller, lang: Lang, id: i64) -> Result<RequestAnswer, ApiError> {
    let (request, events) = state.store.request(caller.scope(), id).await.map_err(|e| ApiError::from_store(lang, e))?;
    let calendar = calendar(state, lang).await?;
    let provisional = request.due_at.is_some_and(|due| {
        let year = (xinzhi_domain::period::china_date(due - 1) / 10_000) as i32;
        !calendar.covers(year)
    });
    Ok(RequestAnswer { line: RequestLine { timing: timing_of(&request, now()), request }, events, provisional })
}

/// `GET /api/v1/requests/{id}`: one enterprise request with its history and clocks.
async fn api_request(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<RequestAnswer>, ApiError> {
    Ok(Json(answer(&state, &caller, lang, id).await?))
}

/// `POST /api/v1/requests/{id}/steps` with `{step, note?, text?, rating?, department?}`.
async fn api_step(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<StepInput>,
) -> Result<Json<Request>, ApiError> {
    Ok(Json(take_step(&state, &caller, lang, id, &input).await?))
}

#[derive(Serialize)]
pub struct DepartmentLine {
    #[serde(flatten)]
    pub record: DepartmentRecord,
    pub on_time_pct: Option<f64>,
    pub mean_rating: Option<f64>,
}

async fn departments(state: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<DepartmentLine>, ApiError> {
    if caller.user.role == Role::EnterpriseReporter {
        return Err(ApiError::NotFound(lang));
    }
    let records =
        state.store.department_records(caller.scope(), now()).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(records
        .into_iter()
        .map(|record| DepartmentLine {
            on_time_pct: record.record.on_time_pct(),
            mean_rating: record.record.mean_rating(),
            record,
        })
        .collect())
}

/// `GET /api/v1/requests/departments`: per department, open and overdue requests, replies on
/// time and the mean rating.
async fn api_departments(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<DepartmentLine>>, ApiError> {
    Ok(Json(departments(&state, &caller, lang).await?))
}

/// `GET /api/v1/requests/calendar`: every year of the working-day calendar.
async fn api_calendar(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> Result<Json<Vec<YearArrangement>>, ApiError> {
    Ok(Json(state.store.calendar_years().await.map_err(|e| ApiError::from_store(lang, e))?))
}

async fn save_year(state: &AppState, caller: &Caller, lang: Lang, body: &str) -> Result<YearArrangement, ApiError> {
    if !caller.user.role.may(Permission::EditRequestCategories) {
        audit_denial(state, caller, "requests", "calendar.save").await;
        return Err(ApiError::NotFound(lang));
    }
    let year: YearArrangement = serde_json::from_str(body).map_err(|e| {
        ApiError::invalid(
            "body",
            "calendar.syntax",
            Tr::new(lang).f("requests.calendar_syntax", &[("error", &e.to_string())]),
        )
    })?;
    year.check().map_err(|e| ApiError::Invalid(FieldError::from_domain("body", &e, lang)))?;
    state
        .store
        .save_calendar_year(caller.scope(), &year, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    Ok(year)
}

/// `POST /api/v1/requests/calendar` with a year's arrangement (`year`, `holidays` with `from`
/// and `to` as yyyymmdd, `working_weekends`, `source`): checked, then stored.
async fn api_save_year(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    body: String,
) -> Result<(StatusCode, Json<YearArrangement>), ApiError> {
    Ok((StatusCode::CREATED, Json(save_year(&state, &caller, lang, &body).await?)))
}

// ------------------------------------------------------------------------------ the pages

pub struct RequestRow {
    pub id: i64,
    pub firm: String,
    pub title: String,
    pub category: String,
    pub department: String,
    pub stage: &'static str,
    pub due: String,
    pub timing: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/requests.html")]
pub struct RequestsPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<RequestRow>,
    categories: Vec<(String, String)>,
    channels: Vec<(&'static str, &'static str)>,
    may_create: bool,
    own_code: String,
    problems: Vec<(String, String)>,
    filter: String,
}

fn timing_class(timing: Option<Timing>) -> &'static str {
    match timing {
        Some(Timing::OnTime) => "green",
        Some(Timing::DueSoon) => "yellow",
        Some(Timing::Overdue) => "red",
        None => "",
    }
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: &ListQuery,
    problems: Vec<(String, String)>,
) -> Result<RequestsPage, PageError> {
    let tr = Tr::new(lang);
    let lines = list(state, caller, lang, query).await.map_err(|e| PageError::from_api(lang, e))?;
    let categories = state.store.request_categories().await.map_err(|e| PageError::from_store(lang, e))?;
    let name_of = |code: &str| {
        categories
            .iter()
            .find(|(c, _)| c.code == code)
            .map_or_else(|| code.to_owned(), |(c, _)| lang.pick(&c.name_zh, &c.name_en).to_owned())
    };
    let rows = lines
        .iter()
        .map(|l| RequestRow {
            id: l.request.request_id,
            firm: l.request.firm.clone(),
            title: l.request.title.clone(),
            category: name_of(&l.request.category),
            department: l.request.department.clone().unwrap_or_default(),
            stage: l.request.stage.label(lang),
            due: l.request.due_at.filter(|_| l.timing.is_some()).map_or_else(String::new, |d| tr.timestamp(d - 1)),
            timing: timing_class(l.timing),
        })
        .collect();
    let reporter = caller.user.role == Role::EnterpriseReporter;
    let own_code = if reporter {
        state.store.describe_scope(caller.scope()).await.map(|(code, _, _)| code).unwrap_or_default()
    } else {
        String::new()
    };
    Ok(RequestsPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "requests", caller),
        rows,
        categories: categories
            .iter()
            .map(|(c, _)| (c.code.clone(), lang.pick(&c.name_zh, &c.name_en).to_owned()))
            .collect(),
        channels: Channel::ALL
            .iter()
            .filter(|c| (**c == Channel::Online) == reporter)
            .map(|c| (c.as_str(), c.label(lang)))
            .collect(),
        may_create: records_requests(caller.user.role),
        own_code,
        problems,
        filter: query.timing.clone().unwrap_or_default(),
    })
}

async fn view_list_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<RequestsPage, PageError> {
    list_page(&state, &caller, lang, &uri, &query, Vec::new()).await
}

async fn view_list_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let text = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    let input = RequestInput {
        credit_code: text("credit_code"),
        category: text("category"),
        channel: fields.get("channel").map(str::to_owned),
        title: text("title"),
        body: text("body"),
        department: fields.get("department").map(str::to_owned),
    };
    let created = match crate::kit::attachments::form_files(lang, &fields) {
        Ok(files) => create(&state, &caller, lang, &input, files).await,
        Err(e) => Err(ApiError::Invalid(e)),
    };
    crate::kit::error::form_answer(
        lang,
        created,
        |r| format!("/requests/{}", r.request_id),
        async |problems| list_page(&state, &caller, lang, &uri, &ListQuery::default(), problems).await,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/request.html")]
pub struct RequestPage {
    tr: Tr,
    layout: Layout,
    r: Request,
    stage: &'static str,
    channel: &'static str,
    due: String,
    timing: &'static str,
    provisional: bool,
    events: Vec<(String, String, String, String)>,
    steps: Vec<&'static str>,
    problems: Vec<(String, String)>,
    files: Vec<crate::kit::attachments::FileLine>,
    may_attach: bool,
}

async fn request_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    problems: Vec<(String, String)>,
) -> Result<RequestPage, PageError> {
    let tr = Tr::new(lang);
    let answer = answer(state, caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    let r = answer.line.request;
    let files = state
        .store
        .attachments(caller.scope(), Owner::Request(id))
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    let steps = [Step::Accept, Step::Reroute, Step::Reply, Step::Rate, Step::Reopen, Step::Close]
        .into_iter()
        .filter(|s| s.from(r.stage).is_some() && may_take(caller, &r, *s))
        .map(|s| match s {
            Step::Accept => "accept",
            Step::Reroute => "reroute",
            Step::Reply => "reply",
            Step::Rate => "rate",
            Step::Reopen => "reopen",
            Step::Close => "close",
        })
        .collect();
    Ok(RequestPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "requests", caller),
        stage: r.stage.label(lang),
        channel: r.channel.label(lang),
        due: r.due_at.filter(|_| answer.line.timing.is_some()).map_or_else(String::new, |d| tr.timestamp(d - 1)),
        timing: timing_class(answer.line.timing),
        provisional: answer.provisional,
        events: answer
            .events
            .iter()
            .map(|e| {
                (tr.timestamp(e.at), e.to.label(lang).to_owned(), e.by.clone(), e.note.clone().unwrap_or_default())
            })
            .collect(),
        steps,
        problems,
        files: crate::kit::attachments::lines(tr, files),
        may_attach: caller.user.role.may(Permission::AttachToRequests),
        r,
    })
}

async fn view_request_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<RequestPage, PageError> {
    request_page(&state, &caller, lang, &uri, id, Vec::new()).await
}

async fn view_request_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = StepInput {
        step: fields.get("step").unwrap_or_default().to_owned(),
        note: fields.get("note").map(str::to_owned),
        text: fields.get("text").map(str::to_owned),
        rating: fields.get("rating").and_then(|r| r.trim().parse().ok()),
        department: fields.get("department").map(str::to_owned),
    };
    crate::kit::error::form_answer(
        lang,
        take_step(&state, &caller, lang, id, &input).await,
        |_| format!("/requests/{id}"),
        async |problems| request_page(&state, &caller, lang, &uri, id, problems).await,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/request_departments.html")]
pub struct DepartmentsPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<(String, usize, usize, usize, String, String)>,
}

async fn view_departments(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<DepartmentsPage, PageError> {
    let tr = Tr::new(lang);
    let lines = departments(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let rows = lines
        .iter()
        .map(|l| {
            let name = if l.record.department.is_empty() {
                tr.t("requests.unrouted").to_owned()
            } else {
                l.record.department.clone()
            };
            (
                name,
                l.record.open,
                l.record.overdue,
                l.record.record.replied,
                l.on_time_pct.map_or_else(|| "—".into(), |p| format!("{}%", tr.number(p, 1))),
                l.mean_rating.map_or_else(|| "—".into(), |r| tr.number(r, 2)),
            )
        })
        .collect();
    Ok(DepartmentsPage { tr, layout: Layout::for_caller(&state, tr, &uri, "requests", &caller), rows })
}

#[derive(Template, WebTemplate)]
#[template(path = "requests/request_calendar.html")]
pub struct CalendarPage {
    tr: Tr,
    layout: Layout,
    years: Vec<(i32, Vec<String>, Vec<String>, String)>,
    editable: bool,
    problem: Option<String>,
    body: String,
}

async fn calendar_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problem: Option<String>,
    body: String,
) -> Result<CalendarPage, PageError> {
    let tr = Tr::new(lang);
    let years = state.store.calendar_years().await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(CalendarPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "requests", caller),
        years: years
            .iter()
            .map(|y| {
                (
                    y.year,
                    y.holidays
                        .iter()
                        .map(|h| format!("{} {}—{}", lang.pick(&h.name_zh, &h.name_en), tr.date(h.from), tr.date(h.to)))
                        .collect(),
                    y.working_weekends.iter().map(|d| tr.date(*d)).collect(),
                    y.source.clone(),
                )
            })
            .collect(),
        editable: caller.user.role.may(Permission::EditRequestCategories),
        problem,
        body,
    })
}

async fn view_calendar_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<CalendarPage, PageError> {
    calendar_page(&state, &caller, lang, &uri, None, String::new()).await
}

async fn view_calendar_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let body = fields.get("body").unwrap_or_default().to_owned();
    match save_year(&state, &caller, lang, &body).await {
        Ok(_) => Ok(Redirect::to("/requests/calendar").into_response()),
        Err(ApiError::Invalid(FieldError { message, .. })) => {
            let page = calendar_page(&state, &caller, lang, &uri, Some(message), body).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}

/// `GET /requests/departments.xlsx`: the departments' request statistics.
async fn view_departments_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Response, PageError> {
    use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
    let tr = Tr::new(lang);
    let lines = departments(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let headers = [
        "requests.col_department",
        "requests.col_open",
        "requests.overdue",
        "requests.col_replied",
        "requests.col_on_time",
        "requests.col_rating",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let number = |v: Option<f64>| v.map_or(TableCell::Empty, TableCell::Number);
    let rows = lines
        .iter()
        .map(|l| {
            let name = if l.record.department.is_empty() {
                tr.t("requests.unrouted").to_owned()
            } else {
                l.record.department.clone()
            };
            vec![
                TableCell::Text(name),
                TableCell::Number(l.record.open as f64),
                TableCell::Number(l.record.overdue as f64),
                TableCell::Number(l.record.record.replied as f64),
                number(l.on_time_pct.map(|p| (p * 10.0).round() / 10.0)),
                number(l.mean_rating.map(|r| (r * 100.0).round() / 100.0)),
            ]
        })
        .collect();
    let sheet = TableSheet {
        name: tr.t("requests.departments").to_owned(),
        title: tr.t("requests.departments").to_owned(),
        headers,
        rows,
    };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}.xlsx", tr.t("requests.departments"))))
}
