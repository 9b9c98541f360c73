//! Commendation lists (表彰名单) from the city's rules (domain::commendation): the page, its
//! workbook for the meeting's papers, and the JSON, for the firms of the caller's scope.
//! Page `/cultivation/commendations`, export `/cultivation/commendations.xlsx`, JSON
//! `/api/v1/commendations`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::commendations::{self, CommendationList};
use xinzhi_domain::commendation::CommendationRules;
use xinzhi_domain::{Lang, Permission};
use xinzhi_ingest::{TableCell, TableSheet, table_workbook};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::{ApiError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/commendations", get(view_get))
        .route("/cultivation/commendations.xlsx", get(view_xlsx))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/commendations", get(api_lists))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListsQuery {
    /// The profile year (default: the latest with profiles).
    pub year: Option<String>,
    /// A rule-set version (default: the one in force today).
    pub version: Option<String>,
}

#[derive(Serialize)]
pub struct ListsAnswer {
    pub year: i32,
    pub version: String,
    pub source: String,
    pub lists: Vec<CommendationList>,
}

async fn lists(state: &AppState, caller: &Caller, lang: Lang, query: &ListsQuery) -> Result<ListsAnswer, ApiError> {
    if !caller.user.role.may(Permission::ReadMonitoring) {
        audit_denial(state, caller, "commendations", "lists").await;
        return Err(ApiError::NotFound(lang));
    }
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let year = crate::kit::query::year_or_latest(state, lang, query.year.as_deref()).await?;
    let rules: CommendationRules = crate::kit::rules::rules_of(state, lang, query.version.as_deref()).await?;
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    let profiles = engine.profiles().await.map_err(engine_error)?;
    let names = engine.names().await;
    let cube = engine.read().await.map_err(engine_error)?;
    let lists = commendations::lists(&cube, &names, &profiles, caller.scope(), &rules, year, lang);
    Ok(ListsAnswer { year, version: rules.version, source: rules.source, lists })
}

/// `GET /api/v1/commendations?year=&version=`: every award's list with places and values.
async fn api_lists(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ListsQuery>,
) -> Result<Json<ListsAnswer>, ApiError> {
    Ok(Json(lists(&state, &caller, lang, &query).await?))
}

pub struct ListView {
    pub code: String,
    pub name: String,
    pub eligible: usize,
    pub rows: Vec<(usize, String, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/commendations.html")]
pub struct CommendationsPage {
    tr: Tr,
    layout: Layout,
    year: i32,
    version: String,
    versions: Vec<String>,
    source: String,
    lists: Vec<ListView>,
}

async fn view_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<ListsQuery>,
) -> Result<CommendationsPage, PageError> {
    let tr = Tr::new(lang);
    let answer = lists(&state, &caller, lang, &query).await.map_err(|e| PageError::from_api(lang, e))?;
    let versions = state
        .store
        .rule_sets("commendation")
        .await
        .map_err(|e| PageError::from_store(lang, e))?
        .into_iter()
        .map(|r| r.version)
        .collect();
    let lists = answer
        .lists
        .iter()
        .map(|l| ListView {
            code: l.code.clone(),
            name: l.name.clone(),
            eligible: l.eligible,
            rows: l
                .winners
                .iter()
                .map(|w| {
                    let href = format!("/enterprises/{}/profile?year={}", w.credit_code, answer.year);
                    (w.place, w.name.clone(), href, w.district.clone(), tr.number(w.value, 1))
                })
                .collect(),
        })
        .collect();
    Ok(CommendationsPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "cultivation", &caller),
        year: answer.year,
        version: answer.version,
        versions,
        source: answer.source,
        lists,
    })
}

/// The lists as a workbook: one sheet per award, places, codes, names, districts and values.
async fn view_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<ListsQuery>,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let answer = lists(&state, &caller, lang, &query).await.map_err(|e| PageError::from_api(lang, e))?;
    let headers: Vec<String> =
        ["commendation.col_place", "col.credit_code", "col.name", "col.district", "commendation.col_value"]
            .iter()
            .map(|k| tr.t(k).to_owned())
            .collect();
    let sheets: Vec<TableSheet> = answer
        .lists
        .iter()
        .map(|l| TableSheet {
            name: l.name.chars().take(31).collect(),
            title: format!("{}年度 {}（{}）", answer.year, l.name, answer.version),
            headers: headers.clone(),
            rows: l
                .winners
                .iter()
                .map(|w| {
                    vec![
                        TableCell::Number(w.place as f64),
                        TableCell::Text(w.credit_code.clone()),
                        TableCell::Text(w.name.clone()),
                        TableCell::Text(w.district.clone()),
                        TableCell::Number(w.value),
                    ]
                })
                .collect(),
        })
        .collect();
    let bytes = table_workbook(&sheets).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}-{}.xlsx", tr.t("commendation.title"), answer.year)))
}
