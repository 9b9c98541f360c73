//! Files attached to tasks and requests: added with a progress report or a request, or later
//! (`POST /api/v1/{tasks|requests}/{id}/attachments?name=` with the file as the body, or the
//! form on a request's page), and downloaded at `/attachments/{id}` by whoever sees what they
//! belong to. Downloads are always saved, never opened in the page.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use xinzhi_domain::attachment::{MAX_ATTACHMENT_BYTES, check, content_type};
use xinzhi_domain::{Lang, Localize, Role};
use xinzhi_store::attachments::{Attachment, NewFile, Owner};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::report_pages::FormFields;

/// Room for a form's other fields beside the largest file.
const BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 256 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/attachments/{id}", get(view_download))
        .route("/requests/{id}/attachments", post(view_attach_to_request))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/attachments/{id}", get(view_download))
        .route("/tasks/{id}/attachments", get(api_task_files).post(api_attach_to_task))
        .route("/requests/{id}/attachments", get(api_request_files).post(api_attach_to_request))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// The body limit for routers whose forms carry files.
pub(crate) fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(BODY_LIMIT)
}

/// A file as sent, checked: its kept name and bytes, or the reason it is refused (`field`).
pub(crate) fn checked(lang: Lang, field: &str, name: &str, bytes: &[u8]) -> Result<NewFile, FieldError> {
    check(name, bytes.len())
        .map(|name| NewFile { name, content: bytes.to_vec() })
        .map_err(|e| FieldError::new(field, e.code(), e.message(lang)))
}

/// The files of a form's `file` field, checked; a form cut short is refused too.
pub(crate) fn form_files(lang: Lang, fields: &FormFields) -> Result<Vec<NewFile>, FieldError> {
    if let Some(reason) = &fields.unreadable {
        let what = Tr::new(lang).t("import.upload_failed");
        return Err(FieldError::new("file", "file.upload", format!("{what}: {reason}")));
    }
    fields.files("file").map(|(name, bytes)| checked(lang, "file", name, bytes)).collect()
}

/// A kept file as pages list it.
pub struct FileLine {
    pub id: i64,
    pub name: String,
    /// `1.2 MB`.
    pub size: String,
    pub by: String,
    pub at: String,
}

pub(crate) fn lines(tr: Tr, files: Vec<Attachment>) -> Vec<FileLine> {
    files
        .into_iter()
        .map(|a| FileLine {
            id: a.attachment_id,
            size: match a.size {
                n if n >= 1024 * 1024 => format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)),
                n if n >= 1024 => format!("{} KB", (n + 1023) / 1024),
                n => format!("{n} B"),
            },
            name: a.file_name,
            by: a.created_by,
            at: tr.timestamp(a.created_at),
        })
        .collect()
}

/// Who may add files: for a task its lead unit (or the city's staff), for a request whoever
/// sees it but the city's leaders, who only read.
async fn may_attach(state: &AppState, caller: &Caller, owner: Owner) -> bool {
    if caller.user.role == Role::CityLeader {
        return false;
    }
    match owner {
        Owner::Task(id) => {
            crate::notices::sees_tasks(caller)
                && state.store.task(caller.scope(), id).await.is_ok_and(|(task, _, _)| task.led_by(caller.scope()))
        }
        Owner::Request(id) => state.store.request(caller.scope(), id).await.is_ok(),
    }
}

async fn attach(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    owner: Owner,
    file: NewFile,
) -> Result<Attachment, ApiError> {
    if !may_attach(state, caller, owner).await {
        audit_denial(state, caller, "attachments", "add").await;
        return Err(ApiError::NotFound(lang));
    }
    state.store.attach(caller.scope(), owner, &file, &caller.actor()).await.map_err(|e| ApiError::from_store(lang, e))
}

#[derive(Debug, Default, Deserialize)]
pub struct NameQuery {
    name: Option<String>,
}

async fn api_attach(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    owner: Owner,
    query: &NameQuery,
    body: &[u8],
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    let file = checked(lang, "name", query.name.as_deref().unwrap_or(""), body).map_err(ApiError::Invalid)?;
    Ok((StatusCode::CREATED, Json(attach(state, caller, lang, owner, file).await?)))
}

/// `POST /api/v1/tasks/{id}/attachments?name=用地批复.pdf` with the file as the body.
async fn api_attach_to_task(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<NameQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    api_attach(&state, &caller, lang, Owner::Task(id), &query, &body).await
}

/// `POST /api/v1/requests/{id}/attachments?name=` with the file as the body.
async fn api_attach_to_request(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<NameQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<Attachment>), ApiError> {
    api_attach(&state, &caller, lang, Owner::Request(id), &query, &body).await
}

/// The files of what the caller sees.
pub(crate) async fn files_of(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    owner: Owner,
) -> Result<Vec<Attachment>, ApiError> {
    if matches!(owner, Owner::Task(_)) && !crate::notices::sees_tasks(caller) {
        return Err(ApiError::NotFound(lang));
    }
    state.store.attachments(caller.scope(), owner).await.map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/tasks/{id}/attachments`: the files kept with a task's progress (for whoever sees the task).
async fn api_task_files(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    Ok(Json(files_of(&state, &caller, lang, Owner::Task(id)).await?))
}

/// `GET /api/v1/requests/{id}/attachments`: the files kept with a request (for whoever sees the request).
async fn api_request_files(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    Ok(Json(files_of(&state, &caller, lang, Owner::Request(id)).await?))
}

/// `GET /attachments/{id}`: the file, to whoever sees what it belongs to (404 for the rest).
async fn view_download(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (attachment, bytes) =
        state.store.attachment(caller.scope(), id).await.map_err(|e| PageError::from_store(lang, e))?;
    if matches!(attachment.owner, Owner::Task(_)) && !crate::notices::sees_tasks(&caller) {
        return Err(PageError::not_found(lang));
    }
    Ok(crate::kit::files::download(bytes, &attachment.file_name, content_type(&attachment.file_name)))
}

/// `POST /requests/{id}/attachments` (multipart: `csrf`, `file`): adds files to a request
/// and goes back to its page.
async fn view_attach_to_request(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let files = form_files(lang, &fields).map_err(|e| PageError::invalid(lang, e))?;
    if files.is_empty() {
        let what = Tr::new(lang).t("import.no_file").to_owned();
        return Err(PageError::invalid(lang, FieldError::new("file", "attachment.empty", what)));
    }
    for file in files {
        attach(&state, &caller, lang, Owner::Request(id), file).await.map_err(|e| PageError::from_api(lang, e))?;
    }
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}
