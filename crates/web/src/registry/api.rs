//! The JSON API under `/api/v1/`. Handlers are verb_noun; errors are [`ApiError`] bodies
//! `{"error": {"code", "field", "message"}}` in the request's language.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, Lang, Month};
use xinzhi_store::*;

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::language::Language;
use crate::kit::query::EnterpriseQuery;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/overview", get(get_overview))
        .route("/regions", get(list_regions))
        .route("/parks", get(list_parks))
        .route("/indicators", get(list_indicators))
        .route("/enterprises", get(list_enterprises))
        .route("/enterprises/{credit_code}", get(get_enterprise))
        .route("/enterprises/{credit_code}/values", get(list_enterprise_values))
        .route("/chains", get(list_chains))
        .route("/chains/{code}", get(get_chain))
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// `GET /api/v1/overview`: the caller's scope at a glance: firms and above-scale firms, counts by district, park and ladder tier, and the first and last month with values.
async fn get_overview(State(state): State<AppState>, Language(lang): Language, caller: Caller) -> ApiResult<Overview> {
    state.store.overview(caller.scope()).await.map(Json).map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/regions`: the city and its districts and counties.
async fn list_regions(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> ApiResult<Vec<Region>> {
    state.store.list_regions().await.map(Json).map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/parks`: the parks, with the district each lies in.
async fn list_parks(State(state): State<AppState>, Language(lang): Language, _caller: Caller) -> ApiResult<Vec<Park>> {
    state.store.list_parks().await.map(Json).map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/indicators`: the indicator catalogue in form order (code, names, unit, flow or stock).
async fn list_indicators(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> ApiResult<Vec<Indicator>> {
    state.store.list_indicators().await.map(Json).map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/enterprises?q=&district=&park=&industry=&above_scale=&tier=&limit=&offset=`: the firms in the caller's scope, filtered and paged (`{"total", "items"}`).
async fn list_enterprises(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<EnterpriseQuery>,
) -> ApiResult<PageOf<EnterpriseSummary>> {
    let filter = query.filter(lang).map_err(ApiError::Invalid)?;
    let page = query.page(lang).map_err(ApiError::Invalid)?;
    state
        .store
        .search_enterprises(caller.scope(), &filter, page)
        .await
        .map(Json)
        .map_err(|e| ApiError::from_store(lang, e))
}

fn credit_code(lang: Lang, text: &str) -> Result<CreditCode, ApiError> {
    CreditCode::parse(text).map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))
}

/// An enterprise with its memberships over time and its designations.
#[derive(Serialize)]
struct EnterpriseRecord {
    #[serde(flatten)]
    enterprise: Enterprise,
    memberships: Vec<MembershipView>,
    designations: Vec<Designation>,
}

/// `GET /api/v1/enterprises/{credit_code}`: one firm's record with its memberships and designations (404 outside the caller's scope).
async fn get_enterprise(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<EnterpriseRecord> {
    let code = credit_code(lang, &code)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let enterprise = crate::kit::auth::visible_enterprise(&state, &caller, &code).await.map_err(store_error)?;
    let memberships =
        state.store.memberships_of(caller.scope(), enterprise.enterprise_id).await.map_err(store_error)?;
    let designations =
        state.store.designations_of(caller.scope(), enterprise.enterprise_id).await.map_err(store_error)?;
    Ok(Json(EnterpriseRecord { enterprise, memberships, designations }))
}

#[derive(Deserialize)]
struct ValuesQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct ValueItem {
    period: Month,
    indicator: String,
    value: f64,
    revision: i64,
    source: String,
}

/// `GET /api/v1/enterprises/{credit_code}/values?from=2024-01&to=2024-12`; without a range,
/// the last twelve months with data.
async fn list_enterprise_values(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(code): Path<String>,
    Query(query): Query<ValuesQuery>,
) -> ApiResult<Vec<ValueItem>> {
    let code = credit_code(lang, &code)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let month = |field: &'static str, text: &Option<String>| -> Result<Option<Month>, ApiError> {
        text.as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Month::parse(t).map_err(|e| ApiError::Invalid(FieldError::from_domain(field, &e, lang))))
            .transpose()
    };
    let (from, to) = (month("from", &query.from)?, month("to", &query.to)?);
    let enterprise = crate::kit::auth::visible_enterprise(&state, &caller, &code).await.map_err(store_error)?;
    let last = match to {
        Some(t) => t,
        None => match state.store.value_months().await.map_err(store_error)? {
            Some(span) => span.last,
            None => return Ok(Json(Vec::new())),
        },
    };
    let first = from.unwrap_or_else(|| last.plus(-11));
    if first > last {
        return Err(ApiError::Invalid(FieldError::new(
            "from",
            "period.order",
            lang.pick("起始月份不能晚于截止月份", "'from' must not be later than 'to'").to_owned(),
        )));
    }
    let indicators = state.store.list_indicators().await.map_err(store_error)?;
    let values = state
        .store
        .values_of(caller.scope(), enterprise.enterprise_id, MonthRange::new(first, last))
        .await
        .map_err(store_error)?;
    Ok(Json(
        values
            .into_iter()
            .map(|v| ValueItem {
                period: v.period,
                indicator: indicators
                    .iter()
                    .find(|i| i.indicator_id == v.indicator_id)
                    .map_or_else(String::new, |i| i.def.code.as_str().to_owned()),
                value: v.value,
                revision: v.revision,
                source: v.source,
            })
            .collect(),
    ))
}

#[derive(Serialize)]
struct ClusterItem {
    #[serde(flatten)]
    cluster: Cluster,
    chains: Vec<Chain>,
}

/// `GET /api/v1/chains`: the industrial chains with their clusters and segments.
async fn list_chains(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> ApiResult<Vec<ClusterItem>> {
    let clusters = state.store.list_clusters().await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(Json(clusters.into_iter().map(|(cluster, chains)| ClusterItem { cluster, chains }).collect()))
}

/// `GET /api/v1/chains/{code}`: one chain's map: segments and the firms placed in them.
async fn get_chain(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<ChainMap> {
    state.store.chain_map(caller.scope(), &code).await.map(Json).map_err(|e| ApiError::from_store(lang, e))
}
