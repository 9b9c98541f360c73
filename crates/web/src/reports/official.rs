//! `/reports/official`: the statistics bureau's published figures for a month and indicator,
//! region by region, beside the platform's own estimate from the firms' reports (the
//! above-scale set's cumulative 1—N月 value and its same-caliber growth), and the upload of a
//! release table by the city's analysts (all or nothing: a release is small and must be whole).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use xinzhi_domain::reporting::OfficialMeasure;
use xinzhi_domain::{Lang, Localize, Permission, RegionLevel};
use xinzhi_ingest::{RegionRef, read_official};
use xinzhi_store::{OfficialFigure, Scope};

use crate::AppState;
use crate::kit::auth::{Caller, MAX_UPLOAD_BYTES};
use crate::kit::error::PageError;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::parse_optional_month;
use xinzhi_app::clock::current_month;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/official", get(view_official_get).post(view_official_post))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
}

/// City and district staff compare; the city's analysts import.
fn may_see(caller: &Caller) -> bool {
    matches!(caller.scope(), Scope::City | Scope::District(_))
}

fn may_import(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ConfigureReporting) && *caller.scope() == Scope::City
}

pub struct RegionLine {
    pub name: String,
    pub official_month: String,
    pub official_cumulative: String,
    pub official_growth: String,
    pub platform_cumulative: String,
    pub platform_growth: String,
    /// Platform growth minus official growth, in percentage points.
    pub gap: String,
}

pub struct IndicatorOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/official.html")]
pub struct OfficialPage {
    tr: Tr,
    layout: Layout,
    period: String,
    period_label: String,
    indicators: Vec<IndicatorOption>,
    lines: Vec<RegionLine>,
    can_import: bool,
    problems: Vec<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct OfficialQuery {
    period: Option<String>,
    indicator: Option<String>,
    done: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: OfficialQuery,
    problems: Vec<String>,
) -> Result<OfficialPage, PageError> {
    if !may_see(caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let period = parse_optional_month(lang, query.period.as_deref())
        .map_err(|e| PageError::invalid(lang, e))?
        .unwrap_or_else(|| current_month().prev());
    let catalogue = state.store.list_indicators().await.map_err(store_error)?;
    let code = query.indicator.unwrap_or_else(|| "gross_output".into());
    let indicator = catalogue.iter().find(|i| i.def.code.as_str() == code).ok_or_else(|| PageError::not_found(lang))?;
    let figures = state.store.official_figures(indicator.indicator_id, period).await.map_err(store_error)?;
    let regions = state.store.list_regions().await.map_err(store_error)?;
    let mut lines = Vec::new();
    for region in &regions {
        let scope = match region.level {
            RegionLevel::Prefecture | RegionLevel::Province => Scope::City,
            _ => Scope::District(region.region_id),
        };
        if *caller.scope() != Scope::City && *caller.scope() != scope {
            continue;
        }
        let figure = |measure: OfficialMeasure| {
            figures.iter().find(|f| f.region_id == region.region_id && f.measure == measure).map(|f| f.value)
        };
        let platform = crate::kit::engine::year_to_date(state, &scope, &code, period)
            .await
            .map_err(|e| crate::kit::engine::page_error(lang, e))?;
        let official_growth = figure(OfficialMeasure::CumulativeGrowth);
        let platform_growth = platform.growth_percent();
        let decimals = indicator.def.decimals;
        let dash = || "—".to_owned();
        lines.push(RegionLine {
            name: tr.pick(&region.name_zh, &region.name_en).to_owned(),
            official_month: figure(OfficialMeasure::Month).map_or_else(dash, |v| tr.number(v, decimals)),
            official_cumulative: figure(OfficialMeasure::Cumulative).map_or_else(dash, |v| tr.number(v, decimals)),
            official_growth: official_growth.map_or_else(dash, |v| tr.percent(v)),
            platform_cumulative: tr.number(platform.current, decimals),
            platform_growth: platform_growth.map_or_else(dash, |v| tr.percent(v)),
            gap: match (platform_growth, official_growth) {
                (Some(p), Some(o)) => format!("{} pp", tr.number(p - o, 1)),
                _ => dash(),
            },
        });
    }
    Ok(OfficialPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "reports", caller),
        period: period.to_string(),
        period_label: period.year_to_date().label(lang),
        indicators: catalogue
            .iter()
            .filter(|i| i.active)
            .map(|i| IndicatorOption {
                code: i.def.code.to_string(),
                name: i.def.name(lang).to_owned(),
                selected: i.def.code.as_str() == code,
            })
            .collect(),
        lines,
        can_import: may_import(caller),
        problems,
        notice: query.done.map(|n| tr.f("official.imported", &[("n", n.as_str())])),
    })
}

async fn view_official_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<OfficialQuery>,
) -> Result<OfficialPage, PageError> {
    page(&state, &caller, lang, &uri, query, Vec::new()).await
}

/// Multipart: `csrf`, `period` (for tables without a period column), `file`.
async fn view_official_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    multipart: Multipart,
) -> Result<Response, PageError> {
    if !may_import(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let form = crate::kit::files::read_upload_form(multipart).await;
    let (period_text, file, failure) = match form {
        Ok(form) => (form.period, form.file.map(|(_, bytes)| bytes).unwrap_or_default(), None),
        Err(reason) => (None, Bytes::new(), Some(format!("{}: {reason}", tr.t("import.upload_failed")))),
    };
    // A month that does not parse counts as none: the table's own period column decides.
    let period = parse_optional_month(lang, period_text.as_deref()).ok().flatten();
    let refuse = |problems: Vec<String>| async {
        let query = OfficialQuery { period: period.map(|p| p.to_string()), ..OfficialQuery::default() };
        let page = page(&state, &caller, lang, &uri, query, problems).await?;
        Ok::<Response, PageError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    if let Some(failure) = failure {
        return refuse(vec![failure]).await;
    }
    if file.is_empty() {
        return refuse(vec![tr.t("import.no_file").to_owned()]).await;
    }
    let grid = match xinzhi_app::imports::read_upload(&file).await {
        Ok(grid) => grid,
        Err(e) => return refuse(vec![e.message(lang)]).await,
    };
    let regions = state.store.list_regions().await.map_err(store_error)?;
    let region_refs: Vec<RegionRef> =
        regions.iter().map(|r| RegionRef { code: r.code.to_string(), name_zh: r.name_zh.clone() }).collect();
    let set = state.store.data_set(xinzhi_store::reports::MONTHLY).await.map_err(store_error)?;
    let catalogue = state.store.list_indicators().await.map_err(store_error)?;
    let (rows, problems) = match read_official(&grid, &region_refs, &xinzhi_app::imports::indicator_refs(&set), period)
    {
        Ok(read) => read,
        Err(problem) => return refuse(vec![problem.message(lang)]).await,
    };
    if !problems.is_empty() {
        return refuse(problems.iter().map(|p| p.message(lang)).collect()).await;
    }
    let figures: Vec<OfficialFigure> = rows
        .iter()
        .filter_map(|row| {
            let indicator = catalogue.iter().find(|i| i.def.code.as_str() == row.indicator)?;
            Some(OfficialFigure {
                region_id: regions.get(row.region)?.region_id,
                indicator_id: indicator.indicator_id,
                period: row.period,
                measure: row.measure,
                value: row.value,
            })
        })
        .collect();
    state.store.save_official_figures(caller.scope(), &figures, &caller.actor()).await.map_err(store_error)?;
    let first = rows.first();
    let target = format!(
        "/reports/official?period={}&indicator={}&done={}",
        first.map_or_else(|| current_month().prev().to_string(), |r| r.period.to_string()),
        first.map_or("gross_output", |r| r.indicator.as_str()),
        figures.len()
    );
    Ok(Redirect::to(&target).into_response())
}
