//! Key projects from a bureau's spreadsheet: the template, the upload with its check (every
//! problem by row, column and rule), and the commit of the valid rows or of all or nothing, in
//! one transaction. Each row goes through the same check as the registration form; districts,
//! parks and chains may be written by code or by name, as in the projects export. A project
//! already registered under the same name in the same district is left as it is, so a list can
//! be imported again after it grew.

use std::collections::HashSet;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::Lang;
use xinzhi_ingest::{FieldSpec, Record, RecordSheet, TableSheet, read_records, table_workbook};
use xinzhi_store::ImportMode;
use xinzhi_store::projects::NewProject;

use crate::AppState;
use crate::kit::auth::{Caller, MAX_UPLOAD_BYTES, random_token};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::projects::{Places, ProjectInput, check_input, writes_projects};
use xinzhi_app::imports::{RowProblem, file_problem, row_problem};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/projects/template.xlsx", get(view_template))
        .route("/projects/import", get(view_form).post(view_upload))
        .route("/projects/import/{id}", get(view_check).post(view_commit))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/projects/import", post(api_import)).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// The columns of a project list. The first name of each is the template's header.
const FIELDS: &[FieldSpec] = &[
    FieldSpec { key: "name", names: &["项目名称", "名称", "project", "name"], required: true },
    FieldSpec {
        key: "investor", names: &["投资方", "投资主体", "建设单位", "项目单位", "investor"], required: true
    },
    FieldSpec {
        key: "district", names: &["区县", "所在区县", "县区", "所在县区", "district"], required: true
    },
    FieldSpec { key: "park", names: &["园区", "所在园区", "park"], required: false },
    FieldSpec { key: "chain", names: &["产业链", "所属产业链", "chain"], required: false },
    FieldSpec {
        key: "total_investment",
        names: &["总投资", "计划总投资", "项目总投资", "total investment", "total"],
        required: true,
    },
    FieldSpec {
        key: "planned",
        names: &["年度计划", "年度计划投资", "本年计划投资", "年计划投资", "planned this year", "planned"],
        required: false,
    },
    FieldSpec { key: "is_new", names: &["新建项目", "是否新建", "新建", "new"], required: false },
    FieldSpec {
        key: "ten_major", names: &["十大产业项目", "是否十大产业项目", "ten major projects"], required: false
    },
    FieldSpec { key: "signed_on", names: &["签约日期", "签约时间", "signed on"], required: false },
    FieldSpec {
        key: "planned_start", names: &["计划开工", "计划开工日期", "planned start"], required: false
    },
    FieldSpec {
        key: "planned_producing", names: &["计划投产", "计划投产日期", "planned production"], required: false
    },
];

/// A project row that passed its checks.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedRow {
    pub row: usize,
    pub name: String,
    pub district: String,
    pub total_investment: f64,
    pub planned: Option<f64>,
    /// Registered already under this name in the district: left as it is.
    pub existing: bool,
    /// Once stored.
    pub project_id: Option<i64>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct ProjectImport {
    pub dry_run: bool,
    pub committed: bool,
    pub rows_read: usize,
    pub rows_rejected: usize,
    pub rows: Vec<ImportedRow>,
    pub problems: Vec<RowProblem>,
}

impl ProjectImport {
    pub fn created(&self) -> usize {
        self.rows.iter().filter(|r| !r.existing).count()
    }
}

/// `是`/`否` and their kin; an empty cell is no.
fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "否" | "n" | "no" | "false" | "0" | "×" => Some(false),
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" => Some(true),
        _ => None,
    }
}

/// Checks one record as the registration form would; the problems located in the sheet.
fn check_record(
    lang: Lang,
    places: &Places,
    sheet: &RecordSheet,
    record: &Record,
) -> Result<(NewProject, Option<f64>), Vec<RowProblem>> {
    let tr = Tr::new(lang);
    let place = |key: &str| sheet.place(key).map(|p| (p.column.clone(), p.header.clone()));
    let mut problems = Vec::new();
    let mut flag = |key: &str| match yes_no(record.text(key)) {
        Some(value) => value,
        None => {
            let what = tr.f("projects.import_bad_yes_no", &[("value", record.text(key))]);
            problems.push(row_problem(lang, record.row, place(key).as_ref(), "yes_no.invalid", &what));
            false
        }
    };
    let (is_new, ten_major) = (flag("is_new"), flag("ten_major"));
    let text = |key: &str| Some(record.text(key).to_owned());
    let input = ProjectInput {
        name: text("name"),
        investor: text("investor"),
        district: Some(places.district_code(record.text("district")).to_owned()),
        park: Some(places.park_code(record.text("park")).to_owned()),
        chain: Some(places.chain_code(record.text("chain")).to_owned()),
        total_investment: text("total_investment"),
        is_new,
        ten_major,
        signed_on: text("signed_on"),
        planned_start: text("planned_start"),
        planned_producing: text("planned_producing"),
    };
    let planned = match record.text("planned") {
        "" => None,
        value => match crate::projects::parse_amount(lang, "planned", value, false) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(row_problem(lang, record.row, place("planned").as_ref(), e.code, &e.message));
                None
            }
        },
    };
    let field_problems = |errors: Vec<FieldError>| -> Vec<RowProblem> {
        errors
            .into_iter()
            .map(|e| row_problem(lang, record.row, place(&e.field).as_ref(), e.code, &e.message))
            .collect()
    };
    match check_input(places, lang, &input) {
        Ok(new) if problems.is_empty() => Ok((new, planned)),
        Ok(_) => Err(problems),
        Err(details) => Err(problems.into_iter().chain(field_problems(details)).collect()),
    }
}

/// Reads, checks and (unless a dry run, and in all-or-nothing mode only when every row is
/// good) stores a project list for the caller. The year's plan goes to `year`.
pub async fn run_project_import(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    bytes: &[u8],
    (mode, dry_run): (ImportMode, bool),
) -> Result<ProjectImport, ApiError> {
    let tr = Tr::new(lang);
    let grid = xinzhi_app::imports::read_upload(bytes).await.map_err(|e| file_error(&e, lang))?;
    let sheet = read_records(&grid, FIELDS).map_err(|e| file_error(&e, lang))?;
    let store_error = |e| ApiError::from_store(lang, e);
    let places = Places::load(state).await.map_err(store_error)?;
    let scope = caller.scope();
    let registered: HashSet<(String, i64)> = state
        .store
        .projects(&xinzhi_store::Scope::City)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(|p| (p.name, p.region_id.0))
        .collect();
    let year = crate::kit::auth::today() as i32 / 10_000;
    let mut report = ProjectImport {
        dry_run,
        committed: false,
        rows_read: sheet.records.len(),
        rows_rejected: 0,
        rows: Vec::new(),
        problems: Vec::new(),
    };
    let mut accepted: Vec<(NewProject, Option<(i32, f64)>)> = Vec::new();
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    for record in &sheet.records {
        let (new, planned) = match check_record(lang, &places, &sheet, record) {
            Ok(checked) => checked,
            Err(problems) => {
                report.rows_rejected += 1;
                report.problems.extend(problems);
                continue;
            }
        };
        let key = (new.name.clone(), new.region_id.0);
        let refusal = if !new.within(scope) {
            Some(("projects.import_scope", tr.t("projects.import_scope").to_owned()))
        } else if !seen.insert(key.clone()) {
            Some(("projects.import_twice", tr.t("projects.import_twice").to_owned()))
        } else {
            None
        };
        if let Some((code, what)) = refusal {
            report.rows_rejected += 1;
            report.problems.push(row_problem(lang, record.row, None, code, &what));
            continue;
        }
        let existing = registered.contains(&key);
        report.rows.push(ImportedRow {
            row: record.row,
            name: new.name.clone(),
            district: record.text("district").to_owned(),
            total_investment: new.total_investment,
            planned,
            existing,
            project_id: None,
        });
        if !existing {
            accepted.push((new, planned.map(|p| (year, p))));
        }
    }
    report.problems.sort_by_key(|p| p.row);
    let refused = mode == ImportMode::AllOrNothing && report.rows_rejected > 0;
    if dry_run || refused {
        return Ok(report);
    }
    let ids = if accepted.is_empty() {
        Vec::new()
    } else {
        state.store.create_projects(scope, &accepted, &caller.actor()).await.map_err(store_error)?
    };
    let mut ids = ids.into_iter();
    for row in report.rows.iter_mut().filter(|r| !r.existing) {
        row.project_id = ids.next();
    }
    report.committed = true;
    Ok(report)
}

fn file_error(error: &impl xinzhi_domain::Localize, lang: Lang) -> ApiError {
    let problem = file_problem(error, lang);
    ApiError::File { code: problem.code, message: problem.message }
}

/// Who imports projects: those who register them.
async fn refuse(state: &AppState, caller: &Caller, lang: Lang) -> Result<(), ApiError> {
    crate::kit::auth::refuse_unless(state, caller, lang, writes_projects(caller), ("projects", "import")).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ImportQuery {
    mode: Option<String>,
    dry_run: Option<bool>,
}

fn options(lang: Lang, query: &ImportQuery) -> Result<(ImportMode, bool), ApiError> {
    let mode = crate::kit::files::parse_mode(lang, query.mode.as_deref()).map_err(ApiError::Invalid)?;
    Ok((mode, query.dry_run.unwrap_or(false)))
}

/// `POST /api/v1/projects/import?mode=valid_rows|all_or_nothing&dry_run=` with the file as the
/// body: 200 with every row's outcome and problem, 422 when the file cannot be read.
async fn api_import(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> Result<Json<ProjectImport>, ApiError> {
    refuse(&state, &caller, lang).await?;
    let options = options(lang, &query)?;
    Ok(Json(run_project_import(&state, &caller, lang, &body, options).await?))
}

/// `GET /projects/template.xlsx`: the columns the import reads, with a line on how to fill them.
async fn view_template(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Response, PageError> {
    refuse(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let tr = Tr::new(lang);
    let headers = FIELDS
        .iter()
        .map(|f| match lang {
            Lang::ZhCn => f.names[0].to_owned(),
            Lang::En => f.names.last().copied().unwrap_or(f.key).to_owned(),
        })
        .collect();
    let sheet = TableSheet {
        name: tr.t("projects.title").to_owned(),
        title: tr.t("projects.import_template_note").to_owned(),
        headers,
        rows: Vec::new(),
    };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}.xlsx", tr.t("projects.import_title"))))
}

// ------------------------------------------------------------------------------ the pages

#[derive(Template, WebTemplate)]
#[template(path = "projects/project_import.html")]
pub struct ImportPage {
    tr: Tr,
    layout: Layout,
    upload: Option<String>,
    file_name: String,
    file_error: Option<String>,
    report: Option<ProjectImport>,
}

impl ImportPage {
    fn new(state: &AppState, tr: Tr, uri: &OriginalUri, caller: &Caller) -> ImportPage {
        ImportPage {
            tr,
            layout: Layout::for_caller(state, tr, uri, "projects", caller),
            upload: None,
            file_name: String::new(),
            file_error: None,
            report: None,
        }
    }
}

/// `GET /projects/import`: the upload form.
async fn view_form(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<ImportPage, PageError> {
    refuse(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    Ok(ImportPage::new(&state, Tr::new(lang), &uri, &caller))
}

/// `POST /projects/import` (multipart: `csrf`, `file`): keeps the file and shows its check.
async fn view_upload(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    refuse(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let tr = Tr::new(lang);
    let form = crate::kit::files::read_upload_form(multipart).await.map_err(|reason| {
        PageError::invalid(
            lang,
            FieldError::new("file", "file.upload", format!("{}: {reason}", tr.t("import.upload_failed"))),
        )
    })?;
    let Some((name, bytes)) = form.file.filter(|(_, b)| !b.is_empty()) else {
        let mut page = ImportPage::new(&state, tr, &uri, &caller);
        page.file_error = Some(tr.t("import.no_file").to_owned());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = random_token(18);
    state
        .store
        .save_upload(&id, caller.user.user_id, &name, None, &bytes)
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to(&format!("/projects/import/{id}")).into_response())
}

async fn checked_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    caller: &Caller,
    id: &str,
    options: (ImportMode, bool),
) -> Result<Response, PageError> {
    refuse(state, caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let upload = state.store.upload(id, caller.user.user_id).await.map_err(|e| PageError::from_store(lang, e))?;
    let mut page = ImportPage::new(state, Tr::new(lang), uri, caller);
    page.upload = Some(upload.upload_id.clone());
    page.file_name = upload.file_name.clone();
    match run_project_import(state, caller, lang, &upload.content, options).await {
        Ok(report) => {
            page.report = Some(report);
            Ok(page.into_response())
        }
        Err(ApiError::File { message, .. }) => {
            page.file_error = Some(message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(PageError::from_api(lang, e)),
    }
}

/// `GET /projects/import/{id}`: what the kept file would register, and every problem.
async fn view_check(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    checked_page(&state, lang, &uri, &caller, &id, (ImportMode::ValidRows, true)).await
}

#[derive(Deserialize)]
pub struct CommitForm {
    mode: Option<String>,
}

/// `POST /projects/import/{id}` (`mode`): registers the kept file's projects.
async fn view_commit(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<CommitForm>,
) -> Result<Response, PageError> {
    let mode = crate::kit::files::parse_mode(lang, form.mode.as_deref()).map_err(|e| PageError::invalid(lang, e))?;
    checked_page(&state, lang, &uri, &caller, &id, (mode, false)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_are_read_as_people_write_them() {
        for yes in ["是", "Y", "yes", "√", "1"] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in ["", "否", "N", "0", " no "] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        assert_eq!(yes_no("可能"), None);
    }

    #[test]
    fn names_become_codes_and_unknown_text_stays_for_the_error() {
        let known = vec![("436002".to_owned(), "新州区".to_owned(), ())];
        assert_eq!(Places::code_of("新州区", &known), "436002");
        assert_eq!(Places::code_of("436002", &known), "436002");
        assert_eq!(Places::code_of("别处", &known), "别处");
    }
}
