//! Tough actions and their tasks (攻坚行动): the city creates actions and tasks with a lead unit
//! (a department or a district), cooperating units, a deadline and milestones; the lead unit
//! posts progress; overdue and stalled tasks are on the supervision list (督办) and remind the
//! lead unit in its inbox; leaders see a board by action and by unit.
//! Pages `/tasks`, `/tasks/{id}`, `/tasks/supervision`; JSON under `/api/v1/tasks`.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::{Lang, Permission, RegionCode};
use xinzhi_store::StoreError;
use xinzhi_store::attachments::NewFile;
use xinzhi_store::tasks::{LeadUnit, NewTask, Task, TaskProgress};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::notices::{TaskLine, line, sees_tasks};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(view_board).post(view_board_post))
        .route("/tasks/supervision", get(view_supervision))
        .route("/tasks/{id}", get(view_task_get).post(view_task_post))
        .route("/tasks.xlsx", get(view_tasks_xlsx))
        .layer(crate::kit::attachments::body_limit())
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/tasks", get(api_tasks).post(api_create))
        .route("/tasks/actions", post(api_create_action))
        .route("/tasks/supervision", get(api_supervision))
        .route("/tasks/{id}", get(api_task))
        .route("/tasks/{id}/progress", post(api_progress))
}

/// Who creates actions and tasks: the city's analysts.
fn plans_tasks(caller: &Caller) -> bool {
    caller.user.role.may(Permission::EditTasks)
}

async fn supervision(state: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<TaskLine>, ApiError> {
    if !sees_tasks(caller) {
        audit_denial(state, caller, "tasks", "supervision").await;
        return Err(ApiError::NotFound(lang));
    }
    let flagged = crate::kit::notices::sweep(state, lang).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(flagged.into_iter().filter(|l| l.task.led_by(caller.scope())).collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct TaskInput {
    pub action_id: Option<i64>,
    pub title: Option<String>,
    /// A department's code (`kjj`) or a district's code (`436002`).
    pub lead: Option<String>,
    #[serde(default)]
    pub cooperating: Vec<String>,
    /// yyyy-mm-dd.
    pub deadline: Option<String>,
    /// (title, due yyyy-mm-dd).
    #[serde(default)]
    pub milestones: Vec<(String, String)>,
}

/// A required date.
fn parse_day(lang: Lang, field: &str, text: &str) -> Result<i64, FieldError> {
    crate::kit::query::parse_date(lang, field, Some(text))?
        .ok_or_else(|| FieldError::new(field, "required", Tr::new(lang).t("policies.required").to_owned()))
}

async fn lead_of(state: &AppState, lang: Lang, code: &str) -> Result<LeadUnit, ApiError> {
    let code = code.trim();
    if let Ok(region) = RegionCode::parse(code)
        && let Ok(r) = state.store.region_by_code(region).await
    {
        return Ok(LeadUnit::District(r.region_id));
    }
    let departments = state.store.list_departments().await.map_err(|e| ApiError::from_store(lang, e))?;
    departments
        .into_iter()
        .find(|d| d.code == code)
        .map(|d| LeadUnit::Department(d.department_id))
        .ok_or_else(|| ApiError::invalid("lead", "tasks.lead", Tr::new(lang).f("tasks.lead", &[("lead", code)])))
}

async fn create(state: &AppState, caller: &Caller, lang: Lang, input: &TaskInput) -> Result<Task, ApiError> {
    if !plans_tasks(caller) {
        audit_denial(state, caller, "tasks", "create").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let title = input.title.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ApiError::invalid("title", "required", tr.t("projects.bad_text").to_owned()));
    }
    let action_id = input
        .action_id
        .ok_or_else(|| ApiError::invalid("action_id", "required", tr.t("policies.required").to_owned()))?;
    if !state.store.actions().await.map_err(|e| ApiError::from_store(lang, e))?.iter().any(|a| a.0 == action_id) {
        return Err(ApiError::invalid("action_id", "tasks.action", tr.t("tasks.bad_action").to_owned()));
    }
    let lead = lead_of(state, lang, input.lead.as_deref().unwrap_or("")).await?;
    let deadline = parse_day(lang, "deadline", input.deadline.as_deref().unwrap_or("")).map_err(ApiError::Invalid)?;
    let mut milestones = Vec::new();
    for (i, (name, due)) in input.milestones.iter().enumerate() {
        let due = parse_day(lang, &format!("milestones[{i}]"), due).map_err(ApiError::Invalid)?;
        milestones.push((name.trim().to_owned(), due));
    }
    let task = NewTask {
        action_id,
        title: title.to_owned(),
        lead,
        cooperating: input.cooperating.iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect(),
        deadline,
        milestones,
    };
    let store_error = |e| ApiError::from_store(lang, e);
    let id = state
        .store
        .create_task(caller.scope(), &task, crate::kit::auth::today(), &caller.actor())
        .await
        .map_err(store_error)?;
    Ok(state.store.task(caller.scope(), id).await.map_err(store_error)?.0)
}

#[derive(Debug, Default, Deserialize)]
pub struct ProgressInput {
    pub text: String,
    pub percent: i64,
}

async fn progress(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    input: &ProgressInput,
    file: Option<&NewFile>,
) -> Result<Task, ApiError> {
    if !caller.user.role.may(Permission::ReportTaskProgress) {
        audit_denial(state, caller, "tasks", "progress").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let text = input.text.trim();
    if text.chars().count() < 5 {
        return Err(ApiError::invalid("text", "tasks.text", tr.t("tasks.text").to_owned()));
    }
    if !(0..=100).contains(&input.percent) {
        return Err(ApiError::invalid("percent", "tasks.percent", tr.t("tasks.percent").to_owned()));
    }
    state
        .store
        .post_task_progress(caller.scope(), id, text, input.percent, file, crate::kit::auth::today(), &caller.actor())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::Conflict { message: tr.t("tasks.done_already").to_owned() },
            other => ApiError::from_store(lang, other),
        })
}

// -------------------------------------------------------------------------------- the API

/// `GET /api/v1/tasks`: the tough-action tasks in the caller's scope with their supervision flags.
async fn api_tasks(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<TaskLine>>, ApiError> {
    if !sees_tasks(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    let day = crate::kit::auth::today();
    let tasks = state.store.tasks(caller.scope()).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(Json(tasks.into_iter().map(|t| line(t, day)).collect()))
}

#[derive(Deserialize)]
pub struct ActionInput {
    pub name: String,
    pub year: i32,
}

#[derive(Serialize)]
pub struct ActionCreated {
    pub action_id: i64,
}

/// `POST /api/v1/tasks/actions` with `{name, year}`.
async fn api_create_action(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<ActionInput>,
) -> Result<(StatusCode, Json<ActionCreated>), ApiError> {
    if !plans_tasks(&caller) {
        audit_denial(&state, &caller, "tasks", "action.create").await;
        return Err(ApiError::NotFound(lang));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid("name", "required", Tr::new(lang).t("projects.bad_text").to_owned()));
    }
    let id = state
        .store
        .create_action(caller.scope(), name, input.year, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))?;
    Ok((StatusCode::CREATED, Json(ActionCreated { action_id: id })))
}

/// `POST /api/v1/tasks` with `{action_id, title, lead, cooperating, deadline, milestones}`.
async fn api_create(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<TaskInput>,
) -> Result<(StatusCode, Json<Task>), ApiError> {
    Ok((StatusCode::CREATED, Json(create(&state, &caller, lang, &input).await?)))
}

#[derive(Serialize)]
pub struct TaskAnswer {
    #[serde(flatten)]
    pub line: TaskLine,
    pub milestones: Vec<(String, i64)>,
    pub progress: Vec<TaskProgress>,
}

/// `GET /api/v1/tasks/{id}`: one task with its milestones and progress.
async fn api_task(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<TaskAnswer>, ApiError> {
    if !sees_tasks(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    let (task, milestones, progress) =
        state.store.task(caller.scope(), id).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(Json(TaskAnswer { line: line(task, crate::kit::auth::today()), milestones, progress }))
}

/// `POST /api/v1/tasks/{id}/progress` with `{text, percent}`: 100% marks it done (files go to
/// `/api/v1/tasks/{id}/attachments`).
async fn api_progress(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ProgressInput>,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(progress(&state, &caller, lang, id, &input, None).await?))
}

/// `GET /api/v1/tasks/supervision`: the caller's overdue and stalled tasks (reminders are
/// written to the lead units' inboxes on the way).
async fn api_supervision(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<TaskLine>>, ApiError> {
    Ok(Json(supervision(&state, &caller, lang).await?))
}

// ------------------------------------------------------------------------------ the pages

pub struct TaskRow {
    pub id: i64,
    pub title: String,
    pub lead: String,
    pub deadline: String,
    pub percent: i64,
    pub flags: Vec<&'static str>,
    pub done: bool,
}

fn row(tr: Tr, lang: Lang, l: &TaskLine) -> TaskRow {
    TaskRow {
        id: l.task.task_id,
        title: l.task.title.clone(),
        lead: l.task.lead_name.clone(),
        deadline: tr.date(l.task.deadline),
        percent: l.task.percent,
        flags: l.flags.iter().map(|f| f.label(lang)).collect(),
        done: l.task.done_on.is_some(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks/tasks.html")]
pub struct BoardPage {
    tr: Tr,
    layout: Layout,
    by_action: Vec<(String, Vec<TaskRow>)>,
    by_unit: Vec<(String, usize, usize, usize)>,
    actions: Vec<(i64, String)>,
    editable: bool,
    problems: Vec<(String, String)>,
}

async fn board(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problems: Vec<(String, String)>,
) -> Result<BoardPage, PageError> {
    if !sees_tasks(caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let day = crate::kit::auth::today();
    let tasks = state.store.tasks(caller.scope()).await.map_err(|e| PageError::from_store(lang, e))?;
    let lines: Vec<TaskLine> = tasks.into_iter().map(|t| line(t, day)).collect();
    let mut by_action: BTreeMap<(i64, String), Vec<TaskRow>> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for l in &lines {
        by_action.entry((l.task.action_id, l.task.action.clone())).or_default().push(row(tr, lang, l));
        let unit = by_unit.entry(l.task.lead_name.clone()).or_default();
        unit.0 += 1;
        unit.1 += usize::from(l.task.done_on.is_some());
        unit.2 += usize::from(!l.flags.is_empty());
    }
    let actions = state.store.actions().await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(BoardPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "tasks", caller),
        by_action: by_action.into_iter().map(|((_, name), rows)| (name, rows)).collect(),
        by_unit: by_unit.into_iter().map(|(name, (n, done, flagged))| (name, n, done, flagged)).collect(),
        actions: actions.into_iter().map(|(id, name, year)| (id, format!("{year} {name}"))).collect(),
        editable: plans_tasks(caller),
        problems,
    })
}

async fn view_board(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<BoardPage, PageError> {
    board(&state, &caller, lang, &uri, Vec::new()).await
}

/// The board's forms: `form=action` (`name`, `year`) or a task (`action_id`, `title`, `lead`,
/// `cooperating` comma-separated, `deadline`).
async fn view_board_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let outcome = if fields.get("form") == Some("action") {
        let name = fields.get("name").unwrap_or_default().trim().to_owned();
        let year = fields.get("year").and_then(|y| y.trim().parse().ok()).unwrap_or(0);
        if !plans_tasks(&caller) {
            Err(ApiError::NotFound(lang))
        } else if name.is_empty() || !(2000..=2100).contains(&year) {
            Err(ApiError::invalid("name", "required", Tr::new(lang).t("tasks.bad_action_form").to_owned()))
        } else {
            state
                .store
                .create_action(caller.scope(), &name, year, &caller.actor())
                .await
                .map(|_| ())
                .map_err(|e| ApiError::from_store(lang, e))
        }
    } else {
        let input = TaskInput {
            action_id: fields.get("action_id").and_then(|a| a.trim().parse().ok()),
            title: fields.get("title").map(str::to_owned),
            lead: fields.get("lead").map(str::to_owned),
            cooperating: fields
                .get("cooperating")
                .unwrap_or_default()
                .split([',', '，', '、'])
                .map(str::to_owned)
                .collect(),
            deadline: fields.get("deadline").map(str::to_owned),
            milestones: Vec::new(),
        };
        create(&state, &caller, lang, &input).await.map(|_| ())
    };
    crate::kit::error::form_answer(
        lang,
        outcome,
        |()| "/tasks".to_owned(),
        async |problems| board(&state, &caller, lang, &uri, problems).await,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks/task.html")]
pub struct TaskPage {
    tr: Tr,
    layout: Layout,
    t: TaskRow,
    action: String,
    cooperating: String,
    milestones: Vec<(String, String)>,
    progress: Vec<(String, String, i64, String)>,
    files: Vec<crate::kit::attachments::FileLine>,
    may_post: bool,
    problems: Vec<(String, String)>,
}

async fn task_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    problems: Vec<(String, String)>,
) -> Result<TaskPage, PageError> {
    if !sees_tasks(caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let (task, milestones, progress) =
        state.store.task(caller.scope(), id).await.map_err(|e| PageError::from_store(lang, e))?;
    let l = line(task, crate::kit::auth::today());
    let files = state
        .store
        .attachments(caller.scope(), xinzhi_store::attachments::Owner::Task(id))
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    Ok(TaskPage {
        files: crate::kit::attachments::lines(tr, files),
        tr,
        layout: Layout::for_caller(state, tr, uri, "tasks", caller),
        action: l.task.action.clone(),
        cooperating: l.task.cooperating.join("、"),
        milestones: milestones.into_iter().map(|(t, d)| (t, tr.date(d))).collect(),
        progress: progress.into_iter().map(|p| (tr.timestamp(p.at), p.by, p.percent, p.text)).collect(),
        may_post: l.task.done_on.is_none() && caller.user.role.may(Permission::ReportTaskProgress),
        t: row(tr, lang, &l),
        problems,
    })
}

async fn view_task_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<TaskPage, PageError> {
    task_page(&state, &caller, lang, &uri, id, Vec::new()).await
}

async fn view_task_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = ProgressInput {
        text: fields.get("text").unwrap_or_default().to_owned(),
        percent: fields.get("percent").and_then(|p| p.trim().parse().ok()).unwrap_or(-1),
    };
    let posted = match crate::kit::attachments::form_files(lang, &fields) {
        Ok(files) => progress(&state, &caller, lang, id, &input, files.first()).await,
        Err(e) => Err(ApiError::Invalid(e)),
    };
    crate::kit::error::form_answer(
        lang,
        posted,
        |_| format!("/tasks/{id}"),
        async |problems| task_page(&state, &caller, lang, &uri, id, problems).await,
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks/task_supervision.html")]
pub struct SupervisionPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<TaskRow>,
}

async fn view_supervision(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<SupervisionPage, PageError> {
    let tr = Tr::new(lang);
    let lines = supervision(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    Ok(SupervisionPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "tasks", &caller),
        rows: lines.iter().map(|l| row(tr, lang, l)).collect(),
    })
}

/// `GET /tasks.xlsx`: the caller's tasks by action with lead unit, deadline, progress and flags.
async fn view_tasks_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Response, PageError> {
    use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
    if !sees_tasks(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let day = crate::kit::auth::today();
    let tasks = state.store.tasks(caller.scope()).await.map_err(|e| PageError::from_store(lang, e))?;
    let headers = [
        "tasks.action",
        "tasks.col_task",
        "tasks.col_lead",
        "tasks.cooperating",
        "tasks.col_deadline",
        "tasks.col_percent",
        "tasks.col_flags",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let rows = tasks
        .into_iter()
        .map(|t| line(t, day))
        .map(|l| {
            let flags: Vec<&str> = l.flags.iter().map(|f| f.label(lang)).collect();
            vec![
                TableCell::Text(l.task.action.clone()),
                TableCell::Text(l.task.title.clone()),
                TableCell::Text(l.task.lead_name.clone()),
                TableCell::Text(l.task.cooperating.join("、")),
                TableCell::Text(tr.date(l.task.deadline)),
                TableCell::Number(l.task.percent as f64),
                TableCell::Text(if l.task.done_on.is_some() {
                    tr.t("tasks.done").to_owned()
                } else {
                    flags.join("、")
                }),
            ]
        })
        .collect();
    let sheet =
        TableSheet { name: tr.t("tasks.title").to_owned(), title: tr.t("tasks.title").to_owned(), headers, rows };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}.xlsx", tr.t("tasks.title"))))
}
