//! Spreadsheets in and out of the browser and the API: the report template, the upload with
//! its preview (what will be written, every problem by row, column and rule), the commit of
//! valid rows or of all or nothing, and the error report with the faulty cells highlighted.
//! The work itself is `xinzhi_app::imports::run_import`, shared with `xinzhi import reports`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use xinzhi_domain::{Lang, Permission, Role};
use xinzhi_ingest::{
    Limits, MarkedProblem, TemplateColumn, TemplateFirm, TemplateSpec, column_index, error_report, report_template,
};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{EnterpriseFilter, ImportMode, Page, RowOutcome, StoreError};

use crate::AppState;
use crate::kit::auth::{Caller, MAX_UPLOAD_BYTES, random_token};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::files::{UploadForm, import_answer, parse_mode, read_upload_form, xlsx};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::parse_optional_month;
use xinzhi_app::clock::current_month;
use xinzhi_app::imports::{ImportReport, ImportRequest, run_import};
use xinzhi_app::profile_imports::{ProfileImportRequest, run_profile_import};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/template.xlsx", get(view_template_get))
        .route("/reports/import", get(view_import_get).post(view_import_post))
        .route("/reports/import/{id}", get(view_preview_get).post(view_commit_post))
        .route("/reports/import/{id}/errors.xlsx", get(view_errors_get))
        .route("/cultivation/profiles/import", get(view_profile_import_get).post(view_profile_import_post))
        .route("/cultivation/profiles/import/{id}", get(view_profile_preview_get).post(view_profile_commit_post))
        .route("/cultivation/profiles/import/{id}/errors.xlsx", get(view_profile_errors_get))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// What an upload holds: a month of reports, or a year of annual profiles. Both go through the
/// same upload, preview, commit and error report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImportKind {
    Reports,
    Profiles,
}

impl ImportKind {
    fn base(self) -> &'static str {
        match self {
            ImportKind::Reports => "/reports/import",
            ImportKind::Profiles => "/cultivation/profiles/import",
        }
    }

    fn template(self) -> &'static str {
        match self {
            ImportKind::Reports => "/reports/template.xlsx",
            ImportKind::Profiles => "/cultivation/profiles/template.xlsx",
        }
    }

    fn nav(self) -> &'static str {
        match self {
            ImportKind::Reports => "reports",
            ImportKind::Profiles => "cultivation",
        }
    }
}

/// `POST /api/v1/reports/import?period=&mode=&dry_run=` with the file as the body.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/reports/import", post(api_import))
        .route("/reports/template.xlsx", get(view_template_get))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// Rows of the preview table shown on the page (the problems are all shown).
const PREVIEW_ROWS: usize = 200;

/// Officers and analysts import for their scope; reporters use the form.
fn may_import(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReviewReports)
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    period: Option<String>,
}

/// `GET /reports/template.xlsx?period=2024-03`: headers and units of the data set, the open
/// months as a dropdown, checks on the value cells, instructions, and the caller's firms
/// that must report prefilled.
async fn view_template_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<TemplateQuery>,
) -> Result<Response, ApiError> {
    if !caller.user.role.may(Permission::WriteReports) {
        return Err(ApiError::NotFound(lang));
    }
    let period = parse_optional_month(lang, query.period.as_deref())
        .map_err(ApiError::Invalid)?
        .unwrap_or_else(|| current_month().prev());
    let store_error = |e| ApiError::from_store(lang, e);
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let mut firms = Vec::new();
    let filter = EnterpriseFilter {
        above_scale: (caller.user.role != Role::EnterpriseReporter).then_some(true),
        ..EnterpriseFilter::default()
    };
    loop {
        let page = state
            .store
            .search_enterprises(caller.scope(), &filter, Page::new(Page::MAX_LIMIT, firms.len() as i64))
            .await
            .map_err(store_error)?;
        let done = page.items.len() < Page::MAX_LIMIT as usize;
        firms.extend(
            page.items.into_iter().map(|e| TemplateFirm { credit_code: e.credit_code.to_string(), name: e.name }),
        );
        if done || firms.len() >= Limits::default().max_rows {
            break;
        }
    }
    let deadline = period.next();
    let spec = TemplateSpec {
        title: format!("{} {}", state.city.0, set.name_zh),
        period,
        periods: (0..3).map(|back| current_month().prev().plus(-back)).collect(),
        columns: set
            .indicators
            .iter()
            .map(|i| TemplateColumn {
                name_zh: i.indicator.def.name_zh.clone(),
                unit_zh: i.indicator.def.unit_zh.clone(),
                required: i.required,
                signed: i.indicator.def.code.as_str().contains("profit"),
            })
            .collect(),
        firms,
        deadline: format!("{}年{}月{}日", deadline.year(), deadline.month(), set.deadline_day),
    };
    let bytes = report_template(&spec).map_err(|e| ApiError::Internal(lang, StoreError::Invalid(e.to_string())))?;
    Ok(xlsx(bytes, &format!("{}-{}.xlsx", set.name_zh, period)))
}

pub struct ProblemLine {
    pub row: usize,
    pub column: String,
    pub message: String,
}

pub struct PreviewLine {
    pub row: usize,
    pub credit_code: String,
    pub name: String,
    pub period: String,
    pub outcome: String,
    pub locked: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/import.html")]
pub struct ImportPage {
    tr: Tr,
    layout: Layout,
    /// Where the form posts: the reports' or the profiles' import.
    base: &'static str,
    template_href: &'static str,
    /// A year of profiles (the period field is a year), not a month of reports.
    yearly: bool,
    period: String,
    /// The upload being previewed, or `None` for the empty form.
    upload: Option<String>,
    file_name: String,
    file_error: Option<String>,
    committed: bool,
    refused: bool,
    rows_read: usize,
    rows_skipped: usize,
    rows_rejected: usize,
    rows_written: usize,
    rows_unchanged: usize,
    rows_locked: usize,
    values_written: usize,
    problems: Vec<ProblemLine>,
    preview: Vec<PreviewLine>,
    preview_more: usize,
}

impl ImportPage {
    fn empty(state: &AppState, tr: Tr, uri: &OriginalUri, caller: &Caller, kind: ImportKind) -> ImportPage {
        let last = current_month().prev();
        ImportPage {
            tr,
            layout: Layout::for_caller(state, tr, uri, kind.nav(), caller),
            base: kind.base(),
            template_href: kind.template(),
            yearly: kind == ImportKind::Profiles,
            period: match kind {
                ImportKind::Reports => last.to_string(),
                ImportKind::Profiles => (last.year() - 1).to_string(),
            },
            upload: None,
            file_name: String::new(),
            file_error: None,
            committed: false,
            refused: false,
            rows_read: 0,
            rows_skipped: 0,
            rows_rejected: 0,
            rows_written: 0,
            rows_unchanged: 0,
            rows_locked: 0,
            values_written: 0,
            problems: Vec::new(),
            preview: Vec::new(),
            preview_more: 0,
        }
    }

    fn with_report(mut self, upload: &xinzhi_store::Upload, report: &ImportReport) -> ImportPage {
        let tr = self.tr;
        self.upload = Some(upload.upload_id.clone());
        self.file_name = upload.file_name.clone();
        if let Some(period) = upload.period {
            self.period = if self.yearly { period.year().to_string() } else { period.to_string() };
        }
        self.file_error = report.file_error.as_ref().map(|e| e.message.clone());
        self.committed = report.committed;
        self.refused = !report.dry_run && !report.committed && report.file_error.is_none();
        self.rows_read = report.rows_read;
        self.rows_skipped = report.rows_skipped;
        self.rows_rejected = report.rows_rejected;
        self.rows_written = report.count(|o| matches!(o, RowOutcome::Written { .. }));
        self.rows_unchanged = report.count(|o| matches!(o, RowOutcome::Unchanged));
        self.rows_locked = report.count(|o| matches!(o, RowOutcome::Locked { .. }));
        self.values_written = report.values_written;
        self.problems = report
            .problems
            .iter()
            .map(|p| ProblemLine {
                row: p.row,
                column: p.column.clone().unwrap_or_default(),
                message: p.message.clone(),
            })
            .collect();
        self.preview = report
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|r| {
                let outcome = match &r.outcome {
                    RowOutcome::Written { added, changed } => tr.f(
                        "import.outcome.written",
                        &[("added", added.to_string().as_str()), ("changed", changed.to_string().as_str())],
                    ),
                    RowOutcome::Unchanged => tr.t("import.outcome.unchanged").to_owned(),
                    RowOutcome::Locked { .. } => tr.t("import.outcome.locked").to_owned(),
                };
                PreviewLine {
                    row: r.row,
                    credit_code: r.credit_code.clone(),
                    name: r.name.clone().unwrap_or_default(),
                    period: if self.yearly { r.period.year().to_string() } else { r.period.to_string() },
                    outcome,
                    locked: matches!(r.outcome, RowOutcome::Locked { .. }),
                }
            })
            .collect();
        self.preview_more = report.rows.len().saturating_sub(PREVIEW_ROWS);
        self
    }
}

/// `GET /reports/import`: the upload form.
async fn view_import_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<ImportPage, PageError> {
    import_form(&state, lang, &uri, &caller, ImportKind::Reports)
}

/// `GET /cultivation/profiles/import`: the upload form of a year of profiles.
async fn view_profile_import_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<ImportPage, PageError> {
    import_form(&state, lang, &uri, &caller, ImportKind::Profiles)
}

fn import_form(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    caller: &Caller,
    kind: ImportKind,
) -> Result<ImportPage, PageError> {
    if !may_import(caller) {
        return Err(PageError::not_found(lang));
    }
    Ok(ImportPage::empty(state, Tr::new(lang), uri, caller, kind))
}

/// `POST /reports/import` (multipart: `csrf`, `period`, `file`): keeps the file and shows its
/// preview.
async fn view_import_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    keep_upload(&state, lang, &uri, &caller, multipart, ImportKind::Reports).await
}

/// `POST /cultivation/profiles/import` (multipart: `csrf`, `period` holding the year, `file`).
async fn view_profile_import_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    keep_upload(&state, lang, &uri, &caller, multipart, ImportKind::Profiles).await
}

async fn keep_upload(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    caller: &Caller,
    multipart: Multipart,
    kind: ImportKind,
) -> Result<Response, PageError> {
    if !may_import(caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let UploadForm { period: period_text, file } = read_upload_form(multipart).await.map_err(|reason| {
        PageError::invalid(
            lang,
            FieldError::new("file", "file.upload", format!("{}: {reason}", tr.t("import.upload_failed"))),
        )
    })?;
    let period = match kind {
        ImportKind::Reports => parse_optional_month(lang, period_text.as_deref()),
        ImportKind::Profiles => crate::kit::query::parse_profile_year(lang, period_text.as_deref())
            .map(|y| Some(xinzhi_domain::Month::december(y))),
    }
    .map_err(|e| PageError::invalid(lang, e))?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let mut page = ImportPage::empty(state, tr, uri, caller, kind);
        page.file_error = Some(tr.t("import.no_file").to_owned());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let id = random_token(18);
    state
        .store
        .save_upload(&id, caller.user.user_id, &name, period, &bytes)
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to(&format!("{}/{id}", kind.base())).into_response())
}

async fn preview_or_commit(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: &str,
    kind: ImportKind,
    (mode, dry_run): (ImportMode, bool),
) -> Result<(xinzhi_store::Upload, ImportReport), PageError> {
    if !may_import(caller) {
        return Err(PageError::not_found(lang));
    }
    let upload = state.store.upload(id, caller.user.user_id).await.map_err(|e| PageError::from_store(lang, e))?;
    let report = match kind {
        ImportKind::Reports => {
            let request = ImportRequest {
                bytes: &upload.content,
                period: upload.period,
                mode,
                dry_run,
                lang,
                latest: current_month(),
            };
            crate::kit::metrics::METRICS.imports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            run_import(&state.store, &caller.acting(), request).await
        }
        ImportKind::Profiles => {
            let year = upload.period.map_or(current_month().year() - 1, |p| p.year());
            let request = ProfileImportRequest { bytes: &upload.content, year, mode, dry_run, lang };
            run_profile_import(&state.store, &caller.acting(), request).await
        }
    }
    .map_err(|e| PageError::from_app(lang, e))?;
    Ok((upload, report))
}

/// `GET /reports/import/{id}`: the preview; nothing is written.
async fn view_preview_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ImportPage, PageError> {
    preview(&state, lang, &uri, &caller, &id, ImportKind::Reports).await
}

/// `GET /cultivation/profiles/import/{id}`: the preview of a year of profiles.
async fn view_profile_preview_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ImportPage, PageError> {
    preview(&state, lang, &uri, &caller, &id, ImportKind::Profiles).await
}

async fn preview(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    caller: &Caller,
    id: &str,
    kind: ImportKind,
) -> Result<ImportPage, PageError> {
    let (upload, report) = preview_or_commit(state, caller, lang, id, kind, (ImportMode::ValidRows, true)).await?;
    Ok(ImportPage::empty(state, Tr::new(lang), uri, caller, kind).with_report(&upload, &report))
}

/// `POST /reports/import/{id}` with `mode` (`valid_rows` or `all_or_nothing`): the commit.
async fn view_commit_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
    fields: crate::kit::forms::FormFields,
) -> Result<Response, PageError> {
    commit(&state, lang, &uri, &caller, &id, &fields, ImportKind::Reports).await
}

/// `POST /cultivation/profiles/import/{id}` with `mode`: the commit of a year of profiles.
async fn view_profile_commit_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<String>,
    fields: crate::kit::forms::FormFields,
) -> Result<Response, PageError> {
    commit(&state, lang, &uri, &caller, &id, &fields, ImportKind::Profiles).await
}

async fn commit(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    caller: &Caller,
    id: &str,
    fields: &crate::kit::forms::FormFields,
    kind: ImportKind,
) -> Result<Response, PageError> {
    let mode = parse_mode(lang, fields.get("mode")).map_err(|e| PageError::invalid(lang, e))?;
    let (upload, report) = preview_or_commit(state, caller, lang, id, kind, (mode, false)).await?;
    let page = ImportPage::empty(state, Tr::new(lang), uri, caller, kind).with_report(&upload, &report);
    let status = if report.committed { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, page).into_response())
}

/// `GET /reports/import/{id}/errors.xlsx`: the uploaded rows with the faulty cells in red.
async fn view_errors_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    errors_workbook(&state, lang, &caller, &id, ImportKind::Reports).await
}

/// `GET /cultivation/profiles/import/{id}/errors.xlsx`.
async fn view_profile_errors_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    errors_workbook(&state, lang, &caller, &id, ImportKind::Profiles).await
}

async fn errors_workbook(
    state: &AppState,
    lang: Lang,
    caller: &Caller,
    id: &str,
    kind: ImportKind,
) -> Result<Response, PageError> {
    let (upload, report) = preview_or_commit(state, caller, lang, id, kind, (ImportMode::ValidRows, true)).await?;
    let grid = xinzhi_app::imports::read_upload(&upload.content)
        .await
        .map_err(|e| PageError::invalid(lang, FieldError::from_domain("file", &e, lang)))?;
    let marks: Vec<MarkedProblem> = report
        .problems
        .iter()
        .map(|p| MarkedProblem {
            row: p.row,
            column: p.column.as_deref().and_then(column_index),
            message: p.message.clone(),
        })
        .collect();
    let bytes = error_report(&grid, &marks, lang).map_err(|e| PageError::internal(lang, &e))?;
    let stem = upload.file_name.rsplit_once('.').map_or(upload.file_name.as_str(), |(stem, _)| stem);
    Ok(xlsx(bytes, &format!("{stem}-{}.xlsx", lang.pick("错误报告", "errors"))))
}

#[derive(Deserialize)]
pub struct ApiImportQuery {
    period: Option<String>,
    mode: Option<String>,
    dry_run: Option<bool>,
}

/// `POST /api/v1/reports/import?period=&mode=&dry_run=`: a month of reports from a spreadsheet. The file is the request body (.xlsx, .xls or .csv). 200 with every row's outcome and every
/// problem when the file could be read (check `clean`); 422 in the error format when not.
async fn api_import(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ApiImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !may_import(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    let period = parse_optional_month(lang, query.period.as_deref()).map_err(ApiError::Invalid)?;
    let mode = parse_mode(lang, query.mode.as_deref()).map_err(ApiError::Invalid)?;
    let request = ImportRequest {
        bytes: &body,
        period,
        mode,
        dry_run: query.dry_run.unwrap_or(false),
        lang,
        latest: current_month(),
    };
    crate::kit::metrics::METRICS.imports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let report = run_import(&state.store, &caller.acting(), request).await.map_err(|e| ApiError::from_app(lang, e))?;
    import_answer(report)
}
