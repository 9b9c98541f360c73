//! The in-app inbox (`/inbox`, `GET /api/v1/inbox`): reminders of overdue and stalled tasks
//! for their lead units, and of requests near or past their time limit for the department
//! handling them, with the escalation of a breach to the city's supervisors. The sweep that
//! writes them runs when an inbox or a supervision list is opened and every few minutes in
//! the server; each notice is written once a day.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, State};
use axum::routing::get;
use axum::{Json, Router};
use xinzhi_domain::Lang;
use xinzhi_store::inbox::InboxItem;

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::{ApiError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::notices::{sees_tasks, sweep};

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox", get(view_inbox))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/inbox", get(api_inbox))
}

async fn inbox(state: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<InboxItem>, ApiError> {
    if !sees_tasks(caller) {
        return Err(ApiError::NotFound(lang));
    }
    sweep(state, lang).await.map_err(|e| ApiError::from_store(lang, e))?;
    state.store.inbox(caller.scope()).await.map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/inbox`: the notices of the caller's unit, newest first.
async fn api_inbox(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<InboxItem>>, ApiError> {
    Ok(Json(inbox(&state, &caller, lang).await?))
}

#[derive(Template, WebTemplate)]
#[template(path = "inbox/inbox.html")]
pub struct InboxPage {
    tr: Tr,
    layout: Layout,
    /// (when, kind, text, link)
    items: Vec<(String, String, String, String)>,
}

async fn view_inbox(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<InboxPage, PageError> {
    let tr = Tr::new(lang);
    let items = inbox(&state, &caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    Ok(InboxPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "tasks", &caller),
        items: items.into_iter().map(|i| (tr.timestamp(i.created_at), i.kind, i.text, i.link)).collect(),
    })
}
