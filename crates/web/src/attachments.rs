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
use xinzhi_domain::attachment::content_type;
use xinzhi_domain::{Lang, Permission};
use xinzhi_store::attachments::{Attachment, NewFile, Owner};

use crate::AppState;
use crate::kit::attachments::{BODY_LIMIT, checked, form_files};
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;

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

/// Who may add files: for a task its lead unit (or the city's staff), for a request whoever
/// sees it but the city's leaders, who only read.
async fn may_attach(state: &AppState, caller: &Caller, owner: Owner) -> bool {
    let role = caller.user.role;
    match owner {
        Owner::Task(id) => {
            role.may(Permission::ReportTaskProgress)
                && state.store.task(caller.scope(), id).await.is_ok_and(|(task, _, _)| task.led_by(caller.scope()))
        }
        Owner::Request(id) => {
            role.may(Permission::AttachToRequests) && state.store.request(caller.scope(), id).await.is_ok()
        }
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
    if matches!(owner, Owner::Task(_)) && !crate::kit::notices::sees_tasks(caller) {
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
    if matches!(attachment.owner, Owner::Task(_)) && !crate::kit::notices::sees_tasks(&caller) {
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
